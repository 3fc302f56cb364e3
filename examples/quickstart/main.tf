# Quickstart: three SMB customers, each with a Codat company, a Xero connection and two source bank accounts,
# plus a read-back of how far each customer has got with mapping their accounts in Xero. One customer's objects
# live in the module in ./customer, called once per customer: this shape keeps Terraform's own work growing
# linearly with the number of customers (see BENCHMARKS.md).
#
# `make demo` (repository root) applies this against the embedded Codat sandbox. Against real Codat, set
# CODAT_API_KEY and run terraform init and apply here.
terraform {
  required_version = ">= 1.11"
  required_providers {
    codat = {
      source = "terraform-codat/codat"
    }
  }
}

provider "codat" {}

variable "xero_client_id" {
  description = "Client id of your Xero app (Xero Developer: My Apps > your app > Configuration)."
  type        = string
}

variable "xero_client_secret" {
  description = "A client secret generated for the Xero app. Ephemeral: it is kept in no plan or state file."
  type        = string
  sensitive   = true
  ephemeral   = true
}

# The Xero integration of your Codat client: the app's credentials (checked with Xero before they are stored),
# switched on, with continuous access to each customer's Xero organisation.
resource "codat_xero_integration" "this" {
  client_id                = var.xero_client_id
  client_secret_wo         = var.xero_client_secret
  client_secret_wo_version = 1
  access                   = "continuous"
}

locals {
  # One entry per SMB customer; the module below is called once for each.
  customers = {
    acme = {
      name = "Acme Bakery Ltd"
      accounts = {
        current = { type = "checking", number = "12345678", balance = 1520.35 }
        savings = { type = "savings", number = "12345679", balance = 10000 }
      }
    }
    toft = {
      name = "Toft Stores"
      accounts = {
        current = { type = "checking", number = "22345678", balance = 98.1 }
        savings = { type = "savings", number = "22345679", balance = 2500 }
      }
    }
    wren = {
      name = "Wren & Sons Joinery"
      accounts = {
        current = { type = "checking", number = "32345678", balance = 431.07 }
        savings = { type = "savings", number = "32345679", balance = 0 }
      }
    }
  }
}

# One module instance per customer, keyed by the customer's key in local.customers.
module "customer" {
  source   = "./customer"
  for_each = local.customers

  key      = each.key
  name     = each.value.name
  accounts = each.value.accounts
  # Optional per customer (an adopted customer has them: docs/guides/adopting-existing-customers.md).
  description = try(each.value.description, null)
  tags        = try(each.value.tags, {})

  # Customers can authorise Xero only once the integration is set up.
  depends_on = [codat_xero_integration.this]
}

check "bank_feeds_connected" {
  assert {
    condition     = alltrue([for c in module.customer : c.mapping.all_connected])
    error_message = "Not every customer has connected all bank accounts yet: send them their link_url (see output customers)."
  }
}

output "xero_integration" {
  description = "The Xero integration Codat offers your customers."
  value = {
    name           = codat_xero_integration.this.name
    enabled        = codat_xero_integration.this.enabled
    integration_id = codat_xero_integration.this.integration_id
  }
}

output "customers" {
  description = "Each customer's link to authorise Xero and map accounts, and their progress."
  value = {
    for k, c in module.customer : k => {
      link_url   = c.mapping.link_url
      connection = c.mapping.connection_status
      connected  = "${c.mapping.connected_count}/${c.mapping.connected_count + c.mapping.pending_count}"
      accounts   = { for a in c.mapping.accounts : a.source_account_id => a.target_account_name != null ? "${a.status} -> ${a.target_account_name}" : a.status }
    }
  }
}
