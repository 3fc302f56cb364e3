package codat

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"golang.org/x/time/rate"
)

// DefaultRequestsPerMinute is Codat's hard limit per IP address: "1,000 requests per minute from any IP Address.
// We may block an IP's traffic without warning if, in our view, it significantly interferes with the operation of
// our API" (docs.codat.io, using-the-api/rate-limits, "Hard DoS-based limits"; CODAT-FACTS C12).
const DefaultRequestsPerMinute = 1_000

// The pacing is a token bucket (golang.org/x/time/rate) sized so that no 60-second window can hold more than the
// limit L, whatever the order of the requests:
//
//   - A bucket of burst b refilled at r tokens a second admits at most b + r·T requests in any window of T
//     seconds: the tokens it holds when the window opens, plus those it gains during the window.
//   - Codat counts a request when it arrives, not when the provider sends it. A request sent late in one window
//     may arrive together with the next ones, so the refill is sized over limiterSlack more than a minute:
//     r = (L - 2b) / (60 s + limiterSlack). Up to limiterSlack of delay between sending and arriving cannot push a
//     60-second window at Codat over the limit.
//   - Terraform runs one provider process per walk (the refresh of a plan, then the changes of the apply), one
//     after the other, each with a fresh bucket that starts full. A window spanning k such processes holds at
//     most k·b + 60·r, which stays under L for up to four processes in a row with b = L/50 (for Codat's 1,000:
//     b = 20, r ≈ 15.2 a second). Below 50 a minute the bucket starts empty instead, which bounds any number of
//     processes in a row by b + 60·r. Several Terraform runs at once from the same IP address share Codat's limit:
//     give each its share with max_requests_per_minute.
//
// The burst lets a short operation (a handful of customers) go at full speed; everything larger runs at r, about
// 91 % of the limit.
const (
	limiterSlack = 3 * time.Second
	// longRateWait is how long a request may queue, when the per-minute limit makes it wait, before the wait is
	// reported at info level; shorter waits are logged at debug. At Codat's limit and the default concurrency a
	// request waits well under a second; waits of this length come with a low limit or a Terraform parallelism
	// far above the concurrency limit, and explain why an operation seems stalled.
	longRateWait = 10 * time.Second
	// longRateWaitEvery spaces the info lines out: at most one per this interval.
	longRateWaitEvery = 30 * time.Second
)

// requestLimiter holds the pacing of one Client (one provider process). A nil *requestLimiter paces nothing.
type requestLimiter struct {
	perMinute int
	lim       *rate.Limiter

	mu         sync.Mutex
	lastInfo   time.Time
	waitedLong int // long waits since the last info line
}

// newRequestLimiter returns the pacing for perMinute requests a minute; nil when perMinute is not positive.
func newRequestLimiter(perMinute int) *requestLimiter {
	if perMinute <= 0 {
		return nil
	}
	burst, perSecond := limiterSize(perMinute)
	lim := rate.NewLimiter(rate.Limit(perSecond), burst)
	if float64(4*burst)+60*perSecond > float64(perMinute) {
		// Below 50 a minute the burst of 1 is too large a share of the limit for processes in a row to start with
		// a full bucket: this one starts empty.
		lim.AllowN(time.Now(), burst)
	}
	return &requestLimiter{perMinute: perMinute, lim: lim}
}

// limiterSize is the burst and the refill per second for perMinute (see above).
func limiterSize(perMinute int) (burst int, perSecond float64) {
	burst = max(1, perMinute/50)
	perSecond = float64(perMinute-2*burst) / (time.Minute + limiterSlack).Seconds()
	if perSecond <= 0 {
		// A limit of one to three requests a minute: one request at a time, one every 63 seconds at most.
		burst, perSecond = 1, float64(perMinute-1)/(time.Minute+limiterSlack).Seconds()
		if perSecond <= 0 {
			perSecond = 1 / (time.Minute + limiterSlack).Seconds()
		}
	}
	return burst, perSecond
}

// wait blocks until the request may be sent or ctx is done. queued is how long the request has already waited
// for a concurrency slot, for the report of long waits.
func (l *requestLimiter) wait(ctx context.Context, req *http.Request, attempt int, queued time.Duration) error {
	if l == nil {
		return nil
	}
	now := time.Now()
	r := l.lim.ReserveN(now, 1)
	delay := r.DelayFrom(now)
	if delay <= 0 {
		return nil
	}
	fields := requestFields(req, attempt)
	fields["wait_ms"] = delay.Milliseconds()
	fields["max_requests_per_minute"] = l.perMinute
	tflog.SubsystemDebug(ctx, LogSubsystem, "Waiting for the per-minute request limit", fields)
	if total := queued + delay; total >= longRateWait {
		l.reportLong(ctx, total)
	}
	t := time.NewTimer(delay)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		// The token goes back for the requests still waiting.
		r.Cancel()
		return ctx.Err()
	}
}

// reportLong writes an info line about a long wait, at most one per longRateWaitEvery.
func (l *requestLimiter) reportLong(ctx context.Context, waited time.Duration) {
	l.mu.Lock()
	l.waitedLong++
	now := time.Now()
	if !l.lastInfo.IsZero() && now.Sub(l.lastInfo) < longRateWaitEvery {
		l.mu.Unlock()
		return
	}
	n := l.waitedLong
	l.lastInfo, l.waitedLong = now, 0
	l.mu.Unlock()
	tflog.SubsystemInfo(ctx, LogSubsystem, fmt.Sprintf("Codat requests are queuing for max_requests_per_minute = %d: "+
		"a request waited %s before it could be sent (%d such waits of %s or more since the last report). Codat "+
		"allows 1,000 requests a minute per IP address; the provider paces its requests to stay under the limit.",
		l.perMinute, waited.Round(100*time.Millisecond), n, longRateWait), map[string]any{
		"wait_ms":                 waited.Milliseconds(),
		"max_requests_per_minute": l.perMinute,
	})
}
