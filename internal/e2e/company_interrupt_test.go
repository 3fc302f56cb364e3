package e2e_test

// Ctrl-C in the middle of a company's create or update, driven through the terraform binary. The interrupt lands at
// a chosen point without depending on timing: the sandbox holds the company request in flight, the test sends the
// interrupt, waits until the provider process has closed its request contexts (terraform-plugin-go logs it), and
// only then lets the request finish. The provider then holds the answer to a request it had sent, and is stopped
// before the next one.

import (
	"strings"
	"testing"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
	"github.com/terraform-codat/terraform-provider-codat/internal/tfdriver"
)

// interruptDuring runs terraform with args, holds the first request to route in the sandbox, interrupts terraform
// while it is held and lets it finish once the provider has been stopped.
func interruptDuring(t *testing.T, env *acctest.Env, tf *acctest.CLI, route string, args ...string) tfdriver.Result {
	t.Helper()
	entered, release := env.Sandbox.HoldRequests(route)
	t.Cleanup(release)
	return tf.InterruptHeld(entered, release, args...)
}

// Ctrl-C after POST /companies was sent but before the product step: the company Codat created is recorded, not
// tainted, with a warning; the next plan updates it in place (never replaces it) and the next apply carries on.
func TestAccCompanyCreate_interruptedBeforeProducts(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, acctest.ProductsProgramme)
	tf := acctest.NewCLI(t)
	tf.WriteConfig(env.ProviderConfig() + `
resource "codat_company" "customer" {
  name     = "Interrupted Ltd"
  products = ["bank-feeds"]
}

resource "codat_connection" "xero" {
  company_id = codat_company.customer.id
}
`)
	run := interruptDuring(t, env, tf, sandbox.RouteCreateCompany, "apply", "-auto-approve", "-input=false", "-no-color")
	t.Logf("interrupted %s", run)

	companies := env.Sandbox.Companies()
	if len(companies) != 1 {
		t.Fatalf("the sandbox holds %d companies after the interrupt, want the 1 whose request was in flight", len(companies))
	}
	company := companies[0]
	if len(company.Products) != 0 {
		t.Fatalf("products %v were enabled: the interrupt did not land between the company and its products", company.Products)
	}
	if n := env.Sandbox.Count(sandbox.RouteAddProduct); n != 0 {
		t.Errorf("the provider sent %d product requests after it was stopped", n)
	}
	if !acctest.ErrorRegexp(`Warning: Stopped before enabling the products of Codat company `+company.ID,
		`"bank-feeds"`, `next apply`).MatchString(run.Output) {
		t.Errorf("no warning that the products were not enabled:\n%s", run.Output)
	}
	if strings.Contains(run.Output, "context canceled") {
		t.Errorf("the interrupt is reported as an error:\n%s", run.Output)
	}
	var recorded bool
	for _, o := range tf.State() {
		if o.Type == "codat_company" {
			recorded = true
			if o.Tainted || o.Attr("id") != company.ID {
				t.Errorf("the company is recorded as %s (tainted %t), want %s untainted", o.Attr("id"), o.Tainted, company.ID)
			}
		}
	}
	if !recorded {
		t.Fatalf("the company Codat created is not in the state")
	}

	plan := tf.Run("plan", "-input=false", "-no-color")
	if !plan.OK() || strings.Contains(plan.Output, "must be replaced") ||
		!strings.Contains(plan.Output, "codat_company.customer will be updated in-place") {
		t.Errorf("the plan after the interrupt does not update the company in place: %s", plan)
	}
	carryOn(t, env, tf, func(c sandbox.Company) bool {
		return c.ID == company.ID && len(c.Products) == 1 && len(env.Sandbox.Connections(c.ID)) == 1
	})
}

// Ctrl-C after PUT /companies/{companyId} was sent but before the product step of an update: the state records
// what Codat holds (the new name, the old products), so the next apply carries on with the products only.
func TestAccCompanyUpdate_interruptedBeforeProducts(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, acctest.ProductsProgramme)
	tf := acctest.NewCLI(t)
	config := func(name, products string) string {
		return env.ProviderConfig() + `
resource "codat_company" "customer" {
  name     = "` + name + `"
  products = [` + products + `]
}
`
	}
	tf.WriteConfig(config("Before Ltd", `"lending"`))
	if run := tf.Apply(); !run.OK() {
		t.Fatalf("apply: %s", run)
	}
	tf.WriteConfig(config("After Ltd", `"lending", "bank-feeds"`))
	run := interruptDuring(t, env, tf, sandbox.RouteReplaceCompany, "apply", "-auto-approve", "-input=false", "-no-color")
	t.Logf("interrupted %s", run)

	company := env.OnlyCompany(t)
	if company.Name != "After Ltd" || len(company.Products) != 1 {
		t.Fatalf("the sandbox holds %+v: the interrupt did not land between the company and its products", company)
	}
	for _, o := range tf.State() {
		if o.Type != "codat_company" {
			continue
		}
		products, _ := o.Attributes["products"].([]any)
		if o.Tainted || o.Attr("name") != "After Ltd" || len(products) != 1 || products[0] != "lending" {
			t.Errorf("the state records %v (tainted %t), want what Codat holds: After Ltd with lending", o.Attributes, o.Tainted)
		}
	}
	carryOn(t, env, tf, func(c sandbox.Company) bool { return c.ID == company.ID && len(c.Products) == 2 })
}

// A Codat client outside the development programme: the company is created, the product step is refused (403),
// and the company stays in the state untainted with a warning that explains the programme, instead of being
// replaced on every apply.
func TestAccCompanyCreate_productsRefusedLeavesCompany(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	tf := acctest.NewCLI(t)
	tf.WriteConfig(env.ProviderConfig() + `
resource "codat_company" "customer" {
  name     = "Outside Ltd"
  products = ["bank-feeds"]
}
`)
	run := tf.Apply()
	if !run.OK() || !acctest.ErrorRegexp(`Warning: Unable to enable the products of Codat company`, `"bank-feeds"`,
		`development programme`, `403`).MatchString(run.Output) {
		t.Errorf("apply does not warn about the development programme: %s", run)
	}
	company := env.OnlyCompany(t)
	for _, o := range tf.State() {
		if o.Type == "codat_company" && (o.Tainted || o.Attr("id") != company.ID) {
			t.Errorf("the company is recorded as %s (tainted %t), want %s untainted", o.Attr("id"), o.Tainted, company.ID)
		}
	}
	plan := tf.Run("plan", "-input=false", "-no-color")
	if !plan.OK() || strings.Contains(plan.Output, "must be replaced") {
		t.Errorf("the next plan replaces the company: %s", plan)
	}
	if run := tf.Destroy(); !run.OK() {
		t.Fatalf("destroy: %s", run)
	}
}

// carryOn runs the apply after an interrupt: it must succeed and leave the sandbox's single company as want says,
// the plan after it must be empty, and destroy must leave nothing behind.
func carryOn(t *testing.T, env *acctest.Env, tf *acctest.CLI, want func(sandbox.Company) bool) {
	t.Helper()
	if run := tf.Apply(); !run.OK() {
		t.Fatalf("apply after the interrupt: %s", run)
	}
	if c := env.OnlyCompany(t); !want(c) {
		t.Errorf("after the next apply the sandbox holds %+v", c)
	}
	if empty, run := tf.PlanIsEmpty(); !empty {
		t.Errorf("the plan after apply is not empty: %s", run)
	}
	destroyAll(t, env, tf)
}
