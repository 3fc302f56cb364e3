package sandbox_test

import (
	"fmt"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

func TestRateLimitHeaders(t *testing.T) {
	clock := newClock(time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC))
	e := newEnv(t, sandbox.Options{Now: clock.Now, DailyQuota: 3})
	check := func(resp *response, remaining int) {
		t.Helper()
		h := resp.header
		if h.Get("X-Rate-Limit-Limit") != "3" || h.Get("X-Rate-Limit-Remaining") != strconv.Itoa(remaining) || h.Get("X-Rate-Limit-Reset") != "2025-01-02T00:00:00Z" {
			t.Errorf("status %d: limit %q remaining %q reset %q, want 3 %d 2025-01-02T00:00:00Z", resp.status,
				h.Get("X-Rate-Limit-Limit"), h.Get("X-Rate-Limit-Remaining"), h.Get("X-Rate-Limit-Reset"), remaining)
		}
	}
	check(e.call(http.MethodGet, "/companies", nil).expect(t, http.StatusOK), 2)
	check(e.call(http.MethodGet, "/companies", nil, "Authorization", "").expect(t, http.StatusUnauthorized), 2)
	check(e.call(http.MethodGet, "/companies/"+uuid.NewString(), nil).expect(t, http.StatusNotFound), 1)
	check(e.call(http.MethodGet, "/integrations", nil).expect(t, http.StatusOK), 0)

	resp := e.call(http.MethodGet, "/integrations", nil)
	resp.apiError(t, http.StatusTooManyRequests)
	check(resp, 0)
	if ra := resp.header.Get("Retry-After"); ra != strconv.Itoa(12*60*60) {
		t.Errorf("Retry-After %q, want the seconds until midnight UTC", ra)
	}

	clock.Advance(12 * time.Hour)
	resp = e.call(http.MethodGet, "/integrations", nil).expect(t, http.StatusOK)
	if resp.header.Get("X-Rate-Limit-Remaining") != "2" || resp.header.Get("X-Rate-Limit-Reset") != "2025-01-03T00:00:00Z" {
		t.Errorf("the quota did not reset at midnight: %v", resp.header)
	}
}

func TestConcurrencyLimit(t *testing.T) {
	sb := sandbox.New(sandbox.Options{MaxConcurrent: 2})
	entered, release := sb.HoldRequests("GET /companies")
	defer release()
	e := serve(t, sb, nil)
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			if resp, err := e.try(http.MethodGet, "/companies", nil); err != nil || resp.status != http.StatusOK {
				t.Errorf("held request: %v %+v", err, resp)
			}
		})
	}
	<-entered
	<-entered
	resp := e.call(http.MethodGet, "/integrations", nil)
	resp.apiError(t, http.StatusTooManyRequests)
	if resp.header.Get("Retry-After") != "1" {
		t.Errorf("Retry-After %q", resp.header.Get("Retry-After"))
	}
	release()
	wg.Wait()
	e.call(http.MethodGet, "/integrations", nil).expect(t, http.StatusOK)

	// The refusal is a rejection, not a fault; the two held requests were the peak.
	if got := sb.Rejections(); !maps.Equal(got, map[sandbox.Rejection]int{sandbox.RejectedConcurrency: 1}) {
		t.Errorf("rejections %v, want one for concurrency", got)
	}
	if len(sb.FaultCounts()) != 0 || sb.PeakConcurrent() != 2 {
		t.Errorf("faults %v, peak %d; want none and 2", sb.FaultCounts(), sb.PeakConcurrent())
	}
	sb.ResetCounts()
	if len(sb.Rejections()) != 0 || sb.PeakConcurrent() != 0 {
		t.Errorf("after reset: rejections %v, peak %d", sb.Rejections(), sb.PeakConcurrent())
	}
}

func TestQuotaRejectionsAreCounted(t *testing.T) {
	e := newEnv(t, sandbox.Options{DailyQuota: 1})
	e.call(http.MethodGet, "/integrations", nil).expect(t, http.StatusOK)
	e.sb.InjectFault("GET /integrations", sandbox.Fault429, 1)
	e.call(http.MethodGet, "/integrations", nil).apiError(t, http.StatusTooManyRequests)
	e.call(http.MethodGet, "/integrations", nil).apiError(t, http.StatusTooManyRequests)
	if got := e.sb.Rejections(); !maps.Equal(got, map[sandbox.Rejection]int{sandbox.RejectedQuota: 1}) {
		t.Errorf("rejections %v, want one for the quota (the injected 429 is a fault)", got)
	}
	if got := e.sb.FaultCounts(); got[sandbox.Fault429] != 1 {
		t.Errorf("faults %v, want one 429", got)
	}
	if e.sb.PeakConcurrent() != 1 {
		t.Errorf("peak %d, want 1", e.sb.PeakConcurrent())
	}
}

func TestInjectedStatusFaults(t *testing.T) {
	e := newEnv(t, sandbox.Options{FaultRetryAfter: 2500 * time.Millisecond})
	e.sb.InjectFault("POST /companies", sandbox.Fault429, 1)
	e.sb.InjectFault("POST /companies", sandbox.Fault500, 1)
	e.sb.InjectFault("", sandbox.Fault503, 1)
	body := map[string]any{"name": "Acme"}

	resp := e.call(http.MethodPost, "/companies", body)
	resp.apiError(t, http.StatusTooManyRequests)
	if resp.header.Get("Retry-After") != "3" {
		t.Errorf("Retry-After %q, want 2.5 s rounded up", resp.header.Get("Retry-After"))
	}
	e.call(http.MethodPost, "/companies", body).apiError(t, http.StatusInternalServerError)
	// A route-specific fault waits for its route; the catch-all fires on the next request.
	e.call(http.MethodGet, "/integrations", nil).apiError(t, http.StatusServiceUnavailable)
	e.call(http.MethodPost, "/companies", body).expect(t, http.StatusOK)
	if n := len(e.sb.Companies()); n != 1 {
		t.Errorf("%d companies: faulted requests must not run", n)
	}
	want := map[sandbox.FaultKind]int{sandbox.Fault429: 1, sandbox.Fault500: 1, sandbox.Fault503: 1}
	if got := e.sb.FaultCounts(); !maps.Equal(got, want) {
		t.Errorf("fault counts %v, want %v", got, want)
	}
	// Faults come before authentication, as they would at a load balancer.
	e.sb.InjectFault("GET /companies", sandbox.Fault503, 1)
	e.call(http.MethodGet, "/companies", nil, "Authorization", "").apiError(t, http.StatusServiceUnavailable)
}

func TestDefaultFaultRetryAfter(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	e.sb.InjectFault("GET /companies", sandbox.Fault429, 2)
	for range 2 {
		if ra := e.call(http.MethodGet, "/companies", nil).header.Get("Retry-After"); ra != "1" {
			t.Errorf("Retry-After %q, want 1", ra)
		}
	}
	e.call(http.MethodGet, "/companies", nil).expect(t, http.StatusOK)
}

func TestDropBefore(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	e.sb.InjectFault("POST /companies", sandbox.FaultDropBefore, 1)
	if resp, err := e.try(http.MethodPost, "/companies", map[string]any{"name": "Lost"}, "Idempotency-Key", uuid.NewString()); err == nil {
		t.Fatalf("got a response %d, want a dropped connection", resp.status)
	}
	if n := len(e.sb.Companies()); n != 0 {
		t.Errorf("%d companies: drop-before must not run the request", n)
	}
	if e.sb.FaultCounts()[sandbox.FaultDropBefore] != 1 {
		t.Errorf("fault counts %v", e.sb.FaultCounts())
	}
}

func TestDropAfterCommits(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	e.sb.InjectFault("POST /companies", sandbox.FaultDropAfter, 1)
	key := uuid.NewString()
	if resp, err := e.try(http.MethodPost, "/companies", map[string]any{"name": "Committed"}, "Idempotency-Key", key); err == nil {
		t.Fatalf("got a response %d, want a dropped connection", resp.status)
	}
	companies := e.sb.Companies()
	if len(companies) != 1 || companies[0].Name != "Committed" {
		t.Fatalf("companies %+v: drop-after must commit the change", companies)
	}
	// A retry with the same key gets the answer the dropped request would have had.
	var c companyOut
	e.call(http.MethodPost, "/companies", map[string]any{"name": "Committed"}, "Idempotency-Key", key).expect(t, http.StatusOK).decode(t, &c)
	if c.ID != companies[0].ID || len(e.sb.Companies()) != 1 {
		t.Errorf("retry answered %+v", c)
	}
}

func TestFaultRate(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	e.sb.SetFaultRate(1, sandbox.Fault500)
	for range 3 {
		e.call(http.MethodGet, "/companies", nil).apiError(t, http.StatusInternalServerError)
	}
	e.sb.SetFaultRate(1, sandbox.Fault429, sandbox.Fault503)
	seen := map[int]bool{}
	for range 40 {
		seen[e.call(http.MethodGet, "/companies", nil).status] = true
	}
	if len(seen) != 2 || !seen[http.StatusTooManyRequests] || !seen[http.StatusServiceUnavailable] {
		t.Errorf("statuses %v, want both 429 and 503", seen)
	}
	e.sb.SetFaultRate(0)
	e.call(http.MethodGet, "/companies", nil).expect(t, http.StatusOK)
	if got := e.sb.FaultCounts(); got[sandbox.Fault500] != 3 || got[sandbox.Fault429]+got[sandbox.Fault503] != 40 {
		t.Errorf("fault counts %v", got)
	}

	e.sb.InjectFault("", sandbox.Fault500, 5)
	e.sb.SetFaultRate(1)
	e.sb.ClearFaults()
	e.call(http.MethodGet, "/companies", nil).expect(t, http.StatusOK)
}

func TestFaultArgumentsArePanics(t *testing.T) {
	sb := sandbox.New(sandbox.Options{})
	for name, f := range map[string]func(){
		"unknown kind":  func() { sb.InjectFault("", "404", 1) },
		"unknown route": func() { sb.InjectFault("GET /company", sandbox.Fault500, 1) },
		"rate above 1":  func() { sb.SetFaultRate(1.5) },
		"rate kind":     func() { sb.SetFaultRate(0.5, "teapot") },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			f()
		})
	}
}

func TestCounters(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	c := e.createCompany("Acme")
	e.call(http.MethodGet, "/companies/"+c.ID, nil)
	e.call(http.MethodGet, "/companies/"+uuid.NewString(), nil)
	e.call(http.MethodGet, "/companies/"+c.ID, nil, "Authorization", "")
	e.call(http.MethodPut, "/companies/"+c.ID+"/products/bank-feeds", nil)
	e.call(http.MethodGet, "/not-an-operation", nil)
	e.sb.InjectFault("GET /integrations", sandbox.Fault500, 1)
	e.call(http.MethodGet, "/integrations", nil)
	want := map[string]int{
		"POST /companies":            1,
		"GET /companies/{companyId}": 3,
		"GET /integrations":          1,
		"PUT /companies/{companyId}/products/{productIdentifier}": 1,
	}
	if got := e.sb.Counts(); !maps.Equal(got, want) {
		t.Errorf("counts %v, want %v", got, want)
	}
	if e.sb.Count("GET /companies/{companyId}") != 3 || e.sb.TotalCalls() != 6 {
		t.Errorf("Count %d, TotalCalls %d", e.sb.Count("GET /companies/{companyId}"), e.sb.TotalCalls())
	}
	e.sb.ResetCounts()
	if e.sb.TotalCalls() != 0 || len(e.sb.Counts()) != 0 || len(e.sb.FaultCounts()) != 0 {
		t.Errorf("after reset: %v %v", e.sb.Counts(), e.sb.FaultCounts())
	}
}

func TestRoutesNameEveryOperation(t *testing.T) {
	routes := sandbox.New(sandbox.Options{}).Routes()
	if len(routes) != 29 {
		t.Errorf("%d routes: %v", len(routes), routes)
	}
	seen := map[string]bool{}
	for _, r := range routes {
		if seen[r] {
			t.Errorf("route %s twice", r)
		}
		seen[r] = true
	}
}

func TestLatency(t *testing.T) {
	e := newEnv(t, sandbox.Options{Latency: 50 * time.Millisecond})
	start := time.Now()
	e.call(http.MethodGet, "/integrations", nil).expect(t, http.StatusOK)
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Errorf("request took %s, want at least the latency", d)
	}
}

func TestLogf(t *testing.T) {
	var mu sync.Mutex
	var lines []string
	e := newEnv(t, sandbox.Options{Logf: func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		lines = append(lines, fmt.Sprintf(format, args...))
	}})
	e.call(http.MethodGet, "/integrations?page=1", nil)
	mu.Lock()
	defer mu.Unlock()
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "GET /integrations?page=1 -> 200 (GET /integrations)") {
		t.Errorf("log lines %q", lines)
	}
}
