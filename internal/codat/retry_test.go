package codat

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

func TestRetryAfterParsing(t *testing.T) {
	tests := map[string]struct {
		header string
		want   time.Duration
		ok     bool
	}{
		"absent":         {"", 0, false},
		"seconds":        {"120", 2 * time.Minute, true},
		"zero":           {"0", 0, true},
		"negative":       {"-5", 0, false},
		"garbage":        {"soon", 0, false},
		"date in past":   {"Fri, 31 Dec 1999 23:59:59 GMT", 0, true},
		"RFC 850 date":   {"Friday, 31-Dec-99 23:59:59 GMT", 0, true},
		"date in future": {time.Now().Add(time.Hour).UTC().Format(http.TimeFormat), time.Hour, true},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got, ok := retryAfter(http.Header{"Retry-After": {tt.header}})
			if ok != tt.ok || got > tt.want || got < tt.want-2*time.Second {
				t.Errorf("retryAfter(%q) = %s, %v; want about %s, %v", tt.header, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestBackoffBounds(t *testing.T) {
	c := &Client{maxRetryAfter: time.Minute}
	minWait, maxWait := 100*time.Millisecond, time.Second
	for attempt := range 6 {
		upper := min(minWait<<(attempt+1), maxWait)
		seen := map[time.Duration]bool{}
		for range 50 {
			wait := c.backoff(minWait, maxWait, attempt, nil)
			if wait < minWait || wait > upper {
				t.Fatalf("attempt %d waits %s, want between %s and %s", attempt, wait, minWait, upper)
			}
			seen[wait] = true
		}
		if len(seen) < 2 {
			t.Errorf("attempt %d always waits %v: no jitter", attempt, seen)
		}
	}

	tooLong := &http.Response{StatusCode: http.StatusServiceUnavailable, Header: http.Header{"Retry-After": {"3600"}}}
	if got := c.backoff(minWait, maxWait, 0, tooLong); got != time.Minute {
		t.Errorf("a long Retry-After waits %s, want the %s cap", got, time.Minute)
	}
	exact := &http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"7"}}}
	if got := c.backoff(minWait, maxWait, 3, exact); got != 7*time.Second {
		t.Errorf("Retry-After: 7 waits %s", got)
	}
}

// newSandboxClient serves a sandbox and returns a client of it with fast retries.
func newSandboxClient(t *testing.T, opts sandbox.Options) (*Client, *sandbox.Sandbox) {
	t.Helper()
	sb := sandbox.New(opts)
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(srv.Close)
	sb.SetBaseURL(srv.URL)
	return newTestClient(t, srv, func(c *Config) { c.APIKey = sb.APIKey() }), sb
}

// Codat replays a 500 for its Idempotency-Key (C4), and the 500 may come after the change was committed: the
// client does not re-send the key (it would only get the 500 back) and reports a stored, unknown outcome, before
// and after commit alike. Against the sandbox, which stores its 500s as Codat does.
func TestPost500IsAnUnknownOutcome(t *testing.T) {
	for _, kind := range []sandbox.FaultKind{sandbox.Fault500, sandbox.Fault500AfterCommit} {
		t.Run(string(kind), func(t *testing.T) {
			c, sb := newSandboxClient(t, sandbox.Options{})
			sb.InjectFault(sandbox.RouteCreateCompany, kind, 1)
			_, err := c.CreateCompany(context.Background(), CompanyRequest{Name: "Acme"})
			var unknown *OutcomeUnknownError
			if !errors.As(err, &unknown) || !unknown.Stored || unknown.Attempts != 1 {
				t.Fatalf("error = %v, want a stored unknown outcome after one attempt", err)
			}
			if !hasStatus(err, http.StatusInternalServerError) {
				t.Errorf("the 500 answer is not reachable with errors.As: %v", err)
			}
			if n := sb.Count(sandbox.RouteCreateCompany); n != 1 || len(sb.Replays()) != 0 {
				t.Errorf("%d requests, replays %v: the key was re-sent", n, sb.Replays())
			}
			for _, want := range []string{"has an unknown outcome", "500 Internal Server Error", "replays this answer",
				unknown.IdempotencyKey, "may or may not have been applied"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
		})
	}
}

// A PATCH applied twice sets the same values: after a 500 (stored for its key) it is retried under a new key.
func TestPatch500IsRetriedWithANewKey(t *testing.T) {
	rec := newRecorder(t, reply(http.StatusInternalServerError, `{"statusCode":500,"error":"oops"}`),
		reply(http.StatusInternalServerError, `{"statusCode":500,"error":"oops"}`), reply(http.StatusOK, `{"id":"a1"}`))
	name := "Current"
	if _, err := newTestClient(t, rec.srv).UpdateSourceAccount(context.Background(), "c1", "k1", "a1",
		SourceAccountUpdate{AccountName: &name}); err != nil {
		t.Fatal(err)
	}
	reqs := rec.all()
	keys := map[string]bool{}
	for _, r := range reqs {
		keys[r.Header.Get("Idempotency-Key")] = true
		if r.Body != reqs[0].Body {
			t.Errorf("the retry sent %s, want %s", r.Body, reqs[0].Body)
		}
	}
	if len(reqs) != 3 || len(keys) != 3 {
		t.Errorf("%d requests with %d keys, want 3 with a new key each", len(reqs), len(keys))
	}

	// Against the sandbox: a 500 before and one after commit, and the update lands without a replay.
	c, sb := newSandboxClient(t, sandbox.Options{})
	company, err := c.CreateCompany(context.Background(), CompanyRequest{Name: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := c.CreateConnection(context.Background(), company.ID, "gbol")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateSourceAccount(context.Background(), company.ID, conn.ID, SourceAccount{ID: "a1", AccountName: "Old",
		AccountType: "checking", AccountNumber: "12345678", Currency: "USD", Balance: "1"}); err != nil {
		t.Fatal(err)
	}
	const route = sandbox.RouteUpdateSourceAccount
	sb.InjectFault(route, sandbox.Fault500AfterCommit, 1)
	sb.InjectFault(route, sandbox.Fault500, 1)
	got, err := c.UpdateSourceAccount(context.Background(), company.ID, conn.ID, "a1", SourceAccountUpdate{AccountName: &name})
	if err != nil || got.AccountName != name {
		t.Fatalf("update = %+v, %v", got, err)
	}
	if sb.Count(route) != 3 || len(sb.Replays()) != 0 {
		t.Errorf("%d requests, replays %v; want 3 and none", sb.Count(route), sb.Replays())
	}
}

// A request without an Idempotency-Key is retried after a 500 as it is.
func TestGet500IsRetried(t *testing.T) {
	rec := newRecorder(t, reply(http.StatusInternalServerError, `{"statusCode":500}`), reply(http.StatusOK, companyJSON))
	if _, err := newTestClient(t, rec.srv).GetCompany(context.Background(), "c1"); err != nil || rec.count() != 2 {
		t.Fatalf("GetCompany: %v after %d requests", err, rec.count())
	}
}

// When retries run out on a gateway's 502 or 504 the application may have finished the write behind it: an
// unknown outcome, but not a stored one. Codat's 503 (maintenance) means the request was not processed.
func TestGatewayAnswersWhenRetriesRunOut(t *testing.T) {
	for status, unknownOutcome := range map[int]bool{502: true, 504: true, 503: false} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			rec := newRecorder(t, reply(status, "<html>gateway</html>"))
			_, err := newTestClient(t, rec.srv).CreateCompany(context.Background(), CompanyRequest{Name: "Acme"})
			var unknown *OutcomeUnknownError
			if errors.As(err, &unknown) != unknownOutcome || (unknownOutcome && unknown.Stored) || !hasStatus(err, status) {
				t.Fatalf("error = %v, want unknown outcome %v (not stored)", err, unknownOutcome)
			}
			reqs := rec.all()
			if len(reqs) != 3 || reqs[2].Header.Get("Idempotency-Key") != reqs[0].Header.Get("Idempotency-Key") {
				t.Errorf("%d requests, want 3 with one key", len(reqs))
			}
		})
	}
}

// Only X-Rate-Limit-Remaining: 0 with X-Rate-Limit-Reset says the daily quota is used up. Any other 429 whose
// Retry-After is longer than allowed is reported as the wait Codat asked for.
func TestShortRetryAfterIsNotTheDailyQuota(t *testing.T) {
	reset := time.Now().UTC().Add(6 * time.Hour).Truncate(24 * time.Hour).Format(time.RFC3339)
	for name, headers := range map[string][]string{
		"quota left":         {"X-Rate-Limit-Limit", "1000", "X-Rate-Limit-Remaining", "998", "X-Rate-Limit-Reset", reset},
		"no reset":           {"X-Rate-Limit-Limit", "1000", "X-Rate-Limit-Remaining", "0"},
		"no rate limit info": nil,
	} {
		t.Run(name, func(t *testing.T) {
			rec := newRecorder(t, reply(http.StatusTooManyRequests, `{"statusCode":429,"error":"Too many requests"}`,
				append([]string{"Retry-After", "1"}, headers...)...))
			c := newTestClient(t, rec.srv, func(c *Config) { c.MaxRetryAfter = 500 * time.Millisecond })
			_, err := c.CreateCompany(context.Background(), CompanyRequest{Name: "Acme"})
			var rl *RateLimitError
			if !errors.As(err, &rl) || rl.DailyQuota || rl.RetryAfter != time.Second {
				t.Fatalf("error = %#v, want a rate limit of 1s that is not the daily quota", err)
			}
			msg := err.Error()
			if !strings.Contains(msg, "Codat asks to retry in 1s (Retry-After), longer than the longest wait allowed (500ms)") ||
				strings.Contains(msg, "used up") || strings.Contains(msg, reset) {
				t.Errorf("error %q", msg)
			}
			if name == "quota left" && !strings.Contains(msg, "998 of 1000 requests of the daily quota remain") {
				t.Errorf("error %q does not say how much of the quota remains", msg)
			}
			// Nothing is remembered: the next call is sent.
			_, _ = c.GetCompany(context.Background(), "c1")
			if rec.count() != 2 {
				t.Errorf("%d requests, want the second call sent", rec.count())
			}
		})
	}
}

// Once Codat said the daily quota is used up, the client says so in full once and sends nothing more until the
// reset: later calls fail at once with a one-line pointer, including calls whose own 429 arrived after the first.
func TestDailyQuotaIsReportedOnceAndRemembered(t *testing.T) {
	now := time.Date(2031, 7, 1, 12, 0, 0, 0, time.UTC)
	reset := "2031-07-02T00:00:00Z"
	quota := reply(http.StatusTooManyRequests, `{"statusCode":429,"error":"Quota","correlationId":"q-1"}`, "Retry-After", "43200",
		"X-Rate-Limit-Limit", "1000", "X-Rate-Limit-Remaining", "0", "X-Rate-Limit-Reset", reset)
	rec := newRecorder(t, quota, quota, reply(http.StatusOK, companyJSON))
	c := newTestClient(t, rec.srv)
	c.now = func() time.Time { return now }

	_, first := c.GetCompany(context.Background(), "c1")
	var rl *RateLimitError
	if !errors.As(first, &rl) || !rl.DailyQuota || rl.Repeat {
		t.Fatalf("first error = %v, want the full daily-quota error", first)
	}
	// A second call whose 429 was already on its way (here: a second client state) is a repeat, not a second report.
	second := c.quota.report(newRateLimitError(&APIError{Method: "POST", Path: "/companies", StatusCode: 429}, http.Header{
		"X-Rate-Limit-Remaining": {"0"}, "X-Rate-Limit-Reset": {reset}}, 12*time.Hour, c.maxRetryAfter, now))
	if !second.Repeat || !strings.Contains(second.Error(), "POST /companies was rate limited: Codat's daily request quota is used up until "+reset+", as the first rate-limit error explains") {
		t.Errorf("concurrent 429: %v", second)
	}
	_, err := c.CreateCompany(context.Background(), CompanyRequest{Name: "Acme"})
	want := "Codat API: POST /companies was not sent: Codat's daily request quota is used up until " + reset +
		", as the first rate-limit error explains"
	if !errors.As(err, &rl) || !rl.Repeat || err.Error() != want {
		t.Errorf("error = %v, want %q", err, want)
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		t.Errorf("a call not sent unwraps to an answer: %v", apiErr)
	}
	if rec.count() != 1 {
		t.Errorf("%d requests, want only the first sent", rec.count())
	}
	// At the reset, calls go out again.
	now = time.Date(2031, 7, 2, 0, 0, 0, 0, time.UTC)
	_, err = c.GetCompany(context.Background(), "c1")
	if !errors.As(err, &rl) || rl.Repeat || rec.count() != 2 {
		t.Errorf("after the reset: %v after %d requests, want a new full report after 2", err, rec.count())
	}
}

// The client places local moments on Codat's clock by the Date header of its answers.
func TestServerTimeFollowsDateHeader(t *testing.T) {
	serverNow := time.Date(2031, 7, 1, 12, 0, 0, 0, time.UTC)
	rec := newRecorder(t, reply(http.StatusOK, companyJSON, "Date", serverNow.Format(http.TimeFormat)))
	c := newTestClient(t, rec.srv)
	local := time.Now()
	if got := c.ServerTime(local); !got.Equal(local) {
		t.Errorf("before any answer ServerTime = %s, want the local time", got)
	}
	if _, err := c.GetCompany(context.Background(), "c1"); err != nil {
		t.Fatal(err)
	}
	if d := c.ServerTime(time.Now()).Sub(serverNow); d < 0 || d > 2*time.Second {
		t.Errorf("ServerTime is %s from the server's Date", d)
	}
}
