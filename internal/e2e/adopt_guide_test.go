package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
	"github.com/terraform-codat/terraform-provider-codat/internal/codat"
	"github.com/terraform-codat/terraform-provider-codat/internal/guide"
	"github.com/terraform-codat/terraform-provider-codat/internal/tfdriver"
)

// adoptGuidePage is the guide this test follows, as make docs generates it.
const adoptGuidePage = "../../docs/guides/adopting-existing-customers.md"

// TestAccGuideAdoptingExistingCustomers follows docs/guides/adopting-existing-customers.md with the configuration
// and commands taken from the page itself. The reader's configuration is examples/quickstart, applied as it is
// (its Xero integration and three customers made by Terraform). Then 20 customers are onboarded through Codat's API
// as a script would: each a company tagged with its customer key, a Xero connection and one to three source
// accounts of varied shapes, some authorised and mapped by their SMB users, one with bank transactions that moved
// its balance; beside them a company the team tests with and one that is nobody's customer. The page adopts the 20
// customers into the quickstart's customer module and the test company through generated configuration: the plan
// only imports, the import sends nothing but reads, every object is in the state exactly once, the plans after
// the import and after the adopted customers are saved as configuration are empty, and nothing in the sandbox was
// created, changed or deleted.
func TestAccGuideAdoptingExistingCustomers(t *testing.T) {
	env := acctest.New(t)
	tf := acctest.NewCLI(t)
	_, blocks, err := guide.ReadPage(adoptGuidePage)
	if err != nil {
		t.Fatal(err)
	}

	// The reader's shell: the provider set up through the environment, as for `make demo`, and Terraform from the
	// test's PATH. A reader answers "yes" to terraform apply; here TF_CLI_ARGS_apply does.
	const xeroClientID, xeroSecret = "ADOPT000000000000000000000000001", "adopt-secret-0001"
	env.Sandbox.RegisterXeroApp(xeroClientID, xeroSecret)
	tf.Setenv(
		"CODAT_BASE_URL="+env.URL, "CODAT_API_KEY="+env.APIKey, "XERO_TOKEN_URL="+env.XeroTokenURL(),
		"TF_VAR_xero_client_id="+xeroClientID, "TF_VAR_xero_client_secret="+xeroSecret,
		"TF_CLI_ARGS_apply=-auto-approve -no-color", "TF_CLI_ARGS_plan=-no-color",
		"PATH="+filepath.Dir(tf.Bin)+string(os.PathListSeparator)+os.Getenv("PATH"),
	)
	copyExample(t, "../../examples/quickstart", tf.Dir)
	if run := tf.Run("get"); !run.OK() {
		t.Fatal(run)
	}
	if run := tf.Apply(); !run.OK() {
		t.Fatalf("applying the quickstart: %s", run)
	}
	managedByTerraform := tf.State()

	client := env.Client(t)
	customers := onboardByScript(t, env, client, 20)
	ctx := context.Background()
	demo, err := client.CreateCompany(ctx, codat.CompanyRequest{Name: "Bank feeds demo", Tags: map[string]string{"purpose": "demo"}})
	if err != nil {
		t.Fatal(err)
	}
	demoConn, err := client.CreateConnection(ctx, demo.ID, "gbol")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.CreateCompany(ctx, codat.CompanyRequest{Name: "Trial signup"}); err != nil {
		t.Fatal(err)
	}
	before := sandboxObjects(env)
	env.Sandbox.ResetCounts()

	// What the state must hold after the import: the quickstart's objects as they were, every object of the 20
	// customers under its customer's module instance, and the test company and its connection at the root; not the
	// trial company.
	want := map[string]string{} // object key (see objectKey) => address
	for _, o := range managedByTerraform {
		want[objectKey(t, o)] = o.Address
	}
	imports := 0
	for _, c := range customers {
		module := fmt.Sprintf("module.customer[%q].", c.key)
		want["company "+c.companyID] = module + "codat_company.this"
		want["connection "+c.companyID+"/"+c.connectionID] = module + "codat_connection.xero"
		for id, key := range c.accounts {
			want["account "+c.companyID+"/"+c.connectionID+"/"+id] = module + fmt.Sprintf("codat_bank_feed_account.account[%q]", key)
		}
		imports += 2 + len(c.accounts)
	}
	want["company "+demo.ID] = "codat_company.demo"
	want["connection "+demo.ID+"/"+demoConn.ID] = "codat_connection.demo"
	imports += 2

	emptyPlans := 0
	checks := []struct {
		command string // the check runs after the page's run block that contains this
		check   func(t *testing.T)
		ran     bool
	}{
		{"-generate-config-out=generated.tf", func(t *testing.T) {
			generated, err := os.ReadFile(filepath.Join(tf.Dir, "generated.tf"))
			if err != nil {
				t.Fatal(err)
			}
			for _, block := range []string{`resource "codat_company" "demo"`, `resource "codat_connection" "demo"`} {
				if !strings.Contains(string(generated), block) {
					t.Errorf("generated.tf has no %s:\n%s", block, generated)
				}
			}
		}, false},
		{"plan -out=adopt.tfplan", func(t *testing.T) {
			checkImportOnlyPlan(t, tf, "adopt.tfplan", imports)
		}, false},
		{"terraform apply adopt.tfplan", func(t *testing.T) {
			checkStateHolds(t, tf, want)
			checkNoWrites(t, env, "the import")
		}, false},
		// set -e makes the block fail unless the plan is empty.
		{"terraform plan -detailed-exitcode", func(*testing.T) { emptyPlans++ }, false},
		{"adopted-customers.json", func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(tf.Dir, "adopted-customers.json"))
			if err != nil {
				t.Fatal(err)
			}
			var saved map[string]json.RawMessage
			if err := json.Unmarshal(b, &saved); err != nil {
				t.Fatalf("adopted-customers.json: %v", err)
			}
			var keys []string
			for _, c := range customers {
				keys = append(keys, c.key)
			}
			if got := slices.Sorted(maps.Keys(saved)); !slices.Equal(got, keys) {
				t.Errorf("adopted-customers.json holds the customers %v, want the 20 adopted ones %v", got, keys)
			}
		}, false},
	}
	for _, b := range blocks {
		switch b.Directive {
		case "file", "patch":
			if filepath.IsAbs(b.Arg) || strings.HasPrefix(b.Arg, "~") || strings.Contains(b.Arg, "..") {
				t.Fatalf("block at %s: %q is not a file of the configuration's folder", b, b.Arg)
			}
			path := filepath.Join(tf.Dir, b.Arg)
			text := b.Body
			if b.Directive == "patch" {
				old, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("block at %s: %v", b, err)
				}
				if text, err = guide.Patch(string(old), b.Body); err != nil {
					t.Fatalf("block at %s patches %s: %v", b, b.Arg, err)
				}
			}
			if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
		case "run":
			began := time.Now()
			out, err := runShellBlock(tf, b.Body)
			if err != nil {
				t.Fatalf("block at %s failed: %v\n--- block:\n%s--- output:\n%s", b, err, b.Body, out)
			}
			// Terraform's summary lines, for the log.
			var summary []string
			for _, l := range strings.Split(out, "\n") {
				if strings.HasPrefix(l, "Plan:") || strings.HasPrefix(l, "Apply complete") || strings.HasPrefix(l, "No changes") {
					summary = append(summary, l)
				}
			}
			t.Logf("block at %s ran in %s: %s", b, time.Since(began).Round(100*time.Millisecond), strings.Join(summary, " / "))
			for i := range checks {
				if strings.Contains(b.Body, checks[i].command) {
					checks[i].ran = true
					checks[i].check(t)
					if t.Failed() {
						// Applying a plan that failed its check would only add noise.
						t.FailNow()
					}
				}
			}
		case "serve", "output of serve", "skip":
			t.Fatalf("block at %s: this page has no %s blocks", b, b.Directive)
		}
	}
	for _, c := range checks {
		if !c.ran {
			t.Errorf("the page no longer runs a block with %q", c.command)
		}
	}

	// The plans after the import and after the adopted customers were saved as configuration were empty; the
	// state is unchanged, and since the customers were onboarded nothing was created, changed or deleted.
	if emptyPlans != 2 {
		t.Errorf("the page checks %d plans for changes with -detailed-exitcode, want 2 (after the import, after saving)", emptyPlans)
	}
	checkStateHolds(t, tf, want)
	checkNoWrites(t, env, "the guide")
	if after := sandboxObjects(env); !slices.Equal(after, before) {
		t.Errorf("the sandbox held\n%v\nbefore the guide and\n%v\nafter", before, after)
	}
}

// scriptCustomer is a customer onboarded through the API, with its accounts' ids and their keys in the module.
type scriptCustomer struct {
	key, companyID, connectionID string
	accounts                     map[string]string // account id => key in the customer module
}

// onboardByScript onboards n customers through Codat's API as a team's script would, in shapes the quickstart's
// conventions do not cover: descriptions or none, extra tags, account ids without the customer key, EUR accounts
// with routing and no sort code, account information, credit cards with negative balances. Every third customer
// has authorised Xero; every third from the third has also mapped its GBP accounts, and the first of those had
// bank transactions written that moved its balance; one has revoked Xero's access since.
func onboardByScript(t *testing.T, env *acctest.Env, client *codat.Client, n int) []scriptCustomer {
	t.Helper()
	ctx := context.Background()
	ptr := func(s string) *string { return &s }
	var customers []scriptCustomer
	for i := range n {
		key := fmt.Sprintf("shop-%02d", i+1)
		name := fmt.Sprintf("Corner Shop %02d Ltd", i+1)
		req := codat.CompanyRequest{Name: name, Tags: map[string]string{"customer": key}}
		if i%3 != 0 {
			req.Description = fmt.Sprintf("Onboarded by script, batch %d", i%4+1)
		}
		if i%2 == 0 {
			req.Tags["region"] = "uk"
		}
		if i%5 == 0 {
			req.Tags["tier"] = "gold"
		}
		company, err := client.CreateCompany(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		conn, err := client.CreateConnection(ctx, company.ID, "gbol")
		if err != nil {
			t.Fatal(err)
		}
		c := scriptCustomer{key: key, companyID: company.ID, connectionID: conn.ID, accounts: map[string]string{}}
		accounts := []codat.SourceAccount{{
			ID: key + "-current", AccountName: name + " Current", AccountType: "checking",
			AccountNumber: fmt.Sprintf("%08d", 40000000+i), SortCode: ptr("040004"), Currency: "GBP",
			Balance: json.Number(fmt.Sprintf("%d.%02d", 100*i, i)),
		}}
		if i%2 == 1 {
			accounts = append(accounts, codat.SourceAccount{
				ID: key + "-savings", AccountName: name + " Savings", AccountType: "savings",
				AccountNumber: fmt.Sprintf("%08d", 50000000+i), SortCode: ptr("200000"), Currency: "GBP", Balance: "2500",
				AccountInfo: &codat.AccountInfo{Nickname: "Rainy day", AccountOpenDate: "2021-03-01"},
			})
		}
		if i%4 == 0 {
			accounts = append(accounts, codat.SourceAccount{
				ID: fmt.Sprintf("EUR-%04d", i), AccountName: name + " Euro", AccountType: "checking",
				AccountNumber: fmt.Sprintf("DE89%018d", i), Currency: "EUR", Balance: "0",
				RoutingInfo: &codat.RoutingInfo{BankCode: "DEUTDEFF", Type: "swift"},
				AccountInfo: &codat.AccountInfo{Description: "Euro collections", AvailableBalance: "120.5"},
			})
		}
		if i%7 == 6 {
			accounts = append(accounts, codat.SourceAccount{
				ID: key + "-card", AccountName: name + " Card", AccountType: "creditCard",
				AccountNumber: fmt.Sprintf("%08d", 60000000+i), SortCode: ptr("040004"), Currency: "GBP", Balance: "-310.20",
			})
		}
		for _, a := range accounts {
			if _, err := client.CreateSourceAccount(ctx, company.ID, conn.ID, a); err != nil {
				t.Fatal(err)
			}
			c.accounts[a.ID] = strings.TrimPrefix(a.ID, key+"-")
		}

		if i%3 != 0 {
			if err := env.Sandbox.AuthorizeConnection(company.ID, conn.ID); err != nil {
				t.Fatal(err)
			}
		}
		if i%3 == 2 {
			for _, a := range accounts {
				if a.Currency != "GBP" {
					continue
				}
				if err := env.Sandbox.MapAccount(company.ID, conn.ID, a.ID, "", time.Now().AddDate(0, 0, -30)); err != nil {
					t.Fatalf("mapping %s: %v", a.ID, err)
				}
			}
		}
		if i == 2 {
			env.PushTransactions(t, company.ID, conn.ID, key+"-current", map[string]any{
				"id": "t1", "date": time.Now().UTC().Format("2006-01-02"), "description": "Card takings",
				"amount": 95.5, "balance": 295.52, "transactionType": "Credit",
			})
		}
		if i == 10 {
			if err := env.Sandbox.SetConnectionStatus(company.ID, conn.ID, "Deauthorized"); err != nil {
				t.Fatal(err)
			}
		}
		customers = append(customers, c)
	}
	return customers
}

// runShellBlock runs a page's shell block in the configuration's folder, as the reader's shell would, stopping at
// the first failing command.
func runShellBlock(tf *acctest.CLI, body string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), acctest.CommandLimit)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "--noprofile", "--norc", "-euo", "pipefail", "-c", body)
	cmd.Dir, cmd.Env = tf.Dir, tf.Env
	cmd.WaitDelay = 10 * time.Second
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// objectKey names the Codat object a state object records: "company <id>", "connection <company>/<id>",
// "account <company>/<connection>/<id>" or "integration <platform key>".
func objectKey(t *testing.T, o tfdriver.StateObject) string {
	t.Helper()
	switch o.Type {
	case "codat_company":
		return "company " + o.Attr("id")
	case "codat_connection":
		return "connection " + o.Attr("company_id") + "/" + o.Attr("id")
	case "codat_bank_feed_account":
		return "account " + o.Attr("id")
	case "codat_xero_integration":
		return "integration " + o.Attr("id")
	}
	t.Fatalf("%s: a resource type the guide does not adopt", o.Address)
	return ""
}

// checkStateHolds checks that the state records each object of want exactly once, at its address, and nothing else.
func checkStateHolds(t *testing.T, tf *acctest.CLI, want map[string]string) {
	t.Helper()
	got := map[string][]string{}
	for _, o := range tf.State() {
		if o.Tainted || o.Deposed {
			t.Errorf("%s is tainted or deposed", o.Address)
		}
		k := objectKey(t, o)
		got[k] = append(got[k], o.Address)
	}
	for k, addr := range want {
		if addrs := got[k]; len(addrs) != 1 || addrs[0] != addr {
			t.Errorf("%s is in the state at %v, want once at %s", k, addrs, addr)
		}
	}
	for k, addrs := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s is in the state at %v, and should not be", k, addrs)
		}
	}
}

// checkImportOnlyPlan checks that a saved plan imports n objects and changes nothing: every managed resource's
// action is a no-op, and a data source may only be read.
func checkImportOnlyPlan(t *testing.T, tf *acctest.CLI, planFile string, n int) {
	t.Helper()
	plan := tf.ShowPlan(planFile)
	imported := 0
	for _, rc := range plan.ResourceChanges {
		actions := strings.Join(rc.Change.Actions, ",")
		switch {
		case rc.Mode == "data" && actions == "read":
		case rc.Mode == "managed" && actions == "no-op":
			if rc.Imports() {
				imported++
			}
		default:
			t.Errorf("the import plan would %s %s", actions, rc.Address)
		}
	}
	if imported != n {
		t.Errorf("the plan imports %d objects, want %d", imported, n)
	}
}

// checkNoWrites fails the test when the sandbox received any request but a read since its counters were reset.
func checkNoWrites(t *testing.T, env *acctest.Env, during string) {
	t.Helper()
	for route, n := range env.Sandbox.Counts() {
		if !strings.HasPrefix(route, "GET ") {
			t.Errorf("%s sent %d × %s", during, n, route)
		}
	}
}

// sandboxObjects lists every company, connection and source account in the sandbox, with the fields Terraform
// manages, sorted.
func sandboxObjects(env *acctest.Env) []string {
	var out []string
	for _, c := range env.Sandbox.Companies() {
		out = append(out, fmt.Sprintf("company %s %q %q %v", c.ID, c.Name, c.Description, c.Tags))
		for _, conn := range env.Sandbox.Connections(c.ID) {
			out = append(out, fmt.Sprintf("connection %s/%s %s %s", c.ID, conn.ID, conn.PlatformKey, conn.Status))
			for _, a := range env.Sandbox.SourceAccounts(c.ID, conn.ID) {
				out = append(out, fmt.Sprintf("account %s/%s/%s %q %s %s %s %s", c.ID, conn.ID, a.ID, a.AccountName,
					a.AccountType, a.AccountNumber, a.Currency, a.Balance))
			}
		}
	}
	slices.Sort(out)
	return out
}
