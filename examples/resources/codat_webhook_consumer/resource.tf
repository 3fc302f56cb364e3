# Tells your onboarding service when a customer authorises Xero and connects a bank account, for the
# companies tagged region = uk (codat_company's tags).
resource "codat_webhook_consumer" "onboarding" {
  url = "https://hooks.example.com/codat"
  event_types = [
    "connection.connected",
    "connection.disconnected",
    "bankFeeds.sourceAccount.connected",
    "bankFeeds.sourceAccount.disconnected",
  ]
  company_tags = ["region:uk"]

  # Codat cannot update a consumer: a change replaces it. Create the new one first so no event is missed.
  lifecycle {
    create_before_destroy = true
  }
}

output "webhook_consumer_id" {
  value = codat_webhook_consumer.onboarding.id
}
