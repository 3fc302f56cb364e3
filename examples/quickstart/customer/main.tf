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
  description = "Your key for the customer; it goes into the company's `customer` tag and the default source account ids."
  type        = string
}

variable "name" {
  description = "The customer's business name."
  type        = string
}

variable "description" {
  description = "The company's description. Null (the default) gives \"Quickstart customer <key>\"; \"\" gives a company without one."
  type        = string
  default     = null
}

variable "tags" {
  description = "More tags for the company, besides `customer = <key>`, which the module always sets."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "accounts" {
  description = <<-EOT
    The customer's bank accounts, by your own key for each account. Only type, number and balance are required; the
    rest default to the quickstart's conventions: id "<key>-<account key>", name "<name> <Account key>", currency
    GBP, sort code 040004 for a GBP account (none otherwise), no routing or account information.
  EOT
  type = map(object({
    type      = string
    number    = string
    balance   = number
    id        = optional(string)
    name      = optional(string)
    currency  = optional(string, "GBP")
    sort_code = optional(string)
    routing_info = optional(object({
      bank_code = string
      type      = optional(string)
    }))
    account_info = optional(object({
      description       = optional(string)
      nickname          = optional(string)
      account_open_date = optional(string)
      available_balance = optional(number)
    }))
  }))
}

resource "codat_company" "this" {
  name        = var.name
  description = var.description == null ? "Quickstart customer ${var.key}" : (var.description == "" ? null : var.description)
  tags        = merge(var.tags, { customer = var.key })
}

resource "codat_connection" "xero" {
  company_id = codat_company.this.id
}

resource "codat_bank_feed_account" "account" {
  for_each       = var.accounts
  company_id     = codat_company.this.id
  connection_id  = codat_connection.xero.id
  account_id     = coalesce(each.value.id, "${var.key}-${each.key}")
  account_name   = coalesce(each.value.name, "${var.name} ${title(each.key)}")
  account_type   = each.value.type
  account_number = each.value.number
  sort_code      = each.value.sort_code != null ? each.value.sort_code : (each.value.currency == "GBP" ? "040004" : null)
  routing_info   = each.value.routing_info
  currency       = each.value.currency
  balance        = each.value.balance
  account_info   = each.value.account_info
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
