package contract_test

import (
	"strings"
	"testing"

	"github.com/terraform-codat/terraform-provider-codat/internal/contract"
)

func TestWebhooksCheck(t *testing.T) {
	w := contract.WebhooksForTest(t)
	const connection = `{"id":"ee2eb431-c0fa-4dc9-93fa-d29781c12bcd","integrationId":"bf083d72-62c7-493e-aec9-81b4dbba7e2c",
		"integrationKey":"gbol","sourceId":"bdd831ce-eebd-4896-89a7-20e5ee8989ee","platformName":"Xero",
		"linkUrl":"https://link-api.codat.io/companies/0498e921-9b53-4396-a412-4f2f5983b0a2/connections/ee2eb431-c0fa-4dc9-93fa-d29781c12bcd/start",
		"status":"Linked","created":"2022-10-27T09:53:29Z","sourceType":"Accounting"}`
	valid := `{"id":"ba29118f-5406-4e59-b05c-ba307ca38d01","eventType":"connection.connected","generatedDate":"2024-08-08T17:10:34.015Z",
		"payload":{"referenceCompany":{"id":"0498e921-9b53-4396-a412-4f2f5983b0a2","name":"Bank of Dave","tags":{"region":"uk"}},
		"connection":` + connection + `}}`
	if err := w.Check("connection.connected", []byte(valid)); err != nil {
		t.Errorf("a body like Codat's example: %v", err)
	}
	account := `{"id":"ba29118f-5406-4e59-b05c-ba307ca38d01","eventType":"bankFeeds.sourceAccount.connected","generatedDate":"2024-08-08T17:10:34Z",
		"payload":{"referenceCompany":{"id":"0498e921-9b53-4396-a412-4f2f5983b0a2","name":"Bank of Dave"},
		"connectionId":"2e9d2c44-f675-40ba-8049-353bfcb5e171",
		"sourceAccount":{"id":"acc-002","accountName":"Current","accountType":"checking","accountNumber":"12345678",
		"sortCode":"040004","currency":"GBP","balance":99.99,"modifiedDate":"2023-01-09T14:14:14Z","status":"connected"}}}`
	if err := w.Check("bankFeeds.sourceAccount.connected", []byte(account)); err != nil {
		t.Errorf("a source account webhook: %v", err)
	}

	for name, tc := range map[string]struct{ event, body, want string }{
		"connection without its required fields": {"connection.connected",
			`{"id":"ba29118f-5406-4e59-b05c-ba307ca38d01","eventType":"connection.connected","payload":{"connection":{"id":"ee2eb431-c0fa-4dc9-93fa-d29781c12bcd"}}}`,
			`"linkUrl" is missing`},
		"status outside the enum": {"connection.connected", strings.Replace(valid, `"Linked"`, `"Connected"`, 1), `/payload/connection/status`},
		"balance not a number":    {"bankFeeds.sourceAccount.connected", strings.Replace(account, `99.99`, `"lots"`, 1), `balance`},
		"unknown event":           {"connection.exploded", valid, `no webhook "connection.exploded"`},
		"not JSON":                {"connection.connected", `{`, `not JSON`},
	} {
		err := w.Check(tc.event, []byte(tc.body))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error containing %q", name, err, tc.want)
		}
	}
}
