# The Xero integration is a singleton, imported by Xero's platform key. The secret cannot be read back and the
# client id only masked, so the next apply stores the configured credentials once.
terraform import codat_xero_integration.this gbol
