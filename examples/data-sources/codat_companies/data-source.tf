# The customers onboarded for the UK team, with their Xero connections.
data "codat_companies" "uk" {
  tags = { region = "uk" }
}

# One customer by its exact name.
data "codat_companies" "acme" {
  name = "Acme Bakery Ltd"
}

output "uk_customers" {
  value = {
    for c in data.codat_companies.uk.companies : c.id => {
      name = c.name
      xero = [for conn in c.connections : conn.status if conn.platform_key == "gbol"]
    }
  }
}

output "acme_ids" {
  value = data.codat_companies.acme.companies[*].id
}
