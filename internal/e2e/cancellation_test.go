package provider_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

// Interrupts (Ctrl-C) at a known point, whatever the machine's load: the sandbox holds the request that is
// outstanding when Terraform is interrupted, the test waits until the provider has been stopped (its operations'
// contexts cancelled), and only then lets the request finish. Nothing depends on how fast anything runs.

// logProviderStops writes the provider's protocol log, which records when Terraform stops the provider, to the file
// that providerStops reads.
func (tf *tfCLI) logProviderStops() {
	tf.log = tf.dir + ".provider.log"
	tf.env = append(tf.env, "TF_LOG_PROVIDER=TRACE", "TF_LOG_PATH="+tf.log,
		"TF_LOG_SDK=OFF", "TF_LOG_SDK_FRAMEWORK=OFF", "TF_LOG_SDK_PROTO=TRACE")
}

// stoppedLine is what terraform-plugin-go logs once StopProvider has cancelled the contexts of the provider's running
// operations.
const stoppedLine = "Closed all our contexts"

// providerStops counts the times Terraform has stopped a provider process so far.
func (tf *tfCLI) providerStops() int {
	tf.t.Helper()
	b, err := os.ReadFile(tf.log)
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		tf.t.Fatal(err)
	}
	return strings.Count(string(b), stoppedLine)
}

// waitProviderStopped waits until Terraform has stopped a provider process more than before times.
func (tf *tfCLI) waitProviderStopped(before int) {
	tf.t.Helper()
	deadline := time.Now().Add(cliCommandLimit)
	for tf.providerStops() <= before {
		if time.Now().After(deadline) {
			tf.t.Fatalf("the provider was not stopped within %s of the interrupt", cliCommandLimit)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// holding reports, without waiting, whether a request has entered the sandbox's hold.
func holding(entered <-chan struct{}) func() bool {
	return func() bool {
		select {
		case <-entered:
			return true
		default:
			return false
		}
	}
}

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
	tf := newTFCLI(t)
	tf.logProviderStops()
	tf.writeConfig(customersConfig(env, customers))

	stops := tf.providerStops()
	run := tf.interrupt(holding(entered), func() {
		tf.waitProviderStopped(stops)
		release()
	}, "apply", "-auto-approve", "-input=false", "-no-color")
	if run.ok() {
		t.Errorf("the interrupted apply reports success: %s", run)
	}
	t.Logf("interrupted %s", run)

	inv := takeInventory(env.Sandbox, tf.state())
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
	for _, o := range tf.state() {
		if o.Deposed || o.Tainted {
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

// mappingCustomer is customersConfig's one customer with its current account mapped to a new Xero account.
func mappingCustomer(env *acctest.Env) (base, mapped string) {
	base = customersConfig(env, 1)
	return base, base + `
resource "codat_bank_feed_account_mapping" "current" {
  company_id        = codat_company.customer["c000"].id
  connection_id     = codat_connection.xero["c000"].id
  source_account_id = codat_bank_feed_account.account["c000/current"].account_id
}
`
}

// mappingEnv is a sandbox whose feeds connect a minute after they are mapped, on a clock that moves only when the
// test moves it: until then a mapped account stays "connecting".
func mappingEnv(t *testing.T) (*acctest.Env, *testClock) {
	clock := &testClock{}
	clock.set(time.Now())
	env := acctest.New(t, func(o *sandbox.Options) {
		o.Now = clock.now
		o.MappingDelay = time.Minute
	})
	return env, clock
}

// mappingObject is the state's one mapping.
func mappingObject(t *testing.T, tf *tfCLI, when string) tfStateObject {
	t.Helper()
	for _, o := range tf.state() {
		if o.Type == "codat_bank_feed_account_mapping" {
			return o
		}
	}
	t.Fatalf("%s: the mapping Codat accepted is not in the state", when)
	return tfStateObject{}
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
	tf := newTFCLI(t)
	tf.logProviderStops()
	base, mapped := mappingCustomer(env)
	tf.writeConfig(base)
	if run := tf.apply(); !run.ok() {
		t.Fatalf("apply: %s", run)
	}
	companyID, connectionID := authorizeOnlyConnection(t, env)
	tf.writeConfig(mapped)
	env.Sandbox.ResetCounts()

	stops := tf.providerStops()
	run := tf.interrupt(holding(entered), func() {
		tf.waitProviderStopped(stops)
		release()
	}, "apply", "-auto-approve", "-input=false", "-no-color")
	t.Logf("interrupted %s", run)
	if !acctest.ErrorRegexp("Warning: Stopped waiting for the mapping", `recorded in the state with status "connecting"`).MatchString(run.output) {
		t.Errorf("no warning that the mapping was recorded while connecting:\n%s", run.output)
	}
	// One read of the list before the POST (to map to the account named after the source, if there is one), none
	// after it: the interrupt came first.
	if got := env.Sandbox.Count(sandbox.RouteGetMappings); got != 1 {
		t.Errorf("%d reads of the mapping list; want the one before the POST", got)
	}
	o := mappingObject(t, tf, "after the interrupt")
	if o.Tainted || o.attr("status") != "connecting" || o.Attributes["target_account_id"] != nil {
		t.Errorf("the mapping is recorded as %+v (tainted %t); want it connecting, its new account's id unknown (null), not tainted",
			o.Attributes, o.Tainted)
	}
	if a, _ := env.Sandbox.SourceAccount(companyID, connectionID, "c000-current"); a.Status != sandbox.AccountConnecting {
		t.Errorf("the source account is %s in the sandbox", a.Status)
	}

	if empty, run := tf.planIsEmpty(); !empty {
		t.Errorf("the plan after the interrupted apply is not empty: %s", run)
	}
	clock.set(clock.now().Add(time.Minute))
	if run := tf.apply(); !run.ok() {
		t.Fatalf("apply after the feed connected: %s", run)
	}
	o = mappingObject(t, tf, "after the feed connected")
	target := targetNamed(t, env, companyID, connectionID, "Customer 000 current")
	if o.attr("status") != "connected" || o.attr("target_account_id") != target.ID {
		t.Errorf("the mapping is recorded as %+v; want it connected to %s", o.Attributes, target.ID)
	}
	if run := tf.destroy(); !run.ok() {
		t.Fatalf("destroy: %s", run)
	}
	if cs := env.Sandbox.Companies(); len(cs) != 0 {
		t.Errorf("after destroy the sandbox still holds %d companies", len(cs))
	}
}

// Ctrl-C while the provider polls a mapping that is connecting: it is recorded as last read (with a warning, not
// tainted) and the next plan is empty.
func TestAccCancellation_mappingInterruptedWhileWaiting(t *testing.T) {
	t.Parallel()
	env, _ := mappingEnv(t)
	tf := newTFCLI(t)
	base, mapped := mappingCustomer(env)
	tf.writeConfig(base)
	if run := tf.apply(); !run.ok() {
		t.Fatalf("apply: %s", run)
	}
	authorizeOnlyConnection(t, env)
	tf.writeConfig(mapped)
	env.Sandbox.ResetCounts()

	// The read before the POST, the POST, then at least one poll: the feed stays connecting until the clock moves.
	run := tf.interrupt(func() bool {
		return env.Sandbox.Count(sandbox.RouteCreateMapping) == 1 && env.Sandbox.Count(sandbox.RouteGetMappings) >= 2
	}, nil, "apply", "-auto-approve", "-input=false", "-no-color")
	t.Logf("interrupted %s", run)
	if !acctest.ErrorRegexp("Warning: Stopped waiting for the mapping", `recorded in the state with status "connecting"`).MatchString(run.output) {
		t.Errorf("no warning that the mapping was recorded while connecting:\n%s", run.output)
	}
	o := mappingObject(t, tf, "after the interrupt")
	if o.Tainted || o.attr("status") != "connecting" || o.attr("target_account_id") == "" {
		t.Errorf("the mapping is recorded as %+v (tainted %t); want it connecting, with its target, not tainted",
			o.Attributes, o.Tainted)
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
