package e2e_test

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
	"github.com/terraform-codat/terraform-provider-codat/internal/tfdriver"
)

// idAttributes lists every id attribute of every resource and data source, with a valid configuration around it.
var idAttributes = []struct {
	block, kind, attr string
	others            map[string]string
}{
	{"resource codat_connection", acctest.CodatIssued, "company_id", nil},
	{"resource codat_bank_feed_account", acctest.CodatIssued, "company_id", accountAttrs},
	{"resource codat_bank_feed_account", acctest.CodatIssued, "connection_id", accountAttrs},
	{"resource codat_bank_feed_account", acctest.YourOwn, "account_id", accountAttrs},
	{"resource codat_bank_feed_account_mapping", acctest.CodatIssued, "company_id", mappingAttrs},
	{"resource codat_bank_feed_account_mapping", acctest.CodatIssued, "connection_id", mappingAttrs},
	{"resource codat_bank_feed_account_mapping", acctest.YourOwn, "source_account_id", mappingAttrs},
	{"resource codat_bank_feed_account_mapping", acctest.Platforms, "target_account_id", mappingAttrs},
	{"data codat_company", acctest.CodatIssued, "id", nil},
	{"data codat_connection", acctest.CodatIssued, "company_id", map[string]string{"platform_key": `"gbol"`}},
	{"data codat_connection", acctest.CodatIssued, "id", map[string]string{"company_id": strconv.Quote(acctest.TestCompanyID)}},
	{"data codat_bank_feed_mapping", acctest.CodatIssued, "company_id", map[string]string{"connection_id": strconv.Quote(acctest.TestConnectionID)}},
	{"data codat_bank_feed_mapping", acctest.CodatIssued, "connection_id", map[string]string{"company_id": strconv.Quote(acctest.TestCompanyID)}},
	{"data codat_bank_feed_accounts", acctest.CodatIssued, "company_id", map[string]string{"connection_id": strconv.Quote(acctest.TestConnectionID)}},
	{"data codat_bank_feed_accounts", acctest.CodatIssued, "connection_id", map[string]string{"company_id": strconv.Quote(acctest.TestCompanyID)}},
	{"data codat_bank_feed_company_info", acctest.CodatIssued, "company_id", map[string]string{"connection_id": strconv.Quote(acctest.TestConnectionID)}},
	{"data codat_bank_feed_company_info", acctest.CodatIssued, "connection_id", map[string]string{"company_id": strconv.Quote(acctest.TestCompanyID)}},
}

var (
	accountAttrs = map[string]string{
		"company_id": strconv.Quote(acctest.TestCompanyID), "connection_id": strconv.Quote(acctest.TestConnectionID), "account_id": `"acc-1"`,
		"account_name": `"A"`, "account_type": `"checking"`, "account_number": `"1"`, "currency": `"USD"`, "balance": "1",
	}
	mappingAttrs = map[string]string{
		"company_id": strconv.Quote(acctest.TestCompanyID), "connection_id": strconv.Quote(acctest.TestConnectionID),
		"source_account_id": `"acc-1"`, "target_account_id": `"t-1"`,
	}
)

// Every id attribute of every resource and data source refuses, at plan time and before any request, every value
// that cannot name exactly one object, with the attribute's path and what is wrong. One plan holds all cases.
func TestAccValidation_identifiersFailAtPlan(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	tf := acctest.NewCLI(t)
	type expectation struct{ address, detail string }
	var config strings.Builder
	config.WriteString(cliProviderConfig(env) + "\n")
	var want []expectation
	for i, a := range idAttributes {
		mode, typ, _ := strings.Cut(a.block, " ")
		for j, bad := range acctest.BadIDs {
			if !slices.Contains(bad.Kinds, a.kind) {
				continue
			}
			name := fmt.Sprintf("%s_%d_%d", a.attr, i, j)
			attrs := maps.Clone(a.others)
			if attrs == nil {
				attrs = map[string]string{}
			}
			attrs[a.attr] = hclQuote(bad.Value)
			fmt.Fprintf(&config, "%s %q %q {\n", mode, typ, name)
			for _, k := range slices.Sorted(maps.Keys(attrs)) {
				fmt.Fprintf(&config, "  %s = %s\n", k, attrs[k])
			}
			config.WriteString("}\n\n")
			address := typ + "." + name
			if mode == "data" {
				address = "data." + address
			}
			want = append(want, expectation{address, fmt.Sprintf("Attribute %s %s", a.attr, bad.Want)})
		}
	}
	tf.WriteConfig(config.String())
	diags := tf.PlanErrors()
	for _, w := range want {
		found := slices.ContainsFunc(diags, func(d tfdriver.Diagnostic) bool {
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
	valid.WriteString(cliProviderConfig(env) + "\n")
	for i, id := range []string{"acc-1", "a b", "é.1", "A?b#c", "..."} {
		fmt.Fprintf(&valid, "resource \"codat_bank_feed_account_mapping\" \"ok%d\" {\n  company_id = %q\n  connection_id = %q\n"+
			"  source_account_id = %q\n  target_account_id = %q\n}\n", i, strings.ToUpper(acctest.TestCompanyID), acctest.TestConnectionID, id, "x/"+id+"/..")
	}
	tf.WriteConfig(valid.String())
	if run := tf.Run("validate", "-no-color"); !run.OK() {
		t.Errorf("valid ids refused: %s", run)
	}
}

// A malformed import ID, or one with a part that cannot name exactly one object, is refused before any request
// with the format and what is wrong with which part; a well-formed ID of an object that does not exist is refused
// by Terraform after one read. One plan imports every malformed ID.
func TestAccValidation_importIDs(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	tf := acctest.NewCLI(t)
	resources := map[string]string{
		"codat_company":                   "name = \"A\"",
		"codat_connection":                "company_id = \"" + acctest.TestCompanyID + "\"",
		"codat_bank_feed_account":         "company_id = \"" + acctest.TestCompanyID + "\"\n  connection_id = \"" + acctest.TestConnectionID + "\"\n  account_id = \"a\"\n  account_name = \"A\"\n  account_type = \"checking\"\n  account_number = \"1\"\n  currency = \"USD\"\n  balance = 1",
		"codat_bank_feed_account_mapping": "company_id = \"" + acctest.TestCompanyID + "\"\n  connection_id = \"" + acctest.TestConnectionID + "\"\n  source_account_id = \"a\"",
		"codat_xero_integration":          "client_id = \"id\"\n  client_secret = \"s\"",
	}
	formats := map[string][]string{
		"codat_company":                   {"company_id"},
		"codat_connection":                {"company_id", "connection_id"},
		"codat_bank_feed_account":         {"company_id", "connection_id", "account_id"},
		"codat_bank_feed_account_mapping": {"company_id", "connection_id", "source_account_id"},
	}
	kinds := map[string]string{"company_id": acctest.CodatIssued, "connection_id": acctest.CodatIssued, "account_id": acctest.YourOwn, "source_account_id": acctest.YourOwn}
	good := map[string]string{"company_id": acctest.TestCompanyID, "connection_id": acctest.TestConnectionID, "account_id": "acc-1", "source_account_id": "acc-1"}

	type importCase struct{ resource, id, want string }
	var cases []importCase
	for resourceType, parts := range formats {
		format := "<" + strings.Join(parts, ">/<") + ">"
		// Too few and too many parts: a part containing "/" is one of these.
		for _, n := range []int{len(parts) - 1, len(parts) + 1} {
			if n == 0 {
				continue
			}
			ids := slices.Repeat([]string{acctest.TestCompanyID}, n)
			cases = append(cases, importCase{resourceType, strings.Join(ids, "/"),
				fmt.Sprintf("is not in the format %s: it has %d", format, n)})
		}
		cases = append(cases, importCase{resourceType, strings.Repeat("/", len(parts)-1) + "x/", "is not in the format " + format})
		for i, part := range parts {
			for _, bad := range acctest.BadIDs {
				if !slices.Contains(bad.Kinds, kinds[part]) || strings.Contains(bad.Value, "/") {
					continue
				}
				values := make([]string, len(parts))
				for k, p := range parts {
					values[k] = good[p]
				}
				values[i] = bad.Value
				id := strings.Join(values, "/")
				cases = append(cases, importCase{resourceType, id,
					fmt.Sprintf("(format %s): %s %q %s", format, part, values[i], bad.Want)})
			}
		}
	}
	for _, id := range []string{"", "..", "GBOL", "gbol/x", " gbol"} {
		cases = append(cases, importCase{"codat_xero_integration", id, "import it with the ID \"gbol\""})
	}

	// Terraform itself refuses an import block whose whole ID is empty, before asking the provider.
	cases = slices.DeleteFunc(cases, func(c importCase) bool { return c.id == "" })
	var config strings.Builder
	config.WriteString(cliProviderConfig(env) + "\n")
	for i, c := range cases {
		fmt.Fprintf(&config, "import {\n  to = %s.i%d\n  id = %s\n}\n\nresource %q \"i%d\" {\n  %s\n}\n\n",
			c.resource, i, hclQuote(c.id), c.resource, i, resources[c.resource])
	}
	tf.WriteConfig(config.String())
	diags := tf.PlanErrors()
	for _, c := range cases {
		prefix := fmt.Sprintf("import ID %q ", c.id)
		if c.resource == "codat_xero_integration" {
			prefix = "codat_xero_integration holds the single Xero integration"
		}
		found := slices.ContainsFunc(diags, func(d tfdriver.Diagnostic) bool {
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

	importStep := func(resourceType, id string, want ...string) resource.TestCase {
		return resource.TestCase{
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
			"codat_company":                   acctest.TestCompanyID,
			"codat_connection":                acctest.TestCompanyID + "/" + acctest.TestConnectionID,
			"codat_bank_feed_account":         acctest.TestCompanyID + "/" + acctest.TestConnectionID + "/a",
			"codat_bank_feed_account_mapping": acctest.TestCompanyID + "/" + acctest.TestConnectionID + "/a",
		}[resourceType]
		t.Run("unknown "+resourceType, func(t *testing.T) {
			acctest.UnitTest(t, importStep(resourceType, id, `Cannot import non-existent remote object`))
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
