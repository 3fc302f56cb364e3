resource "codat_company" "acme" {
  name = "Acme Bakery Ltd"
}

resource "codat_connection" "xero" {
  company_id = codat_company.acme.id
}

# Until the customer has authorised Xero through the connection's link_url, linked is false, the other
# attributes are null and the read warns.
data "codat_bank_feed_company_info" "acme" {
  company_id    = codat_company.acme.id
  connection_id = codat_connection.xero.id
}

# The Xero organisation name to show the customer, as Xero's bank-feeds certification asks.
output "acme_xero_organisation" {
  value = data.codat_bank_feed_company_info.acme.company_name
}

check "acme_books_in_gbp" {
  assert {
    condition     = !data.codat_bank_feed_company_info.acme.linked || data.codat_bank_feed_company_info.acme.base_currency == "GBP"
    error_message = "Acme's Xero organisation keeps its books in ${coalesce(data.codat_bank_feed_company_info.acme.base_currency, "?")}, not GBP: its GBP feeds need multi-currency."
  }
}
