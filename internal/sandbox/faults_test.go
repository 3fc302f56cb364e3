package sandbox_test

import (
	"bytes"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

func TestRateLimitHeaders(t *testing.T) {
	e, clock := clockedEnv(t, time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC), sandbox.Options{DailyQuota: 3})
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

// Without Options.DailyQuota the sandbox allows Codat's 1,000 × (1 + active connected companies)
// a day (C12), an ACC being a company with a Linked connection. The limit of a day is fixed by its
// first request: linking a company raises tomorrow's limit, not today's.
func TestDefaultDailyQuota(t *testing.T) {
	e, clock := clockedEnv(t, time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC), sandbox.Options{})
	limit := func() string {
		t.Helper()
		return e.call(http.MethodGet, "/integrations", nil).expect(t, http.StatusOK).header.Get("X-Rate-Limit-Limit")
	}
	if got := limit(); got != "1000" {
		t.Fatalf("a new client's limit is %s, want 1000", got)
	}
	e.xeroConnection() // PendingAuth: not an ACC
	first, linked := e.linkedXero()
	second, _ := e.linkedXero()
	e.createConnection(second.ID, sandbox.XeroPlatformKey) // a second connection does not count twice
	if got := limit(); got != "1000" {
		t.Errorf("limit %s after linking during the day, want today's 1000", got)
	}
	clock.Advance(12 * time.Hour)
	if got := limit(); got != "3000" {
		t.Errorf("limit %s the next day with 2 ACCs, want 3000", got)
	}
	if err := e.sb.SetConnectionStatus(first.ID, linked.ID, sandbox.ConnectionUnlinked); err != nil {
		t.Fatal(err)
	}
	clock.Advance(24 * time.Hour)
	if got := limit(); got != "2000" {
		t.Errorf("limit %s after one ACC unlinked, want 2000", got)
	}
}

func TestConcurrencyLimit(t *testing.T) {
	sb := sandbox.New(sandbox.Options{MaxConcurrent: 2})
	entered, release := sb.HoldRequests(sandbox.RouteListCompanies)
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
	e.sb.InjectFault(sandbox.RouteListIntegrations, sandbox.Fault429, 1)
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
	e.sb.InjectFault(sandbox.RouteCreateCompany, sandbox.Fault429, 1)
	e.sb.InjectFault(sandbox.RouteCreateCompany, sandbox.Fault500, 1)
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
	e.sb.InjectFault(sandbox.RouteListCompanies, sandbox.Fault503, 1)
	e.call(http.MethodGet, "/companies", nil, "Authorization", "").apiError(t, http.StatusServiceUnavailable)
}

// Codat stores a 500 of its application for the Idempotency-Key and replays it (C4): a retry
// with the same key gets the same 500, whether or not the change was committed, and only a new
// key runs the request again. Gateway answers (502, 503, 504) never reach the idempotency layer,
// so the same key runs the request.
func TestInjected500IsStoredForTheKey(t *testing.T) {
	for _, c := range []struct {
		kind      sandbox.FaultKind
		committed bool
	}{{sandbox.Fault500, false}, {sandbox.Fault500AfterCommit, true}} {
		t.Run(string(c.kind), func(t *testing.T) {
			e := newEnv(t, sandbox.Options{})
			e.sb.InjectFault(sandbox.RouteCreateCompany, c.kind, 1)
			body := map[string]any{"name": "Acme"}
			key := uuid.NewString()
			first := e.call(http.MethodPost, "/companies", body, "Idempotency-Key", key)
			first.apiError(t, http.StatusInternalServerError)
			if got := len(e.sb.Companies()); got != map[bool]int{false: 0, true: 1}[c.committed] {
				t.Fatalf("%d companies after %s, want committed = %v", got, c.kind, c.committed)
			}
			for range 2 {
				again := e.call(http.MethodPost, "/companies", body, "Idempotency-Key", key)
				again.apiError(t, http.StatusInternalServerError)
				if !bytes.Equal(again.body, first.body) {
					t.Errorf("the retry got %s, want the stored answer %s", again.body, first.body)
				}
			}
			if got := e.sb.Replays(); !maps.Equal(got, map[int]int{http.StatusInternalServerError: 2}) {
				t.Errorf("replays %v, want two of the 500", got)
			}
			// A new key is a new request: it runs, so after a committed 500 there are two companies.
			e.call(http.MethodPost, "/companies", body, "Idempotency-Key", uuid.NewString()).expect(t, http.StatusOK)
			if got, want := len(e.sb.Companies()), map[bool]int{false: 1, true: 2}[c.committed]; got != want {
				t.Errorf("%d companies after a new key, want %d", got, want)
			}
			if got := e.sb.FaultCounts(); !maps.Equal(got, map[sandbox.FaultKind]int{c.kind: 1}) {
				t.Errorf("fault counts %v, want one %s: replays are not faults", got, c.kind)
			}
		})
	}
}

func TestGatewayFaultsAreNotStoredForTheKey(t *testing.T) {
	for _, kind := range []sandbox.FaultKind{sandbox.Fault502, sandbox.Fault503, sandbox.Fault504} {
		t.Run(string(kind), func(t *testing.T) {
			e := newEnv(t, sandbox.Options{})
			e.sb.InjectFault(sandbox.RouteCreateCompany, kind, 1)
			body := map[string]any{"name": "Acme"}
			key := uuid.NewString()
			resp := e.call(http.MethodPost, "/companies", body, "Idempotency-Key", key)
			status := map[sandbox.FaultKind]int{sandbox.Fault502: 502, sandbox.Fault503: 503, sandbox.Fault504: 504}[kind]
			if resp.status != status {
				t.Fatalf("status %d, want %d", resp.status, status)
			}
			// 503 is Codat's maintenance answer, with its error body; 502 and 504 are the gateway's page.
			if ct := resp.header.Get("Content-Type"); (kind == sandbox.Fault503) != strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type %q", ct)
			}
			if n := len(e.sb.Companies()); n != 0 {
				t.Fatalf("%d companies: a gateway fault must not run the request", n)
			}
			e.call(http.MethodPost, "/companies", body, "Idempotency-Key", key).expect(t, http.StatusOK)
			if n := len(e.sb.Companies()); n != 1 || len(e.sb.Replays()) != 0 {
				t.Errorf("%d companies, replays %v; want the same key to run the request once", n, e.sb.Replays())
			}
		})
	}
}

// A 500 to a request without a key, or to a GET, is not stored: the next request runs.
func TestInjected500WithoutKey(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	c := e.createCompany("Acme")
	e.sb.InjectFault(sandbox.RouteGetCompany, sandbox.Fault500AfterCommit, 1)
	e.call(http.MethodGet, "/companies/"+c.ID, nil, "Idempotency-Key", uuid.NewString()).apiError(t, http.StatusInternalServerError)
	e.call(http.MethodGet, "/companies/"+c.ID, nil).expect(t, http.StatusOK)
	e.sb.InjectFault(sandbox.RouteDeleteCompany, sandbox.Fault500AfterCommit, 1)
	e.call(http.MethodDelete, "/companies/"+c.ID, nil).apiError(t, http.StatusInternalServerError)
	if _, ok := e.sb.Company(c.ID); ok {
		t.Error("500-after did not commit the delete")
	}
	e.call(http.MethodDelete, "/companies/"+c.ID, nil).apiError(t, http.StatusNotFound)
	if len(e.sb.Replays()) != 0 {
		t.Errorf("replays %v, want none", e.sb.Replays())
	}
}

// Every answer carries a Date from the sandbox's clock, the clock of created dates.
func TestDateHeaderFollowsTheClock(t *testing.T) {
	e, _ := clockedEnv(t, time.Date(2031, 3, 4, 5, 6, 7, 0, time.UTC), sandbox.Options{})
	c := e.createCompany("Acme")
	resp := e.call(http.MethodGet, "/companies/"+c.ID, nil).expect(t, http.StatusOK)
	if got := resp.header.Get("Date"); got != "Tue, 04 Mar 2031 05:06:07 GMT" {
		t.Errorf("Date %q, want the sandbox clock's time", got)
	}
	var out companyOut
	resp.decode(t, &out)
	if out.Created != "2031-03-04T05:06:07Z" {
		t.Errorf("created %q", out.Created)
	}
}

func TestDefaultFaultRetryAfter(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	e.sb.InjectFault(sandbox.RouteListCompanies, sandbox.Fault429, 2)
	for range 2 {
		if ra := e.call(http.MethodGet, "/companies", nil).header.Get("Retry-After"); ra != "1" {
			t.Errorf("Retry-After %q, want 1", ra)
		}
	}
	e.call(http.MethodGet, "/companies", nil).expect(t, http.StatusOK)
}

func TestDropBefore(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	e.sb.InjectFault(sandbox.RouteCreateCompany, sandbox.FaultDropBefore, 1)
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
	e.sb.InjectFault(sandbox.RouteCreateCompany, sandbox.FaultDropAfter, 1)
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

// A route name that the sandbox does not serve is a mistake in the test: counting, holding or faulting it panics
// instead of counting nothing, so that an assertion such as "no request was sent to it" cannot pass vacuously.
// Every name of Routes and RouteXeroToken counts; the constants are the names Routes lists.
func TestUnknownRouteNamesPanic(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	c := e.createCompany("Acme")
	e.call(http.MethodGet, "/companies/"+c.ID, nil).expect(t, http.StatusOK)
	if n := e.sb.Count(sandbox.RouteGetCompany); n != 1 {
		t.Errorf("Count(RouteGetCompany) = %d after one read, want 1", n)
	}
	// The names tests used to type out, each with the typo a test could make.
	for _, name := range []string{"GET /company/{companyId}", "GET /companies/{id}", "get /companies", "GET /companies/",
		"POST /_sandbox/faults", "", sandbox.RouteXeroToken + " "} {
		for op, f := range map[string]func(){
			"Count":        func() { e.sb.Count(name) },
			"HoldRequests": func() { e.sb.HoldRequests(name) },
			"InjectFault":  func() { e.sb.InjectFault(name+"x", sandbox.Fault500, 1) },
		} {
			t.Run(op+" "+name, func(t *testing.T) {
				defer func() {
					if r := recover(); r == nil {
						t.Errorf("%s(%q) did not panic", op, name)
					} else if msg := fmt.Sprint(r); !strings.Contains(msg, "not a route") && !strings.Contains(msg, "unknown route") {
						t.Errorf("%s(%q) panicked with %q, which does not say the route is unknown", op, name, msg)
					}
				}()
				f()
			})
		}
	}
	// The Xero token endpoint is counted but can be neither held nor faulted.
	if n := e.sb.Count(sandbox.RouteXeroToken); n != 0 {
		t.Errorf("Count(RouteXeroToken) = %d, want 0", n)
	}
	for _, name := range e.sb.Routes() {
		e.sb.Count(name)
		_, release := e.sb.HoldRequests(name)
		release()
	}
	want := []string{sandbox.RouteListCompanies, sandbox.RouteCreateCompany, sandbox.RouteGetCompany,
		sandbox.RouteReplaceCompany, sandbox.RouteDeleteCompany, sandbox.RouteAddProduct, sandbox.RouteRemoveProduct,
		sandbox.RouteListConnections, sandbox.RouteCreateConnection, sandbox.RouteGetConnection,
		sandbox.RouteDeleteConnection, sandbox.RouteCreateSourceAccount, sandbox.RouteCreateSourceAccountsBatch,
		sandbox.RouteListSourceAccounts, sandbox.RouteUpdateSourceAccount, sandbox.RouteDeleteSourceAccount,
		sandbox.RouteGetMappings, sandbox.RouteCreateMapping, sandbox.RouteGetCompanyInformation,
		sandbox.RoutePushBankTransactions, sandbox.RouteListWebhookConsumers, sandbox.RouteCreateWebhookConsumer,
		sandbox.RouteDeleteWebhookConsumer, sandbox.RouteListIntegrations, sandbox.RouteGetIntegration,
		sandbox.RouteSetIntegrationEnabled, sandbox.RouteGetCredentials, sandbox.RoutePutCredentials,
		sandbox.RouteDeleteCredentials, sandbox.RouteGetIntegrationSettings, sandbox.RoutePatchIntegrationSettings}
	if got := e.sb.Routes(); !slices.Equal(got, want) {
		t.Errorf("Routes() = %v, want the Route* constants %v", got, want)
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
	e.sb.InjectFault(sandbox.RouteListIntegrations, sandbox.Fault500, 1)
	e.call(http.MethodGet, "/integrations", nil)
	want := map[string]int{
		sandbox.RouteCreateCompany:    1,
		sandbox.RouteGetCompany:       3,
		sandbox.RouteListIntegrations: 1,
		sandbox.RouteAddProduct:       1,
	}
	if got := e.sb.Counts(); !maps.Equal(got, want) {
		t.Errorf("counts %v, want %v", got, want)
	}
	if e.sb.Count(sandbox.RouteGetCompany) != 3 || e.sb.TotalCalls() != 6 {
		t.Errorf("Count %d, TotalCalls %d", e.sb.Count(sandbox.RouteGetCompany), e.sb.TotalCalls())
	}
	e.sb.ResetCounts()
	if e.sb.TotalCalls() != 0 || len(e.sb.Counts()) != 0 || len(e.sb.FaultCounts()) != 0 {
		t.Errorf("after reset: %v %v", e.sb.Counts(), e.sb.FaultCounts())
	}
}

// Routes names each operation once (which operations, TestUnknownRouteNamesPanic says).
func TestRoutesNameEveryOperation(t *testing.T) {
	routes := sandbox.New(sandbox.Options{}).Routes()
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

// A 500 of the application is not met by a request whose key already has an answer: the answer is replayed, and
// the fault is not counted.
func TestInjected500PreemptedByReplay(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	key := uuid.NewString()
	body := map[string]any{"name": "Acme"}
	first := e.call(http.MethodPost, "/companies", body, "Idempotency-Key", key).expect(t, http.StatusOK)
	e.sb.InjectFault(sandbox.RouteCreateCompany, sandbox.Fault500, 1)
	again := e.call(http.MethodPost, "/companies", body, "Idempotency-Key", key).expect(t, http.StatusOK)
	if !bytes.Equal(first.body, again.body) {
		t.Errorf("replay %s, want %s", again.body, first.body)
	}
	if len(e.sb.FaultCounts()) != 0 || !maps.Equal(e.sb.Replays(), map[int]int{http.StatusOK: 1}) {
		t.Errorf("faults %v, replays %v; want no fault and one replay", e.sb.FaultCounts(), e.sb.Replays())
	}
}
