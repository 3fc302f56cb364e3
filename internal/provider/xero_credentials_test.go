package provider

import (
	"context"
	"encoding/json"
	"net"
	"net/http/httptest"
	"strings"
	"testing"

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
