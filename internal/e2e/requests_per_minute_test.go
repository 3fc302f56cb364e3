package e2e_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

// Codat allows 1,000 requests a minute per IP address and may block an address that sends more. The provider paces
// its requests to max_requests_per_minute: an apply and a plan of many customers, more requests than the limit in
// all, never put more than the limit into any 60 seconds at the sandbox, which refuses past it as Codat does. The
// limit is 60 here so that the test stays short; it takes over a minute by design, and asserts on the sandbox's
// counts, not on time. The same configuration with the pacing raised far above the sandbox's limit is refused,
// which shows the check can fail.
func TestAccRequestsPerMinute(t *testing.T) {
	t.Parallel()
	acctest.PreCheck(t)
	const (
		limit     = 60
		customers = 15
	)
	cases := []struct {
		name     string
		settings []string
		refused  bool
	}{
		{"paced", []string{fmt.Sprintf("max_requests_per_minute = %d", limit)}, false},
		// No wait for a Retry-After: the first refusal fails the apply at once.
		{"unpaced", []string{"max_requests_per_minute = 1000000", `max_retry_wait = "0s"`}, true},
	}
	var wg sync.WaitGroup
	for _, c := range cases {
		wg.Go(func() {
			t.Run(c.name, func(t *testing.T) {
				env := acctest.New(t, func(o *sandbox.Options) { o.RequestsPerMinute = limit })
				tf := acctest.NewCLI(t)
				tf.WriteConfig(customersConfig(env, customers, c.settings...))
				apply := tf.Apply()
				if c.refused {
					// The apply alone may stay under the limit; the plan right after it cannot.
					plan := tf.Run("plan", "-input=false", "-no-color")
					refused := env.Sandbox.Rejections()[sandbox.RejectedPerMinute]
					if refused == 0 || env.Sandbox.PeakPerMinute() <= limit {
						t.Errorf("unpaced: %d refusals, peak %d a minute; want the sandbox to refuse past %d",
							refused, env.Sandbox.PeakPerMinute(), limit)
					}
					if apply.OK() && plan.OK() {
						t.Errorf("the unpaced apply and plan succeeded although the sandbox refused %d requests", refused)
					}
					return
				}
				if !apply.OK() {
					t.Fatalf("apply: %s", apply)
				}
				if empty, run := tf.PlanIsEmpty(); !empty {
					t.Fatalf("the plan after apply is not empty: %s", run)
				}
				refused := env.Sandbox.Rejections()[sandbox.RejectedPerMinute]
				total, peak := env.Sandbox.TotalCalls(), env.Sandbox.PeakPerMinute()
				t.Logf("%d requests, at most %d within 60 seconds, %d refused", total, peak, refused)
				if total <= limit {
					t.Fatalf("only %d requests: the test needs more than the limit of %d to show the pacing", total, limit)
				}
				if peak > limit || refused != 0 {
					t.Errorf("%d requests within 60 seconds and %d refused, want at most %d and none", peak, refused, limit)
				}
				takeInventory(env.Sandbox, tf.State()).check(t, "after apply")
			})
		})
	}
	wg.Wait()
}
