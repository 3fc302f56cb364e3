package provider

import "slices"

// webhookEventTypes are the event types Codat documents for webhook consumers, in the order of its event
// catalogue, codatio/codat-docs docs/using-the-api/webhooks/event-types.md (platform-wide, then by solution),
// with the two product events of the Platform API description's webhooks (company.product.added and
// .removed, codat-docs static/oas/Codat-Platform.json) and the write events spelt out per data type
// (writeDataTypes). The catalogue writes `report.categorizedBankStatement.generate.successful` where Codat's
// webhook description (static/oas/Webhooks.json) writes `reports.…`; both spellings are accepted. Codat
// retired its legacy rule types (DataSyncCompleted and the like) on 2025-01-10
// (blog/241004-deprecation-legacy-webhook-event-types.md): they deliver nothing and are refused.
var webhookEventTypes = func() []string {
	types := []string{
		"company.created",
		"company.deleted",
		"company.product.added",
		"company.product.removed",
		"connection.created",
		"connection.connected",
		"connection.disconnected",
		"connection.reconnected",
		"connection.failed",
		"connection.deleted",
		"read.completed",
		"read.completed.initial",
	}
	for _, dataType := range writeDataTypes {
		types = append(types, dataType+".write.successful", dataType+".write.unsuccessful")
	}
	return append(types,
		"client.rateLimit.reached",
		"client.rateLimit.reset",
		"bankFeeds.sourceAccount.connected",
		"bankFeeds.sourceAccount.disconnected",
		"expenses.sync.successful",
		"expenses.sync.unsuccessful",
		"report.categorizedBankStatement.generate.successful",
		"reports.categorizedBankStatement.generate.successful",
		"reports.categorizedBankStatement.generate.unsuccessful",
		"AccountCategoriesUpdated",
		"reports.creditModel.generate.successful",
		"reports.creditModel.generate.unsuccessful",
		"reports.spendAnalysis.generate.successful",
		"reports.spendAnalysis.generate.unsuccessful",
	)
}()

// writeDataTypes are the data types of the `{dataType}.write.successful` and `.unsuccessful` events: the
// table "Supported data types and write types" of that webhook in Codat-Platform.json (the same 18 as in
// Webhooks.json).
var writeDataTypes = []string{
	"bankAccounts", "bankTransactions", "billCreditNotes", "billPayments", "bills", "chartOfAccounts",
	"creditNotes", "customers", "directCosts", "directIncomes", "invoices", "items", "journalEntries",
	"journals", "payments", "purchaseOrders", "suppliers", "transfers",
}

// webhookEventTypesDoc lists the event types for the schema description, the write events folded into one
// entry.
func webhookEventTypesDoc() string {
	var shown []string
	for _, e := range webhookEventTypes {
		if !slices.ContainsFunc(writeDataTypes, func(d string) bool { return e == d+".write.successful" || e == d+".write.unsuccessful" }) {
			shown = append(shown, e)
		}
	}
	return quotedList(shown) + ", and `{dataType}.write.successful` or `{dataType}.write.unsuccessful` for the " +
		"data types " + quotedList(writeDataTypes)
}
