# One SMB customer: a Codat company, its Xero connection, the customer's source bank accounts and
# a read-back of how far the customer has got with mapping them. The quickstart calls this module once per
# customer; every reference below names an object of the same customer.
terraform {
  required_providers {
    codat = {
      source = "terraform-codat/codat"
    }
  }
}

variable "key" {
  description = "Your key for the customer; it goes into the company's tags and the source account ids."
  type        = string
}

variable "name" {
  description = "The customer's business name."
  type        = string
}

variable "accounts" {
  description = "The customer's bank accounts, by your own key for each account."
  type = map(object({
    type    = string
    number  = string
    balance = number
  }))
}

resource "codat_company" "this" {
  name        = var.name
  description = "Quickstart customer ${var.key}"
  tags        = { customer = var.key }
}

resource "codat_connection" "xero" {
  company_id = codat_company.this.id
}

resource "codat_bank_feed_account" "account" {
  for_each       = var.accounts
  company_id     = codat_company.this.id
  connection_id  = codat_connection.xero.id
  account_id     = "${var.key}-${each.key}"
  account_name   = "${var.name} ${title(each.key)}"
  account_type   = each.value.type
  account_number = each.value.number
  sort_code      = "040004"
  currency       = "GBP"
  balance        = each.value.balance
}

variable "read_mapping_after" {
  description = "Objects the mapping read-back waits for: pass the codat_bank_feed_account_mapping resources that map this customer's accounts outside the module, so that it reports them after they are made."
  type        = any
  default     = []
}

# Read on every plan: has the customer authorised Xero and mapped their accounts yet?
data "codat_bank_feed_mapping" "this" {
  company_id    = codat_company.this.id
  connection_id = codat_connection.xero.id
  depends_on    = [codat_bank_feed_account.account, var.read_mapping_after]
}

output "company_id" {
  description = "Codat's id of the customer's company."
  value       = codat_company.this.id
}

output "connection_id" {
  description = "Codat's id of the customer's Xero connection."
  value       = codat_connection.xero.id
}

output "mapping" {
  description = "The customer's bank-feed mapping: link_url, connection_status, accounts and the connected counts."
  value       = data.codat_bank_feed_mapping.this
}
