package provider_test

import (
	"testing"
	"time"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

// Ctrl-C during a slow apply: terraform stops cleanly, the state records every object that was created (requests
// already sent are allowed to finish, so none is lost), and the next apply carries on to an empty plan.
func TestAccCancellation_interruptedApply(t *testing.T) {
	t.Parallel()
	const customers = 10
	env := acctest.New(t, func(o *sandbox.Options) { o.Latency = 300 * time.Millisecond })
	tf := newTFCLI(t)
	tf.writeConfig(customersConfig(env, customers))

	// Interrupt once the first companies exist, while the rest of the apply is still ahead.
	run := tf.interrupt(func() bool { return len(env.Sandbox.Companies()) >= 3 },
		"apply", "-auto-approve", "-input=false", "-no-color")
	if run.ok() {
		t.Errorf("the interrupted apply reports success: %s", run)
	}
	t.Logf("interrupted %s", run)

	inv := takeInventory(env.Sandbox, tf.state())
	inv.check(t, "after the interrupt")
	if want := customers * 4; len(inv.sandbox) >= want {
		t.Errorf("the sandbox holds all %d objects: the interrupt came too late to stop anything", want)
	}
	// A company whose products were not enabled yet is tainted: Terraform accepts a result other than the plan
	// only with an error. The next apply replaces it, a new company with nothing under it yet.
	for _, o := range tf.state() {
		if o.Deposed || (o.Tainted && o.Type != "codat_company") {
			t.Errorf("%s is tainted or deposed after the interrupt", o.Address)
		}
	}

	if run := tf.apply(); !run.ok() {
		t.Fatalf("apply after the interrupt: %s", run)
	}
	takeInventory(env.Sandbox, tf.state()).check(t, "after the next apply")
	if got := len(env.Sandbox.Companies()); got != customers {
		t.Errorf("the sandbox holds %d companies, want %d", got, customers)
	}
	if empty, run := tf.planIsEmpty(); !empty {
		t.Errorf("the plan after apply is not empty: %s", run)
	}
	if run := tf.destroy(); !run.ok() {
		t.Fatalf("destroy: %s", run)
	}
	if cs := env.Sandbox.Companies(); len(cs) != 0 {
		t.Errorf("after destroy the sandbox still holds %d companies", len(cs))
	}
}

// Ctrl-C while the provider waits for a mapping to connect: Codat has accepted the mapping, so it is recorded
// (with a warning, not tainted: replacing it would map the account a second time) and the next plan is empty.
func TestAccCancellation_interruptedMappingWait(t *testing.T) {
	t.Parallel()
	// The account stays "connecting" far longer than the test runs.
	env := acctest.New(t, func(o *sandbox.Options) { o.MappingDelay = time.Hour })
	tf := newTFCLI(t)
	base := customersConfig(env, 1)
	tf.writeConfig(base)
	if run := tf.apply(); !run.ok() {
		t.Fatalf("apply: %s", run)
	}
	companyID, connectionID := authorizeOnlyConnection(t, env)
	tf.writeConfig(base + `
resource "codat_bank_feed_account_mapping" "current" {
  company_id        = codat_company.customer["c000"].id
  connection_id     = codat_connection.xero["c000"].id
  source_account_id = codat_bank_feed_account.account["c000/current"].account_id
}
`)

	run := tf.interrupt(func() bool {
		a, _ := env.Sandbox.SourceAccount(companyID, connectionID, "c000-current")
		return a.Status == sandbox.AccountConnecting
	}, "apply", "-auto-approve", "-input=false", "-no-color")
	t.Logf("interrupted %s", run)
	if !acctest.ErrorRegexp("Warning: Stopped waiting for the mapping", `recorded in the state with status "connecting"`).MatchString(run.output) {
		t.Errorf("no warning that the mapping was recorded while connecting:\n%s", run.output)
	}

	var found bool
	for _, o := range tf.state() {
		if o.Type != "codat_bank_feed_account_mapping" {
			continue
		}
		found = true
		if o.Tainted || o.attr("status") != "connecting" || o.attr("target_account_id") == "" {
			t.Errorf("the mapping is recorded as %+v (tainted %t); want it connecting, with its target, not tainted",
				o.Attributes, o.Tainted)
		}
	}
	if !found {
		t.Fatalf("the mapping Codat accepted is not in the state:\n%s", run.output)
	}
	if empty, run := tf.planIsEmpty(); !empty {
		t.Errorf("the plan after the interrupted apply is not empty: %s", run)
	}
	if run := tf.destroy(); !run.ok() {
		t.Fatalf("destroy: %s", run)
	}
	if cs := env.Sandbox.Companies(); len(cs) != 0 {
		t.Errorf("after destroy the sandbox still holds %d companies", len(cs))
	}
}
