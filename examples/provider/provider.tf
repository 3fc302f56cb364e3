terraform {
  required_providers {
    codat = {
      source = "terraform-codat/codat"
    }
  }
}

# The API key is best supplied through the CODAT_API_KEY environment variable.
provider "codat" {}
