package provider_test

import (
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

// testClock is a sandbox clock that stands still until the test moves it.
type testClock struct {
	mu sync.Mutex
	at time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.at
}

func (c *testClock) set(at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = at
}

// Codat's daily quota runs out in the middle of an apply. When the reset is further away than max_retry_wait the
// provider fails at once, naming the quota and the reset time; when it is closer, the provider waits and carries
// on. Either way the state records exactly what exists.
func TestAccRateLimit_dailyQuota(t *testing.T) {
	t.Parallel()
	const quota = 30
	clock := &testClock{}
	noon := time.Now().UTC().Truncate(24 * time.Hour).Add(12 * time.Hour)
	clock.set(noon)
	env := acctest.New(t, func(o *sandbox.Options) {
		o.DailyQuota = quota
		o.Now = clock.now
	})
	tf := newTFCLI(t)
	tf.writeConfig(customersConfig(env, 10, "max_retries = 10", `max_retry_wait = "1m"`))
	rejected := func() int { return env.Sandbox.Rejections()[sandbox.RejectedQuota] }

	// At noon the quota resets in 12 hours, far beyond max_retry_wait: fail at once, with everything created so far
	// in the state.
	run := tf.apply()
	if run.ok() {
		t.Fatalf("apply succeeded although it needs more than %d requests", quota)
	}
	reset := noon.Add(12 * time.Hour).Format(time.RFC3339)
	want := acctest.ErrorRegexp(`\S+ /companies\S* was rate limited: the quota of 30 requests is used up until `+
		regexp.QuoteMeta(reset)+"; Codat asks to retry in 12h0m0s, longer than the longest wait allowed "+regexp.QuoteMeta("(1m0s)"),
		regexp.QuoteMeta("max_retry_wait (now 1m0s)")+". Run Terraform again after "+regexp.QuoteMeta(reset))
	if !want.MatchString(run.output) {
		t.Errorf("the failure does not name the quota and its reset time:\n%s", run.output)
	}
	t.Logf("the first diagnostic:\n%s", firstDiagnostic(run.output))
	// Nothing waited and nothing was retried: every request refused for the quota failed one operation.
	if failed := strings.Count(run.output, "Error: "); rejected() == 0 || failed != rejected() {
		t.Errorf("%d operations failed for %d requests refused for the quota; want one each", failed, rejected())
	}
	if admitted := env.Sandbox.TotalCalls() - rejected(); admitted != quota {
		t.Errorf("%d requests were admitted, want the quota of %d", admitted, quota)
	}
	inv := takeInventory(env.Sandbox, tf.state())
	inv.check(t, "after the quota ran out")
	if len(inv.sandbox) == 0 || len(inv.sandbox) == 40 {
		t.Errorf("the sandbox holds %d of 40 objects; want the apply cut short part way", len(inv.sandbox))
	}

	// One second before midnight the wait is within max_retry_wait: the provider waits out each Retry-After.
	// Every time the quota runs out, the sandbox moves to one second before the next midnight, so the retry
	// lands on a fresh day.
	day := noon.Add(12*time.Hour - time.Second)
	clock.set(day)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		seen := rejected()
		for {
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
			if n := rejected(); n > seen {
				seen = n
				day = day.Add(24 * time.Hour)
				clock.set(day)
			}
		}
	})
	defer func() {
		close(stop)
		wg.Wait()
	}()
	before := rejected()
	if run := tf.apply(); !run.ok() {
		t.Fatalf("apply with the reset within max_retry_wait: %s", run)
	}
	if rejected() == before {
		t.Error("the second apply never hit the quota; want it to wait for a reset")
	}
	takeInventory(env.Sandbox, tf.state()).check(t, "after waiting for the quota")
	if len(env.Sandbox.Companies()) != 10 {
		t.Errorf("the sandbox holds %d companies, want 10", len(env.Sandbox.Companies()))
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
	t.Logf("%d requests in all, %d refused for the quota; the sandbox clock ended on %s", env.Sandbox.TotalCalls(),
		rejected(), clock.now().Format(time.RFC3339))
}

// firstDiagnostic is the first error block of terraform's output.
func firstDiagnostic(output string) string {
	i := strings.Index(output, "Error: ")
	if i < 0 {
		return "(none)"
	}
	block := output[i:]
	if j := strings.Index(block[1:], "Error: "); j >= 0 {
		block = block[:j+1]
	}
	return strings.TrimSpace(block)
}
