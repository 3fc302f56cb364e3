package e2e_test

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
	"github.com/terraform-codat/terraform-provider-codat/internal/tfdriver"
)

// faultCase is one row of the fault matrix: the fault kinds injected into a fifth of all requests.
type faultCase struct {
	name  string
	kinds []sandbox.FaultKind
}

// faultRow is what one case measured.
type faultRow struct {
	name        string
	requests    int // API requests the sandbox received
	injected    int // faults that took effect
	calls       int // logical API calls, from the provider's log
	retries     int // requests minus logical calls: attempts the client sent again
	adopted     int // creates with an unknown outcome whose object the provider adopted
	recreated   int // creates with an unknown outcome that made nothing and were sent again under a new key
	replayed5xx int // 5xx answers Codat replayed for a key the client sent again
	duplicates  int
	orphans     int // sandbox objects missing from the state, or state objects missing from the sandbox
	applies     int // applies needed to converge
	destroys    int // destroys needed to empty the sandbox
	interrupted []string
}

const (
	faultRate       = 0.2
	faultCustomers  = 10
	faultMaxRetries = 10
)

// retriableFailure is what an operation that failed only because the faults outlasted the retries says: the
// attempts made, or that a write's outcome is unknown. Anything else is a bug.
var retriableFailure = regexp.MustCompile(`after \d+ attempts|has an unknown outcome`)

// The provider's log lines for a create whose outcome was unknown (adoption.go).
const (
	logAdopted   = "Codat create had an unknown outcome; adopting the object it made"
	logRecreated = "Codat create had an unknown outcome and made nothing; creating again with a new Idempotency-Key"
)

// Every fault kind Codat can throw at the provider, at a 20 % rate on every request of apply, plan and destroy:
// no duplicate, no orphan, an empty plan after apply and an empty sandbox after destroy. The cases run at once,
// each against its own sandbox; the table of what happened is in the test log.
//
// Codat stores a 500 for the request's Idempotency-Key and replays it (C4), and a 500 may follow a committed
// change ("500-after"); a 503 comes from in front of the application and is not stored. So every fault costs the
// client one retry with the same key, except a 500 to a create: the client does not send that key again (it would
// get the 500 back; no 5xx is ever replayed), and the provider adopts what the create made or, when it made
// nothing, creates again under a new key. The gateway's 502 and 504 behave as 503 but are left out: Codat's OpenAPI
// files, which the contract check holds every exchange to, do not declare them.
func TestAccFaultMatrix(t *testing.T) {
	t.Parallel()
	acctest.PreCheck(t)
	cases := []faultCase{
		{"none", nil},
		{"429", []sandbox.FaultKind{sandbox.Fault429}},
		{"500", []sandbox.FaultKind{sandbox.Fault500}},
		{"500-after", []sandbox.FaultKind{sandbox.Fault500AfterCommit}},
		{"503", []sandbox.FaultKind{sandbox.Fault503}},
		{"drop-before", []sandbox.FaultKind{sandbox.FaultDropBefore}},
		{"drop-after", []sandbox.FaultKind{sandbox.FaultDropAfter}},
		{"mixed", sandbox.DocumentedFaultKinds},
	}
	rows := make([]faultRow, len(cases))
	// t.Parallel would run only -parallel (GOMAXPROCS) cases at a time; the cases mostly wait, so run them all.
	var wg sync.WaitGroup
	for i, c := range cases {
		wg.Go(func() {
			t.Run(c.name, func(t *testing.T) { rows[i] = runFaultCase(t, c) })
		})
	}
	wg.Wait()

	var b strings.Builder
	fmt.Fprintf(&b, "fault matrix: %d customers (%d objects), faults at %.0f %% of requests, max_retries = %d\n",
		faultCustomers, faultCustomers*(2+accountsPerCustomer), faultRate*100, faultMaxRetries)
	header := []string{"fault", "requests", "injected", "calls", "retries", "adopted", "re-created", "5xx replayed",
		"duplicates", "orphans", "applies", "destroys"}
	fmt.Fprintf(&b, "| %-11s |", header[0])
	for _, h := range header[1:] {
		fmt.Fprintf(&b, " %s |", h)
	}
	fmt.Fprintf(&b, "\n|%s|", strings.Repeat("-", 13))
	for _, h := range header[1:] {
		fmt.Fprintf(&b, "%s:|", strings.Repeat("-", len(h)+1))
	}
	b.WriteString("\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %-11s |", r.name)
		for i, v := range []int{r.requests, r.injected, r.calls, r.retries, r.adopted, r.recreated, r.replayed5xx,
			r.duplicates, r.orphans, r.applies, r.destroys} {
			fmt.Fprintf(&b, " %*d |", len(header[i+1]), v)
		}
		b.WriteString("\n")
	}
	for _, r := range rows {
		for _, msg := range r.interrupted {
			fmt.Fprintf(&b, "%s: an operation gave up: %s\n", r.name, msg)
		}
	}
	t.Log("\n" + b.String())
}

func runFaultCase(t *testing.T, c faultCase) faultRow {
	row := faultRow{name: c.name}
	env := acctest.New(t, func(o *sandbox.Options) { o.FaultRetryAfter = time.Second })
	tf := acctest.NewCLI(t)
	tf.LogClient()
	tf.WriteConfig(customersConfig(env, faultCustomers, fmt.Sprintf("max_retries = %d", faultMaxRetries)))
	if c.name != "none" {
		env.Sandbox.SetFaultRate(faultRate, c.kinds...)
	}

	// An operation may fail only with a retriable error, and then a second run must succeed.
	converge := func(what string, op func() tfdriver.Result) int {
		t.Helper()
		for runs := 1; ; runs++ {
			run := op()
			if run.OK() {
				return runs
			}
			if runs == 2 || !retriableFailure.MatchString(run.Output) {
				t.Fatalf("%s, run %d: %s", what, runs, run)
			}
			row.interrupted = append(row.interrupted, what+": "+firstError(run.Output))
		}
	}

	row.applies = converge("apply", func() tfdriver.Result { return tf.Apply() })
	inv := takeInventory(env.Sandbox, tf.State())
	inv.check(t, "after apply")
	row.duplicates = inv.duplicates
	row.orphans = len(inv.orphans()) + len(inv.phantoms())
	if want := faultCustomers * (2 + accountsPerCustomer); len(inv.sandbox) != want || inv.companies != faultCustomers {
		t.Errorf("after apply the sandbox holds %d objects (%d companies), want %d (%d)", len(inv.sandbox), inv.companies,
			want, faultCustomers)
	}
	for _, o := range tf.State() {
		if o.Tainted || o.Deposed {
			t.Errorf("after apply %s is tainted or deposed", o.Address)
		}
	}

	if empty, run := tf.PlanIsEmpty(); !empty {
		t.Errorf("the plan after apply is not empty: %s", run)
	}

	row.destroys = converge("destroy", func() tfdriver.Result { return tf.Destroy() })
	if cs := env.Sandbox.Companies(); len(cs) != 0 {
		t.Errorf("after destroy the sandbox still holds %d companies", len(cs))
	}
	if objs := tf.State(); len(objs) != 0 {
		t.Errorf("after destroy the state still holds %d objects", len(objs))
	}

	row.requests = env.Sandbox.TotalCalls()
	for _, n := range env.Sandbox.FaultCounts() {
		row.injected += n
	}
	for status, n := range env.Sandbox.Replays() {
		if status >= 500 {
			row.replayed5xx += n
		}
	}
	row.calls = tf.ClientLog().Calls
	row.retries = row.requests - row.calls
	row.adopted, row.recreated = tf.CountInLog(logAdopted), tf.CountInLog(logRecreated)
	reconciled := row.adopted + row.recreated
	if c.name == "none" && (row.injected != 0 || row.retries != 0 || reconciled != 0) {
		t.Errorf("without faults: %d injected, %d retries, %d reconciled creates; want none", row.injected, row.retries, reconciled)
	}
	if c.name != "none" && row.injected == 0 {
		t.Errorf("no fault was injected in %d requests", row.requests)
	}
	// Codat only replays a stored 5xx: sending its key again is never of use.
	if row.replayed5xx != 0 {
		t.Errorf("%d stored 5xx answers were replayed: the client sent their keys again", row.replayed5xx)
	}
	// Every fault costs one more request, or (a 500 to a create) one reconciliation, and nothing else does; an
	// operation that gave up skipped its last retry.
	if paid := row.retries + reconciled; paid > row.injected || paid < row.injected-len(row.interrupted) {
		t.Errorf("%d requests for %d logical calls: %d retries and %d reconciled creates for %d faults", row.requests,
			row.calls, row.retries, reconciled, row.injected)
	}
	// A 500 before commit leaves nothing to adopt; one after commit always does.
	switch c.name {
	case "500":
		if row.adopted != 0 || row.recreated == 0 {
			t.Errorf("500 before commit: %d adopted, %d created again; want none adopted, some created again", row.adopted, row.recreated)
		}
	case "500-after":
		if row.recreated != 0 || row.adopted == 0 {
			t.Errorf("500 after commit: %d adopted, %d created again; want some adopted, none created again", row.adopted, row.recreated)
		}
	case "none", "429", "503", "drop-before", "drop-after":
		if reconciled != 0 {
			t.Errorf("%d creates reconciled without a 500", reconciled)
		}
	}
	if rej := env.Sandbox.Rejections(); len(rej) != 0 {
		t.Errorf("the sandbox rejected requests: %v", rej)
	}
	return row
}

// firstError is the first line of the first error in terraform's output.
func firstError(output string) string {
	_, after, ok := strings.Cut(output, "Error: ")
	if !ok {
		return "(no error message)"
	}
	line, _, _ := strings.Cut(after, "\n")
	return line
}
