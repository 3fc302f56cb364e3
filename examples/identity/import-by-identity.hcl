# Import blocks that name each object by its resource identity (Terraform 1.12 or later).

import {
  to = codat_company.acme
  identity = {
    id = "8a210b68-6988-11ed-a1eb-0242ac120002"
  }
}

import {
  to = codat_connection.acme_xero
  identity = {
    company_id = "8a210b68-6988-11ed-a1eb-0242ac120002"
    id         = "2e9d2c44-f675-40ba-8049-353bfcb5e171"
  }
}

import {
  to = codat_bank_feed_account.acme_current
  identity = {
    company_id    = "8a210b68-6988-11ed-a1eb-0242ac120002"
    connection_id = "2e9d2c44-f675-40ba-8049-353bfcb5e171"
    account_id    = "acme-current-0001"
  }
}

import {
  to = codat_bank_feed_account_mapping.acme_current
  identity = {
    company_id        = "8a210b68-6988-11ed-a1eb-0242ac120002"
    connection_id     = "2e9d2c44-f675-40ba-8049-353bfcb5e171"
    source_account_id = "acme-current-0001"
  }
}

import {
  to = codat_webhook_consumer.progress
  identity = {
    id = "b2c3d4e5-6f70-4a81-92b3-c4d5e6f70819"
  }
}

# The Xero integration is a singleton: its identity may be left empty.
import {
  to       = codat_xero_integration.this
  identity = {}
}
