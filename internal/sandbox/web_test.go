package sandbox_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

// plain sends a request without the API key, as a browser or another process would.
func (e *env) plain(method, path, contentType, body string) *response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.url+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := e.client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: data}
}

func TestLinkPages(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	c, conn := e.xeroConnection()

	page := e.plain(http.MethodGet, "/link/companies/"+c.ID, "", "").expect(t, http.StatusOK)
	if !strings.Contains(string(page.body), conn.LinkURL) || !strings.HasPrefix(page.header.Get("Content-Type"), "text/html") {
		t.Errorf("company page lacks the connection's link: %s", page.body)
	}

	path := strings.TrimPrefix(conn.LinkURL, e.url)
	page = e.plain(http.MethodGet, path, "", "").expect(t, http.StatusOK)
	if !strings.Contains(string(page.body), "Authorise with Xero") || !strings.Contains(string(page.body), "PendingAuth") {
		t.Errorf("start page: %s", page.body)
	}
	resp := e.plain(http.MethodPost, path, "application/x-www-form-urlencoded", "").expect(t, http.StatusSeeOther)
	if resp.header.Get("Location") != conn.LinkURL {
		t.Errorf("redirect to %q", resp.header.Get("Location"))
	}
	if got, _ := e.sb.Connection(c.ID, conn.ID); got.Status != sandbox.ConnectionLinked {
		t.Errorf("status %s after authorising on the page", got.Status)
	}
	e.createAccount(c.ID, conn.ID, gbpAccount("a1"))
	page = e.plain(http.MethodGet, path, "", "").expect(t, http.StatusOK)
	if strings.Contains(string(page.body), "Authorise with") || !strings.Contains(string(page.body), "Account a1") {
		t.Errorf("start page of a linked connection: %s", page.body)
	}

	e.plain(http.MethodGet, "/link/companies/"+uuid.NewString(), "", "").expect(t, http.StatusNotFound)
	e.plain(http.MethodGet, "/link/companies/"+c.ID+"/connections/"+uuid.NewString()+"/start", "", "").expect(t, http.StatusNotFound)
	e.plain(http.MethodPost, "/link/companies/"+c.ID+"/connections/"+uuid.NewString()+"/start", "", "").expect(t, http.StatusNotFound)
	e.plain(http.MethodGet, "/link/elsewhere", "", "").expect(t, http.StatusNotFound)
	if e.sb.TotalCalls() != 3 {
		t.Errorf("%d calls counted: link pages are not API calls", e.sb.TotalCalls())
	}
}

func TestControlEndpoints(t *testing.T) {
	e := newEnv(t, sandbox.Options{Now: sandbox.NewClock(mappingNow).Now})
	c, conn := e.xeroConnection()
	e.createAccount(c.ID, conn.ID, gbpAccount("a1"))
	base := "/_sandbox/companies/" + c.ID + "/connections/" + conn.ID
	const jsonType = "application/json"

	e.plain(http.MethodPut, base+"/bank-feeds-supported", jsonType, `{"supported":false}`).expect(t, http.StatusNoContent)
	if got, _ := e.sb.Connection(c.ID, conn.ID); got.BankFeedsSupported {
		t.Error("bank feeds still supported")
	}
	e.plain(http.MethodPut, base+"/bank-feeds-supported", jsonType, `{}`).expect(t, http.StatusBadRequest)
	e.plain(http.MethodPut, base+"/bank-feeds-supported", jsonType, `{"supported":true}`).expect(t, http.StatusNoContent)

	e.plain(http.MethodPost, base+"/accounts/a1/map", jsonType, `{}`).expect(t, http.StatusBadRequest)
	var linked connectionOut
	e.plain(http.MethodPost, base+"/authorize", "", "").expect(t, http.StatusOK).decode(t, &linked)
	if linked.Status != sandbox.ConnectionLinked || linked.LinkURL != conn.LinkURL {
		t.Errorf("authorised %+v", linked)
	}

	var targets []struct {
		ID       string `json:"id"`
		Currency string `json:"currency"`
	}
	e.plain(http.MethodGet, base+"/target-accounts", "", "").expect(t, http.StatusOK).decode(t, &targets)
	if len(targets) != 4 {
		t.Fatalf("targets %+v", targets)
	}
	var account struct {
		Status          string `json:"status"`
		TargetAccountID string `json:"targetAccountId"`
		FeedStartDate   string `json:"feedStartDate"`
	}
	e.plain(http.MethodPost, base+"/accounts/a1/map", jsonType, `{"targetAccountId":"`+targets[0].ID+`","feedStartDate":"2025-06-01"}`).
		expect(t, http.StatusOK).decode(t, &account)
	if account.Status != "connected" || account.TargetAccountID != targets[0].ID || account.FeedStartDate != "2025-06-01" {
		t.Errorf("mapped %+v", account)
	}
	e.plain(http.MethodPost, base+"/accounts/a1/disconnect", "", "").expect(t, http.StatusOK).decode(t, &account)
	if account.Status != "disconnected" {
		t.Errorf("disconnected %+v", account)
	}
	e.plain(http.MethodPost, base+"/accounts/a1/map", jsonType, `{"feedStartDate":"01/06/2025"}`).expect(t, http.StatusBadRequest)
	// Codat does not validate the feed start date (C8): a future one is taken as it is.
	e.plain(http.MethodPost, base+"/accounts/a1/map", jsonType, `{"feedStartDate":"2030-01-01"}`).expect(t, http.StatusOK).decode(t, &account)
	if account.Status != "connected" || account.FeedStartDate != "2030-01-01" {
		t.Errorf("mapped with a future feed start date %+v", account)
	}
	e.plain(http.MethodPost, base+"/accounts/a1/disconnect", "", "").expect(t, http.StatusOK)
	e.plain(http.MethodPost, base+"/accounts/a1/map", jsonType, `{"colour":"red"}`).expect(t, http.StatusBadRequest)
	e.plain(http.MethodPost, base+"/accounts/nope/disconnect", "", "").expect(t, http.StatusNotFound)
	e.plain(http.MethodPost, base+"/accounts/nope/map", jsonType, `{}`).expect(t, http.StatusNotFound)
	e.plain(http.MethodGet, "/_sandbox/companies/"+c.ID+"/connections/"+uuid.NewString()+"/target-accounts", "", "").expect(t, http.StatusNotFound)
	e.plain(http.MethodPost, "/_sandbox/companies/"+c.ID+"/connections/"+uuid.NewString()+"/authorize", "", "").expect(t, http.StatusNotFound)
	if err := e.sb.SetBankFeedsSupported(c.ID, conn.ID, false); err != nil {
		t.Fatal(err)
	}
	e.plain(http.MethodPost, base+"/accounts/a1/map", jsonType, `{}`).expect(t, http.StatusForbidden)

	// Faults and counters.
	e.plain(http.MethodPost, "/_sandbox/faults", jsonType, `{"route":"GET /integrations","kind":"503"}`).expect(t, http.StatusNoContent)
	e.call(http.MethodGet, "/integrations", nil).apiError(t, http.StatusServiceUnavailable)
	e.plain(http.MethodPost, "/_sandbox/faults", jsonType, `{"route":"GET /nothing","kind":"503"}`).expect(t, http.StatusBadRequest)
	e.plain(http.MethodPost, "/_sandbox/faults", jsonType, `{"kind":"teapot"}`).expect(t, http.StatusBadRequest)
	e.plain(http.MethodPut, "/_sandbox/faults/rate", jsonType, `{"rate":1,"kinds":["500"]}`).expect(t, http.StatusNoContent)
	e.call(http.MethodGet, "/integrations", nil).apiError(t, http.StatusInternalServerError)
	e.plain(http.MethodPut, "/_sandbox/faults/rate", jsonType, `{"rate":2}`).expect(t, http.StatusBadRequest)
	e.plain(http.MethodPut, "/_sandbox/faults/rate", jsonType, `{"rate":0.5,"kinds":["x"]}`).expect(t, http.StatusBadRequest)
	e.plain(http.MethodDelete, "/_sandbox/faults", "", "").expect(t, http.StatusNoContent)
	e.call(http.MethodGet, "/integrations", nil).expect(t, http.StatusOK)

	var counters struct {
		Counts map[string]int            `json:"counts"`
		Total  int                       `json:"total"`
		Faults map[sandbox.FaultKind]int `json:"faults"`
		Peak   int                       `json:"peakConcurrent"`
	}
	e.plain(http.MethodGet, "/_sandbox/counters", "", "").expect(t, http.StatusOK).decode(t, &counters)
	if counters.Counts[sandbox.RouteListIntegrations] != 3 || counters.Total != e.sb.TotalCalls() || counters.Faults["503"] != 1 || counters.Faults["500"] != 1 || counters.Peak != 1 {
		t.Errorf("counters %+v", counters)
	}
	e.plain(http.MethodPost, "/_sandbox/counters/reset", "", "").expect(t, http.StatusNoContent)
	if e.sb.TotalCalls() != 0 {
		t.Error("counters not reset")
	}

	e.plain(http.MethodPost, "/_sandbox/xero/apps", jsonType, `{"clientId":"app","clientSecret":"s","customConnection":true}`).expect(t, http.StatusNoContent)
	e.plain(http.MethodPost, "/_sandbox/xero/apps", jsonType, `{"clientSecret":"s"}`).expect(t, http.StatusBadRequest)
	token := e.plain(http.MethodPost, "/xero/connect/token", "application/x-www-form-urlencoded", "grant_type=client_credentials&client_id=app&client_secret=s")
	token.expect(t, http.StatusOK)

	e.plain(http.MethodGet, "/_sandbox/nothing", "", "").expect(t, http.StatusNotFound)
	e.plain(http.MethodPost, "/_sandbox/faults", jsonType, `not json`).expect(t, http.StatusBadRequest)
}

func TestXeroTokenEndpoint(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	e.sb.RegisterXeroApp("standard-id", "standard-secret")
	e.sb.RegisterXeroCustomConnection("custom-id", "custom-secret")
	// Characters that form-encoding changes: the header carries them encoded, the form decoded.
	e.sb.RegisterXeroApp("special id", "s+e/c=r%t&")

	// fetch asks for a client-credentials token, with the credentials in the Authorization
	// header or in the form, the two ways RFC 6749 allows.
	fetch := func(id, secret string, inHeader bool) (int, map[string]any) {
		t.Helper()
		form := url.Values{"grant_type": {"client_credentials"}}
		if !inHeader {
			form.Set("client_id", id)
			form.Set("client_secret", secret)
		}
		req, err := http.NewRequest(http.MethodPost, e.url+"/xero/connect/token", strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if inHeader {
			req.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret))
		}
		resp, err := e.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, body
	}
	for _, inHeader := range []bool{true, false} {
		status, body := fetch("custom-id", "custom-secret", inHeader)
		if status != http.StatusOK || body["access_token"] == "" || body["token_type"] != "Bearer" || body["expires_in"] != float64(1800) {
			t.Errorf("custom connection (header %v): %d %v", inHeader, status, body)
		}
		for _, tc := range []struct{ id, secret, code string }{
			{"standard-id", "standard-secret", "unauthorized_client"},
			{"special id", "s+e/c=r%t&", "unauthorized_client"},
			{"standard-id", "wrong", "invalid_client"},
			{"unknown", "x", "invalid_client"},
			{"", "", "invalid_client"},
		} {
			if status, body := fetch(tc.id, tc.secret, inHeader); status != http.StatusBadRequest || body["error"] != tc.code {
				t.Errorf("%s/%s (header %v): %d %v, want 400 %s", tc.id, tc.secret, inHeader, status, body, tc.code)
			}
		}
	}
	form := url.Values{"grant_type": {"authorization_code"}, "client_id": {"custom-id"}, "client_secret": {"custom-secret"}}
	resp := e.plain(http.MethodPost, "/xero/connect/token", "application/x-www-form-urlencoded", form.Encode()).expect(t, http.StatusBadRequest)
	if !strings.Contains(string(resp.body), "unsupported_grant_type") {
		t.Errorf("wrong grant: %s", resp.body)
	}
	e.plain(http.MethodGet, "/xero/connect/token", "", "").expect(t, http.StatusMethodNotAllowed)
	if n := e.sb.Count(sandbox.RouteXeroToken); n != 13 {
		t.Errorf("token requests counted %d, want 13", n)
	}
}

func TestStart(t *testing.T) {
	srv, err := sandbox.Start(sandbox.Options{APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, sb: srv.Sandbox, url: srv.URL, client: http.DefaultClient}
	c := e.createCompany("Started")
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") || c.Redirect != srv.URL+"/link/companies/"+c.ID {
		t.Errorf("URL %s, redirect %s", srv.URL, c.Redirect)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(srv.URL + "/companies"); err == nil {
		t.Error("still serving after Close")
	}
	if _, err := sandbox.Start(sandbox.Options{Addr: "256.0.0.1:0"}); err == nil {
		t.Error("Start on an invalid address succeeded")
	}
}

func TestBaseURLFromRequest(t *testing.T) {
	sb := sandbox.New(sandbox.Options{})
	e := &env{t: t, sb: sb, client: http.DefaultClient}
	ts := newServer(t, sb.Handler())
	e.url = ts
	c := e.createCompany("Hosted")
	if c.Redirect != ts+"/link/companies/"+c.ID {
		t.Errorf("redirect %s without SetBaseURL, want it built from the request", c.Redirect)
	}
	sb.SetBaseURL("https://sandbox.example/")
	var got companyOut
	e.call(http.MethodGet, "/companies/"+c.ID, nil).expect(t, http.StatusOK).decode(t, &got)
	if got.Redirect != "https://sandbox.example/link/companies/"+c.ID {
		t.Errorf("redirect %s after SetBaseURL", got.Redirect)
	}
}
