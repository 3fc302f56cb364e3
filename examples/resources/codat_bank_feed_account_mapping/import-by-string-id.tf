import {
  to = codat_bank_feed_account_mapping.current
  id = "3fa85f64-5717-4562-b3fc-2c963f66afa6/51baa045-4836-4317-a42e-3542e991e581/acme-current-001"
}
