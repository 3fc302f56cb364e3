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

# Once the customer has authorised Xero (the connection is Linked), map the account without them.
# Without target_account_id, the account feeds the Xero account named "Acme Current Account", which
# Codat creates if there is none. Set feed_start_date (YYYY-MM-DD, at most one year back) to choose
# the first day fed; changing it later maps the account again, into the same Xero account.
resource "codat_bank_feed_account_mapping" "current" {
  company_id        = codat_company.acme.id
  connection_id     = codat_connection.xero.id
  source_account_id = codat_bank_feed_account.current.account_id

  timeouts {
    create = "5m"
  }
}

# Read the mapping back after the mappings it reports on: without depends_on, Terraform may read it
# before they are made, and it shows them pending until the next run.
data "codat_bank_feed_mapping" "acme" {
  company_id    = codat_company.acme.id
  connection_id = codat_connection.xero.id
  depends_on    = [codat_bank_feed_account_mapping.current]
}

output "acme_feeds" {
  value = { for a in data.codat_bank_feed_mapping.acme.accounts : a.source_account_id => a.status }
}
