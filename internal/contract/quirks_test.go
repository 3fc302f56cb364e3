package contract

import (
	"strings"
	"testing"
)

// TestQuirks proves each in-memory patch of Codat's files is needed (the file as published fails
// to load, or rejects a correct exchange) and that, patched, correct exchanges pass and wrong
// ones still fail.
func TestQuirks(t *testing.T) {
	dir := specDir(t)
	patched := checker(t)
	connection := "/companies/" + companyID + "/connections/" + connectionID
	tests := []struct {
		patch string
		// unpatched is what goes wrong without the patch: a load error, or a violation of good.
		unpatched string
		good      call
		bad       []call
		badWant   []string
	}{
		{
			patch:     "hoist-definitions",
			unpatched: "extra sibling fields: [definitions]",
			good:      call{method: "GET", path: connection, status: 200, response: connectionJSON},
			bad: []call{{method: "GET", path: connection, status: 200,
				response: strings.Replace(connectionJSON, `"PendingAuth"`, `"Connected"`, 1)}},
			badWant: []string{"at /status: value is not one of the allowed values"},
		},
		{
			patch:     "schema-refs",
			unpatched: `json-pointer in "https://example.com/schema.json#/components/parameters/companyId/schema" not found`,
			good:      call{method: "POST", path: "/companies", body: `{"name":"Acme"}`, status: 200, response: companyJSON},
			bad: []call{{method: "POST", path: "/companies", body: `{"name":"Acme"}`, status: 200,
				response: strings.Replace(companyJSON, `"id":"`+companyID, `"id":"company-1`, 1)}},
			badWant: []string{"'company-1' is not valid uuid"},
		},
		{
			patch:     "nullable",
			unpatched: "at /0/sortCode",
			good: call{method: "GET", path: accountsPath, status: 200,
				response: `[` + strings.Replace(sourceAccountJSON, `"sortCode":"040004"`, `"sortCode":null`, 1) + `]`},
			bad: []call{
				{method: "GET", path: accountsPath, status: 200,
					response: `[` + strings.Replace(sourceAccountJSON, `"sortCode":"040004"`, `"sortCode":40004`, 1) + `]`},
				{method: "GET", path: accountsPath, status: 200,
					response: `[` + strings.Replace(sourceAccountJSON, `"accountType":"checking"`, `"accountType":null`, 1) + `]`},
				{method: "GET", path: accountsPath, status: 200,
					response: `[` + strings.Replace(sourceAccountJSON, `"status":"pending"`, `"status":"paused"`, 1) + `]`},
			},
			badWant: []string{"at /0/sortCode", "at /0/accountType", "at /0/status"},
		},
		{
			patch:     "required-case",
			unpatched: "datatype",
			good: call{method: "GET", path: "/integrations/gbol", status: 200, response: `{"key":"gbol",` +
				`"logoUrl":"https://static.codat.io/xero.png","name":"Xero","enabled":true,` +
				`"datatypeFeatures":[{"dataType":"bankAccounts","supportedFeatures":[]}]}`},
			bad: []call{{method: "GET", path: "/integrations/gbol", status: 200, response: `{"key":"gbol",` +
				`"logoUrl":"https://static.codat.io/xero.png","name":"Xero","enabled":true,` +
				`"datatypeFeatures":[{"supportedFeatures":[]}]}`}},
			badWant: []string{"dataType"},
		},
		{
			patch:     "no-content-ref",
			unpatched: "Content-Type",
			good:      call{method: "DELETE", path: "/apiKeys/key-1", status: 204},
			bad:       []call{{method: "DELETE", path: "/apiKeys/key-1", status: 200}},
			badWant:   []string{"status is not supported"},
		},
		{
			patch:     "source-account-v2",
			unpatched: "input matches more than one oneOf schemas",
			good: call{method: "POST", path: accountsPath, body: `{"id":"acc-001","accountName":"Business current",` +
				`"accountType":"checking","accountNumber":"12345670","currency":"GBP","balance":99.99}`,
				status: 200, response: sourceAccountJSON},
			bad: []call{
				// A v2 type or a v2-only member makes a body v2, and v2 requires every member.
				{method: "POST", path: accountsPath, body: `{"id":"acc-001","accountName":"Business current","accountType":"checking"}`,
					status: 200, response: sourceAccountJSON},
				{method: "POST", path: accountsPath, body: `{"id":"acc-001","accountType":"current","routingInfo":{"bankCode":"1"}}`,
					status: 200, response: sourceAccountJSON},
				// A v1 answer holds only v1 members.
				{method: "POST", path: accountsPath, body: `{"id":"acc-002","accountType":"Debit"}`,
					status: 200, response: `{"id":"acc-002","accountType":"Debit","nickname":"n"}`},
			},
			badWant: []string{"accountNumber", "at /accountType: value is not one of the allowed values", "nickname"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.patch, func(t *testing.T) {
			raw, err := load(dir, tt.patch)
			switch {
			case err != nil:
				if !strings.Contains(err.Error(), tt.unpatched) {
					t.Errorf("without the patch, loading fails with %v; want %q", err, tt.unpatched)
				}
			default:
				got := serve(t, raw, tt.good)
				if len(got) == 0 || !strings.Contains(list(got), tt.unpatched) {
					t.Errorf("without the patch, the correct exchange gives\n%swant a violation with %q", list(got), tt.unpatched)
				}
			}

			if got := serve(t, patched, tt.good); len(got) != 0 {
				t.Errorf("patched, the correct exchange gives\n%s", list(got))
			}
			for i, bad := range tt.bad {
				got := serve(t, patched, bad)
				if len(got) == 0 || !strings.Contains(list(got), tt.badWant[i]) {
					t.Errorf("patched, wrong exchange %d gives\n%swant a violation with %q", i, list(got), tt.badWant[i])
				}
			}
		})
	}
}

// TestLegacySecurity proves the legacy-security patch: the legacy file declares no security, so
// without the patch a legacy request that sends no API key passes; patched, it is a violation, and
// the Codat files (which declare their own) are left as they are.
func TestLegacySecurity(t *testing.T) {
	dir := specDir(t)
	noKey := call{method: "PUT", path: "/integrations/gbol/enabled", auth: "-", body: `{"enabled":true}`, status: 200, response: platformSourceJSON}
	raw, err := load(dir, "legacy-security")
	if err != nil {
		t.Fatal(err)
	}
	if got := serve(t, raw, noKey); len(got) != 0 {
		t.Errorf("without the patch, a legacy request without a key gives\n%swant none (the patch would be needless)", list(got))
	}
	patched := checker(t)
	expectViolations(t, serve(t, patched, noKey), request("header Authorization is missing"))
	if got := serve(t, patched, call{method: "PUT", path: "/integrations/gbol/enabled", body: `{"enabled":true}`,
		status: 200, response: platformSourceJSON}); len(got) != 0 {
		t.Errorf("patched, a legacy request with the key gives\n%s", list(got))
	}
}

// TestFormats checks the formats Codat's files use: the ones kin-openapi does not define are
// asserted where they have a meaning, and "decimal" numbers pass.
func TestFormats(t *testing.T) {
	c := checker(t)
	body := func(field, value string) call {
		return call{method: "POST", path: accountsPath, status: 200, response: sourceAccountJSON,
			body: `{"id":"acc-001","accountName":"n","accountType":"checking","accountNumber":"1",` +
				`"currency":"GBP","balance":1,` + `"` + field + `":` + value + `}`}
	}
	for _, tt := range []struct {
		name string
		call call
		want string // empty: no violation
	}{
		{"decimal with fraction", body("balance", "1234.5678"), ""},
		{"decimal negative", body("balance", "-0.01"), ""},
		{"decimal as text", body("balance", `"1.5"`), "balance"},
		{"ISO 4217", body("currency", `"USD"`), ""},
		{"ISO 4217 of two letters", body("currency", `"US"`), "ISO4217"},
		{"uuid", call{method: "GET", path: "/companies/" + companyID, status: 200, response: companyJSON}, ""},
		{"uuid in a path", call{method: "GET", path: "/companies/acme", status: 404, response: errorJSON}, `parameter "companyId"`},
		{"uuid of another version", call{method: "GET", path: "/companies/8a210b68-6988-11ed-a1eb-0242ac120002",
			status: 404, response: errorJSON}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := serve(t, c, tt.call)
			if tt.want == "" && len(got) != 0 || tt.want != "" && (len(got) == 0 || !strings.Contains(list(got), tt.want)) {
				t.Errorf("violations:\n%swant %q", list(got), tt.want)
			}
		})
	}
}
