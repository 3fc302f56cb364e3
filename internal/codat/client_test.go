package codat

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
)

const companyJSON = `{"id":"8a210b68-6988-11ed-a1eb-0242ac120002","name":"Acme","redirect":"https://link.codat.io/company/8a210b68"}`

func TestNewClientValidatesConfig(t *testing.T) {
	tests := map[string]struct {
		cfg     Config
		wantErr string
	}{
		"relative URL":       {Config{BaseURL: "api.codat.io", APIKey: "k"}, "absolute http(s) URL"},
		"other scheme":       {Config{BaseURL: "ftp://api.codat.io", APIKey: "k"}, "absolute http(s) URL"},
		"no host":            {Config{BaseURL: "https://", APIKey: "k"}, "absolute http(s) URL"},
		"query":              {Config{BaseURL: "https://api.codat.io?x=1", APIKey: "k"}, "absolute http(s) URL"},
		"unparsable":         {Config{BaseURL: "https://api.codat.io/%zz", APIKey: "k"}, "absolute http(s) URL"},
		"empty key":          {Config{BaseURL: "https://api.codat.io"}, "API key is empty"},
		"negative wait":      {Config{APIKey: "k", RetryWaitMin: -time.Second}, "must not be negative"},
		"negative timeout":   {Config{APIKey: "k", RequestTimeout: -time.Second}, "must not be negative"},
		"negative slots":     {Config{APIKey: "k", MaxConcurrentRequests: -1}, "must not be negative"},
		"min above max wait": {Config{APIKey: "k", RetryWaitMin: time.Minute, RetryWaitMax: time.Second}, "exceeds the maximum"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := NewClient(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("NewClient() error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestNewClientDefaults(t *testing.T) {
	c, err := NewClient(Config{APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	if c.baseURL != DefaultBaseURL || c.maxRetries != DefaultMaxRetries || c.retryWaitMin != DefaultRetryWaitMin ||
		c.retryWaitMax != DefaultRetryWaitMax || c.maxRetryAfter != DefaultMaxRetryAfter || c.userAgent != defaultUserAgent {
		t.Errorf("defaults not applied: %+v", c)
	}
	tr, ok := c.httpClient.Transport.(*attemptTransport)
	if !ok || cap(tr.slots) != DefaultMaxConcurrentRequests || tr.timeout != DefaultRequestTimeout {
		t.Errorf("transport defaults not applied: %#v", c.httpClient.Transport)
	}

	c, err = NewClient(Config{APIKey: "k", BaseURL: "http://localhost:8080/", MaxRetries: -1, MaxRetryAfter: -1})
	if err != nil {
		t.Fatal(err)
	}
	if c.baseURL != "http://localhost:8080" || c.maxRetries != 0 || c.maxRetryAfter != 0 {
		t.Errorf("negative values should disable retries and Retry-After waits: %+v", c)
	}
}

func TestRequestHeaders(t *testing.T) {
	rec := newRecorder(t, reply(http.StatusOK, companyJSON))
	c := newTestClient(t, rec.srv)
	ctx := context.Background()

	if _, err := c.CreateCompany(ctx, CompanyRequest{Name: "Acme"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateCompany(ctx, CompanyRequest{Name: "Acme"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetCompany(ctx, "8a210b68"); err != nil {
		t.Fatal(err)
	}

	reqs := rec.all()
	wantAuth := "Basic " + base64.StdEncoding.EncodeToString([]byte(testAPIKey))
	for i, r := range reqs {
		if got := r.Header.Get("Authorization"); got != wantAuth {
			t.Errorf("request %d Authorization = %q, want %q", i, got, wantAuth)
		}
		if got := r.Header.Get("Accept"); got != "application/json" {
			t.Errorf("request %d Accept = %q", i, got)
		}
		if got := r.Header.Get("User-Agent"); got != "terraform-provider-codat/test terraform/1.11.4" {
			t.Errorf("request %d User-Agent = %q", i, got)
		}
	}
	for i, r := range reqs[:2] {
		if got := r.Header.Get("Content-Type"); got != "application/json" {
			t.Errorf("POST %d Content-Type = %q", i, got)
		}
		if _, err := uuid.Parse(r.Header.Get("Idempotency-Key")); err != nil {
			t.Errorf("POST %d Idempotency-Key %q is not a UUID: %v", i, r.Header.Get("Idempotency-Key"), err)
		}
	}
	if reqs[0].Header.Get("Idempotency-Key") == reqs[1].Header.Get("Idempotency-Key") {
		t.Error("two logical calls share an Idempotency-Key")
	}
	if got := reqs[2].Header.Get("Idempotency-Key"); got != "" {
		t.Errorf("GET carries Idempotency-Key %q", got)
	}
	if got := reqs[2].Header.Get("Content-Type"); got != "" {
		t.Errorf("GET without body carries Content-Type %q", got)
	}
}

// Answers that nothing stored for the Idempotency-Key are retried with the same key. A 500 is not: see
// TestPost500IsAnUnknownOutcome.
func TestRetriesTransientStatuses(t *testing.T) {
	for _, status := range []int{408, 429, 502, 503, 504} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			rec := newRecorder(t, reply(status, `{"statusCode":1,"error":"try later"}`), reply(http.StatusOK, companyJSON))
			c := newTestClient(t, rec.srv)

			company, err := c.CreateCompany(context.Background(), CompanyRequest{Name: "Acme"})
			if err != nil {
				t.Fatalf("CreateCompany: %v", err)
			}
			if company.Name != "Acme" {
				t.Errorf("company = %+v", company)
			}
			reqs := rec.all()
			if len(reqs) != 2 {
				t.Fatalf("got %d requests, want 2", len(reqs))
			}
			if reqs[0].Header.Get("Idempotency-Key") != reqs[1].Header.Get("Idempotency-Key") {
				t.Error("the retry carries a different Idempotency-Key")
			}
			if reqs[0].Body != reqs[1].Body {
				t.Errorf("the retry sent a different body: %q then %q", reqs[0].Body, reqs[1].Body)
			}
		})
	}
}

func TestRetriesEveryMethod(t *testing.T) {
	calls := map[string]func(*Client) error{
		http.MethodGet: func(c *Client) error { _, err := c.GetCompany(context.Background(), "c1"); return err },
		http.MethodPost: func(c *Client) error {
			_, err := c.CreateCompany(context.Background(), CompanyRequest{Name: "Acme"})
			return err
		},
		http.MethodPut: func(c *Client) error {
			_, err := c.ReplaceCompany(context.Background(), "c1", CompanyRequest{Name: "Acme"})
			return err
		},
		http.MethodPatch: func(c *Client) error {
			_, err := c.UpdateIntegrationSettings(context.Background(), "i1", IntegrationSettingsUpdate{})
			return err
		},
		http.MethodDelete: func(c *Client) error { return c.DeleteCompany(context.Background(), "c1") },
	}
	for method, call := range calls {
		t.Run(method, func(t *testing.T) {
			rec := newRecorder(t, reply(http.StatusServiceUnavailable, ""), reply(http.StatusOK, `{}`))
			if err := call(newTestClient(t, rec.srv)); err != nil {
				t.Fatal(err)
			}
			rec.wantCount(t, 2)
		})
	}
}

func TestNoRetryOnPermanentStatuses(t *testing.T) {
	for _, status := range []int{400, 401, 403, 404, 409, 422, 501} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			rec := newRecorder(t, reply(status, `{"statusCode":1,"error":"no"}`))
			_, err := newTestClient(t, rec.srv).GetCompany(context.Background(), "c1")
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != status || apiErr.Attempts != 1 {
				t.Fatalf("error = %#v, want an *APIError with status %d after 1 attempt", err, status)
			}
			rec.wantCount(t, 1)
		})
	}
}

func TestRetriesExhaustedReportLastStatusAndAttempts(t *testing.T) {
	rec := newRecorder(t, reply(http.StatusServiceUnavailable, `{"statusCode":503,"error":"Service unavailable","correlationId":"c-503"}`))
	_, err := newTestClient(t, rec.srv).ListCompanies(context.Background(), ListOptions{})

	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error = %#v, want *APIError", err)
	}
	if apiErr.StatusCode != 503 || apiErr.Attempts != 3 || rec.count() != 3 {
		t.Errorf("status %d after %d attempts (%d requests), want 503 after 3", apiErr.StatusCode, apiErr.Attempts, rec.count())
	}
	want := "Codat API: GET /companies returned 503 Service Unavailable: Service unavailable (correlation id: c-503; after 3 attempts)"
	if err.Error() != want {
		t.Errorf("error =\n %s\nwant\n %s", err, want)
	}
}

func TestPostRetriedAfterDroppedConnectionKeepsKey(t *testing.T) {
	rec := newRecorder(t, drop, reply(http.StatusOK, companyJSON))
	company, err := newTestClient(t, rec.srv).CreateCompany(context.Background(), CompanyRequest{Name: "Acme"})
	if err != nil {
		t.Fatalf("CreateCompany: %v", err)
	}
	if company.ID == "" {
		t.Errorf("company = %+v", company)
	}
	reqs := rec.all()
	if len(reqs) != 2 {
		t.Fatalf("got %d requests, want 2", len(reqs))
	}
	key := reqs[0].Header.Get("Idempotency-Key")
	if key == "" || reqs[1].Header.Get("Idempotency-Key") != key {
		t.Errorf("Idempotency-Key %q then %q, want the same key twice", key, reqs[1].Header.Get("Idempotency-Key"))
	}
	assertJSONEqual(t, reqs[1].Body, `{"name":"Acme"}`)
}

func TestRetriesResponseCutMidBody(t *testing.T) {
	cut := func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Length", "1000")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, `{"id":"`)
		http.NewResponseController(w).Flush()
		panic(http.ErrAbortHandler)
	}
	rec := newRecorder(t, cut, reply(http.StatusOK, companyJSON))
	company, err := newTestClient(t, rec.srv).GetCompany(context.Background(), "c1")
	if err != nil || company.Name != "Acme" {
		t.Fatalf("GetCompany = %+v, %v", company, err)
	}
	rec.wantCount(t, 2)
}

func TestWriteWithoutAnswerIsOutcomeUnknown(t *testing.T) {
	calls := map[string]func(*Client) error{
		http.MethodPost: func(c *Client) error {
			_, err := c.CreateConnection(context.Background(), "c1", "gbol")
			return err
		},
		http.MethodPatch: func(c *Client) error {
			name := "Current"
			_, err := c.UpdateSourceAccount(context.Background(), "c1", "k1", "a1", SourceAccountUpdate{AccountName: &name})
			return err
		},
	}
	for method, call := range calls {
		t.Run(method, func(t *testing.T) {
			rec := newRecorder(t, drop)
			err := call(newTestClient(t, rec.srv))

			var unknown *OutcomeUnknownError
			if !errors.As(err, &unknown) {
				t.Fatalf("error = %#v, want *OutcomeUnknownError", err)
			}
			reqs := rec.all()
			if unknown.Attempts != 3 || len(reqs) != 3 {
				t.Errorf("%d attempts, %d requests; want 3", unknown.Attempts, len(reqs))
			}
			for i, r := range reqs {
				if got := r.Header.Get("Idempotency-Key"); got != unknown.IdempotencyKey {
					t.Errorf("request %d Idempotency-Key = %q, want %q", i, got, unknown.IdempotencyKey)
				}
			}
			msg := err.Error()
			for _, want := range []string{method, "unknown outcome after 3 attempts", "may or may not have been applied", unknown.IdempotencyKey} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not contain %q", msg, want)
				}
			}
		})
	}
}

func TestInFlightConflictAfterUnansweredAttemptIsRetried(t *testing.T) {
	inFlight := reply(http.StatusConflict, `{"statusCode":409,"error":"A request with this Idempotency-Key is in progress"}`)
	rec := newRecorder(t, drop, inFlight, reply(http.StatusOK, companyJSON))
	if _, err := newTestClient(t, rec.srv).CreateCompany(context.Background(), CompanyRequest{Name: "Acme"}); err != nil {
		t.Fatalf("CreateCompany: %v", err)
	}
	reqs := rec.all()
	if len(reqs) != 3 || reqs[2].Header.Get("Idempotency-Key") != reqs[0].Header.Get("Idempotency-Key") {
		t.Errorf("got %d requests, want 3 with one Idempotency-Key", len(reqs))
	}

	rec = newRecorder(t, drop, inFlight)
	_, err := newTestClient(t, rec.srv).CreateCompany(context.Background(), CompanyRequest{Name: "Acme"})
	var unknown *OutcomeUnknownError
	if !errors.As(err, &unknown) || !hasStatus(err, http.StatusConflict) || rec.count() != 3 {
		t.Errorf("error = %v after %d requests, want an unknown outcome wrapping the 409 after 3", err, rec.count())
	}

	rec = newRecorder(t, inFlight)
	_, err = newTestClient(t, rec.srv).CreateCompany(context.Background(), CompanyRequest{Name: "Acme"})
	if !hasStatus(err, http.StatusConflict) || errors.As(err, &unknown) || rec.count() != 1 {
		t.Errorf("error = %v after %d requests, want a plain 409 after 1", err, rec.count())
	}
}

func TestReadWithoutAnswerNamesAttempts(t *testing.T) {
	rec := newRecorder(t, drop)
	_, err := newTestClient(t, rec.srv).GetCompany(context.Background(), "c1")

	var unknown *OutcomeUnknownError
	if errors.As(err, &unknown) {
		t.Fatalf("a GET without answer is reported as an unknown outcome: %v", err)
	}
	var reqErr *RequestError
	if !errors.As(err, &reqErr) || reqErr.Attempts != 3 {
		t.Fatalf("error = %#v, want *RequestError after 3 attempts", err)
	}
	if !strings.HasPrefix(err.Error(), "Codat API: GET /companies/c1 failed after 3 attempts: ") {
		t.Errorf("error = %q", err)
	}
}

func TestRetryAfterSecondsIsHonoured(t *testing.T) {
	t.Parallel()
	rec := newRecorder(t, reply(http.StatusTooManyRequests, "", "Retry-After", "2"), reply(http.StatusOK, companyJSON))
	if _, err := newTestClient(t, rec.srv).GetCompany(context.Background(), "c1"); err != nil {
		t.Fatal(err)
	}
	reqs := rec.all()
	if len(reqs) != 2 {
		t.Fatalf("got %d requests, want 2", len(reqs))
	}
	if waited := reqs[1].At.Sub(reqs[0].At); waited < 1900*time.Millisecond || waited > 10*time.Second {
		t.Errorf("waited %s between attempts, want about 2s", waited)
	}
}

func TestRetryAfterHTTPDateIsHonoured(t *testing.T) {
	t.Parallel()
	var untilNanos atomic.Int64
	first := func(w http.ResponseWriter, r *http.Request) {
		// HTTP dates have whole seconds: the wait is between one and two seconds.
		until := time.Now().Add(2 * time.Second).Truncate(time.Second)
		untilNanos.Store(until.UnixNano())
		reply(http.StatusTooManyRequests, "", "Retry-After", until.UTC().Format(http.TimeFormat))(w, r)
	}
	rec := newRecorder(t, first, reply(http.StatusOK, companyJSON))
	if _, err := newTestClient(t, rec.srv).GetCompany(context.Background(), "c1"); err != nil {
		t.Fatal(err)
	}
	reqs := rec.all()
	if len(reqs) != 2 {
		t.Fatalf("got %d requests, want 2", len(reqs))
	}
	until := time.Unix(0, untilNanos.Load())
	if early := until.Sub(reqs[1].At); early > 50*time.Millisecond {
		t.Errorf("retried %s before the Retry-After date", early)
	}
	if late := reqs[1].At.Sub(until); late > 8*time.Second {
		t.Errorf("retried %s after the Retry-After date", late)
	}
}

func TestRetryAfterBeyondLimitFailsAtOnce(t *testing.T) {
	reset := time.Now().UTC().Add(time.Hour).Truncate(time.Second)
	rec := newRecorder(t, reply(http.StatusTooManyRequests,
		`{"statusCode":429,"service":"PublicApi","error":"You have made too many requests","correlationId":"rl-1"}`,
		"Retry-After", "3600", "X-Rate-Limit-Limit", "12000", "X-Rate-Limit-Remaining", "0",
		"X-Rate-Limit-Reset", reset.Format(time.RFC3339)))
	start := time.Now()
	_, err := newTestClient(t, rec.srv).ListCompanies(context.Background(), ListOptions{})

	var rl *RateLimitError
	if !errors.As(err, &rl) {
		t.Fatalf("error = %#v, want *RateLimitError", err)
	}
	if rec.count() != 1 || time.Since(start) > 5*time.Second {
		t.Errorf("%d requests in %s, want one at once", rec.count(), time.Since(start))
	}
	if rl.Limit != "12000" || rl.Remaining != "0" || rl.RetryAfter != time.Hour || rl.MaxRetryAfter != DefaultMaxRetryAfter ||
		!rl.DailyQuota || !rl.ResetAt.Equal(reset) {
		t.Errorf("RateLimitError = %+v", rl)
	}
	if d := time.Until(rl.ResetAt); d < 59*time.Minute || d > 61*time.Minute {
		t.Errorf("ResetAt %s is not about an hour away", rl.ResetAt)
	}
	if rl.ResetAt.Location() != time.UTC || rl.ResetAt.Nanosecond() != 0 {
		t.Errorf("ResetAt %s is not in whole seconds UTC", rl.ResetAt)
	}
	if !hasStatus(err, http.StatusTooManyRequests) {
		t.Error("the error does not wrap the 429")
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.CorrelationID != "rl-1" {
		t.Errorf("the 429 answer is not reachable with errors.As: %#v", apiErr)
	}
	msg := err.Error()
	for _, want := range []string{"GET /companies was rate limited", "daily request quota of 12000 requests", rl.ResetAt.Format(time.RFC3339),
		"retry in 1h0m0s", "longest wait allowed (5m0s)", "correlation id: rl-1"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not contain %q", msg, want)
		}
	}
}

// Codat's X-Rate-Limit-Reset says exactly when the quota resets; Retry-After is rounded to whole seconds.
func TestRateLimitResetTimeFromHeader(t *testing.T) {
	for _, reset := range []string{"2031-07-02T00:00:00Z", "Wed, 02 Jul 2031 00:00:00 GMT"} {
		rec := newRecorder(t, reply(http.StatusTooManyRequests, "", "Retry-After", "7200",
			"X-Rate-Limit-Limit", "1000", "X-Rate-Limit-Remaining", "0", "X-Rate-Limit-Reset", reset))
		_, err := newTestClient(t, rec.srv).GetCompany(context.Background(), "c1")
		var rl *RateLimitError
		if !errors.As(err, &rl) {
			t.Fatalf("error = %v, want *RateLimitError", err)
		}
		if want := time.Date(2031, 7, 2, 0, 0, 0, 0, time.UTC); !rl.ResetAt.Equal(want) {
			t.Errorf("X-Rate-Limit-Reset %q: ResetAt %s, want %s", reset, rl.ResetAt, want)
		}
		if !strings.Contains(err.Error(), "used up until 2031-07-02T00:00:00Z") {
			t.Errorf("error %q does not name the reset time", err)
		}
	}
}

func TestNegativeMaxRetryAfterNeverWaitsForRetryAfter(t *testing.T) {
	rec := newRecorder(t, reply(http.StatusTooManyRequests, "", "Retry-After", "1"))
	c := newTestClient(t, rec.srv, func(cfg *Config) { cfg.MaxRetryAfter = -1 })
	_, err := c.GetCompany(context.Background(), "c1")
	var rl *RateLimitError
	if !errors.As(err, &rl) || rec.count() != 1 {
		t.Fatalf("error = %v after %d requests, want *RateLimitError after 1", err, rec.count())
	}
}

func TestRateLimitedUntilRetriesRunOut(t *testing.T) {
	rec := newRecorder(t, reply(http.StatusTooManyRequests, "", "Retry-After", "0"))
	_, err := newTestClient(t, rec.srv).GetCompany(context.Background(), "c1")
	var rl *RateLimitError
	if errors.As(err, &rl) {
		t.Fatalf("short Retry-After reported as too long: %v", err)
	}
	if !hasStatus(err, http.StatusTooManyRequests) || rec.count() != 3 {
		t.Errorf("error = %v after %d requests, want a 429 after 3", err, rec.count())
	}
}

func TestContextCancelStopsRetryWait(t *testing.T) {
	rec := newRecorder(t, reply(http.StatusTooManyRequests, "", "Retry-After", "60"))
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := newTestClient(t, rec.srv).GetCompany(ctx, "c1")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error = %v, want context.DeadlineExceeded", err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("returned after %s, want soon after the context ended", took)
	}
	rec.wantCount(t, 1)
}

// cancelledOnArrival is a context the caller gives up (cancels) as soon as its request reaches the server, which
// then goes on with h.
func cancelledOnArrival(t *testing.T, h http.HandlerFunc) (context.Context, *recorder) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	return ctx, newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		cancel()
		h(w, r)
	})
}

// A create already sent when the caller gives up (Ctrl-C in Terraform) may be applied by Codat; its answer must
// reach the caller so that the new object is recorded, not lost.
func TestCancelledCallKeepsTheAnswerOfTheAttemptInFlight(t *testing.T) {
	ctx, rec := cancelledOnArrival(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done(): // the client dropped the request
			return
		case <-time.After(100 * time.Millisecond):
		}
		reply(http.StatusOK, companyJSON)(w, r)
	})
	company, err := newTestClient(t, rec.srv).CreateCompany(ctx, CompanyRequest{Name: "Acme"})
	if err != nil || company.ID == "" {
		t.Fatalf("CreateCompany = %+v, %v; want the company created by the attempt in flight", company, err)
	}
	rec.wantCount(t, 1)
}

func TestCancelledCallMakesNoFurtherAttempt(t *testing.T) {
	ctx, rec := cancelledOnArrival(t, reply(http.StatusServiceUnavailable, `{"error":"down"}`))
	c := newTestClient(t, rec.srv)
	_, err := c.CreateCompany(ctx, CompanyRequest{Name: "Acme"})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
	if _, err := c.GetCompany(ctx, "c1"); !errors.Is(err, context.Canceled) {
		t.Errorf("call with a cancelled context: %v, want context.Canceled", err)
	}
	if rec.count() != 1 {
		t.Errorf("got %d requests, want 1 (no retry, nothing sent once cancelled)", rec.count())
	}
}

func TestContextCancelStopsWaitingForSlot(t *testing.T) {
	release := make(chan struct{})
	var once sync.Once
	unblock := func() { once.Do(func() { close(release) }) }
	defer unblock()
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		<-release
		reply(http.StatusOK, companyJSON)(w, r)
	})
	c := newTestClient(t, rec.srv, func(cfg *Config) { cfg.MaxConcurrentRequests = 1 })

	held := make(chan error, 1)
	go func() { _, err := c.GetCompany(context.Background(), "c1"); held <- err }()
	for rec.count() == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := c.GetCompany(ctx, "c2")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error = %v, want context.DeadlineExceeded", err)
	}
	if rec.count() != 1 {
		t.Errorf("the second call reached the server while the only slot was taken")
	}
	unblock()
	if err := <-held; err != nil {
		t.Errorf("first call: %v", err)
	}
}

func TestConcurrencyLimit(t *testing.T) {
	const limit = 3
	var inFlight, peak atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(20 * time.Millisecond)
		reply(http.StatusOK, companyJSON)(w, r)
	}))
	defer srv.Close()
	c := newTestClient(t, srv, func(cfg *Config) { cfg.MaxConcurrentRequests = limit })

	var wg sync.WaitGroup
	errs := make(chan error, 30)
	for i := range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.GetCompany(context.Background(), fmt.Sprint("c", i)); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := peak.Load(); got < 1 || got > limit {
		t.Errorf("server saw %d concurrent requests, want at most %d", got, limit)
	}
}

func TestRequestTimeoutAppliesPerAttempt(t *testing.T) {
	slow := func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}
	rec := newRecorder(t, slow, reply(http.StatusOK, companyJSON))
	c := newTestClient(t, rec.srv, func(cfg *Config) { cfg.RequestTimeout = 100 * time.Millisecond })
	start := time.Now()
	if _, err := c.GetCompany(context.Background(), "c1"); err != nil {
		t.Fatal(err)
	}
	if rec.count() != 2 || time.Since(start) > 5*time.Second {
		t.Errorf("%d requests in %s, want a timed-out attempt then a quick retry", rec.count(), time.Since(start))
	}
}

func TestEmptyIdentifierSendsNothing(t *testing.T) {
	rec := newRecorder(t, reply(http.StatusOK, `{}`))
	c := newTestClient(t, rec.srv)
	if _, err := c.GetCompany(context.Background(), ""); err == nil || !strings.Contains(err.Error(), "must not be empty") {
		t.Errorf("GetCompany(\"\") error = %v", err)
	}
	if err := c.DeleteSourceAccount(context.Background(), "c1", "", "a1"); err == nil {
		t.Error("DeleteSourceAccount with an empty connection id succeeded")
	}
	if rec.count() != 0 {
		t.Errorf("%d requests sent", rec.count())
	}
}

func TestUndecodableSuccessBody(t *testing.T) {
	rec := newRecorder(t, reply(http.StatusOK, `<html>maintenance</html>`))
	_, err := newTestClient(t, rec.srv).GetCompany(context.Background(), "c1")
	if err == nil || !strings.Contains(err.Error(), "Codat API: GET /companies/c1: decoding the 200 response") {
		t.Errorf("error = %v", err)
	}
}
