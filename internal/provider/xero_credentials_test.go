package provider

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-codat/terraform-provider-codat/internal/codat"
	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

// sandboxTokenURL serves a fresh sandbox and returns it with its fake Xero token endpoint.
func sandboxTokenURL(t *testing.T) (*sandbox.Sandbox, string) {
	t.Helper()
	sb := sandbox.New(sandbox.Options{})
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(srv.Close)
	sb.SetBaseURL(srv.URL)
	return sb, srv.URL + "/xero/connect/token"
}

// closedURL is a loopback URL on which nothing listens.
func closedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return "http://" + addr + "/connect/token"
}

func TestCheckXeroCredentials(t *testing.T) {
	t.Parallel()
	sb, tokenURL := sandboxTokenURL(t)
	const secret = "s3cretGeneratedInXeroDeveloper0123456789abcdef"
	sb.RegisterXeroApp("WEBAPP00000000000000000000000001", secret)
	sb.RegisterXeroCustomConnection("CUSTOM00000000000000000000000001", secret)
	unavailable := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "maintenance", http.StatusServiceUnavailable)
	}))
	t.Cleanup(unavailable.Close)

	tests := []struct {
		name, url, clientID, secret string
		want                        xeroVerdict
		errContains                 string
	}{
		{"standard app answers unauthorized_client", tokenURL, "WEBAPP00000000000000000000000001", secret, xeroGenuine, ""},
		{"custom connection gets a token", tokenURL, "CUSTOM00000000000000000000000001", secret, xeroGenuine, ""},
		{"wrong secret", tokenURL, "WEBAPP00000000000000000000000001", "regenerated-in-xero-developer", xeroRejected, "invalid_client"},
		{"unknown client id", tokenURL, "TYPO0000000000000000000000000001", secret, xeroRejected, "invalid_client"},
		{"endpoint unreachable", closedURL(t), "WEBAPP00000000000000000000000001", secret, xeroUnverified, "connect"},
		{"endpoint answers 503", unavailable.URL, "WEBAPP00000000000000000000000001", secret, xeroUnverified, "503"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := sb.Count(sandbox.RouteXeroToken)
			got, err := checkXeroCredentials(context.Background(), tt.url, tt.clientID, tt.secret)
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
func TestRedactedErrorHidesEchoedSecret(t *testing.T) {
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
			verdict, err := checkXeroCredentials(context.Background(), echo.URL, clientID, secret)
			if verdict != xeroRejected || err == nil {
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

func TestVerifyXeroCredentialsDiagnostics(t *testing.T) {
	t.Parallel()
	sb, tokenURL := sandboxTokenURL(t)
	sb.RegisterXeroApp("WEBAPP00000000000000000000000001", "right")

	t.Run("rejected: error on client_id, stop", func(t *testing.T) {
		var diags diag.Diagnostics
		d := &providerData{xeroTokenURL: tokenURL}
		if d.verifyXeroCredentials(context.Background(), "WEBAPP00000000000000000000000001", "notTheSecret77", "client_secret_wo", &diags) {
			t.Fatal("rejected credentials let the apply go on")
		}
		if diags.ErrorsCount() != 1 || diags.WarningsCount() != 0 {
			t.Fatalf("diagnostics %v", diags)
		}
		withPath, ok := diags.Errors()[0].(diag.DiagnosticWithPath)
		if !ok || !withPath.Path().Equal(path.Root("client_id")) {
			t.Fatalf("error not on client_id: %v", diags.Errors()[0])
		}
		detail := diags.Errors()[0].Detail()
		for _, want := range []string{"invalid_client", "client_secret_wo", "regenerated", "Nothing was stored"} {
			if !strings.Contains(detail, want) {
				t.Errorf("detail lacks %q:\n%s", want, detail)
			}
		}
		if strings.Contains(detail, "notTheSecret77") {
			t.Errorf("detail shows the secret:\n%s", detail)
		}
	})
	t.Run("genuine: no diagnostics", func(t *testing.T) {
		var diags diag.Diagnostics
		d := &providerData{xeroTokenURL: tokenURL}
		if !d.verifyXeroCredentials(context.Background(), "WEBAPP00000000000000000000000001", "right", "client_secret", &diags) || diags.HasError() || diags.WarningsCount() != 0 {
			t.Fatalf("genuine credentials: %v", diags)
		}
	})
	t.Run("unreachable: warning, go on", func(t *testing.T) {
		var diags diag.Diagnostics
		d := &providerData{xeroTokenURL: closedURL(t)}
		if !d.verifyXeroCredentials(context.Background(), "WEBAPP00000000000000000000000001", "right", "client_secret", &diags) {
			t.Fatal("an unreachable token endpoint stopped the apply")
		}
		if diags.HasError() || diags.WarningsCount() != 1 || !strings.Contains(diags.Warnings()[0].Summary(), "not verified") {
			t.Fatalf("diagnostics %v", diags)
		}
	})
}

func TestStoredCredentials(t *testing.T) {
	t.Parallel()
	const id = "ABCDEF0123456789ABCDEF0123456789"
	// Codat's mask styles (CODAT-FACTS C2): X keeping the length (documented), a fixed run of *, * keeping the length.
	xMask := func(s string) string { return strings.Repeat("X", len(s)-4) + s[len(s)-4:] }
	fixed := func(s string) string { return "********" + s[len(s)-4:] }
	star := func(s string) string { return strings.Repeat("*", len(s)-4) + s[len(s)-4:] }
	str := types.StringValue
	null := types.StringNull()

	type tc struct {
		name               string
		clientID, secret   types.String
		creds              map[string]string
		wantID, wantSecret types.String
	}
	var tests []tc
	for style, mask := range map[string]func(string) string{"X": xMask, "fixed": fixed, "asterisk": star} {
		creds := map[string]string{credentialClientID: mask(id), credentialClientSecret: mask("secret-value")}
		tests = append(tests,
			tc{style + ": mask fits", str(id), null, creds, str(id), null},
			tc{style + ": other last four", str(id[:28] + "WXYZ"), null, creds, str(mask(id)), null},
			tc{style + ": after import", null, null, creds, str(mask(id)), null},
			tc{style + ": nothing stored", str(id), null, map[string]string{}, null, null},
			tc{style + ": secret missing", str(id), null, map[string]string{credentialClientID: mask(id)}, null, null},
			tc{style + ": stored secret fits", str(id), str("secret-value"), creds, str(id), str("secret-value")},
			tc{style + ": stored secret changed", str(id), str("secret-valuf"), creds, str(id), str(mask("secret-value"))},
		)
	}
	tests = append(tests,
		// Only the X mask, Codat's documented style, shows the length.
		tc{"X: other length", str("0" + id), null, map[string]string{credentialClientID: xMask(id), credentialClientSecret: "XXXXXXXX"}, str(xMask(id)), null},
		tc{"fixed: other length", str("0" + id), null, map[string]string{credentialClientID: fixed(id), credentialClientSecret: "********"}, str("0" + id), null},
		tc{"short values fully masked", str("abc"), null, map[string]string{credentialClientID: "***", credentialClientSecret: "****"}, str("abc"), null},
		tc{"unmasked client id", str(id), null, map[string]string{credentialClientID: id, credentialClientSecret: "XXXX"}, str(id), null},
	)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gotID, gotSecret := storedCredentials(tt.clientID, tt.secret, tt.creds)
			if !gotID.Equal(tt.wantID) || !gotSecret.Equal(tt.wantSecret) {
				t.Fatalf("got (%s, %s), want (%s, %s)", gotID, gotSecret, tt.wantID, tt.wantSecret)
			}
		})
	}
}

// access reads Codat's oneTimeSync as Codat types it, a string (CODAT-FACTS C1), in any case; an unknown value is an
// error on access that quotes it, not a guess.
func TestAccessMode(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{`"True"`: accessOneOff, `"false"`: accessContinuous, `true`: accessOneOff, `null`: accessContinuous} {
		var settings codat.IntegrationSettings
		if err := json.Unmarshal([]byte(`{"oneTimeSync":`+raw+`}`), &settings); err != nil {
			t.Fatal(err)
		}
		var diags diag.Diagnostics
		got, ok := accessMode(settings.OneTimeSync, &diags)
		if !ok || diags.HasError() || got.ValueString() != want {
			t.Errorf("oneTimeSync %s: access %s, %v; want %s", raw, got, diags, want)
		}
	}
	var settings codat.IntegrationSettings
	if err := json.Unmarshal([]byte(`{"oneTimeSync":"Sometimes"}`), &settings); err != nil {
		t.Fatal(err)
	}
	var diags diag.Diagnostics
	if _, ok := accessMode(settings.OneTimeSync, &diags); ok || diags.ErrorsCount() != 1 ||
		!strings.Contains(diags.Errors()[0].Detail(), `"Sometimes"`) {
		t.Errorf("an unknown oneTimeSync gave %v", diags)
	}
	if withPath, isPath := diags.Errors()[0].(diag.DiagnosticWithPath); !isPath || !withPath.Path().Equal(path.Root("access")) {
		t.Errorf("error not on access: %v", diags.Errors()[0])
	}
}
