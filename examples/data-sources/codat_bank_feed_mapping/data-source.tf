# Every customer with a Xero connection, from one list of the Codat client's companies.
data "codat_companies" "all" {}

locals {
  xero_customers = flatten([
    for c in data.codat_companies.all.companies : [
      for conn in c.connections : { name = c.name, company_id = c.id, connection_id = conn.id } if conn.platform_key == "gbol"
    ]
  ])
}

# One read per customer, of how far they have got with mapping their accounts. Read after what it reports on:
# when this configuration also manages the source accounts (codat_bank_feed_account) or mappings
# (codat_bank_feed_account_mapping), list them in depends_on, or it shows them as they were before this run.
data "codat_bank_feed_mapping" "customer" {
  count         = length(local.xero_customers)
  company_id    = local.xero_customers[count.index].company_id
  connection_id = local.xero_customers[count.index].connection_id
}

# Warns (without failing the run) until every customer has connected every account.
check "customers_bank_feeds_connected" {
  assert {
    condition     = alltrue(data.codat_bank_feed_mapping.customer[*].all_connected)
    error_message = "Accounts not connected yet: ${join(", ", [for i, m in data.codat_bank_feed_mapping.customer : "${local.xero_customers[i].name} (${m.pending_count}, send ${m.link_url})" if !m.all_connected])}"
  }
}

output "customer_mappings" {
  value = {
    for i, m in data.codat_bank_feed_mapping.customer : local.xero_customers[i].name => {
      connection = m.connection_status
      accounts   = { for a in m.accounts : a.source_account_id => a.status }
    }
  }
}
