import {
  to = codat_xero_integration.this
  id = "gbol"
}
