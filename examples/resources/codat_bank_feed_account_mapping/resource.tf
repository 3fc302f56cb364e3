variable "company_id" {
  type        = string
  description = "Id of the customer's Codat company, onboarded outside this configuration."
}

# The company's Xero connection, found by platform key.
data "codat_connection" "xero" {
  company_id   = var.company_id
  platform_key = "gbol"
}

# Once the customer has authorised Xero (the connection is Linked), map their source account acme-current-001
# (a codat_bank_feed_account) without them. Without target_account_id, the account feeds the Xero account with
# the source account's name, which Codat creates if there is none. Set feed_start_date (YYYY-MM-DD, at most one year
# back) to choose the first day fed; changing it later maps the account again, into the same Xero account.
resource "codat_bank_feed_account_mapping" "current" {
  company_id        = var.company_id
  connection_id     = data.codat_connection.xero.id
  source_account_id = "acme-current-001"

  timeouts {
    create = "5m"
  }
}

# Read the mapping back after the mappings it reports on: without depends_on, Terraform may read it
# before they are made, and it shows them pending until the next run.
data "codat_bank_feed_mapping" "acme" {
  company_id    = var.company_id
  connection_id = data.codat_connection.xero.id
  depends_on    = [codat_bank_feed_account_mapping.current]
}

output "acme_feeds" {
  value = { for a in data.codat_bank_feed_mapping.acme.accounts : a.source_account_id => a.status }
}
