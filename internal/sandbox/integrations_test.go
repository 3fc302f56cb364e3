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

	creds := map[string]string{"clientId": "ABCDEF0123456789", "clientSecret": "s3cr3t-value-xyz9", "short": "abcd", "shorter": "ab"}
	masked := map[string]string{"clientId": "************6789", "clientSecret": "*************xyz9", "short": "****", "shorter": "**"}
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
}

func TestIntegrationSettings(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	path := "/settings/integrations/" + xeroIntegrationID
	var got struct {
		IntegrationID string `json:"integrationId"`
		OneTimeSync   *bool  `json:"oneTimeSync"`
	}
	e.call(http.MethodGet, path, nil).expect(t, http.StatusOK).decode(t, &got)
	if got.IntegrationID != xeroIntegrationID || got.OneTimeSync == nil || *got.OneTimeSync {
		t.Errorf("settings %+v", got)
	}
	got.OneTimeSync = nil
	e.call(http.MethodPatch, path, map[string]any{"oneTimeSync": true}).expect(t, http.StatusOK).decode(t, &got)
	if got.OneTimeSync == nil || !*got.OneTimeSync {
		t.Errorf("after PATCH %+v", got)
	}
	if one, ok := e.sb.IntegrationSettings(xeroIntegrationID); !ok || !one {
		t.Error("oneTimeSync not stored")
	}
	// A PATCH without the member leaves it alone; one repeating the integrationId is fine.
	e.call(http.MethodPatch, path, map[string]any{"integrationId": xeroIntegrationID}).expect(t, http.StatusOK)
	if one, _ := e.sb.IntegrationSettings(xeroIntegrationID); !one {
		t.Error("an empty PATCH reset oneTimeSync")
	}
	e.call(http.MethodPatch, path, map[string]any{"oneTimeSync": "yes"}).validationError(t, "oneTimeSync")
	e.call(http.MethodPatch, path, map[string]any{"syncMode": "x"}).validationError(t, "syncMode")
	e.call(http.MethodPatch, path, map[string]any{"integrationId": uuid.NewString()}).validationError(t, "integrationId")
	unknown := "/settings/integrations/" + uuid.NewString()
	e.call(http.MethodGet, unknown, nil).apiError(t, http.StatusNotFound)
	e.call(http.MethodPatch, unknown, map[string]any{"oneTimeSync": true}).apiError(t, http.StatusNotFound)
	if _, ok := e.sb.IntegrationSettings(uuid.NewString()); ok {
		t.Error("settings found for an unknown integration")
	}
}
