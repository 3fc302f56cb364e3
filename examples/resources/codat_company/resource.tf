# One Codat company per SMB customer.
resource "codat_company" "acme" {
  name        = "Acme Bakery Ltd"
  description = "CRM account 10042"

  tags = {
    crm_id = "10042"
    region = "uk"
  }
}
