resource "codat_company" "acme" {
  name = "Acme Bakery Ltd"
}

resource "codat_connection" "xero" {
  company_id = codat_company.acme.id
}

# A UK current account fed into the customer's Xero organisation.
resource "codat_bank_feed_account" "current" {
  company_id     = codat_company.acme.id
  connection_id  = codat_connection.xero.id
  account_id     = "acme-current-001"
  account_name   = "Acme Current Account"
  account_type   = "checking"
  account_number = "12345678"
  sort_code      = "040004"
  currency       = "GBP"
  balance        = 1520.35

  account_info = {
    nickname          = "Main account"
    account_open_date = "2021-03-01"
  }
}

# A US savings account with its routing number.
resource "codat_bank_feed_account" "usd" {
  company_id     = codat_company.acme.id
  connection_id  = codat_connection.xero.id
  account_id     = "acme-usd-002"
  account_name   = "Acme USD Savings"
  account_type   = "savings"
  account_number = "987654321"
  currency       = "USD"
  balance        = 250

  routing_info = {
    bank_code = "021000021"
    type      = "aba"
  }
}
