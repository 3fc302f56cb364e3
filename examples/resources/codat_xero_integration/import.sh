# The Xero integration is a singleton, imported by Xero's platform key. The secret cannot be read back, so the
# next apply stores the configured secret once.
terraform import codat_xero_integration.this gbol
