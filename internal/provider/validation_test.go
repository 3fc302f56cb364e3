package provider_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
	"github.com/terraform-codat/terraform-provider-codat/internal/provider"
)

// badInput is an invalid configuration and the fragments its error must show: the attribute path, then the rule.
type badInput struct {
	config string
	want   []string
}

// Every documented rule fails at plan time, names the attribute and the rule, and costs no API call.
func TestAccValidation_badInputFailsAtPlan(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	today := time.Now().UTC()
	elevenTags := make([]string, 11)
	for i := range elevenTags {
		elevenTags[i] = fmt.Sprintf("k%d = \"v\"", i)
	}

	company := func(attrs string) string {
		return fmt.Sprintf("resource \"codat_company\" \"bad\" {\n%s\n}\n", attrs)
	}
	account := func(override string) string {
		attrs := map[string]string{
			"company_id": strconv.Quote(testCompanyID), "connection_id": strconv.Quote(testConnectionID), "account_id": `"acc"`, "account_name": `"A"`,
			"account_type": `"checking"`, "account_number": `"1"`, "sort_code": `"040004"`, "currency": `"GBP"`, "balance": `1`,
		}
		k, v, _ := strings.Cut(override, "=")
		if k, v = strings.TrimSpace(k), strings.TrimSpace(v); v == "null" {
			delete(attrs, k)
		} else {
			attrs[k] = v
		}
		var b strings.Builder
		b.WriteString("resource \"codat_bank_feed_account\" \"bad\" {\n")
		for k, v := range attrs {
			fmt.Fprintf(&b, "  %s = %s\n", k, v)
		}
		b.WriteString("}\n")
		return b.String()
	}
	mapping := func(feedStart string) string {
		return fmt.Sprintf(`resource "codat_bank_feed_account_mapping" "bad" {
  company_id        = %q
  connection_id     = %q
  source_account_id = "acc"
  feed_start_date   = %q
}
`, testCompanyID, testConnectionID, feedStart)
	}
	date := func(d time.Time) string { return d.Format("2006-01-02") }

	cases := map[string]badInput{
		"company name with characters Codat strips": {company(`name = "Bank <Dave>"`), []string{`name`, `may contain only letters`}},
		"company name empty":                        {company(`name = ""`), []string{`name`, `may contain only letters`}},
		"company description empty":                 {company("name = \"A\"\ndescription = \"\""), []string{`description`, `must not be blank`}},
		"eleven tags":                               {company("name = \"A\"\ntags = {" + strings.Join(elevenTags, ", ") + "}"), []string{`tags`, `at most 10`}},
		"tag key too long":                          {company("name = \"A\"\ntags = {" + strings.Repeat("k", 28) + ` = "v"}`), []string{`tags`, `between 1 and 27`}},
		"tag value too long":                        {company("name = \"A\"\ntags = {k = \"" + strings.Repeat("v", 101) + `"}`), []string{`tags`, `at most 100`}},
		"tags not a map":                            {company("name = \"A\"\ntags = \"crm\""), []string{`tags`, `map of string required`}},
		"product identifier":                        {company("name = \"A\"\nproducts = [\"Bank Feeds\"]"), []string{`products`, `bank-feeds`}},
		"connection company id empty":               {"resource \"codat_connection\" \"bad\" {\n  company_id = \"\"\n}\n", []string{`company_id`, `must not be empty`}},
		"platform key upper case":                   {"resource \"codat_connection\" \"bad\" {\n  company_id = \"" + testCompanyID + "\"\n  platform_key = \"GBOL\"\n}\n", []string{`platform_key`, `four lowercase letters`}},
		"platform key too long":                     {"resource \"codat_connection\" \"bad\" {\n  company_id = \"" + testCompanyID + "\"\n  platform_key = \"xeros\"\n}\n", []string{`platform_key`, `four lowercase letters`}},
		"account type":                              {account(`account_type = "current"`), []string{`account_type`, `value must be one of`}},
		"currency not ISO 4217":                     {account(`currency = "GBX"`), []string{`currency`, `not a current ISO 4217 currency code`}},
		"GBP without sort code":                     {account(`sort_code = null`), []string{`sort_code`, `required when currency is "GBP"`}},
		"account id with a slash":                   {account(`account_id = "a/b"`), []string{`account_id`, `must not contain a slash`}},
		"account id empty":                          {account(`account_id = ""`), []string{`account_id`, `must not be empty`}},
		"account name empty":                        {account(`account_name = ""`), []string{`account_name`, `length must be at least 1`}},
		"account number missing":                    {account(`account_number = null`), []string{`account_number`, `is required`}},
		"balance not a number":                      {account(`balance = "lots"`), []string{`balance`, `number is required`}},
		"routing type":                              {account(`routing_info = { bank_code = "1", type = "zip" }`), []string{`routing_info.type`, `value must be one of`}},
		"account open date":                         {account(`account_info = { account_open_date = "06/05/2020" }`), []string{`account_info.account_open_date must be a valid date`, `YYYY-MM-DD`}},
		"feed start date not a date":                {mapping("2024-13-01"), []string{`feed_start_date`, `YYYY-MM-DD`}},
		"feed start date too old":                   {mapping(date(today.AddDate(-1, 0, -2))), []string{`feed_start_date`, `at most one year back`}},
		"integration platform key":                  {"data \"codat_integration\" \"bad\" {\n  platform_key = \"XERO\"\n}\n", []string{`platform_key`, `four lowercase letters`}},
		"connection lookup without id or platform":  {"data \"codat_connection\" \"bad\" {\n  company_id = \"" + testCompanyID + "\"\n}\n", []string{`Missing Attribute Configuration`, `Exactly one of these attributes must be configured: \[id,platform_key\]`}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
				Steps: []resource.TestStep{{
					Config:      env.ProviderConfig() + tc.config,
					PlanOnly:    true,
					ExpectError: acctest.ErrorRegexp(tc.want...),
				}},
			})
		})
	}
	if n := env.Sandbox.TotalCalls(); n != 0 {
		t.Errorf("invalid configurations made %d API calls: %v", n, env.Sandbox.Counts())
	}
}

// Ids of objects the tests name without creating them.
const (
	testCompanyID    = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
	testConnectionID = "51baa045-4836-4317-a42e-3542e991e581"
)

// Kinds of identifier: issued by Codat (a UUID), a source account id (the user's own, sent as a URL path segment),
// and an id of the accounting platform (sent in a request body).
const (
	codatIssued = "codat"
	yourOwn     = "source"
	platforms   = "target"
)

// badIDs are values that cannot name exactly one object, each with what its error says, and the kinds of
// identifier it is wrong for.
var badIDs = []struct {
	value, want string
	kinds       []string
}{
	{"", "must not be empty", []string{codatIssued, yourOwn, platforms}},
	{"   ", "must not be blank (white space only)", []string{codatIssued, yourOwn, platforms}},
	{"\t", "must not be blank (white space only)", []string{codatIssued, yourOwn, platforms}},
	{" " + testCompanyID, "must not start or end with white space", []string{codatIssued, yourOwn, platforms}},
	{"acc-1\n", "must not start or end with white space", []string{codatIssued, yourOwn, platforms}},
	{"acc\u00071", "must not contain control characters", []string{codatIssued, yourOwn, platforms}},
	{"acc\r\n1", "must not contain control characters", []string{codatIssued, yourOwn, platforms}},
	{"acc\x001", "must not contain control characters", []string{codatIssued, yourOwn, platforms}},
	{".", "must not be `.` or `..`", []string{codatIssued, yourOwn}},
	{"..", "must not be `.` or `..`", []string{codatIssued, yourOwn}},
	{"acc/1", "must not contain a slash", []string{codatIssued, yourOwn}},
	{"../" + testCompanyID, "must not contain a slash", []string{codatIssued, yourOwn}},
	{`acc\1`, "must not contain a backslash", []string{codatIssued, yourOwn}},
	{"credentials", "must not be `credentials`", []string{yourOwn}},
	{"acc-1", "must be a UUID as Codat issues it", []string{codatIssued}},
	{strings.ReplaceAll(testCompanyID, "-", ""), "must be a UUID as Codat issues it", []string{codatIssued}},
	{"{" + testCompanyID + "}", "must be a UUID as Codat issues it", []string{codatIssued}},
	{"urn:uuid:" + testCompanyID, "must be a UUID as Codat issues it", []string{codatIssued}},
}

// idAttributes lists every id attribute of every resource and data source, with a valid configuration around it.
var idAttributes = []struct {
	block, kind, attr string
	others            map[string]string
}{
	{"resource codat_connection", codatIssued, "company_id", nil},
	{"resource codat_bank_feed_account", codatIssued, "company_id", accountAttrs},
	{"resource codat_bank_feed_account", codatIssued, "connection_id", accountAttrs},
	{"resource codat_bank_feed_account", yourOwn, "account_id", accountAttrs},
	{"resource codat_bank_feed_account_mapping", codatIssued, "company_id", mappingAttrs},
	{"resource codat_bank_feed_account_mapping", codatIssued, "connection_id", mappingAttrs},
	{"resource codat_bank_feed_account_mapping", yourOwn, "source_account_id", mappingAttrs},
	{"resource codat_bank_feed_account_mapping", platforms, "target_account_id", mappingAttrs},
	{"data codat_company", codatIssued, "id", nil},
	{"data codat_connection", codatIssued, "company_id", map[string]string{"platform_key": `"gbol"`}},
	{"data codat_connection", codatIssued, "id", map[string]string{"company_id": strconv.Quote(testCompanyID)}},
	{"data codat_bank_feed_mapping", codatIssued, "company_id", map[string]string{"connection_id": strconv.Quote(testConnectionID)}},
	{"data codat_bank_feed_mapping", codatIssued, "connection_id", map[string]string{"company_id": strconv.Quote(testCompanyID)}},
	{"data codat_bank_feed_accounts", codatIssued, "company_id", map[string]string{"connection_id": strconv.Quote(testConnectionID)}},
	{"data codat_bank_feed_accounts", codatIssued, "connection_id", map[string]string{"company_id": strconv.Quote(testCompanyID)}},
	{"data codat_bank_feed_company_info", codatIssued, "company_id", map[string]string{"connection_id": strconv.Quote(testConnectionID)}},
	{"data codat_bank_feed_company_info", codatIssued, "connection_id", map[string]string{"company_id": strconv.Quote(testCompanyID)}},
}

var (
	accountAttrs = map[string]string{
		"company_id": strconv.Quote(testCompanyID), "connection_id": strconv.Quote(testConnectionID), "account_id": `"acc-1"`,
		"account_name": `"A"`, "account_type": `"checking"`, "account_number": `"1"`, "currency": `"USD"`, "balance": "1",
	}
	mappingAttrs = map[string]string{
		"company_id": strconv.Quote(testCompanyID), "connection_id": strconv.Quote(testConnectionID),
		"source_account_id": `"acc-1"`, "target_account_id": `"t-1"`,
	}
)

// tfDiagnostic is one diagnostic of terraform's machine-readable output.
type tfDiagnostic struct {
	Severity string `json:"severity"`
	Summary  string `json:"summary"`
	Detail   string `json:"detail"`
	Address  string `json:"address"`
}

// planDiagnostics runs terraform plan -json and returns its error diagnostics.
func planDiagnostics(t *testing.T, tf *tfCLI) []tfDiagnostic {
	t.Helper()
	run := tf.run("plan", "-json", "-input=false")
	if run.ok() {
		t.Fatalf("plan succeeded: %s", run)
	}
	var diags []tfDiagnostic
	for line := range strings.Lines(run.output) {
		var msg struct {
			Type       string       `json:"type"`
			Diagnostic tfDiagnostic `json:"diagnostic"`
		}
		if json.Unmarshal([]byte(line), &msg) == nil && msg.Type == "diagnostic" && msg.Diagnostic.Severity == "error" {
			diags = append(diags, msg.Diagnostic)
		}
	}
	return diags
}

func cliHeader(env *acctest.Env) string {
	return fmt.Sprintf("terraform {\n  required_providers {\n    codat = {\n      source = %q\n    }\n  }\n}\n\n"+
		"provider \"codat\" {\n  base_url = %q\n  api_key  = %q\n}\n\n",
		strings.TrimPrefix(provider.Address, "registry.terraform.io/"), env.URL, env.APIKey)
}

// Every id attribute of every resource and data source refuses, at plan time and before any request, every value
// that cannot name exactly one object, with the attribute's path and what is wrong. One plan holds all cases.
func TestAccValidation_identifiersFailAtPlan(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	tf := newTFCLI(t)
	type expectation struct{ address, detail string }
	var config strings.Builder
	config.WriteString(cliHeader(env))
	var want []expectation
	for i, a := range idAttributes {
		mode, typ, _ := strings.Cut(a.block, " ")
		for j, bad := range badIDs {
			if !slices.Contains(bad.kinds, a.kind) {
				continue
			}
			name := fmt.Sprintf("%s_%d_%d", a.attr, i, j)
			attrs := maps.Clone(a.others)
			if attrs == nil {
				attrs = map[string]string{}
			}
			attrs[a.attr] = hclQuote(bad.value)
			fmt.Fprintf(&config, "%s %q %q {\n", mode, typ, name)
			for _, k := range slices.Sorted(maps.Keys(attrs)) {
				fmt.Fprintf(&config, "  %s = %s\n", k, attrs[k])
			}
			config.WriteString("}\n\n")
			address := typ + "." + name
			if mode == "data" {
				address = "data." + address
			}
			want = append(want, expectation{address, fmt.Sprintf("Attribute %s %s", a.attr, bad.want)})
		}
	}
	tf.writeConfig(config.String())
	diags := planDiagnostics(t, tf)
	for _, w := range want {
		found := slices.ContainsFunc(diags, func(d tfDiagnostic) bool {
			return d.Address == w.address && strings.HasPrefix(d.Detail, w.detail)
		})
		if !found {
			t.Errorf("%s: no error %q", w.address, w.detail)
		}
	}
	if len(diags) != len(want) {
		t.Errorf("%d errors for %d invalid values: %+v", len(diags), len(want), diags)
	}
	if n := env.Sandbox.TotalCalls(); n != 0 {
		t.Errorf("invalid ids made %d API calls: %v", n, env.Sandbox.Counts())
	}
	// Valid ids of each kind pass: a target account id is not a path segment, so "/" and ".." may be part of one.
	var valid strings.Builder
	valid.WriteString(cliHeader(env))
	for i, id := range []string{"acc-1", "a b", "é.1", "A?b#c", "..."} {
		fmt.Fprintf(&valid, "resource \"codat_bank_feed_account_mapping\" \"ok%d\" {\n  company_id = %q\n  connection_id = %q\n"+
			"  source_account_id = %q\n  target_account_id = %q\n}\n", i, strings.ToUpper(testCompanyID), testConnectionID, id, "x/"+id+"/..")
	}
	tf.writeConfig(valid.String())
	if run := tf.run("validate", "-no-color"); !run.ok() {
		t.Errorf("valid ids refused: %s", run)
	}
}

// A malformed import ID, or one with a part that cannot name exactly one object, is refused before any request
// with the format and what is wrong with which part; a well-formed ID of an object that does not exist is refused
// by Terraform after one read. One plan imports every malformed ID.
func TestAccValidation_importIDs(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	tf := newTFCLI(t)
	resources := map[string]string{
		"codat_company":                   "name = \"A\"",
		"codat_connection":                "company_id = \"" + testCompanyID + "\"",
		"codat_bank_feed_account":         "company_id = \"" + testCompanyID + "\"\n  connection_id = \"" + testConnectionID + "\"\n  account_id = \"a\"\n  account_name = \"A\"\n  account_type = \"checking\"\n  account_number = \"1\"\n  currency = \"USD\"\n  balance = 1",
		"codat_bank_feed_account_mapping": "company_id = \"" + testCompanyID + "\"\n  connection_id = \"" + testConnectionID + "\"\n  source_account_id = \"a\"",
		"codat_xero_integration":          "client_id = \"id\"\n  client_secret = \"s\"",
	}
	formats := map[string][]string{
		"codat_company":                   {"company_id"},
		"codat_connection":                {"company_id", "connection_id"},
		"codat_bank_feed_account":         {"company_id", "connection_id", "account_id"},
		"codat_bank_feed_account_mapping": {"company_id", "connection_id", "source_account_id"},
	}
	kinds := map[string]string{"company_id": codatIssued, "connection_id": codatIssued, "account_id": yourOwn, "source_account_id": yourOwn}
	good := map[string]string{"company_id": testCompanyID, "connection_id": testConnectionID, "account_id": "acc-1", "source_account_id": "acc-1"}

	type importCase struct{ resource, id, want string }
	var cases []importCase
	for resourceType, parts := range formats {
		format := "<" + strings.Join(parts, ">/<") + ">"
		// Too few and too many parts: a part containing "/" is one of these.
		for _, n := range []int{len(parts) - 1, len(parts) + 1} {
			if n == 0 {
				continue
			}
			ids := slices.Repeat([]string{testCompanyID}, n)
			cases = append(cases, importCase{resourceType, strings.Join(ids, "/"),
				fmt.Sprintf("is not in the format %s: it has %d", format, n)})
		}
		cases = append(cases, importCase{resourceType, strings.Repeat("/", len(parts)-1) + "x/", "is not in the format " + format})
		for i, part := range parts {
			for _, bad := range badIDs {
				if !slices.Contains(bad.kinds, kinds[part]) || strings.Contains(bad.value, "/") {
					continue
				}
				values := make([]string, len(parts))
				for k, p := range parts {
					values[k] = good[p]
				}
				values[i] = bad.value
				id := strings.Join(values, "/")
				cases = append(cases, importCase{resourceType, id,
					fmt.Sprintf("(format %s): %s %q %s", format, part, values[i], bad.want)})
			}
		}
	}
	for _, id := range []string{"", "..", "GBOL", "gbol/x", " gbol"} {
		cases = append(cases, importCase{"codat_xero_integration", id, "import it with the ID \"gbol\""})
	}

	// Terraform itself refuses an import block whose whole ID is empty, before asking the provider.
	cases = slices.DeleteFunc(cases, func(c importCase) bool { return c.id == "" })
	var config strings.Builder
	config.WriteString(cliHeader(env))
	for i, c := range cases {
		fmt.Fprintf(&config, "import {\n  to = %s.i%d\n  id = %s\n}\n\nresource %q \"i%d\" {\n  %s\n}\n\n",
			c.resource, i, hclQuote(c.id), c.resource, i, resources[c.resource])
	}
	tf.writeConfig(config.String())
	diags := planDiagnostics(t, tf)
	for _, c := range cases {
		prefix := fmt.Sprintf("import ID %q ", c.id)
		if c.resource == "codat_xero_integration" {
			prefix = "codat_xero_integration holds the single Xero integration"
		}
		found := slices.ContainsFunc(diags, func(d tfDiagnostic) bool {
			return d.Summary == "Invalid import ID" && strings.HasPrefix(d.Detail, prefix) && strings.Contains(d.Detail, c.want) &&
				(c.resource != "codat_xero_integration" || strings.Contains(d.Detail, fmt.Sprintf("not %q", c.id)))
		})
		if !found {
			t.Errorf("%s import ID %q: no error %q", c.resource, c.id, c.want)
		}
	}
	if len(diags) != len(cases) {
		t.Errorf("%d errors for %d malformed import IDs: %+v", len(diags), len(cases), diags)
	}
	if n := env.Sandbox.TotalCalls(); n != 0 {
		t.Errorf("malformed import IDs made %d API calls: %v", n, env.Sandbox.Counts())
	}

	importStep := func(t *testing.T, resourceType, id string, want ...string) resource.TestCase {
		return resource.TestCase{
			PreCheck:                 func() { acctest.PreCheck(t) },
			ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
			Steps: []resource.TestStep{{
				Config:        env.ProviderConfig() + fmt.Sprintf("resource %q \"imported\" {\n  %s\n}\n", resourceType, resources[resourceType]),
				ResourceName:  resourceType + ".imported",
				ImportState:   true,
				ImportStateId: id,
				ExpectError:   acctest.ErrorRegexp(want...),
			}},
		}
	}
	for resourceType := range formats {
		id := map[string]string{
			"codat_company":                   testCompanyID,
			"codat_connection":                testCompanyID + "/" + testConnectionID,
			"codat_bank_feed_account":         testCompanyID + "/" + testConnectionID + "/a",
			"codat_bank_feed_account_mapping": testCompanyID + "/" + testConnectionID + "/a",
		}[resourceType]
		t.Run("unknown "+resourceType, func(t *testing.T) {
			resource.UnitTest(t, importStep(t, resourceType, id, `Cannot import non-existent remote object`))
		})
	}
}

// hclQuote writes s as an HCL string literal.
func hclQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteString(`\` + string(r))
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
