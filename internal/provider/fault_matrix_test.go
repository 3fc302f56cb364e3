package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
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
	injected    int // faults injected
	calls       int // logical API calls, from the provider's log
	retries     int // requests minus logical calls
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

// Every fault kind Codat can throw at the provider, at a 20 % rate on every request of apply, plan and destroy:
// no duplicate, no orphan, an empty plan after apply and an empty sandbox after destroy. The cases run at once,
// each against its own sandbox; the table of what happened is in the test log.
func TestAccFaultMatrix(t *testing.T) {
	t.Parallel()
	acctest.PreCheck(t)
	cases := []faultCase{
		{"none", nil},
		{"429", []sandbox.FaultKind{sandbox.Fault429}},
		{"500", []sandbox.FaultKind{sandbox.Fault500}},
		{"503", []sandbox.FaultKind{sandbox.Fault503}},
		{"drop-before", []sandbox.FaultKind{sandbox.FaultDropBefore}},
		{"drop-after", []sandbox.FaultKind{sandbox.FaultDropAfter}},
		{"mixed", nil}, // every kind
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
	fmt.Fprintf(&b, "| %-11s | %8s | %8s | %5s | %7s | %10s | %7s | %7s | %8s |\n",
		"fault", "requests", "injected", "calls", "retries", "duplicates", "orphans", "applies", "destroys")
	fmt.Fprintf(&b, "|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n", strings.Repeat("-", 13), strings.Repeat("-", 10),
		strings.Repeat("-", 10), strings.Repeat("-", 7), strings.Repeat("-", 9), strings.Repeat("-", 12),
		strings.Repeat("-", 9), strings.Repeat("-", 9), strings.Repeat("-", 10))
	for _, r := range rows {
		fmt.Fprintf(&b, "| %-11s | %8d | %8d | %5d | %7d | %10d | %7d | %7d | %8d |\n",
			r.name, r.requests, r.injected, r.calls, r.retries, r.duplicates, r.orphans, r.applies, r.destroys)
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
	tf := newTFCLI(t)
	tf.logProvider()
	tf.writeConfig(customersConfig(env, faultCustomers, fmt.Sprintf("max_retries = %d", faultMaxRetries)))
	if c.name != "none" {
		env.Sandbox.SetFaultRate(faultRate, c.kinds...)
	}

	// An operation may fail only with a retriable error, and then a second run must succeed.
	converge := func(what string, op func() tfRun) int {
		t.Helper()
		for runs := 1; ; runs++ {
			run := op()
			if run.ok() {
				return runs
			}
			if runs == 2 || !retriableFailure.MatchString(run.output) {
				t.Fatalf("%s, run %d: %s", what, runs, run)
			}
			row.interrupted = append(row.interrupted, what+": "+firstError(run.output))
		}
	}

	row.applies = converge("apply", func() tfRun { return tf.apply() })
	inv := takeInventory(env.Sandbox, tf.state())
	inv.check(t, "after apply")
	row.duplicates = inv.duplicates
	row.orphans = len(inv.orphans()) + len(inv.phantoms())
	if want := faultCustomers * (2 + accountsPerCustomer); len(inv.sandbox) != want || inv.companies != faultCustomers {
		t.Errorf("after apply the sandbox holds %d objects (%d companies), want %d (%d)", len(inv.sandbox), inv.companies,
			want, faultCustomers)
	}
	for _, o := range tf.state() {
		if o.Tainted || o.Deposed {
			t.Errorf("after apply %s is tainted or deposed", o.Address)
		}
	}

	if empty, run := tf.planIsEmpty(); !empty {
		t.Errorf("the plan after apply is not empty: %s", run)
	}

	row.destroys = converge("destroy", func() tfRun { return tf.destroy() })
	if cs := env.Sandbox.Companies(); len(cs) != 0 {
		t.Errorf("after destroy the sandbox still holds %d companies", len(cs))
	}
	if objs := tf.state(); len(objs) != 0 {
		t.Errorf("after destroy the state still holds %d objects", len(objs))
	}

	row.requests = env.Sandbox.TotalCalls()
	for _, n := range env.Sandbox.FaultCounts() {
		row.injected += n
	}
	row.calls = tf.providerLog().calls
	row.retries = row.requests - row.calls
	if c.name == "none" && (row.injected != 0 || row.retries != 0) {
		t.Errorf("without faults: %d injected, %d retries; want none", row.injected, row.retries)
	}
	if c.name != "none" && row.injected == 0 {
		t.Errorf("no fault was injected in %d requests", row.requests)
	}
	// Every fault costs one more request, and nothing else does; an operation that gave up skipped its last retry.
	if row.retries > row.injected || row.retries < row.injected-len(row.interrupted) {
		t.Errorf("%d requests for %d logical calls: %d retries for %d faults", row.requests, row.calls, row.retries, row.injected)
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
