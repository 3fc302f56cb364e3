resource "codat_company" "acme" {
  name = "Acme Bakery Ltd"
}

resource "codat_connection" "xero" {
  company_id = codat_company.acme.id
}

resource "codat_bank_feed_account" "current" {
  company_id     = codat_company.acme.id
  connection_id  = codat_connection.xero.id
  account_id     = "acme-current-001"
  account_name   = "Acme Current Account"
  account_type   = "checking"
  account_number = "12345678"
  sort_code      = "040004"
  currency       = "GBP"
  balance        = 1520.35
}

# Read after what it reports on: the source accounts, and any codat_bank_feed_account_mapping of
# this connection (list them in depends_on too), or it shows them as they were before this run.
data "codat_bank_feed_mapping" "acme" {
  company_id    = codat_company.acme.id
  connection_id = codat_connection.xero.id
  depends_on    = [codat_bank_feed_account.current]
}

# Warns (without failing the run) until the customer has connected every account.
check "acme_bank_feeds_connected" {
  assert {
    condition     = data.codat_bank_feed_mapping.acme.all_connected
    error_message = "${data.codat_bank_feed_mapping.acme.pending_count} account(s) not connected yet; send ${data.codat_bank_feed_mapping.acme.link_url}"
  }
}

output "acme_mapping" {
  value = {
    link_url   = data.codat_bank_feed_mapping.acme.link_url
    connection = data.codat_bank_feed_mapping.acme.connection_status
    accounts   = { for a in data.codat_bank_feed_mapping.acme.accounts : a.source_account_id => a.status }
  }
}
