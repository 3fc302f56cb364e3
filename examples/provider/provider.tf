terraform {
  required_providers {
    codat = {
      source = "terraform-codat/codat"
    }
  }
}

# The API key comes from the CODAT_API_KEY environment variable, which keeps it out of saved plans. (A variable
# holding it must be ephemeral, not only sensitive: see Authentication below.)
provider "codat" {}
