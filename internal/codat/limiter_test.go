package codat

import (
	"bytes"
	"context"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
	"golang.org/x/time/rate"

	"github.com/terraform-codat/terraform-provider-codat/internal/syncbuf"
)

// admitGreedily runs one provider process of the given length on its own limiter, sending a request whenever the
// limiter admits one (the most a process can send), on the limiter's clock from start. It returns the send times.
func admitGreedily(perMinute int, start time.Time, length time.Duration) []time.Time {
	l := newRequestLimiter(perMinute)
	if l.lim.Tokens() < 1 {
		// It started empty at time.Now(); on the simulated clock it starts empty at start.
		l.lim = rate.NewLimiter(l.lim.Limit(), l.lim.Burst())
		l.lim.AllowN(start, l.lim.Burst())
	}
	var sent []time.Time
	for t := start; t.Before(start.Add(length)); {
		r := l.lim.ReserveN(t, 1)
		if !r.OK() {
			panic("reservation refused")
		}
		t = t.Add(r.DelayFrom(t))
		if !t.Before(start.Add(length)) {
			break
		}
		sent = append(sent, t)
	}
	return sent
}

// maxInWindow is the most times that fall within any window [t, t+window) (times ascending).
func maxInWindow(times []time.Time, window time.Duration) int {
	best, from := 0, 0
	for to := range times {
		for times[to].Sub(times[from]) >= window {
			from++
		}
		best = max(best, to-from+1)
	}
	return best
}

// The pacing never lets a 60-second window hold more than the limit, even when every request reaches Codat up to
// limiterSlack later than the next one (a window of 60 s + limiterSlack on the sending side), and across the
// provider processes Terraform runs one after the other (the refresh, then the changes), each with a fresh bucket.
func TestLimiterNoWindowOverLimit(t *testing.T) {
	start := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	for _, perMinute := range []int{1, 2, 3, 7, 60, 100, 999, 1_000, 5_000} {
		// One process sending as fast as the limiter allows for five minutes.
		sent := admitGreedily(perMinute, start, 5*time.Minute)
		if got := maxInWindow(sent, time.Minute+limiterSlack); got > perMinute {
			t.Errorf("limit %d: one process sent %d requests within %s", perMinute, got, time.Minute+limiterSlack)
		}
		if perMinute >= 60 && len(sent) < 4*perMinute {
			t.Errorf("limit %d: only %d requests in five minutes; the pacing wastes the limit", perMinute, len(sent))
		}
		// Up to four processes in a row within a minute, the first at full rate for a minute before them.
		rng := rand.New(rand.NewPCG(uint64(perMinute), 7))
		for trial := range 200 {
			at := start
			var all []time.Time
			for i := range 4 {
				length := time.Minute
				if i > 0 {
					length = time.Duration(rng.Int64N(int64(20 * time.Second)))
				}
				all = append(all, admitGreedily(perMinute, at, length)...)
				at = at.Add(length)
			}
			if got := maxInWindow(all, time.Minute); got > perMinute {
				t.Fatalf("limit %d, trial %d: four processes in a row sent %d requests within a minute", perMinute, trial, got)
			}
		}
	}
}

// A request the limiter holds back is logged at debug with its wait; cancelling the wait sends nothing.
func TestLimiterWaitIsLoggedAndCancellable(t *testing.T) {
	rec := newRecorder(t, reply(http.StatusOK, companyJSON))
	c := newTestClient(t, rec.srv, func(cfg *Config) { cfg.RequestsPerMinute = 3 })
	// One request at once, the next an hour later: the second one is sure to be waiting when it is cancelled.
	transportOf(t, c).limit = &requestLimiter{perMinute: 3, lim: rate.NewLimiter(rate.Every(time.Hour), 1)}

	var out syncbuf.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &out)
	if _, err := c.GetCompany(ctx, "c1"); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "Waiting for the per-minute request limit") {
		t.Fatalf("the first request waited:\n%s", out.String())
	}
	cctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		_, err := c.GetCompany(cctx, "c1")
		done <- err
	}()
	// The second request waits for the limiter; the log line says so before the wait begins.
	for !strings.Contains(out.String(), "Waiting for the per-minute request limit") {
		select {
		case err := <-done:
			t.Fatalf("the second request did not wait: %v", err)
		case <-time.After(10 * time.Millisecond):
		}
	}
	cancel()
	if err := <-done; err == nil {
		t.Fatal("the cancelled request succeeded")
	}
	if n := len(rec.all()); n != 1 {
		t.Fatalf("the server got %d requests, want 1: the cancelled one must not be sent", n)
	}
	entries, err := tflogtest.MultilineJSONDecode(strings.NewReader(out.String()))
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, e := range entries {
		if e["@message"] == "Waiting for the per-minute request limit" {
			found = true
			if wait, _ := e["wait_ms"].(float64); e["@level"] != "debug" || e["max_requests_per_minute"] != float64(3) || wait <= 0 {
				t.Errorf("unexpected wait log entry: %v", e)
			}
		}
	}
	if !found {
		t.Fatal("no wait log entry")
	}
}

// A long wait is reported at info level, at most once per longRateWaitEvery.
func TestLimiterReportsLongWaitsAtInfo(t *testing.T) {
	l := newRequestLimiter(60)
	var out bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &out)
	ctx = (&Client{}).logContext(ctx)
	l.reportLong(ctx, 12*time.Second)
	l.reportLong(ctx, 15*time.Second)
	entries, err := tflogtest.MultilineJSONDecode(&out)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Fatalf("got %d log entries, want 1 (the second report falls within %s): %v", len(entries), longRateWaitEvery, entries)
	}
	e := entries[0]
	msg, _ := e["@message"].(string)
	if e["@level"] != "info" || !strings.Contains(msg, "max_requests_per_minute = 60") || !strings.Contains(msg, "waited 12s") {
		t.Errorf("unexpected entry: %v", e)
	}
	l.mu.Lock()
	if l.waitedLong != 1 {
		t.Errorf("the withheld report was not counted: %d", l.waitedLong)
	}
	l.mu.Unlock()
}

func TestLimiterSizes(t *testing.T) {
	if newRequestLimiter(-1) != nil || newRequestLimiter(0) != nil {
		t.Fatal("a limit that is not positive must pace nothing")
	}
	c := newTestClient(t, newRecorder(t).srv)
	tr := transportOf(t, c)
	if tr.limit == nil || tr.limit.perMinute != DefaultRequestsPerMinute {
		t.Fatalf("the default client is not paced at Codat's %d a minute: %+v", DefaultRequestsPerMinute, tr.limit)
	}
	burst, perSecond := limiterSize(DefaultRequestsPerMinute)
	if burst != 20 || perSecond < 15 || perSecond > 15.5 {
		t.Errorf("limiterSize(1000) = %d, %.2f", burst, perSecond)
	}
	off := newTestClient(t, newRecorder(t).srv, func(cfg *Config) { cfg.RequestsPerMinute = -1 })
	if transportOf(t, off).limit != nil {
		t.Error("RequestsPerMinute -1 still paces")
	}
}

func transportOf(t *testing.T, c *Client) *attemptTransport {
	t.Helper()
	tr, ok := c.httpClient.Transport.(*attemptTransport)
	if !ok {
		t.Fatalf("the client's transport is %T", c.httpClient.Transport)
	}
	return tr
}
