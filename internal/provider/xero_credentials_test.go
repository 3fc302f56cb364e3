package provider

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

const sandboxTokenRoute = "POST /xero/connect/token"

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
			before := sb.Count(sandboxTokenRoute)
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
				if n := sb.Count(sandboxTokenRoute) - before; n != 1 {
					t.Fatalf("%d token requests, want 1", n)
				}
			}
		})
	}
}

func TestRedactedErrorHidesEchoedSecret(t *testing.T) {
	t.Parallel()
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, secret, _ := r.BasicAuth()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"error":"invalid_request","error_description":"bad secret ` + secret + `"}`))
	}))
	t.Cleanup(echo.Close)
	const secret = "echoedSecret42"
	verdict, err := checkXeroCredentials(context.Background(), echo.URL, "id", secret)
	if verdict != xeroUnverified || err == nil {
		t.Fatalf("verdict %s, error %v", verdict, err)
	}
	if strings.Contains(err.Error(), secret) || !strings.Contains(err.Error(), "[REDACTED]") {
		t.Fatalf("error not redacted: %v", err)
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
	masked := func(s string) string { return strings.Repeat("*", len(s)-4) + s[len(s)-4:] }
	creds := map[string]string{credentialClientID: masked(id), credentialClientSecret: masked("secret-value")}
	str := types.StringValue

	tests := []struct {
		name               string
		clientID, secret   types.String
		creds              map[string]string
		wantID, wantSecret types.String
	}{
		{"mask fits", str(id), types.StringNull(), creds, str(id), types.StringNull()},
		{"other length", str(id + "X"), types.StringNull(), creds, str(masked(id)), types.StringNull()},
		{"other suffix", str(id[:28] + "WXYZ"), types.StringNull(), creds, str(masked(id)), types.StringNull()},
		{"after import", types.StringNull(), types.StringNull(), creds, str(masked(id)), types.StringNull()},
		{"nothing stored", str(id), types.StringNull(), map[string]string{}, types.StringNull(), types.StringNull()},
		{"secret missing", str(id), types.StringNull(), map[string]string{credentialClientID: masked(id)}, types.StringNull(), types.StringNull()},
		{"stored secret fits", str(id), str("secret-value"), creds, str(id), str("secret-value")},
		{"stored secret changed", str(id), str("other-secret-value"), creds, str(id), str(masked("secret-value"))},
		{"short values fully masked", str("abc"), types.StringNull(), map[string]string{credentialClientID: "***", credentialClientSecret: "****"}, str("abc"), types.StringNull()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gotID, gotSecret := storedCredentials(tt.clientID, tt.secret, tt.creds)
			if !gotID.Equal(tt.wantID) || !gotSecret.Equal(tt.wantSecret) {
				t.Fatalf("got (%s, %s), want (%s, %s)", gotID, gotSecret, tt.wantID, tt.wantSecret)
			}
		})
	}
}
