package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The API key's error says what is wrong without showing the key.
func TestAPIKeyErrorHidesTheValue(t *testing.T) {
	const key = "9c1f0c2b7e4d4a6f8b3e5d7c9a1b2c3d"
	for _, value := range []string{key + "\n", " " + key, "9c1f\t0c2b"} {
		var resp validator.StringResponse
		apiKey().ValidateString(context.Background(), validator.StringRequest{
			Path: path.Root("api_key"), ConfigValue: types.StringValue(value),
		}, &resp)
		if !resp.Diagnostics.HasError() {
			t.Fatalf("%q accepted", value)
		}
		for _, d := range resp.Diagnostics {
			if strings.Contains(d.Detail(), "9c1f") {
				t.Errorf("the error shows the key: %s", d.Detail())
			}
		}
	}
}

// The schema's validators, the import ID parser and the descriptions apply one rule per kind of id.
func TestIdentifierRules(t *testing.T) {
	const company = "8a210b68-6988-11ed-a1eb-0242ac120002"
	checks := map[string]func(string) string{
		"codat": checkCodatID, "source": checkSourceAccountID,
	}
	cases := []struct {
		kind, value, want string
	}{
		{"codat", company, ""},
		{"codat", strings.ToUpper(company), ""},
		{"codat", "", "must not be empty"},
		{"codat", "..", "must not be `.` or `..`"},
		{"codat", "a/b", "must not contain a slash"},
		{"codat", "acme", "must be a UUID as Codat issues it"},
		{"source", "acme-current-001", ""},
		{"source", "a b.c", ""},
		{"source", "", "must not be empty"},
		{"source", " ", "must not be blank"},
		{"source", "credentials", "must not be `credentials`"},
		{"source", "a\\b", "must not contain a backslash"},
	}
	for _, c := range cases {
		got := checks[c.kind](c.value)
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%s id %q: %q, want %q", c.kind, c.value, got, c.want)
		}
	}
	parts, err := splitImportID(company+"/"+company+"/acme", "company_id", "connection_id", "account_id")
	if err != nil || len(parts) != 3 {
		t.Errorf("splitImportID = %v, %v", parts, err)
	}
	for id, want := range map[string]string{
		company + "/..":          `import ID "` + company + `/.." (format <company_id>/<account_id>): account_id ".." must not be`,
		"acme/x":                 `company_id "acme" must be a UUID`,
		company + "/credentials": `account_id "credentials" must not be`,
		company + "/a/b":         `is not in the format <company_id>/<account_id>: it has 3 parts separated by`,
		company + "/acc\n":       `account_id "acc\n" must not start or end with white space`,
		"8A210B68-6988-11ED-A1EB-0242AC120002/ acc": `account_id " acc" must not start`,
	} {
		_, err := splitImportID(id, "company_id", "account_id")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("splitImportID(%q) = %v, want %q", id, err, want)
		}
	}
	if d := codatID().Description(context.Background()); d != "must be "+codatIDRule {
		t.Errorf("codatID description %q", d)
	}
	if d := sourceAccountID().Description(context.Background()); d != "must be "+sourceAccountIDRule {
		t.Errorf("sourceAccountID description %q", d)
	}
}

func TestBaseURLRule(t *testing.T) {
	for raw, want := range map[string]string{
		"https://api.codat.io":         "",
		"https://api.codat.io/":        "",
		"http://127.0.0.1:8080":        "",
		"https://api.codat.io/v2":      `must have no path (got "/v2")`,
		"https://api.codat.io//":       "must have no path",
		"http://localhost:1/x/":        "must have no path",
		"  ":                           "must not be empty or blank",
		"https://api.codat.io/?page=1": "must not have a query",
	} {
		got := checkBaseURL(raw)
		if (want == "") != (got == "") || !strings.Contains(got, want) {
			t.Errorf("checkBaseURL(%q) = %q, want %q", raw, got, want)
		}
	}
	if got := checkAPIURL(DefaultXeroTokenURL); got != "" {
		t.Errorf("the Xero token URL, which has a path, is refused: %s", got)
	}
}
