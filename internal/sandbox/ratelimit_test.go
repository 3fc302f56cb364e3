package sandbox_test

import (
	"maps"
	"net/http"
	"testing"
	"time"

	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

// Past the per-minute limit of an IP address every request is answered 429 with Codat's error body and a
// Retry-After saying when the oldest request of the last 60 seconds leaves the window; the window slides.
func TestPerMinuteLimit(t *testing.T) {
	e, clock := clockedEnv(t, time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC), sandbox.Options{RequestsPerMinute: 3})
	get := func() *response { return e.call(http.MethodGet, "/integrations", nil) }

	get().expect(t, http.StatusOK) // 12:00:00
	clock.Advance(20 * time.Second)
	get().expect(t, http.StatusOK) // 12:00:20
	get().expect(t, http.StatusOK) // 12:00:20
	clock.Advance(10 * time.Second)
	refused := get() // 12:00:30: the fourth within 60 seconds
	refused.apiError(t, http.StatusTooManyRequests)
	if got := refused.header.Get("Retry-After"); got != "30" {
		t.Errorf("Retry-After %q, want 30 (the request of 12:00:00 leaves the window at 12:01:00)", got)
	}
	if refused.header.Get("X-Rate-Limit-Limit") == "" {
		t.Error("the refusal lacks the X-Rate-Limit-* headers every answer carries")
	}
	// A request without the API key is refused too: the limit counts an address's traffic.
	unauthorised := e.call(http.MethodGet, "/integrations", nil, "Authorization", "")
	unauthorised.apiError(t, http.StatusTooManyRequests)

	clock.Advance(30 * time.Second) // 12:01:00: the first request has left the window
	get().expect(t, http.StatusOK)
	get().apiError(t, http.StatusTooManyRequests)
	clock.Advance(20 * time.Second) // 12:01:20: both of 12:00:20 have left
	get().expect(t, http.StatusOK)
	get().expect(t, http.StatusOK)

	if got := e.sb.Rejections(); !maps.Equal(got, map[sandbox.Rejection]int{sandbox.RejectedPerMinute: 3}) {
		t.Errorf("rejections %v, want 3 per-minute", got)
	}
	// The most received within 60 seconds, refused ones included: 12:00:20 (2), 12:00:30 (2), 12:01:00 (2).
	if got := e.sb.PeakPerMinute(); got != 6 {
		t.Errorf("peak per minute %d, want 6", got)
	}
	if n := e.sb.Count(sandbox.RouteListIntegrations); n != 9 {
		t.Errorf("counted %d requests, want every one of 9", n)
	}
	e.sb.ResetCounts()
	if e.sb.PeakPerMinute() != 0 {
		t.Errorf("peak %d after ResetCounts", e.sb.PeakPerMinute())
	}
	// The window itself is not reset: the requests of 12:00:30, 12:01:00 and 12:01:20 are still in it.
	get().apiError(t, http.StatusTooManyRequests)
	if got := e.sb.PeakPerMinute(); got != 7 {
		t.Errorf("peak per minute %d after the reset, want 7 (the window still holds the 6 received before it)", got)
	}
}

// Codat's limit applies unless a test opts out: 1,000 a minute.
func TestPerMinuteLimitDefaults(t *testing.T) {
	e, clock := clockedEnv(t, time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC), sandbox.Options{DailyQuota: 10_000})
	for i := range sandbox.RequestsPerMinutePerIP {
		if resp := e.call(http.MethodGet, "/integrations/gbol", nil); resp.status != http.StatusOK {
			t.Fatalf("request %d: %d %s", i+1, resp.status, resp.body)
		}
	}
	e.call(http.MethodGet, "/integrations/gbol", nil).apiError(t, http.StatusTooManyRequests)

	off := newEnv(t, sandbox.Options{Now: clock.Now, DailyQuota: 10_000, RequestsPerMinute: -1})
	for i := range sandbox.RequestsPerMinutePerIP + 5 {
		if resp := off.call(http.MethodGet, "/integrations/gbol", nil); resp.status != http.StatusOK {
			t.Fatalf("request %d without a limit: %d %s", i+1, resp.status, resp.body)
		}
	}
	if got := off.sb.PeakPerMinute(); got != sandbox.RequestsPerMinutePerIP+5 {
		t.Errorf("peak per minute %d without a limit, want every request counted", got)
	}
}
