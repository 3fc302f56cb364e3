package sandbox_test

import (
	"maps"
	"net/http"
	"net/url"
	"testing"

	"github.com/google/uuid"

	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

const xeroIntegrationID = "497a18ca-284e-40c0-985d-f72be35d468e"

type integrationOut struct {
	Key           string `json:"key"`
	LogoURL       string `json:"logoUrl"`
	Name          string `json:"name"`
	Enabled       bool   `json:"enabled"`
	SourceID      string `json:"sourceId"`
	SourceType    string `json:"sourceType"`
	IntegrationID string `json:"integrationId"`
}

func TestIntegrations(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	var page pageOut[integrationOut]
	e.call(http.MethodGet, "/integrations", nil).expect(t, http.StatusOK).decode(t, &page)
	if page.TotalResults < 3 || len(page.Results) != page.TotalResults {
		t.Fatalf("integrations %+v", page)
	}
	keys := map[string]integrationOut{}
	for _, i := range page.Results {
		keys[i.Key] = i
		if i.LogoURL == "" || i.SourceID == "" || i.SourceType == "" {
			t.Errorf("incomplete integration %+v", i)
		}
	}
	if keys["gbol"].Name != "Xero" || keys["qhyg"].Name != "QuickBooks Online" || keys["dfxm"].SourceType != "Banking" {
		t.Errorf("catalogue %+v", keys)
	}

	var xero integrationOut
	e.call(http.MethodGet, "/integrations/gbol", nil).expect(t, http.StatusOK).decode(t, &xero)
	if xero != keys["gbol"] || xero.IntegrationID != xeroIntegrationID || xero.Enabled {
		t.Errorf("get %+v", xero)
	}
	e.call(http.MethodGet, "/integrations/zzzz", nil).apiError(t, http.StatusNotFound)

	page = pageOut[integrationOut]{}
	e.call(http.MethodGet, "/integrations?query=sourceType%3DBanking", nil).expect(t, http.StatusOK).decode(t, &page)
	if page.TotalResults != 1 || page.Results[0].Key != "dfxm" {
		t.Errorf("query %+v", page)
	}
	for query, want := range map[string]int{
		"enabled=false":                      4,
		"key=gbol||name=Basiq":               2,
		"integrationId=" + xeroIntegrationID: 1,
		"sourceId!=x&&sourceType<B":          3,
	} {
		page = pageOut[integrationOut]{}
		e.call(http.MethodGet, "/integrations?orderBy=key&query="+url.QueryEscape(query), nil).expect(t, http.StatusOK).decode(t, &page)
		if page.TotalResults != want {
			t.Errorf("%s: %d results, want %d", query, page.TotalResults, want)
		}
	}
}

func TestIntegrationEnabled(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	var got integrationOut
	e.call(http.MethodPut, "/integrations/gbol/enabled", map[string]any{"enabled": true}).expect(t, http.StatusOK).decode(t, &got)
	if !got.Enabled || got.Key != "gbol" || !e.sb.IntegrationEnabled("gbol") {
		t.Errorf("after enabling %+v", got)
	}
	got = integrationOut{}
	e.call(http.MethodGet, "/integrations/gbol", nil).expect(t, http.StatusOK).decode(t, &got)
	if !got.Enabled {
		t.Error("GET does not show the integration enabled")
	}
	e.call(http.MethodPut, "/integrations/gbol/enabled", map[string]any{"enabled": false}).expect(t, http.StatusOK)
	if e.sb.IntegrationEnabled("gbol") {
		t.Error("still enabled")
	}
	e.call(http.MethodPut, "/integrations/gbol/enabled", map[string]any{}).validationError(t, "enabled")
	e.call(http.MethodPut, "/integrations/gbol/enabled", map[string]any{"enabled": "yes"}).validationError(t, "enabled")
	e.call(http.MethodPut, "/integrations/zzzz/enabled", map[string]any{"enabled": true}).apiError(t, http.StatusNotFound)
}

func TestIntegrationCredentials(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	path := "/integrations/credentials/gbol"
	var got map[string]string
	e.call(http.MethodGet, path, nil).expect(t, http.StatusOK).decode(t, &got)
	if len(got) != 0 || got == nil {
		t.Errorf("credentials before any were stored: %v, want {}", got)
	}

	// Codat's documented mask: the length and the last four characters kept, the rest "X".
	creds := map[string]string{"clientId": "ABCDEF0123456789", "clientSecret": "s3cr3t-value-xyz9", "short": "abcd", "shorter": "ab"}
	masked := map[string]string{"clientId": "XXXXXXXXXXXX6789", "clientSecret": "XXXXXXXXXXXXXxyz9", "short": "XXXX", "shorter": "XX"}
	got = nil
	e.call(http.MethodPut, path, creds).expect(t, http.StatusOK).decode(t, &got)
	if !maps.Equal(got, masked) {
		t.Errorf("PUT answered %v, want %v", got, masked)
	}
	got = nil
	e.call(http.MethodGet, path, nil).expect(t, http.StatusOK).decode(t, &got)
	if !maps.Equal(got, masked) {
		t.Errorf("GET answered %v, want %v", got, masked)
	}
	if !maps.Equal(e.sb.XeroCredentials(), creds) {
		t.Errorf("stored %v, want %v unmasked", e.sb.XeroCredentials(), creds)
	}

	// PUT replaces the whole map.
	e.call(http.MethodPut, path, map[string]string{"clientId": "NEWID12345"}).expect(t, http.StatusOK)
	if !maps.Equal(e.sb.XeroCredentials(), map[string]string{"clientId": "NEWID12345"}) {
		t.Errorf("after replace %v", e.sb.XeroCredentials())
	}
	e.call(http.MethodPut, path, map[string]any{"clientId": 5}).validationError(t, "clientId")
	e.call(http.MethodPut, path, map[string]any{"clientId": nil}).validationError(t, "clientId")
	e.call(http.MethodPut, path, `"x"`).validationError(t, "body")

	got = nil
	e.call(http.MethodDelete, path, nil).expect(t, http.StatusOK).decode(t, &got)
	if len(got) != 0 || len(e.sb.XeroCredentials()) != 0 {
		t.Errorf("after delete: answered %v, stored %v", got, e.sb.XeroCredentials())
	}
	for _, method := range []string{http.MethodGet, http.MethodPut, http.MethodDelete} {
		e.call(method, "/integrations/credentials/zzzz", map[string]string{}).apiError(t, http.StatusNotFound)
	}
	writes := e.sb.CredentialWrites("gbol")
	if len(writes) != 2 || !maps.Equal(writes[0], creds) || writes[1]["clientId"] != "NEWID12345" {
		t.Errorf("credential writes %v", writes)
	}
}

func TestIntegrationCredentialMaskStyles(t *testing.T) {
	creds := map[string]string{"clientId": "C0FFEE0000000000000000000000A1B2", "clientSecret": "s3cr3t-value-xyz9", "short": "abcd"}
	for style, want := range map[sandbox.MaskStyle]map[string]string{
		"":                   {"clientId": "XXXXXXXXXXXXXXXXXXXXXXXXXXXXA1B2", "clientSecret": "XXXXXXXXXXXXXxyz9", "short": "XXXX"},
		sandbox.MaskX:        {"clientId": "XXXXXXXXXXXXXXXXXXXXXXXXXXXXA1B2", "clientSecret": "XXXXXXXXXXXXXxyz9", "short": "XXXX"},
		sandbox.MaskFixed:    {"clientId": "********A1B2", "clientSecret": "********xyz9", "short": "********"},
		sandbox.MaskAsterisk: {"clientId": "****************************A1B2", "clientSecret": "*************xyz9", "short": "****"},
	} {
		t.Run(string(style), func(t *testing.T) {
			e := newEnv(t, sandbox.Options{CredentialMask: style})
			var got map[string]string
			e.call(http.MethodPut, "/integrations/credentials/gbol", creds).expect(t, http.StatusOK).decode(t, &got)
			if !maps.Equal(got, want) {
				t.Errorf("PUT answered %v, want %v", got, want)
			}
			got = nil
			e.call(http.MethodGet, "/integrations/credentials/gbol", nil).expect(t, http.StatusOK).decode(t, &got)
			if !maps.Equal(got, want) {
				t.Errorf("GET answered %v, want %v", got, want)
			}

			// The mask Codat showed, sent back with a new secret, keeps the stored client id (Codat's Plaid
			// page does this); a mask of anything else is stored as sent.
			e.call(http.MethodPut, "/integrations/credentials/gbol", map[string]string{
				"clientId": want["clientId"], "clientSecret": "new-secret-0001",
			}).expect(t, http.StatusOK)
			if got := e.sb.XeroCredentials(); got["clientId"] != creds["clientId"] || got["clientSecret"] != "new-secret-0001" {
				t.Errorf("after PUT of the shown mask: stored %v", got)
			}
			other := "XXXXXXXXXXXXXXXXXXXXXXXXXXXXZZZZ"
			e.call(http.MethodPut, "/integrations/credentials/gbol", map[string]string{"clientId": other}).expect(t, http.StatusOK)
			if got := e.sb.XeroCredentials()["clientId"]; got != other {
				t.Errorf("a mask of another value stored as %q, want it as sent", got)
			}
			if w := e.sb.CredentialWrites("gbol"); len(w) != 3 || w[1]["clientId"] != want["clientId"] {
				t.Errorf("credential writes %v, want the mask recorded as sent", w)
			}
		})
	}

	// Switched at run time, through Go and through the control endpoint.
	e := newEnv(t, sandbox.Options{})
	e.call(http.MethodPut, "/integrations/credentials/gbol", creds).expect(t, http.StatusOK)
	if err := e.sb.SetCredentialMask(sandbox.MaskFixed); err != nil {
		t.Fatal(err)
	}
	var got map[string]string
	e.call(http.MethodGet, "/integrations/credentials/gbol", nil).expect(t, http.StatusOK).decode(t, &got)
	if got["clientId"] != "********A1B2" {
		t.Errorf("after SetCredentialMask(fixed): %v", got)
	}
	if err := e.sb.SetCredentialMask("dots"); err == nil {
		t.Error("an unknown mask style was accepted")
	}
	const maskControl = "/_sandbox/integrations/credential-mask"
	e.plain(http.MethodPut, maskControl, "application/json", `{"style":"asterisk"}`).expect(t, http.StatusNoContent)
	e.plain(http.MethodPut, maskControl, "application/json", `{"style":"dots"}`).expect(t, http.StatusBadRequest)
	got = nil
	e.call(http.MethodGet, "/integrations/credentials/gbol", nil).expect(t, http.StatusOK).decode(t, &got)
	if got["clientId"] != "****************************A1B2" {
		t.Errorf("after the control endpoint set asterisk: %v", got)
	}
}

func TestIntegrationSettings(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	path := "/settings/integrations/" + xeroIntegrationID
	var got struct {
		IntegrationID string  `json:"integrationId"`
		OneTimeSync   *string `json:"oneTimeSync"`
	}
	// oneTimeSync is a string (CODAT-FACTS C1), answered as .NET writes a Boolean.
	e.call(http.MethodGet, path, nil).expect(t, http.StatusOK).decode(t, &got)
	if got.IntegrationID != xeroIntegrationID || got.OneTimeSync == nil || *got.OneTimeSync != "False" {
		t.Errorf("settings %+v", got)
	}
	for sent, want := range map[string]string{"True": "True", "false": "False", " TRUE ": "True", "FaLsE": "False", "true": "True"} {
		got.OneTimeSync = nil
		e.call(http.MethodPatch, path, map[string]any{"oneTimeSync": sent}).expect(t, http.StatusOK).decode(t, &got)
		if got.OneTimeSync == nil || *got.OneTimeSync != want {
			t.Errorf("PATCH %q answered %+v, want %q", sent, got, want)
		}
		if one, ok := e.sb.IntegrationSettings(xeroIntegrationID); !ok || one != (want == "True") {
			t.Errorf("PATCH %q stored %v", sent, one)
		}
	}
	// A strict server refuses what the legacy description does not allow.
	e.call(http.MethodPatch, path, map[string]any{"oneTimeSync": "True"}).expect(t, http.StatusOK)
	e.call(http.MethodPatch, path, map[string]any{"oneTimeSync": true}).validationError(t, "oneTimeSync")
	e.call(http.MethodPatch, path, map[string]any{"oneTimeSync": false}).validationError(t, "oneTimeSync")
	e.call(http.MethodPatch, path, map[string]any{"oneTimeSync": "yes"}).validationError(t, "oneTimeSync")
	e.call(http.MethodPatch, path, map[string]any{"oneTimeSync": nil}).validationError(t, "oneTimeSync")
	e.call(http.MethodPatch, path, map[string]any{}).validationError(t, "oneTimeSync")
	e.call(http.MethodPatch, path, map[string]any{"oneTimeSync": "True", "integrationId": xeroIntegrationID}).validationError(t, "integrationId")
	e.call(http.MethodPatch, path, map[string]any{"oneTimeSync": "True", "syncMode": "x"}).validationError(t, "syncMode")
	if one, _ := e.sb.IntegrationSettings(xeroIntegrationID); !one {
		t.Error("a refused PATCH changed oneTimeSync")
	}
	unknown := "/settings/integrations/" + uuid.NewString()
	e.call(http.MethodGet, unknown, nil).apiError(t, http.StatusNotFound)
	e.call(http.MethodPatch, unknown, map[string]any{"oneTimeSync": "True"}).apiError(t, http.StatusNotFound)
	if _, ok := e.sb.IntegrationSettings(uuid.NewString()); ok {
		t.Error("settings found for an unknown integration")
	}
}
