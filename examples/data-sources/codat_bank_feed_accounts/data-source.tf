variable "company_id" {
  type        = string
  description = "Id of a Codat company onboarded outside this configuration."
}

# The company's Xero connection, found by platform key.
data "codat_connection" "xero" {
  company_id   = var.company_id
  platform_key = "gbol"
}

# The connection's source accounts, as an import of each would record them.
data "codat_bank_feed_accounts" "existing" {
  company_id    = var.company_id
  connection_id = data.codat_connection.xero.id
}

# Each account's import ID (for import blocks: see the guide Adopting existing customers), feed status and
# Codat's balance.
output "accounts" {
  value = {
    for a in data.codat_bank_feed_accounts.existing.accounts : a.account_id => {
      import_id = a.id
      status    = a.status
      balance   = "${a.current_balance} ${a.currency}"
    }
  }
}
