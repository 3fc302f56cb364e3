# A company is imported by its Codat id.
terraform import codat_company.acme 3fa85f64-5717-4562-b3fc-2c963f66afa6
