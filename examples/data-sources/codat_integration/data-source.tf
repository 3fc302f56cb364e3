data "codat_integration" "xero" {
  platform_key = "gbol"
}

output "xero_enabled" {
  value = data.codat_integration.xero.enabled
}
