package contract

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

const (
	companyID    = "0498e921-9b53-4396-a412-4f2f5983b0a2"
	connectionID = "2e9d2c44-f675-40ba-8049-353bfcb5e171"
	accountsPath = "/companies/" + companyID + "/connections/" + connectionID + "/connectionInfo/bankFeedAccounts"
	mappingPath  = "/companies/" + companyID + "/connections/" + connectionID + "/bankFeedAccounts/mapping"
	basicAuth    = "Basic dGVzdC1rZXk=" // base64("test-key")
)

// checker gives a test a Checker on the shared load without ForTest's cleanup, for tests that
// expect violations.
func checker(t *testing.T) *Checker {
	t.Helper()
	loadShared()
	if shared.dirErr != nil {
		t.Skipf("contract check skipped: %v", shared.dirErr)
	}
	if shared.loadErr != nil {
		t.Fatalf("loading Codat's OpenAPI files: %v", shared.loadErr)
	}
	return shared.checker.view()
}

// specDir is the folder of the OpenAPI files, or a skip.
func specDir(t *testing.T) string {
	t.Helper()
	dir, err := SpecDir()
	if err != nil {
		t.Skipf("contract check skipped: %v", err)
	}
	return dir
}

// call is one exchange for a test: the request the client sends and the response the handler
// writes.
type call struct {
	method, path, body string
	auth               string // Authorization header; basicAuth unless set, "-" for none
	header             map[string]string
	status             int
	response           string
	responseType       string // Content-Type of the response; JSON unless set
}

func (k call) request() *http.Request {
	var req *http.Request
	if k.body != "" {
		req = httptest.NewRequest(k.method, k.path, strings.NewReader(k.body))
		req.Header.Set("Content-Type", "application/json")
	} else {
		req = httptest.NewRequest(k.method, k.path, nil)
	}
	switch k.auth {
	case "":
		req.Header.Set("Authorization", basicAuth)
	case "-":
	default:
		req.Header.Set("Authorization", k.auth)
	}
	for name, value := range k.header {
		req.Header.Set(name, value)
	}
	return req
}

func (k call) handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if k.response != "" {
			ct := k.responseType
			if ct == "" {
				ct = "application/json; charset=utf-8"
			}
			w.Header().Set("Content-Type", ct)
		}
		w.WriteHeader(k.status)
		_, _ = w.Write([]byte(k.response))
	})
}

// serve runs k through c.Wrap and returns the violations it recorded.
func serve(t *testing.T, c *Checker, k call) []Violation {
	t.Helper()
	c.Reset()
	c.Wrap(k.handler()).ServeHTTP(httptest.NewRecorder(), k.request())
	return c.Violations()
}

// expectViolations fails unless exactly the given phases were recorded, each message containing
// the matching fragment.
func expectViolations(t *testing.T, got []Violation, want ...[2]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d violations, want %d:\n%s", len(got), len(want), list(got))
	}
	for i, w := range want {
		if got[i].Phase != w[0] || !strings.Contains(got[i].Message, w[1]) {
			t.Errorf("violation %d = %s; want phase %q with %q", i, got[i], w[0], w[1])
		}
	}
}

// wantCheckedOnce checks that c found no violation and checked the operation op exactly once.
func wantCheckedOnce(t *testing.T, c *Checker, op string) {
	t.Helper()
	if v := c.Violations(); len(v) != 0 {
		t.Errorf("violations:\n%s", list(v))
	}
	if n := c.Checked()[op]; n != 1 {
		t.Errorf("Checked()[%s] = %d, want 1; Checked() = %v", op, n, c.Checked())
	}
}

func list(vs []Violation) string {
	var b strings.Builder
	for _, v := range vs {
		b.WriteString("  " + v.String() + "\n")
	}
	return b.String()
}

func request(fragment string) [2]string  { return [2]string{"request", fragment} }
func response(fragment string) [2]string { return [2]string{"response", fragment} }
func route(fragment string) [2]string    { return [2]string{"route", fragment} }
