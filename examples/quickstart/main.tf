# Quickstart: run `make demo` from the repository root to apply this against the embedded Codat sandbox.
# Against real Codat, set CODAT_API_KEY and run terraform in this folder.
terraform {
  required_version = ">= 1.11"
  required_providers {
    codat = {
      source = "terraform-codat/codat"
    }
  }
}

provider "codat" {}

# Xero's integration in your Codat client.
data "codat_integration" "xero" {
  platform_key = "gbol"
}

output "xero_integration" {
  description = "The Xero integration Codat offers your customers."
  value = {
    name           = data.codat_integration.xero.name
    enabled        = data.codat_integration.xero.enabled
    integration_id = data.codat_integration.xero.integration_id
  }
}
