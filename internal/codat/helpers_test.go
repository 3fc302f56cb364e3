package codat

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sync"
	"testing"
	"time"
)

const testAPIKey = "test-api-key-5f1c9e"

// newTestClient returns a client of srv with fast retries; opts adjust the config.
func newTestClient(t *testing.T, srv *httptest.Server, opts ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		BaseURL:      srv.URL,
		APIKey:       testAPIKey,
		UserAgent:    "terraform-provider-codat/test terraform/1.11.4",
		MaxRetries:   2,
		RetryWaitMin: time.Millisecond,
		RetryWaitMax: 5 * time.Millisecond,
		HTTPClient:   srv.Client(),
	}
	for _, opt := range opts {
		opt(&cfg)
	}
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

// recorded is one request as the test server saw it.
type recorded struct {
	Method string
	Path   string
	Query  string
	Header http.Header
	Body   string
	At     time.Time
}

// recorder is a test server that records every request and answers with the handler for the request's
// (zero-based) index, or the last handler once the list runs out.
type recorder struct {
	mu       sync.Mutex
	requests []recorded
	srv      *httptest.Server
}

func newRecorder(t *testing.T, handlers ...http.HandlerFunc) *recorder {
	t.Helper()
	r := &recorder{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		i := len(r.requests)
		r.requests = append(r.requests, recorded{
			Method: req.Method,
			Path:   req.URL.EscapedPath(),
			Query:  req.URL.RawQuery,
			Header: req.Header.Clone(),
			Body:   string(body),
			At:     time.Now(),
		})
		r.mu.Unlock()
		handlers[min(i, len(handlers)-1)](w, req)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *recorder) all() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recorded(nil), r.requests...)
}

func (r *recorder) count() int { return len(r.all()) }

// wantCount fails the test unless the server has had n requests.
func (r *recorder) wantCount(t *testing.T, n int) {
	t.Helper()
	if got := r.count(); got != n {
		t.Errorf("got %d requests, want %d", got, n)
	}
}

// reply answers with status and, when body is not empty, a JSON body.
func reply(status int, body string, headers ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		if body != "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

// drop closes the connection without answering, as a network failure or a crashed proxy would.
func drop(w http.ResponseWriter, _ *http.Request) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err)
	}
	_ = conn.Close()
}

// assertJSONEqual compares two JSON documents regardless of key order and spacing.
func assertJSONEqual(t *testing.T, got, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("got invalid JSON %q: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("want invalid JSON %q: %v", want, err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("JSON differs:\n got: %s\nwant: %s", got, want)
	}
}
