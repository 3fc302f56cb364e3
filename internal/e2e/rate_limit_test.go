package e2e_test

import (
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

// Codat's daily quota runs out in the middle of an apply. When the reset is further away than max_retry_wait the
// provider fails at once, naming the quota and the reset time, and says so once: the first failure explains, every
// later one is a one-line pointer, and the provider process sends nothing more until the reset. When the reset is
// closer, the provider waits and carries on. Either way the state records exactly what exists.
func TestAccRateLimit_dailyQuota(t *testing.T) {
	t.Parallel()
	const quota = 30
	noon := time.Now().UTC().Truncate(24 * time.Hour).Add(12 * time.Hour)
	clock := sandbox.NewClock(noon)
	env := acctest.New(t, func(o *sandbox.Options) {
		o.DailyQuota = quota
		o.Now = clock.Now
	})
	tf := acctest.NewCLI(t)
	tf.WriteConfig(customersConfig(env, 10, "max_retries = 10", `max_retry_wait = "1m"`))
	rejected := func() int { return env.Sandbox.Rejections()[sandbox.RejectedQuota] }

	// At noon the quota resets in 12 hours, far beyond max_retry_wait: fail at once, with everything created so far
	// in the state.
	run := tf.Apply()
	if run.OK() {
		t.Fatalf("apply succeeded although it needs more than %d requests", quota)
	}
	reset := noon.Add(12 * time.Hour).Format(time.RFC3339)
	full := acctest.ErrorRegexp(`\S+ /companies\S* was rate limited: the daily request quota of 30 requests is used up until `+
		regexp.QuoteMeta(reset)+"; Codat asks to retry in 12h0m0s, longer than the longest wait allowed "+regexp.QuoteMeta("(1m0s)"),
		regexp.QuoteMeta("max_retry_wait (now 1m0s)")+".*Run Terraform again after "+regexp.QuoteMeta(reset))
	if !full.MatchString(run.Output) {
		t.Errorf("the failure does not name the quota and its reset time:\n%s", run.Output)
	}
	t.Logf("the explanation:\n%s", diagnosticWith(run.Output, "Run Terraform again after"))
	// Said once: one full explanation, every other failed operation a one-line pointer to it.
	// Terraform wraps diagnostics at its terminal width: count in the text with white space collapsed.
	text := strings.Join(strings.Fields(run.Output), " ")
	failed := strings.Count(text, "Error: ")
	if n := strings.Count(text, "Run Terraform again after"); n != 1 {
		t.Errorf("the full explanation appears %d times in %d errors, want once:\n%s", n, failed, run.Output)
	}
	pointer := "Codat's daily request quota is used up until " + reset + ", as the first rate-limit error explains"
	if n := strings.Count(text, pointer); failed < 2 || n != failed-1 {
		t.Errorf("%d of %d errors are the one-line pointer, want all but the first:\n%s", n, failed, run.Output)
	}
	// Nothing waited and nothing was retried; once the exhaustion is known nothing more is sent, so only the
	// requests already on their way when the first 429 came back were refused: at most one per operation
	// terraform runs at once (-parallelism, 10).
	if rejected() == 0 || rejected() > 10 {
		t.Errorf("%d requests were refused for the quota; want at least one and no more than were in flight", rejected())
	}
	if admitted := env.Sandbox.TotalCalls() - rejected(); admitted != quota {
		t.Errorf("%d requests were admitted, want the quota of %d", admitted, quota)
	}
	inv := takeInventory(env.Sandbox, tf.State())
	inv.check(t, "after the quota ran out")
	if len(inv.sandbox) == 0 || len(inv.sandbox) == 40 {
		t.Errorf("the sandbox holds %d of 40 objects; want the apply cut short part way", len(inv.sandbox))
	}

	// One second before midnight the wait is within max_retry_wait: the provider waits out each Retry-After.
	// Every time the quota runs out, the sandbox moves to one second before the next midnight, so the retry
	// lands on a fresh day.
	day := noon.Add(12*time.Hour - time.Second)
	clock.Set(day)
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
				clock.Set(day)
			}
		}
	})
	defer func() {
		close(stop)
		wg.Wait()
	}()
	before := rejected()
	if run := tf.Apply(); !run.OK() {
		t.Fatalf("apply with the reset within max_retry_wait: %s", run)
	}
	if rejected() == before {
		t.Error("the second apply never hit the quota; want it to wait for a reset")
	}
	takeInventory(env.Sandbox, tf.State()).check(t, "after waiting for the quota")
	if len(env.Sandbox.Companies()) != 10 {
		t.Errorf("the sandbox holds %d companies, want 10", len(env.Sandbox.Companies()))
	}
	if empty, run := tf.PlanIsEmpty(); !empty {
		t.Errorf("the plan after apply is not empty: %s", run)
	}
	destroyAll(t, env, tf)
	t.Logf("%d requests in all, %d refused for the quota; the sandbox clock ended on %s", env.Sandbox.TotalCalls(),
		rejected(), clock.Now().Format(time.RFC3339))
}

// One ordinary 429 (Retry-After 1 s, the day's quota barely touched) with max_retry_wait = "500ms": the operation
// fails, as the wait asked for is longer than allowed, and the error reports that wait. It says nothing of a used-up
// daily quota: only X-Rate-Limit-Remaining: 0 says that.
func TestAccRateLimit_shortRetryAfterIsNotTheDailyQuota(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, func(o *sandbox.Options) { o.FaultRetryAfter = time.Second })
	tf := acctest.NewCLI(t)
	tf.WriteConfig(customersConfig(env, 1, `max_retry_wait = "500ms"`))
	env.Sandbox.InjectFault(sandbox.RouteCreateCompany, sandbox.Fault429, 1)
	run := tf.Apply()
	if run.OK() {
		t.Fatalf("apply waited out a Retry-After of 1s with max_retry_wait = 500ms: %s", run)
	}
	t.Logf("the diagnostic:\n%s", firstDiagnostic(run.Output))
	want := acctest.ErrorRegexp(`POST /companies was rate limited: Codat asks to retry in 1s \(Retry-After\), longer than the `+
		`longest wait allowed \(500ms\); \d+ of 1000 requests of the daily quota remain`,
		`Raise max_retry_wait to at least 1s, or run Terraform again`)
	if !want.MatchString(run.Output) {
		t.Errorf("the error does not report the wait Codat asked for:\n%s", run.Output)
	}
	for _, wrong := range []string{"used up", "Run Terraform again after"} {
		if strings.Contains(strings.Join(strings.Fields(run.Output), " "), wrong) {
			t.Errorf("the error speaks of a used-up quota (%q):\n%s", wrong, run.Output)
		}
	}
	if run := tf.Apply(); !run.OK() {
		t.Fatalf("the next apply: %s", run)
	}
	takeInventory(env.Sandbox, tf.State()).check(t, "after the second apply")
}

// diagnosticWith is the first error block of terraform's output that contains text.
func diagnosticWith(output, text string) string {
	blocks := strings.Split(output, "Error: ")
	for _, b := range blocks[1:] {
		if strings.Contains(strings.Join(strings.Fields(b), " "), text) {
			return "Error: " + strings.TrimSpace(b)
		}
	}
	return "(none)"
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
