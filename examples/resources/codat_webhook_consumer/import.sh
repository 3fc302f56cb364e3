# A webhook consumer is imported by its id (GET /webhooks lists them).
terraform import codat_webhook_consumer.onboarding 8a210b68-6988-11ed-a1eb-0242ac120002
