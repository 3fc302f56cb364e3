variable "company_id" {
  type        = string
  description = "Id of a Codat company created outside this configuration."
}

data "codat_company" "existing" {
  id = var.company_id
}

output "existing_company_products" {
  value = data.codat_company.existing.products
}
