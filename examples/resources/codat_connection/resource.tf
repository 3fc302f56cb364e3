resource "codat_company" "acme" {
  name = "Acme Bakery Ltd"
}

# The customer's Xero connection. Send them link_url to authorise Xero and map their bank accounts.
resource "codat_connection" "xero" {
  company_id = codat_company.acme.id
}

output "acme_link_url" {
  value = codat_connection.xero.link_url
}
