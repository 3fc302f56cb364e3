# A customer onboarded before Terraform, found by name, with its Xero connection.
data "codat_companies" "acme" {
  name = "Acme Bakery Ltd"
}

locals {
  acme      = one(data.codat_companies.acme.companies)
  acme_xero = one([for c in local.acme.connections : c if c.platform_key == "gbol"])
}

# The connection's source accounts, as an import of each would record them.
data "codat_bank_feed_accounts" "acme" {
  company_id    = local.acme.id
  connection_id = local.acme_xero.id
}

# Each account's import ID (for import blocks, see the guide Adopting existing customers), feed status and
# Codat's balance.
output "acme_accounts" {
  value = {
    for a in data.codat_bank_feed_accounts.acme.accounts : a.account_id => {
      import_id = a.id
      status    = a.status
      balance   = "${a.current_balance} ${a.currency}"
    }
  }
}
