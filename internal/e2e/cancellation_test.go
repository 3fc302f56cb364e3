package e2e_test

import (
	"strings"
	"testing"
	"time"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
	"github.com/terraform-codat/terraform-provider-codat/internal/tfdriver"
)

// Interrupts (Ctrl-C) at a known point, whatever the machine's load: the sandbox holds the request that is
// outstanding when Terraform is interrupted, the test waits until the provider has been stopped (its operations'
// contexts cancelled), and only then lets the request finish. Nothing depends on how fast anything runs.

// Ctrl-C during an apply: terraform stops cleanly, the state records every object that was created (requests
// already sent are allowed to finish, so none is lost), nothing new is started, and the next apply carries on to an
// empty plan.
func TestAccCancellation_interruptedApply(t *testing.T) {
	t.Parallel()
	const customers = 10
	env := acctest.New(t)
	// The connections are held: the interrupt comes while they are being created.
	entered, release := env.Sandbox.HoldRequests(sandbox.RouteCreateConnection)
	defer release()
	tf := acctest.NewCLI(t)
	tf.WriteConfig(customersConfig(env, customers))

	run := tf.InterruptHeld(entered, release, "apply", "-auto-approve", "-input=false", "-no-color")
	if run.OK() {
		t.Errorf("the interrupted apply reports success: %s", run)
	}
	t.Logf("interrupted %s", run)

	inv := takeInventory(env.Sandbox, tf.State())
	inv.check(t, "after the interrupt")
	// Every connection still outstanding at the interrupt was created and recorded; no source account was started,
	// as each waits for its connection.
	var connections, accounts int
	for _, c := range env.Sandbox.Companies() {
		for _, conn := range env.Sandbox.Connections(c.ID) {
			connections++
			accounts += len(env.Sandbox.SourceAccounts(c.ID, conn.ID))
		}
	}
	if connections == 0 || accounts != 0 {
		t.Errorf("after the interrupt the sandbox holds %d connections and %d source accounts; want the held connections and no account",
			connections, accounts)
	}
	// Nothing is tainted: every create that Codat answered is recorded as it is, and the next apply carries on.
	for _, o := range tf.State() {
		if o.Deposed || o.Tainted {
			t.Errorf("%s is tainted or deposed after the interrupt", o.Address)
		}
	}

	if run := tf.Apply(); !run.OK() {
		t.Fatalf("apply after the interrupt: %s", run)
	}
	takeInventory(env.Sandbox, tf.State()).check(t, "after the next apply")
	if got := len(env.Sandbox.Companies()); got != customers {
		t.Errorf("the sandbox holds %d companies, want %d", got, customers)
	}
	if empty, run := tf.PlanIsEmpty(); !empty {
		t.Errorf("the plan after apply is not empty: %s", run)
	}
	destroyAll(t, env, tf)
}

// applyBeforeMapping applies customersConfig's one customer and has its SMB user authorise the connection; the
// mapping of its current account to a new Xero account is the configuration it returns, for the test to apply.
func applyBeforeMapping(t *testing.T, env *acctest.Env, tf *acctest.CLI) (mapped, companyID, connectionID string) {
	t.Helper()
	base := customersConfig(env, 1)
	tf.WriteConfig(base)
	if run := tf.Apply(); !run.OK() {
		t.Fatalf("apply: %s", run)
	}
	companyID, connectionID = env.AuthorizeOnlyConnection(t)
	return base + `
resource "codat_bank_feed_account_mapping" "current" {
  company_id        = codat_company.customer["c000"].id
  connection_id     = codat_connection.xero["c000"].id
  source_account_id = codat_bank_feed_account.account["c000/current"].account_id
}
`, companyID, connectionID
}

// mappingEnv is a sandbox whose feeds connect a minute after they are mapped, on a clock that moves only when the
// test moves it: until then a mapped account stays "connecting".
func mappingEnv(t *testing.T) (*acctest.Env, *sandbox.Clock) {
	clock := sandbox.NewClock(time.Now())
	env := acctest.New(t, func(o *sandbox.Options) {
		o.Now = clock.Now
		o.MappingDelay = time.Minute
	})
	return env, clock
}

// applyAfterFeedConnected moves mappingEnv's clock past the minute the feed takes to connect and applies again: the
// refresh records the mapping connected to the Xero account named after the source account.
func applyAfterFeedConnected(t *testing.T, env *acctest.Env, tf *acctest.CLI, clock *sandbox.Clock, companyID, connectionID string) {
	t.Helper()
	clock.Set(clock.Now().Add(time.Minute))
	if run := tf.Apply(); !run.OK() {
		t.Fatalf("apply after the feed connected: %s", run)
	}
	o := mappingObject(t, tf, "after the feed connected")
	if target := env.TargetNamed(t, companyID, connectionID, "Customer 000 current"); o.Attr("status") != "connected" || o.Attr("target_account_id") != target.ID {
		t.Errorf("the mapping is recorded as %+v; want it connected to %s", o.Attributes, target.ID)
	}
}

// mappingObject is the state's one mapping.
func mappingObject(t *testing.T, tf *acctest.CLI, when string) tfdriver.StateObject {
	t.Helper()
	for _, o := range tf.State() {
		if o.Type == "codat_bank_feed_account_mapping" {
			return o
		}
	}
	t.Fatalf("%s: the mapping Codat accepted is not in the state", when)
	return tfdriver.StateObject{}
}

// Ctrl-C after Codat has accepted a mapping and before the provider has read its progress even once: the mapping
// is recorded (with a warning, not tainted: replacing it would map the account again) with the status Codat
// documents for an accepted mapping, "connecting", never the POST's own answer (the request's status, C16); its new
// Xero account's id, which the answer does not carry, comes with the next refresh.
func TestAccCancellation_mappingInterruptedBeforeFirstPoll(t *testing.T) {
	t.Parallel()
	env, clock := mappingEnv(t)
	entered, release := env.Sandbox.HoldRequests(sandbox.RouteCreateMapping)
	defer release()
	tf := acctest.NewCLI(t)
	mapped, companyID, connectionID := applyBeforeMapping(t, env, tf)
	tf.WriteConfig(mapped)
	env.Sandbox.ResetCounts()

	run := tf.InterruptHeld(entered, release, "apply", "-auto-approve", "-input=false", "-no-color")
	t.Logf("interrupted %s", run)
	if !acctest.ErrorRegexp("Warning: Stopped waiting for the mapping", `recorded in the state with status "connecting"`).MatchString(run.Output) {
		t.Errorf("no warning that the mapping was recorded while connecting:\n%s", run.Output)
	}
	// One read of the list before the POST (to map to the account named after the source, if there is one), none
	// after it: the interrupt came first.
	if got := env.Sandbox.Count(sandbox.RouteGetMappings); got != 1 {
		t.Errorf("%d reads of the mapping list; want the one before the POST", got)
	}
	o := mappingObject(t, tf, "after the interrupt")
	if o.Tainted || o.Attr("status") != "connecting" || o.Attributes["target_account_id"] != nil {
		t.Errorf("the mapping is recorded as %+v (tainted %t); want it connecting, its new account's id unknown (null), not tainted",
			o.Attributes, o.Tainted)
	}
	if a, _ := env.Sandbox.SourceAccount(companyID, connectionID, "c000-current"); a.Status != sandbox.AccountConnecting {
		t.Errorf("the source account is %s in the sandbox", a.Status)
	}

	if empty, run := tf.PlanIsEmpty(); !empty {
		t.Errorf("the plan after the interrupted apply is not empty: %s", run)
	}
	applyAfterFeedConnected(t, env, tf, clock, companyID, connectionID)
	destroyAll(t, env, tf)
}

// Ctrl-C while the provider polls a mapping that is connecting: it is recorded as last read (with a warning, not
// tainted) and the next plan is empty.
func TestAccCancellation_mappingInterruptedWhileWaiting(t *testing.T) {
	t.Parallel()
	env, _ := mappingEnv(t)
	tf := acctest.NewCLI(t)
	mapped, _, _ := applyBeforeMapping(t, env, tf)
	tf.WriteConfig(mapped)
	env.Sandbox.ResetCounts()

	// The read before the POST, the POST, then at least one poll: the feed stays connecting until the clock moves.
	run := tf.Interrupt(func() bool {
		return env.Sandbox.Count(sandbox.RouteCreateMapping) == 1 && env.Sandbox.Count(sandbox.RouteGetMappings) >= 2
	}, nil, "apply", "-auto-approve", "-input=false", "-no-color")
	t.Logf("interrupted %s", run)
	if !acctest.ErrorRegexp("Warning: Stopped waiting for the mapping", `recorded in the state with status "connecting"`).MatchString(run.Output) {
		t.Errorf("no warning that the mapping was recorded while connecting:\n%s", run.Output)
	}
	o := mappingObject(t, tf, "after the interrupt")
	if o.Tainted || o.Attr("status") != "connecting" || o.Attr("target_account_id") == "" {
		t.Errorf("the mapping is recorded as %+v (tainted %t); want it connecting, with its target, not tainted",
			o.Attributes, o.Tainted)
	}
	if empty, run := tf.PlanIsEmpty(); !empty {
		t.Errorf("the plan after the interrupted apply is not empty: %s", run)
	}
	destroyAll(t, env, tf)
}

// Codat takes longer to connect the feed than timeouts.create allows: the apply succeeds with a warning and records
// the mapping Codat accepted, not tainted, so that the next plan is empty and the next refresh reads its progress.
// Failing, with nothing recorded, would leave the mapping outside Terraform, and a re-apply would be refused.
func TestAccBankFeedAccountMappingResource_createTimeout(t *testing.T) {
	t.Parallel()
	env, clock := mappingEnv(t)
	tf := acctest.NewCLI(t)
	mapped, companyID, connectionID := applyBeforeMapping(t, env, tf)
	// The feed connects a minute after mapping, on a clock that moves only below: the wait runs out, whatever the
	// machine's speed.
	tf.WriteConfig(strings.Replace(mapped, `account_id
}`, `account_id

  timeouts {
    create = "2s"
  }
}`, 1))

	run := tf.Apply()
	if !run.OK() {
		t.Fatalf("the apply failed although Codat accepted the mapping: %s", run)
	}
	if !acctest.ErrorRegexp(`Warning: Mapping of source account "c000-current"`, `not connected yet`, `within 2s`,
		`recorded in the state with status "connecting"`).MatchString(run.Output) {
		t.Errorf("no warning that the feed has not connected yet:\n%s", run.Output)
	}
	o := mappingObject(t, tf, "after the timeout")
	if o.Tainted || o.Attr("status") != "connecting" {
		t.Errorf("the mapping is recorded as %+v (tainted %t); want it connecting, not tainted", o.Attributes, o.Tainted)
	}
	if empty, run := tf.PlanIsEmpty(); !empty {
		t.Errorf("the plan after the timeout is not empty: %s", run)
	}
	applyAfterFeedConnected(t, env, tf, clock, companyID, connectionID)
	if n := env.TargetsNamed(companyID, connectionID, "Customer 000 current"); n != 1 {
		t.Errorf("the Xero organisation holds %d accounts named after the source account, want 1", n)
	}
	if run := tf.Destroy(); !run.OK() {
		t.Fatalf("destroy: %s", run)
	}
}
