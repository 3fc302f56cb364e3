variable "xero_client_id" {
  description = "Client id of the Xero app (Xero Developer: My Apps > your app > Configuration)."
  type        = string
}

variable "xero_client_secret" {
  description = "A client secret generated for the Xero app. Ephemeral: Terraform keeps it in no plan or state."
  type        = string
  sensitive   = true
  ephemeral   = true
}

resource "codat_xero_integration" "this" {
  client_id        = var.xero_client_id
  client_secret_wo = var.xero_client_secret
  # Increase after generating a new secret in Xero Developer: that sends the new secret to Codat.
  client_secret_wo_version = 1

  enabled = true
  access  = "continuous"

  # Destroy leaves the integration and its credentials in Codat unless these opt in; they act for every customer
  # of the Codat client at once.
  # disable_on_destroy            = true
  # delete_credentials_on_destroy = true
}
