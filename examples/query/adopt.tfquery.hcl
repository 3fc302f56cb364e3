# Every company, every Xero connection and every source account of the Codat client, for
# terraform query -generate-config-out=adopted.tf (Terraform 1.14 or later). Put this file beside the
# configuration that declares the codat provider.

list "codat_company" "all" {
  provider = codat
  limit    = 5000
}

list "codat_connection" "xero" {
  provider = codat
  limit    = 5000

  config {
    platform_key = "gbol"
  }
}

list "codat_bank_feed_account" "all" {
  provider = codat
  limit    = 10000
}
