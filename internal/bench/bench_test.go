package bench

import (
	"context"
	"maps"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
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
		// Large enough that every level is limited by its calls: minimum calls x latency / parallel.
		{OpApply, 500, 2500 * latency / parallel},
		{OpPlan, 500, 2000 * latency / parallel},
		{OpDestroy, 500, 4000 * latency / parallel},
		// Two customers: every level is limited by its chain of calls, one call deep each for apply.
		{OpApply, 2, 4 * latency},
		{OpPlan, 2, 4 * latency},
		{OpDestroy, 2, 7 * latency},
	} {
		if got := APIFloor(tc.op, tc.n, latency, parallel); got != tc.want {
			t.Errorf("APIFloor(%s, %d) = %s, want %s", tc.op, tc.n, got, tc.want)
		}
	}
}

// The bench end to end at two customers: real terraform, the provider built from this tree, the sandbox. Every
// operation must make exactly the minimum API calls, route by route, and the provider's usage must be recorded.
func TestRunSmoke(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("runs terraform: set TF_ACC=1 (make test does)")
	}
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tf == "" {
		var err error
		if tf, err = exec.LookPath("terraform"); err != nil {
			t.Fatal("terraform is not on PATH")
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var log strings.Builder
	rep, err := Run(ctx, Options{
		Customers:   []int{2},
		Shapes:      []Shape{moduleShape},
		Comparisons: []Comparison{{Shape: flatShape, Backend: BackendLocal, Customers: []int{2}}},
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
		if !maps.Equal(r.Calls, r.Minimum) {
			t.Errorf("%s made calls %v, want exactly the minimum %v", r.Op, r.Calls, r.Minimum)
		}
		if r.Provider.Processes == 0 || r.Provider.PeakRSSKiB == 0 {
			t.Errorf("%s: no provider usage recorded: %+v", r.Op, r.Provider)
		}
		if r.Wall <= 0 || r.StandIn <= 0 {
			t.Errorf("%s: wall %s, stand-in %s", r.Op, r.Wall, r.StandIn)
		}
	}
	var md strings.Builder
	if err := rep.WriteMarkdown(&md, "make bench"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| 2 | apply |", "| 2 | destroy |", "| flat | local | 2 |"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, md.String())
		}
	}
}
