# A connection is imported as <company_id>/<connection_id>.
terraform import codat_connection.xero 3fa85f64-5717-4562-b3fc-2c963f66afa6/51baa045-4836-4317-a42e-3542e991e581
