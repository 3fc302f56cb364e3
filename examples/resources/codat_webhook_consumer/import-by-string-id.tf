import {
  to = codat_webhook_consumer.onboarding
  id = "8a210b68-6988-11ed-a1eb-0242ac120002"
}
