package xerocheck_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
	"github.com/terraform-codat/terraform-provider-codat/internal/xerocheck"
)

// closedURL is the URL of a server that has stopped: nothing answers on its port.
func closedURL(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close()
	return srv.URL + "/connect/token"
}

func TestCheck(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	sb, tokenURL := env.Sandbox, env.XeroTokenURL()
	const secret = "s3cretGeneratedInXeroDeveloper0123456789abcdef"
	sb.RegisterXeroApp("WEBAPP00000000000000000000000001", secret)
	sb.RegisterXeroCustomConnection("CUSTOM00000000000000000000000001", secret)
	unavailable := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "maintenance", http.StatusServiceUnavailable)
	}))
	t.Cleanup(unavailable.Close)

	tests := []struct {
		name, url, clientID, secret string
		want                        xerocheck.Verdict
		errContains                 string
	}{
		{"standard app answers unauthorized_client", tokenURL, "WEBAPP00000000000000000000000001", secret, xerocheck.Genuine, ""},
		{"custom connection gets a token", tokenURL, "CUSTOM00000000000000000000000001", secret, xerocheck.Genuine, ""},
		{"wrong secret", tokenURL, "WEBAPP00000000000000000000000001", "regenerated-in-xero-developer", xerocheck.Rejected, "invalid_client"},
		{"unknown client id", tokenURL, "TYPO0000000000000000000000000001", secret, xerocheck.Rejected, "invalid_client"},
		{"endpoint unreachable", closedURL(t), "WEBAPP00000000000000000000000001", secret, xerocheck.Unverified, "connect"},
		{"endpoint answers 503", unavailable.URL, "WEBAPP00000000000000000000000001", secret, xerocheck.Unverified, "503"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := sb.Count(sandbox.RouteXeroToken)
			got, err := xerocheck.Check(context.Background(), tt.url, tt.clientID, tt.secret)
			if got != tt.want {
				t.Fatalf("verdict %s (error %v), want %s", got, err, tt.want)
			}
			if tt.errContains == "" && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tt.errContains != "" && (err == nil || !strings.Contains(err.Error(), tt.errContains)) {
				t.Fatalf("error %v, want one containing %q", err, tt.errContains)
			}
			if err != nil && strings.Contains(err.Error(), tt.secret) {
				t.Fatalf("error shows the secret: %v", err)
			}
			// One request per check: a refused pair is not tried again in another form.
			if tt.url == tokenURL {
				if n := sb.Count(sandbox.RouteXeroToken) - before; n != 1 {
					t.Fatalf("%d token requests, want 1", n)
				}
			}
		})
	}
}

// The token endpoint may echo the request: the Basic credentials as sent (id and secret form-encoded, then base64,
// RFC 6749 section 2.3.1), decoded, or the secret itself. None of it reaches the error. The echo is recorded, so the
// test sees that each form really was in the answer.
func TestCheckHidesEchoedSecret(t *testing.T) {
	t.Parallel()
	const clientID = "C0FFEE0000000000000000000000A1B2"
	const secret = `xs+1/9fK=2m&Q<7>"v\Tz %41`
	pair := url.QueryEscape(clientID) + ":" + url.QueryEscape(secret)
	forms := map[string]string{
		"secret":                 secret,
		"form-encoded secret":    url.QueryEscape(secret),
		"base64 secret":          base64.StdEncoding.EncodeToString([]byte(secret)),
		"Basic header":           "Basic " + base64.StdEncoding.EncodeToString([]byte(pair)),
		"decoded Basic":          pair,
		"unencoded Basic":        base64.StdEncoding.EncodeToString([]byte(clientID + ":" + secret)),
		"JSON-escaped secret":    `xs+1/9fK=2m\u0026Q\u003c7\u003e\"v\\Tz %41`,
		"form-encoded body pair": "client_secret=" + url.QueryEscape(secret),
	}
	for name, form := range forms {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var echoed string
			echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if got := r.Header.Get("Authorization"); got != forms["Basic header"] {
					t.Errorf("the token request sent Authorization %q, want %q", got, forms["Basic header"])
				}
				raw, _ := json.Marshal(map[string]string{"error": "invalid_client", "error_description": "rejected " + form})
				echoed = string(raw)
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusUnauthorized)
				_, _ = w.Write(raw)
			}))
			t.Cleanup(echo.Close)
			verdict, err := xerocheck.Check(context.Background(), echo.URL, clientID, secret)
			if verdict != xerocheck.Rejected || err == nil {
				t.Fatalf("verdict %s, error %v", verdict, err)
			}
			// golang.org/x/oauth2 quotes the endpoint's error_description in its error, Go-style.
			goQuoted := func(s string) string { q := strconv.Quote(s); return q[1 : len(q)-1] }
			var retrieveErr *oauth2.RetrieveError
			if !errors.As(err, &retrieveErr) || !strings.Contains(retrieveErr.Error(), goQuoted(form)) {
				t.Fatalf("the unredacted error %q does not hold the echo %q (endpoint answered %s), so the check proves nothing",
					retrieveErr, goQuoted(form), echoed)
			}
			for other, f := range forms {
				if strings.Contains(err.Error(), f) || strings.Contains(err.Error(), goQuoted(f)) {
					t.Errorf("the error shows the %s: %v", other, err)
				}
			}
			if !strings.Contains(err.Error(), "[REDACTED]") {
				t.Errorf("error not redacted: %v", err)
			}
		})
	}
}
