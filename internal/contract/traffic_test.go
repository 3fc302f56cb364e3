package contract

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

const (
	companyJSON = `{"id":"` + companyID + `","name":"Acme","description":"customer 42",` +
		`"redirect":"https://link.codat.io/company/` + companyID + `","created":"2024-05-01T10:00:00Z",` +
		`"lastSync":null,"products":["bank-feeds"],"tags":{"region":"uk"},"dataConnections":[]}`
	connectionJSON = `{"id":"` + connectionID + `","integrationId":"fd321cb6-7963-4506-b873-e99593a45e30",` +
		`"integrationKey":"gbol","sourceId":"35b92968-9851-4095-ad60-395c95cbcba4","sourceType":"Accounting",` +
		`"platformName":"Xero","linkUrl":"https://link-api.codat.io/companies/` + companyID + `/connections/` +
		connectionID + `/start","status":"PendingAuth","created":"2024-05-01T10:00:00Z","lastSync":null,` +
		`"dataConnectionErrors":null,"connectionInfo":null}`
	sourceAccountJSON = `{"id":"acc-001","accountName":"Business current","accountType":"checking",` +
		`"accountNumber":"12345670","sortCode":"040004","routingInfo":{"bankCode":"021001088","type":"bankcode"},` +
		`"currency":"GBP","balance":99.99,"accountInfo":{"description":null,"nickname":"main",` +
		`"accountOpenDate":"2023-05-06","availableBalance":10.5},"modifiedDate":"2024-08-02T00:00:00.000Z",` +
		`"status":"pending","feedStartDate":null}`
	errorJSON = `{"statusCode":404,"service":"PublicApi","error":"Company not found",` +
		`"correlationId":"bc997528a9d7abb9161ef45f05d38599","validation":{"errors":[],"warnings":[]},` +
		`"canBeRetried":"Unknown","detailedErrorCode":0}`
	settingsIntegrationID = "8a156a5a-39cb-4f9d-856e-76ef9b9a9607"
	settingsPath          = "/settings/integrations/" + settingsIntegrationID
	// platformSourceJSON is the legacy PlatformSourceModel that PUT /integrations/{platformKey}/enabled answers.
	platformSourceJSON = `{"key":"gbol","name":"Xero","logoUrl":"https://static.codat.io/xero.png","enabled":true,` +
		`"integrationId":"` + settingsIntegrationID + `","sourceType":"Accounting","isOfflineConnector":false,"isBeta":false}`
	mappingJSON = `[{"sourceAccountId":"acc-001","sourceAccountName":"Business current",` +
		`"sourceAccountNumber":"12345670","sourceBalance":99.99,"sourceCurrency":"GBP","targetAccountId":null,` +
		`"status":"pending","feedStartDate":null,"targetAccountOptions":[{"id":"d21e25d6-98c5-4bfb-b469-105833bea3c8",` +
		`"name":"Money Bank account","accountNumber":"789","sortCode":"123456"}]}]`
)

func TestTraffic(t *testing.T) {
	c := checker(t)
	tests := []struct {
		name string
		call call
		want [][2]string
	}{
		{
			name: "create company",
			call: call{method: "POST", path: "/companies", body: `{"name":"Acme","description":"customer 42"}`,
				status: 200, response: companyJSON},
		},
		{
			name: "create company answers a company without redirect",
			call: call{method: "POST", path: "/companies", body: `{"name":"Acme"}`,
				status: 200, response: `{"id":"` + companyID + `","name":"Acme"}`},
			want: [][2]string{response("missing property 'redirect'")},
		},
		{
			name: "company id that is no uuid",
			call: call{method: "POST", path: "/companies", body: `{"name":"Acme"}`, status: 200,
				response: `{"id":"company-1","name":"Acme","redirect":"https://link.codat.io/company/x"}`},
			want: [][2]string{response("'company-1' is not valid uuid")},
		},
		{
			name: "create company without name",
			call: call{method: "POST", path: "/companies", body: `{"description":"x"}`, status: 200, response: companyJSON},
			want: [][2]string{request("missing property 'name'")},
		},
		{
			name: "create company with a tag key too long",
			call: call{method: "POST", path: "/companies", body: `{"name":"Acme","tags":{"abcdefghijklmnopqrstuvwxyz0123":"v"}}`,
				status: 200, response: companyJSON},
			want: [][2]string{request("abcdefghijklmnopqrstuvwxyz0123")},
		},
		{
			name: "error message 404",
			call: call{method: "GET", path: "/companies/" + companyID, status: 404, response: errorJSON},
		},
		{
			name: "error message with a string status code",
			call: call{method: "GET", path: "/companies/" + companyID, status: 404, response: `{"statusCode":"404"}`},
			want: [][2]string{response("statusCode")},
		},
		{
			name: "error answered as text",
			call: call{method: "GET", path: "/companies/" + companyID, status: 404, response: "not found",
				responseType: "text/plain"},
			want: [][2]string{response(`"text/plain"`)},
		},
		{
			name: "undocumented status code",
			call: call{method: "POST", path: "/companies", body: `{"name":"Acme"}`, status: 201, response: companyJSON},
			want: [][2]string{response("status is not supported")},
		},
		{
			name: "delete company 204",
			call: call{method: "DELETE", path: "/companies/" + companyID, status: 204},
		},
		{
			name: "delete company 200 is not documented",
			call: call{method: "DELETE", path: "/companies/" + companyID, status: 200},
			want: [][2]string{response("status is not supported")},
		},
		{
			name: "body on an operation without one",
			call: call{method: "DELETE", path: "/companies/" + companyID, body: `{}`, status: 204},
			want: [][2]string{request("request body not allowed")},
		},
		{
			name: "paged companies",
			call: call{method: "GET", path: "/companies?page=1&pageSize=100&query=name%3DAcme", status: 200,
				response: `{"results":[` + companyJSON + `],"pageNumber":1,"pageSize":100,"totalResults":1,` +
					`"_links":{"self":{"href":"/companies"},"current":{"href":"/companies?page=1&pageSize=100"}}}`},
		},
		{
			name: "page 0",
			call: call{method: "GET", path: "/companies?page=0", status: 400, response: errorJSON},
			want: [][2]string{request(`parameter "page"`)},
		},
		{
			name: "paged companies without _links",
			call: call{method: "GET", path: "/companies", status: 200,
				response: `{"results":[],"pageNumber":1,"pageSize":100,"totalResults":0}`},
			want: [][2]string{response("_links")},
		},
		{
			name: "connection",
			call: call{method: "GET", path: "/companies/" + companyID + "/connections/" + connectionID,
				status: 200, response: connectionJSON},
		},
		{
			name: "create connection",
			call: call{method: "POST", path: "/companies/" + companyID + "/connections", body: `{"platformKey":"gbol"}`,
				status: 200, response: connectionJSON},
		},
		{
			name: "create connection with a platform key of five letters",
			call: call{method: "POST", path: "/companies/" + companyID + "/connections", body: `{"platformKey":"gbolx"}`,
				status: 200, response: connectionJSON},
			want: [][2]string{request("platformKey")},
		},
		{
			name: "connection link that is no absolute URI",
			call: call{method: "GET", path: "/companies/" + companyID + "/connections/" + connectionID, status: 200,
				response: `{"id":"` + connectionID + `","integrationId":"fd321cb6-7963-4506-b873-e99593a45e30",` +
					`"sourceId":"35b92968-9851-4095-ad60-395c95cbcba4","sourceType":"Accounting","platformName":"Xero",` +
					`"linkUrl":"start","status":"Linked","created":"2024-05-01T10:00:00Z"}`},
			want: [][2]string{response(`at /linkUrl: string doesn't match the format "uri"`)},
		},
		{
			name: "enable product",
			call: call{method: "PUT", path: "/companies/" + companyID + "/products/bank-feeds", status: 204},
		},
		{
			name: "create source account v2",
			call: call{method: "POST", path: accountsPath, body: `{"id":"acc-001","accountName":"Business current",` +
				`"accountType":"checking","accountNumber":"12345670","sortCode":"040004","currency":"GBP","balance":99.99}`,
				status: 200, response: sourceAccountJSON},
		},
		{
			name: "create v2 source account with an account type not in the enum",
			call: call{method: "POST", path: accountsPath, body: `{"id":"acc-001","accountName":"Business current",` +
				`"accountType":"current","accountNumber":"12345670","currency":"GBP","balance":99.99,"routingInfo":{"bankCode":"1"}}`,
				status: 200, response: sourceAccountJSON},
			want: [][2]string{request(`at /accountType: value is not one of the allowed values`)},
		},
		{
			name: "create source account with a lower-case currency",
			call: call{method: "POST", path: accountsPath, body: `{"id":"acc-001","accountName":"Business current",` +
				`"accountType":"checking","accountNumber":"12345670","currency":"gbp","balance":99.99}`,
				status: 200, response: sourceAccountJSON},
			want: [][2]string{request("ISO4217")},
		},
		{
			name: "list source accounts as a bare array",
			call: call{method: "GET", path: accountsPath, status: 200, response: `[` + sourceAccountJSON + `]`},
		},
		{
			name: "create source account v1 (a client integrated before 2024-08-01)",
			call: call{method: "POST", path: accountsPath, body: `{"id":"acc-002","accountName":"account-081",` +
				`"sortCode":"123456","accountType":"Credit","accountNumber":"12345670","currency":"GBP","balance":99.99}`,
				status: 200, response: `{"id":"acc-002","accountName":"account-081","sortCode":"123456","accountType":"Credit",` +
					`"accountNumber":"12345670","currency":"GBP","balance":99.99,"modifiedDate":"2023-01-09T14:14:14.1057478Z","status":"pending"}`},
		},
		{
			name: "list source accounts v1",
			call: call{method: "GET", path: accountsPath, status: 200,
				response: `[{"id":"acc-002","accountType":"Debit","status":"connected","feedStartDate":"2023-01-09T14:56:43.773Z"},{"id":"acc-003"}]`},
		},
		{
			name: "list source accounts v1 with a v2 type name as free text",
			call: call{method: "GET", path: accountsPath, status: 200,
				response: `[{"id":"acc-002","accountType":"Debit"},{"id":"acc-003","accountType":"savings","balance":5}]`},
		},
		{
			name: "list source accounts mixing v1 and v2",
			call: call{method: "GET", path: accountsPath, status: 200,
				response: `[{"id":"acc-002","accountType":"Debit"},` + sourceAccountJSON + `]`},
			want: [][2]string{response("")},
		},
		{
			name: "list source accounts v2 with a member missing",
			call: call{method: "GET", path: accountsPath, status: 200,
				response: `[{"id":"acc-001","accountName":"Business current","accountType":"checking","currency":"GBP","balance":1}]`},
			want: [][2]string{response("accountNumber")},
		},
		{
			name: "create source account v1 answered with a v2 member",
			call: call{method: "POST", path: accountsPath, body: `{"id":"acc-002","accountType":"Debit"}`,
				status: 200, response: `{"id":"acc-002","accountType":"Debit","accountInfo":{"nickname":"n"}}`},
			want: [][2]string{response("")},
		},
		{
			name: "list source accounts in a paged envelope",
			call: call{method: "GET", path: accountsPath, status: 200,
				response: `{"results":[` + sourceAccountJSON + `],"pageNumber":1,"pageSize":100,"totalResults":1}`},
			want: [][2]string{response("")},
		},
		{
			name: "update source account (v1 body, as the file declares)",
			call: call{method: "PATCH", path: accountsPath + "/acc-001", body: `{"id":"acc-001","status":"disconnected"}`,
				status: 200, response: `{"id":"acc-001","accountName":"Business current","accountType":"checking",` +
					`"accountNumber":"12345670","sortCode":"040004","currency":"GBP","balance":99.99,` +
					`"modifiedDate":"2024-08-02T00:00:00.000Z","status":"disconnected","feedStartDate":null}`},
		},
		{
			name: "update source account answered in the v2 shape",
			call: call{method: "PATCH", path: accountsPath + "/acc-001", body: `{"id":"acc-001","status":"disconnected"}`,
				status: 200, response: sourceAccountJSON},
			want: [][2]string{response(`"accountInfo" is unsupported`), response(`"routingInfo" is unsupported`)},
		},
		{
			name: "delete source account",
			call: call{method: "DELETE", path: accountsPath + "/acc-001", status: 204},
		},
		{
			name: "bank feed mappings",
			call: call{method: "GET", path: mappingPath, status: 200, response: mappingJSON},
		},
		{
			name: "bank feed mapping with a text balance",
			call: call{method: "GET", path: mappingPath, status: 200, response: `[{"sourceAccountId":"acc-001","sourceBalance":"99.99"}]`},
			want: [][2]string{response("sourceBalance")},
		},
		{
			name: "create mapping",
			call: call{method: "POST", path: mappingPath, body: `{"sourceAccountId":"acc-001","targetAccountId":null,` +
				`"feedStartDate":"2024-05-01T00:00:00Z"}`, status: 200,
				response: `{"sourceAccountId":"acc-001","targetAccountId":"d21e25d6-98c5-4bfb-b469-105833bea3c8","status":"connecting","error":null}`},
		},
		{
			name: "create mapping refused by Xero",
			call: call{method: "POST", path: mappingPath, body: `{"sourceAccountId":"acc-001"}`, status: 403,
				response: `{"type":"invalid-organisation-bank-feeds","title":"Forbidden","status":403,` +
					`"detail":"The organisation does not support automated bank feeds"}`},
		},
		{
			name: "company information",
			call: call{method: "GET", path: "/companies/" + companyID + "/connections/" + connectionID + "/bankFeeds/info",
				status: 200, response: `{"companyName":"Acme","baseCurrency":"GBP","planType":null,"multicurrencyEnabled":false,"currencies":["GBP"]}`},
		},
		{
			name: "integration",
			call: call{method: "GET", path: "/integrations/gbol", status: 200,
				response: `{"key":"gbol","logoUrl":"https://static.codat.io/public/officialLogos/Full/8A156A5A-39CB-4F9D-856E-76EF9B9A9607.png",` +
					`"name":"Xero","enabled":true,"sourceId":"8a156a5a-39cb-4f9d-856e-76ef9b9a9607","sourceType":"Accounting",` +
					`"integrationId":"8a156a5a-39cb-4f9d-856e-76ef9b9a9607","isOfflineConnector":false,"isBeta":false,` +
					`"datatypeFeatures":[{"dataType":"bankAccounts","supportedFeatures":[{"featureType":"Get","featureState":"Release"}]}]}`},
		},
		{
			name: "credentials map",
			call: call{method: "PUT", path: "/integrations/credentials/gbol", body: `{"clientId":"ABCDEF123","clientSecret":"s3cr3t-value"}`,
				status: 200, response: `{"clientId":"*****F123","clientSecret":"********alue"}`},
		},
		{
			name: "credentials map with a number",
			call: call{method: "PUT", path: "/integrations/credentials/gbol", body: `{"clientId":"ABCDEF123","clientSecret":42}`,
				status: 200, response: `{}`},
			want: [][2]string{request("clientSecret")},
		},
		{
			name: "credentials answered 404, which the Partners file does not document",
			call: call{method: "GET", path: "/integrations/credentials/gbol", status: 404, response: errorJSON},
			want: [][2]string{response("status is not supported")},
		},
		{
			name: "missing auth header",
			call: call{method: "GET", path: "/companies/" + companyID, auth: "-", status: 401, response: errorJSON},
			want: [][2]string{request("header Authorization is missing")},
		},
		{
			name: "bearer token",
			call: call{method: "GET", path: "/companies/" + companyID, auth: "Bearer abc", status: 401, response: errorJSON},
			want: [][2]string{request(`not "Basic <base64>"`)},
		},
		{
			name: "basic credentials that are no base64",
			call: call{method: "GET", path: "/companies/" + companyID, auth: "Basic raw-api-key!", status: 401, response: errorJSON},
			want: [][2]string{request("not base64")},
		},
		{
			name: "idempotency key reused with another body",
			call: call{method: "POST", path: "/companies", body: `{"name":"Acme"}`, header: map[string]string{"Idempotency-Key": "k1"},
				status: 422, response: `{"statusCode":422,"service":"PublicApi","error":"Idempotency key reused","correlationId":"c1"}`},
		},
		{
			name: "idempotency conflict with a body that is no error message",
			call: call{method: "POST", path: "/companies", body: `{"name":"Acme"}`, header: map[string]string{"Idempotency-Key": "k1"},
				status: 409, response: `{"statusCode":"409"}`},
			want: [][2]string{response("idempotency conflict: body doesn't match schema #/components/schemas/ErrorMessage: at /statusCode")},
		},
		{
			name: "idempotency conflict answered as text",
			call: call{method: "PATCH", path: accountsPath + "/acc-001", body: `{"id":"acc-001"}`,
				header: map[string]string{"Idempotency-Key": "k2"}, status: 409, response: "in flight", responseType: "text/plain"},
			want: [][2]string{response(`idempotency conflict: Content-Type "text/plain"`)},
		},
		{
			name: "idempotency conflict with a body that is no JSON",
			call: call{method: "POST", path: "/companies", body: `{"name":"Acme"}`, header: map[string]string{"Idempotency-Key": "k3"},
				status: 409, response: "in flight"},
			want: [][2]string{response("idempotency conflict: body is not JSON")},
		},
		{
			name: "422 without an idempotency key",
			call: call{method: "POST", path: "/companies", body: `{"name":"Acme"}`, status: 422, response: errorJSON},
			want: [][2]string{response("status is not supported")},
		},
		{
			name: "unknown route",
			call: call{method: "GET", path: "/companies/" + companyID + "/widgets", status: 404, response: errorJSON},
			want: [][2]string{route("GET /companies/" + companyID + "/widgets")},
		},
		{
			name: "unknown method",
			call: call{method: "PATCH", path: "/integrations/gbol", body: `{}`, status: 200, response: `{}`},
			want: [][2]string{route("PATCH /integrations/gbol")},
		},
		{
			name: "legacy enabled endpoint",
			call: call{method: "PUT", path: "/integrations/gbol/enabled", body: `{"enabled":true}`, status: 200, response: platformSourceJSON},
		},
		{
			name: "legacy enabled endpoint with a wrong body and answer",
			call: call{method: "PUT", path: "/integrations/gbol/enabled", body: `{"enabled":"yes"}`, status: 200, response: `{"anything":1}`},
			want: [][2]string{request("enabled"), response("anything")},
		},
		{
			name: "legacy enabled endpoint without the API key",
			call: call{method: "PUT", path: "/integrations/gbol/enabled", auth: "-", body: `{"enabled":true}`, status: 200, response: platformSourceJSON},
			want: [][2]string{request("header Authorization is missing")},
		},
		{
			name: "legacy settings read",
			call: call{method: "GET", path: settingsPath, status: 200,
				response: `{"integrationId":"` + settingsIntegrationID + `","oneTimeSync":"False"}`},
		},
		{
			name: "legacy settings update with oneTimeSync as a string",
			call: call{method: "PATCH", path: settingsPath, body: `{"oneTimeSync":"True"}`,
				status: 200, response: `{"integrationId":"` + settingsIntegrationID + `","oneTimeSync":"True"}`},
		},
		{
			// CODAT-FACTS C1: oneTimeSync is a string, so a boolean is a violation both ways.
			name: "legacy settings update with oneTimeSync as a boolean",
			call: call{method: "PATCH", path: settingsPath, body: `{"oneTimeSync":true}`,
				status: 200, response: `{"integrationId":"` + settingsIntegrationID + `","oneTimeSync":true}`},
			want: [][2]string{request("oneTimeSync"), response("oneTimeSync")},
		},
		{
			name: "legacy settings read answering a boolean",
			call: call{method: "GET", path: settingsPath, status: 200,
				response: `{"integrationId":"` + settingsIntegrationID + `","oneTimeSync":false}`},
			want: [][2]string{response("oneTimeSync")},
		},
		{
			name: "legacy settings update with a member the patch model lacks",
			call: call{method: "PATCH", path: settingsPath, body: `{"oneTimeSync":"True","integrationId":"` + settingsIntegrationID + `"}`,
				status: 200, response: `{"integrationId":"` + settingsIntegrationID + `","oneTimeSync":"True"}`},
			want: [][2]string{request("integrationId")},
		},
		{
			name: "legacy settings refusal",
			call: call{method: "PATCH", path: settingsPath, body: `{"oneTimeSync":"True"}`, status: 400, response: errorJSON},
		},
		{
			name: "legacy path with another method",
			call: call{method: "POST", path: "/integrations/gbol/enabled", body: `{"enabled":true}`, status: 200, response: `{}`},
			want: [][2]string{route("POST /integrations/gbol/enabled")},
		},
		{
			name: "sandbox page",
			call: call{method: "GET", path: "/link/companies/x", auth: "-", status: 200, response: "<html>", responseType: "text/html"},
		},
		{
			name: "fake Xero token endpoint",
			call: call{method: "POST", path: "/xero/connect/token", auth: "-", body: `{}`, status: 401, response: `{"error":"invalid_client"}`},
		},
		{
			name: "sandbox controls",
			call: call{method: "POST", path: "/_sandbox/faults", auth: "-", body: `{}`, status: 204},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := serve(t, c, tt.call)
			expectViolations(t, got, tt.want...)
		})
	}
}

func TestCheckedCounts(t *testing.T) {
	c := checker(t)
	h := c.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/integrations/gbol/enabled":
			call{status: 200, response: platformSourceJSON}.handler().ServeHTTP(w, r)
		case settingsPath:
			call{status: 200, response: `{"integrationId":"` + settingsIntegrationID + `","oneTimeSync":"False"}`}.handler().ServeHTTP(w, r)
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	}))
	for _, k := range []call{
		{method: "DELETE", path: "/companies/" + companyID},
		{method: "DELETE", path: "/companies/" + companyID},
		{method: "DELETE", path: accountsPath + "/acc-001"},
		{method: "PUT", path: "/integrations/gbol/enabled", body: `{"enabled":false}`},
		{method: "GET", path: settingsPath},
		{method: "GET", path: "/nowhere"},
		{method: "GET", path: "/_sandbox/counters"},
	} {
		h.ServeHTTP(httptest.NewRecorder(), k.request())
	}
	got := c.Checked()
	want := map[string]int{
		"DELETE /companies/{companyId}": 2,
		"DELETE /companies/{companyId}/connections/{connectionId}/connectionInfo/bankFeedAccounts/{accountId}": 1,
		"PUT /integrations/{platformKey}/enabled":                                                              1,
		"GET /settings/integrations/{integrationId}":                                                           1,
	}
	if len(got) != len(want) {
		t.Errorf("Checked() = %v, want %v", got, want)
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("Checked()[%q] = %d, want %d", k, got[k], n)
		}
	}
	if v := c.Violations(); len(v) != 1 || v[0].Phase != "route" {
		t.Errorf("violations = %v, want the one route violation of /nowhere", v)
	}

	c.Reset()
	if len(c.Checked()) != 0 || len(c.Violations()) != 0 {
		t.Errorf("after Reset: Checked() = %v, Violations() = %v", c.Checked(), c.Violations())
	}
}
