variable "company_id" {
  type        = string
  description = "Id of a Codat company created outside this configuration."
}

# The company's Xero connection, found by platform key.
data "codat_connection" "xero" {
  company_id   = var.company_id
  platform_key = "gbol"
}

output "xero_link_url" {
  value = data.codat_connection.xero.link_url
}
