package e2e_test

import (
	"sync"
	"testing"
	"time"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

// Codat answers 429 to more than 10 requests in flight at once. With terraform -parallelism=30 the provider's
// own limit (max_concurrent_requests, default 10) keeps every request within Codat's, so none is refused. The
// same apply with the limit raised to 30 is refused, which shows the check can fail.
func TestAccConcurrency_parallelism30(t *testing.T) {
	t.Parallel()
	acctest.PreCheck(t)
	const customers = 20
	cases := []struct {
		name     string
		settings []string
		refused  bool
	}{
		{"default limit", nil, false},
		{"limit 30", []string{"max_concurrent_requests = 30"}, true},
	}
	var wg sync.WaitGroup
	for _, c := range cases {
		wg.Go(func() {
			t.Run(c.name, func(t *testing.T) {
				env := acctest.New(t, func(o *sandbox.Options) {
					o.MaxConcurrent = 10
					// Long enough that requests sent together are in flight together.
					o.Latency = 100 * time.Millisecond
				})
				tf := acctest.NewCLI(t)
				tf.WriteConfig(customersConfig(env, customers, append(c.settings, "max_retries = 10")...))
				if run := tf.Apply("-parallelism=30"); !run.OK() {
					t.Fatalf("apply: %s", run)
				}
				takeInventory(env.Sandbox, tf.State()).check(t, "after apply")
				if got, want := len(env.Sandbox.Companies()), customers; got != want {
					t.Errorf("the sandbox holds %d companies, want %d", got, want)
				}

				refused := env.Sandbox.Rejections()[sandbox.RejectedConcurrency]
				t.Logf("%s: %d requests, at most %d in flight at once, %d refused for concurrency",
					c.name, env.Sandbox.TotalCalls(), env.Sandbox.PeakConcurrent(), refused)
				switch {
				case !c.refused && refused != 0:
					t.Errorf("%d requests were refused for exceeding Codat's concurrency limit; want none", refused)
				case c.refused && refused == 0:
					t.Errorf("no request was refused with the limit at 30 (at most %d in flight); the check cannot fail",
						env.Sandbox.PeakConcurrent())
				}
				if faults := env.Sandbox.FaultCounts(); len(faults) != 0 {
					t.Errorf("faults were injected: %v", faults)
				}
			})
		})
	}
	wg.Wait()
}
