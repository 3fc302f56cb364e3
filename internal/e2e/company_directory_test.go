package e2e_test

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"testing"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

var customerKeyPattern = regexp.MustCompile(`\["(c\d{3})"\]$`)

// refreshReads is what a refresh asked Codat for companies and connections.
type refreshReads struct{ lists, companies, connections int }

// refreshAfterApply applies n customers and returns what the refresh of the plan right after asked for; the plan
// must be empty.
func refreshAfterApply(t *testing.T, env *acctest.Env, tf *acctest.CLI, n int) refreshReads {
	t.Helper()
	tf.WriteConfig(customersConfig(env, n))
	if run := tf.Apply(); !run.OK() {
		t.Fatalf("apply: %s", run)
	}
	env.Sandbox.ResetCounts()
	if empty, run := tf.PlanIsEmpty(); !empty {
		t.Fatalf("the plan after apply is not empty: %s", run)
	}
	return readsOf(env.Sandbox)
}

func readsOf(sb *sandbox.Sandbox) refreshReads {
	return refreshReads{sb.Count(sandbox.RouteListCompanies), sb.Count(sandbox.RouteGetCompany), sb.Count(sandbox.RouteGetConnection)}
}

// A refresh of a few customers in a Codat client with 50,000 companies reads each company on its own and takes
// each connection from its company's answer: it asks how many companies there are (one call, one company) but
// never lists 25 pages of them.
func TestAccCompanyDirectory_fewCustomersAmongManyCompanies(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.Sandbox.AddCompanies("Someone else's customer", 50_000)
	tf := acctest.NewCLI(t)
	const customers = 5
	got := refreshAfterApply(t, env, tf, customers)
	t.Logf("refresh of %d customers among 50,005 companies: %+v, %d calls in all", customers, got, env.Sandbox.TotalCalls())
	if want := (refreshReads{lists: 1, companies: customers}); got != want {
		t.Errorf("the refresh read %+v; want %+v: the count of companies once, each company on its own, each "+
			"connection from its company", got, want)
	}
}

// Many customers of a client with few other companies are read from one page of GET /companies, connections
// included; drift found through the list is the same as through one read per object: a company deleted outside
// Terraform is created again with its connection and accounts, a renamed one is renamed back, a deleted
// connection is created again, and a connection the SMB user authorised shows its new status with no change.
func TestAccCompanyDirectory_listAndDrift(t *testing.T) {
	t.Parallel()
	for _, omitKey := range []bool{false, true} {
		t.Run(fmt.Sprintf("integrationKey omitted %v", omitKey), func(t *testing.T) {
			t.Parallel()
			env := acctest.New(t, func(o *sandbox.Options) { o.OmitIntegrationKey = omitKey })
			env.Sandbox.AddCompanies("Someone else's customer", 30)
			tf := acctest.NewCLI(t)
			const customers = 6
			got := refreshAfterApply(t, env, tf, customers)
			// The first read is a GET; the second asks for the count (a one-company page); one page answers the rest.
			if want := (refreshReads{lists: 2, companies: 1}); got != want {
				t.Errorf("the refresh of %d customers read %+v, want %+v", customers, got, want)
			}

			ids := map[string]string{} // customer key -> company id
			conns := map[string]string{}
			for _, o := range tf.State() {
				m := customerKeyPattern.FindStringSubmatch(o.Address)
				if m == nil {
					continue
				}
				key := m[1]
				switch o.Type {
				case "codat_company":
					ids[key] = o.Attr("id")
				case "codat_connection":
					conns[key] = o.Attr("id")
				}
			}
			if len(ids) != customers || len(conns) != customers {
				t.Fatalf("state holds %d companies and %d connections, want %d each", len(ids), len(conns), customers)
			}
			must := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			must(env.Sandbox.DeleteCompany(ids["c000"]))
			must(env.Sandbox.SetCompanyName(ids["c001"], "Renamed outside Terraform"))
			must(env.Sandbox.DeleteConnection(ids["c002"], conns["c002"]))
			must(env.Sandbox.AuthorizeConnection(ids["c003"], conns["c003"]))

			env.Sandbox.ResetCounts()
			if run := tf.Run("plan", "-input=false", "-no-color", "-out=drift.tfplan"); !run.OK() {
				t.Fatalf("plan: %s", run)
			}
			// Read on their own: the first company (a GET), the deleted company's connection and the deleted
			// connection (Codat's 404s), and possibly the deleted company when it was not the first read.
			reads := readsOf(env.Sandbox)
			t.Logf("drift refresh: %+v", reads)
			if reads.lists != 2 || reads.companies < 1 || reads.companies > 2 || reads.connections != 2 {
				t.Errorf("the drift refresh read %+v; want 2 lists (count and page), 1 or 2 companies and the 2 missing "+
					"connections on their own", reads)
			}

			plan := tf.ShowPlan("drift.tfplan")
			actions := map[string]string{}
			for _, rc := range plan.ResourceChanges {
				if a := fmt.Sprint(rc.Change.Actions); a != "[no-op]" {
					actions[rc.Address] = a
				}
			}
			want := map[string]string{
				`codat_company.customer["c000"]`:                  "[create]",
				`codat_connection.xero["c000"]`:                   "[create]",
				`codat_bank_feed_account.account["c000/current"]`: "[create]",
				`codat_bank_feed_account.account["c000/savings"]`: "[create]",
				`codat_company.customer["c001"]`:                  "[update]",
				`codat_connection.xero["c002"]`:                   "[create]",
				`codat_bank_feed_account.account["c002/current"]`: "[create]",
				`codat_bank_feed_account.account["c002/savings"]`: "[create]",
			}
			if !maps.Equal(actions, want) {
				t.Errorf("planned changes:\n%v\nwant:\n%v", actions, want)
			}
			var status string
			for _, r := range plan.PriorState.Values.RootModule.Resources {
				if r.Address == `codat_connection.xero["c003"]` {
					status, _ = r.Values["status"].(string)
				}
			}
			if status != sandbox.ConnectionLinked {
				t.Errorf("the refreshed status of the authorised connection is %q, want %q", status, sandbox.ConnectionLinked)
			}

			if run := tf.Run("apply", "-input=false", "-no-color", "drift.tfplan"); !run.OK() {
				t.Fatalf("apply of the repairs: %s", run)
			}
			if empty, run := tf.PlanIsEmpty(); !empty {
				t.Fatalf("the plan after the repairs is not empty: %s", run)
			}
			if c, ok := env.Sandbox.Company(ids["c001"]); !ok || c.Name != "Customer 001" {
				t.Errorf("the renamed company is %+v, want its configured name back", c)
			}
			names := []string{}
			for _, c := range env.Sandbox.Companies() {
				names = append(names, c.Name)
			}
			if n := len(slices.DeleteFunc(names, func(n string) bool { return n != "Customer 000" })); n != 1 {
				t.Errorf("the sandbox holds %d companies named Customer 000, want the one created again", n)
			}
		})
	}
}
