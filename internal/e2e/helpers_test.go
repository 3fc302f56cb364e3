package e2e_test

// What the suites share: the configuration most of them apply (customersConfig), the inventory that compares the
// sandbox with the state, and the steps they end with.

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
	"github.com/terraform-codat/terraform-provider-codat/internal/tfdriver"
)

// accountsPerCustomer is the number of source accounts customersConfig gives each customer.
const accountsPerCustomer = 2

// customersConfig is a provider block with the given settings and n customers written the way the docs recommend:
// for_each over one customer map, each customer a company with bank feeds, a Xero connection and
// accountsPerCustomer source accounts indexed by "<customer>/<account>".
func customersConfig(env *acctest.Env, n int, providerSettings ...string) string {
	return cliProviderConfig(env, providerSettings...) + fmt.Sprintf(`
locals {
  customers = { for i in range(%d) : format("c%%03d", i) => format("Customer %%03d", i) }
  accounts = merge([
    for c in keys(local.customers) : {
      for a in ["current", "savings"] : "${c}/${a}" => { customer = c, account = a }
    }
  ]...)
}

resource "codat_company" "customer" {
  for_each = local.customers
  name     = each.value
}

resource "codat_connection" "xero" {
  for_each   = local.customers
  company_id = codat_company.customer[each.key].id
}

resource "codat_bank_feed_account" "account" {
  for_each       = local.accounts
  company_id     = codat_company.customer[each.value.customer].id
  connection_id  = codat_connection.xero[each.value.customer].id
  account_id     = replace(each.key, "/", "-")
  account_name   = "${local.customers[each.value.customer]} ${each.value.account}"
  account_type   = each.value.account == "current" ? "checking" : "savings"
  account_number = format("%%08d", 10000000 + index(keys(local.accounts), each.key))
  sort_code      = "040004"
  currency       = "GBP"
  balance        = 100
}
`, n)
}

// withAccountTypes gives customersConfig's current and savings accounts other account types.
func withAccountTypes(config, current, savings string) string {
	return strings.Replace(config, `each.value.account == "current" ? "checking" : "savings"`,
		fmt.Sprintf("each.value.account == \"current\" ? %q : %q", current, savings), 1)
}

// applyAccountTypes applies customersConfig with one customer whose current and savings accounts have the given
// account types, on a Codat client that speaks v2 source accounts.
func applyAccountTypes(t *testing.T, current, savings string) (*acctest.Env, *acctest.CLI, tfdriver.Result) {
	t.Helper()
	env := acctest.New(t)
	tf := acctest.NewCLI(t)
	tf.WriteConfig(withAccountTypes(customersConfig(env, 1), current, savings))
	return env, tf, tf.Apply()
}

// cliProviderConfig is the terraform and provider blocks of a configuration the CLI helpers run against env: the
// provider's defaults but for the settings given.
func cliProviderConfig(env *acctest.Env, providerSettings ...string) string {
	return acctest.ProviderBlock(append(env.Settings(), providerSettings...)...)
}

// inventory compares what the sandbox holds with what the state records, by object key: "company <id>",
// "connection <company>/<id>", "account <company>/<connection>/<id>".
type inventory struct {
	sandbox, state map[string]bool
	// duplicates counts objects beyond the configuration: companies sharing a name, a company's second
	// connection, a connection's accounts beyond accountsPerCustomer.
	duplicates int
	// companies is the number of companies in the sandbox.
	companies int
}

func takeInventory(sb *sandbox.Sandbox, objects []tfdriver.StateObject) inventory {
	inv := inventory{sandbox: map[string]bool{}, state: map[string]bool{}}
	names := map[string]int{}
	for _, c := range sb.Companies() {
		inv.companies++
		inv.sandbox["company "+c.ID] = true
		if names[c.Name]++; names[c.Name] > 1 {
			inv.duplicates++
		}
		conns := sb.Connections(c.ID)
		inv.duplicates += max(0, len(conns)-1)
		for _, conn := range conns {
			inv.sandbox["connection "+c.ID+"/"+conn.ID] = true
			accounts := sb.SourceAccounts(c.ID, conn.ID)
			inv.duplicates += max(0, len(accounts)-accountsPerCustomer)
			for _, a := range accounts {
				inv.sandbox["account "+c.ID+"/"+conn.ID+"/"+a.ID] = true
			}
		}
	}
	for _, o := range objects {
		switch o.Type {
		case "codat_company":
			inv.state["company "+o.Attr("id")] = true
		case "codat_connection":
			inv.state["connection "+o.Attr("company_id")+"/"+o.Attr("id")] = true
		case "codat_bank_feed_account":
			inv.state["account "+o.Attr("id")] = true
		}
	}
	return inv
}

// orphans are objects in the sandbox that the state does not record: lost to Terraform.
func (inv inventory) orphans() []string { return missingFrom(inv.sandbox, inv.state) }

// phantoms are objects the state records that the sandbox does not hold.
func (inv inventory) phantoms() []string { return missingFrom(inv.state, inv.sandbox) }

func missingFrom(have, other map[string]bool) []string {
	var out []string
	for k := range have {
		if !other[k] {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// check reports duplicates, orphans and phantoms as test errors.
func (inv inventory) check(t testing.TB, when string) {
	t.Helper()
	if inv.duplicates > 0 {
		t.Errorf("%s: %d duplicate objects in the sandbox", when, inv.duplicates)
	}
	if o := inv.orphans(); len(o) > 0 {
		t.Errorf("%s: %d objects in the sandbox are not in the state: %v", when, len(o), o)
	}
	if p := inv.phantoms(); len(p) > 0 {
		t.Errorf("%s: %d objects in the state are not in the sandbox: %v", when, len(p), p)
	}
}

// copyExample copies an example folder's configuration (tfdriver.CopyConfig) to dst.
func copyExample(t *testing.T, src, dst string) {
	t.Helper()
	if err := tfdriver.CopyConfig(src, dst); err != nil {
		t.Fatal(err)
	}
}

// destroyAll runs terraform destroy, which must succeed and leave no company in the sandbox.
func destroyAll(t *testing.T, env *acctest.Env, tf *acctest.CLI) {
	t.Helper()
	if run := tf.Destroy(); !run.OK() {
		t.Fatalf("destroy: %s", run)
	}
	if cs := env.Sandbox.Companies(); len(cs) != 0 {
		t.Errorf("after destroy the sandbox still holds %d companies", len(cs))
	}
}
