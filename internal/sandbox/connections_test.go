package sandbox_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

func TestCreateConnection(t *testing.T) {
	e, _ := clockedEnv(t, time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC), sandbox.Options{})
	c := e.createCompany("Acme")
	conn := e.createConnection(c.ID, "gbol")
	want := connectionOut{
		ID:             conn.ID,
		IntegrationID:  "497a18ca-284e-40c0-985d-f72be35d468e",
		IntegrationKey: "gbol",
		SourceID:       "8193a927-ab7a-45a3-9dc2-d357a4932dfe",
		SourceType:     "Accounting",
		PlatformName:   "Xero",
		LinkURL:        e.url + "/link/companies/" + c.ID + "/connections/" + conn.ID + "/start",
		Status:         "PendingAuth",
		Created:        "2025-06-01T12:00:00Z",
	}
	if conn != want {
		t.Errorf("connection\n got %+v\nwant %+v", conn, want)
	}
	if _, err := uuid.Parse(conn.ID); err != nil {
		t.Errorf("id %q is not a uuid", conn.ID)
	}

	var got connectionOut
	e.call(http.MethodGet, "/companies/"+c.ID+"/connections/"+conn.ID, nil).expect(t, http.StatusOK).decode(t, &got)
	if got != want {
		t.Errorf("get %+v", got)
	}
	var company companyOut
	e.call(http.MethodGet, "/companies/"+c.ID, nil).expect(t, http.StatusOK).decode(t, &company)
	if len(company.DataConnections) != 1 || company.DataConnections[0] != want {
		t.Errorf("dataConnections %+v", company.DataConnections)
	}

	banking := e.createConnection(c.ID, "dfxm")
	if banking.PlatformName != "Basiq" || banking.SourceType != "Banking" {
		t.Errorf("banking connection %+v", banking)
	}
	qbo := e.createConnection(c.ID, "qhyg")
	if qbo.PlatformName != "QuickBooks Online" || qbo.IntegrationID == want.IntegrationID {
		t.Errorf("QuickBooks connection %+v", qbo)
	}
	if got := e.sb.Connections(c.ID); len(got) != 3 || got[0].ID != conn.ID || got[2].ID != qbo.ID {
		t.Errorf("stored connections %+v", got)
	}
}

func TestCreateConnectionErrors(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	c := e.createCompany("Acme")
	path := "/companies/" + c.ID + "/connections"
	e.call(http.MethodPost, path, map[string]any{"platformKey": "zzzz"}).apiError(t, http.StatusNotFound)
	e.call(http.MethodPost, path, map[string]any{}).validationError(t, "platformKey")
	e.call(http.MethodPost, path, map[string]any{"platformKey": 1}).validationError(t, "platformKey")
	e.call(http.MethodPost, path, "gbol").validationError(t, "body")
	e.call(http.MethodPost, "/companies/"+uuid.NewString()+"/connections", map[string]any{"platformKey": "gbol"}).apiError(t, http.StatusNotFound)
	if n := len(e.sb.Connections(c.ID)); n != 0 {
		t.Errorf("%d connections created by refused requests", n)
	}
}

func TestListAndDeleteConnections(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	c := e.createCompany("Acme")
	xero := e.createConnection(c.ID, "gbol")
	basiq := e.createConnection(c.ID, "dfxm")
	path := "/companies/" + c.ID + "/connections"

	var page pageOut[connectionOut]
	e.call(http.MethodGet, path, nil).expect(t, http.StatusOK).decode(t, &page)
	if page.TotalResults != 2 || len(page.Results) != 2 || page.Results[0].ID != xero.ID || page.Links["self"].Href != path {
		t.Fatalf("list %+v", page)
	}
	page = pageOut[connectionOut]{}
	e.call(http.MethodGet, path+"?pageSize=1&page=2", nil).expect(t, http.StatusOK).decode(t, &page)
	if page.TotalResults != 2 || len(page.Results) != 1 || page.Results[0].ID != basiq.ID {
		t.Fatalf("page 2 %+v", page)
	}
	page = pageOut[connectionOut]{}
	e.call(http.MethodGet, path+"?query="+url.QueryEscape("integrationKey=gbol&&status=PendingAuth"), nil).expect(t, http.StatusOK).decode(t, &page)
	if page.TotalResults != 1 || page.Results[0].ID != xero.ID {
		t.Fatalf("query %+v", page)
	}
	e.call(http.MethodGet, path+"?query=platform%3Dx", nil).apiError(t, http.StatusBadRequest)
	for _, prop := range []string{"id", "integrationId", "integrationKey", "sourceId", "sourceType", "platformName", "status", "created"} {
		page = pageOut[connectionOut]{}
		e.call(http.MethodGet, path+"?orderBy=-"+prop+"&query="+url.QueryEscape(prop+"~"), nil).expect(t, http.StatusOK).decode(t, &page)
		if page.TotalResults != 2 {
			t.Errorf("ordered by %s: %+v", prop, page)
		}
	}
	e.call(http.MethodGet, "/companies/"+uuid.NewString()+"/connections", nil).apiError(t, http.StatusNotFound)

	resp := e.call(http.MethodDelete, path+"/"+xero.ID, nil).expect(t, http.StatusOK)
	if len(resp.body) != 0 {
		t.Errorf("delete connection answered %q, want no body", resp.body)
	}
	e.call(http.MethodGet, path+"/"+xero.ID, nil).apiError(t, http.StatusNotFound)
	e.call(http.MethodDelete, path+"/"+xero.ID, nil).apiError(t, http.StatusNotFound)
	var company companyOut
	e.call(http.MethodGet, "/companies/"+c.ID, nil).expect(t, http.StatusOK).decode(t, &company)
	if len(company.DataConnections) != 1 || company.DataConnections[0].ID != basiq.ID {
		t.Errorf("dataConnections after delete %+v", company.DataConnections)
	}
}

// With OmitIntegrationKey (Codat no longer requires integrationKey, C3) no answer carrying a
// connection has the key; integrationId still names the integration. The switch also acts on
// connections created while the key was sent.
func TestConnectionsWithoutIntegrationKey(t *testing.T) {
	e := checkedEnv(t, sandbox.Options{OmitIntegrationKey: true})
	c := e.createCompany("Acme")
	created := e.call(http.MethodPost, "/companies/"+c.ID+"/connections", map[string]any{"platformKey": "gbol"}).
		expect(t, http.StatusOK).object(t)
	if _, ok := created["integrationKey"]; ok || created["integrationId"] != "497a18ca-284e-40c0-985d-f72be35d468e" {
		t.Fatalf("created connection %v: want integrationId and no integrationKey", created)
	}
	id, _ := created["id"].(string)
	answers := map[string]*response{
		"get":       e.call(http.MethodGet, "/companies/"+c.ID+"/connections/"+id, nil).expect(t, http.StatusOK),
		"list":      e.call(http.MethodGet, "/companies/"+c.ID+"/connections", nil).expect(t, http.StatusOK),
		"company":   e.call(http.MethodGet, "/companies/"+c.ID, nil).expect(t, http.StatusOK),
		"companies": e.call(http.MethodGet, "/companies", nil).expect(t, http.StatusOK),
	}
	for name, resp := range answers {
		if strings.Contains(string(resp.body), "integrationKey") {
			t.Errorf("%s answer carries integrationKey: %s", name, resp.body)
		}
	}
	if stored, _ := e.sb.Connection(c.ID, id); stored.PlatformKey != "gbol" {
		t.Errorf("stored platform key %q", stored.PlatformKey)
	}

	e.sb.SetIntegrationKeyOmitted(false)
	var got connectionOut
	e.call(http.MethodGet, "/companies/"+c.ID+"/connections/"+id, nil).expect(t, http.StatusOK).decode(t, &got)
	if got.IntegrationKey != "gbol" {
		t.Errorf("with the key sent again: %+v", got)
	}
}
