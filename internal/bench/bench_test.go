package bench

import (
	"context"
	"maps"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
	"github.com/terraform-codat/terraform-provider-codat/internal/tfdriver"
)

func TestMain(m *testing.M) {
	// Terraform starts this test binary as the provider wrapper (see wrap.go).
	WrapIfRequested()
	os.Exit(m.Run())
}

func TestAPIFloor(t *testing.T) {
	const latency, parallel = 25 * time.Millisecond, 10
	for _, tc := range []struct {
		op   Op
		n    int
		want time.Duration
	}{
		// Large enough that every level but the companies of a refresh is limited by its calls: calls x latency /
		// parallel; the companies of a refresh are a chain of two calls (the count, then the page).
		{OpApply, 500, 2000 * latency / parallel},
		{OpPlan, 500, 1000*latency/parallel + 2*latency},
		{OpDestroy, 500, 3000*latency/parallel + 2*latency},
		// Two customers: every level is limited by its chain of calls, one call deep each but the companies'.
		{OpApply, 2, 4 * latency},
		{OpPlan, 2, 4 * latency},
		{OpDestroy, 2, 7 * latency},
		// One customer: its company is read on its own.
		{OpPlan, 1, 3 * latency},
	} {
		if got := APIFloor(tc.op, tc.n, latency, parallel); got != tc.want {
			t.Errorf("APIFloor(%s, %d) = %s, want %s", tc.op, tc.n, got, tc.want)
		}
		// Terraform's parallelism above the provider's concurrency limit changes nothing.
		if got := APIFloor(tc.op, tc.n, latency, 1000); got != tc.want {
			t.Errorf("APIFloor(%s, %d) at parallelism 1000 = %s, want %s", tc.op, tc.n, got, tc.want)
		}
	}
}

func TestMinimumCalls(t *testing.T) {
	if got, want := total(MinimumCalls(OpPlan, 500).Total(500)), 1000+3; got != want {
		t.Errorf("plan of 500: %d calls, want %d", got, want)
	}
	if got, want := total(MinimumCalls(OpPlan, 4001).Total(4001)), 8002+1+1+3; got != want {
		t.Errorf("plan of 4,001: %d calls, want %d (three pages)", got, want)
	}
	if got := MinimumCalls(OpPlan, 1).Total(1); got[sandbox.RouteListCompanies] != 0 || got[sandbox.RouteGetCompany] != 1 {
		t.Errorf("plan of one customer: %v", got)
	}
	if got, want := total(MinimumCalls(OpApply, 100).Total(100)), 400; got != want {
		t.Errorf("apply of 100: %d calls, want %d", got, want)
	}
}

// The bench end to end at two customers: real terraform, the provider built from this tree, the sandbox. Every
// operation must make exactly the minimum API calls, route by route, and the provider's usage must be recorded.
func TestRunSmoke(t *testing.T) {
	tf := tfdriver.TerraformForTest(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var log strings.Builder
	rep, err := Run(ctx, Options{
		Customers:   []int{2},
		Shapes:      []Shape{moduleShape},
		Comparisons: []Comparison{{Shape: flatShape, Backend: BackendLocal, Customers: []int{2}}},
		RealCodat:   []int{3},
		PartSize:    2,
		Latency:     time.Millisecond,
		Terraform:   tf,
		WorkDir:     t.TempDir(),
		Log:         &log,
	})
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if len(rep.Results) != len(Ops) || len(rep.Floors) != len(Ops) {
		t.Fatalf("got %d results and %d stand-in results, want %d each", len(rep.Results), len(rep.Floors), len(Ops))
	}
	for _, r := range rep.Results {
		calls := maps.Clone(r.Calls)
		if r.Op == OpApply {
			// Both customers' accounts are handed over together and go in one batch per connection; should a busy
			// machine keep them apart, they go alone. Either way each account is created once.
			batches, singles := calls[sandbox.RouteCreateSourceAccountsBatch], calls[sandbox.RouteCreateSourceAccount]
			if 2*batches+singles != 2*accountsPerCustomer {
				t.Errorf("apply: %d batch and %d single creates for %d accounts", batches, singles, 2*accountsPerCustomer)
			}
			t.Logf("apply: %d batch and %d single creates", batches, singles)
			delete(calls, sandbox.RouteCreateSourceAccount)
			calls[sandbox.RouteCreateSourceAccountsBatch] = 2
		}
		if !maps.Equal(calls, r.Minimum) {
			t.Errorf("%s made calls %v, want exactly the minimum %v", r.Op, r.Calls, r.Minimum)
		}
		if r.Provider.Processes == 0 || r.Provider.PeakRSSKiB == 0 {
			t.Errorf("%s: no provider usage recorded: %+v", r.Op, r.Provider)
		}
		if r.Wall <= 0 || r.StandIn <= 0 {
			t.Errorf("%s: wall %s, stand-in %s", r.Op, r.Wall, r.StandIn)
		}
	}
	if len(rep.Real) != 2 {
		t.Fatalf("got %d real-Codat results, want apply and plan", len(rep.Real))
	}
	for _, r := range rep.Real {
		if r.Parts != 2 || r.Refused != 0 || r.PeakPerMinute == 0 || r.PeakPerMinute > 1000 || total(r.Calls) == 0 {
			t.Errorf("real-Codat %s: %+v", r.Op, r)
		}
	}
	var md strings.Builder
	if err := rep.WriteMarkdown(&md, "make bench"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| 2 | apply |", "| 2 | destroy |", "| flat | local | 2 |", "| 3 | 2 | plan |",
		"Customers a new client can onboard in a day"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, md.String())
		}
	}
}
