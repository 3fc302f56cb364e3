# The companies of one customer segment, found by their tags, and the source accounts of one company.

list "codat_company" "lending" {
  provider         = codat
  include_resource = true

  config {
    tags = {
      team = "lending"
    }
  }
}

list "codat_bank_feed_account" "acme" {
  provider = codat

  config {
    company_id = "8a210b68-6988-11ed-a1eb-0242ac120002"
  }
}
