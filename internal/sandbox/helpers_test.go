package sandbox_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/terraform-codat/terraform-provider-codat/internal/contract"
	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

// env is a sandbox served over HTTP with a client that speaks to it.
type env struct {
	t      *testing.T
	sb     *sandbox.Sandbox
	url    string
	client *http.Client
}

func newEnv(t *testing.T, opts sandbox.Options) *env {
	t.Helper()
	return serve(t, sandbox.New(opts), nil)
}

// clockedEnv is newEnv on a controllable clock standing at start: opts.Now is the clock's.
func clockedEnv(t *testing.T, start time.Time, opts sandbox.Options) (*env, *sandbox.Clock) {
	t.Helper()
	clock := sandbox.NewClock(start)
	opts.Now = clock.Now
	return newEnv(t, opts), clock
}

// checkedEnv is newEnv with every exchange checked against Codat's OpenAPI files: a violation fails t.
func checkedEnv(t *testing.T, opts sandbox.Options) *env {
	t.Helper()
	return serve(t, sandbox.New(opts), contract.ForTest(t).Wrap)
}

// serve serves sb, through wrap when it is not nil.
func serve(t *testing.T, sb *sandbox.Sandbox, wrap func(http.Handler) http.Handler) *env {
	t.Helper()
	h := sb.Handler()
	if wrap != nil {
		h = wrap(h)
	}
	url := newServer(t, h)
	sb.SetBaseURL(url)
	// A fresh connection per request: net/http silently resends a request that carries an
	// Idempotency-Key when a reused connection drops, which would hide dropped connections.
	client := &http.Client{
		Transport:     &http.Transport{DisableKeepAlives: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return &env{t: t, sb: sb, url: url, client: client}
}

func newServer(t *testing.T, h http.Handler) string {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts.URL
}

type response struct {
	status int
	header http.Header
	body   []byte
}

// call sends an authorised API request. body is JSON-encoded unless it is a string or []byte;
// headers are name/value pairs and override the defaults (an empty value removes a header).
func (e *env) call(method, path string, body any, headers ...string) *response {
	e.t.Helper()
	resp, err := e.try(method, path, body, headers...)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	return resp
}

func (e *env) try(method, path string, body any, headers ...string) (*response, error) {
	e.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, e.url+path, r)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(e.sb.APIKey())))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] == "" {
			req.Header.Del(headers[i])
		} else {
			req.Header.Set(headers[i], headers[i+1])
		}
	}
	resp, err := e.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: data}, nil
}

func (r *response) expect(t *testing.T, status int) *response {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body: %s", r.status, status, r.body)
	}
	return r
}

func (r *response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decoding %s: %v", r.body, err)
	}
}

func (r *response) object(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	r.decode(t, &m)
	return m
}

type errorBody struct {
	StatusCode    int    `json:"statusCode"`
	Service       string `json:"service"`
	Error         string `json:"error"`
	CorrelationID string `json:"correlationId"`
	CanBeRetried  string `json:"canBeRetried"`
	Validation    *struct {
		Errors []struct {
			ItemID        string `json:"itemId"`
			Message       string `json:"message"`
			ValidatorName string `json:"validatorName"`
		} `json:"errors"`
	} `json:"validation"`
}

// apiError checks that the response is Codat's ErrorMessage with the given status.
func (r *response) apiError(t *testing.T, status int) errorBody {
	t.Helper()
	r.expect(t, status)
	var e errorBody
	r.decode(t, &e)
	if e.StatusCode != status || e.Service == "" || e.Error == "" || len(e.CorrelationID) != 32 || e.CanBeRetried == "" {
		t.Fatalf("not an ErrorMessage for %d: %s", status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q, want application/json", ct)
	}
	return e
}

// validationError checks for a 400 whose validation errors name field.
func (r *response) validationError(t *testing.T, field string) {
	t.Helper()
	e := r.apiError(t, http.StatusBadRequest)
	if e.Validation == nil {
		t.Fatalf("400 without validation errors: %s", r.body)
	}
	for _, item := range e.Validation.Errors {
		if item.ItemID == field && item.Message != "" && item.ValidatorName != "" {
			return
		}
	}
	t.Fatalf("no validation error for %q: %s", field, r.body)
}

type companyOut struct {
	ID              string            `json:"id"`
	Name            string            `json:"name"`
	Description     string            `json:"description"`
	Redirect        string            `json:"redirect"`
	Created         string            `json:"created"`
	Products        []string          `json:"products"`
	Tags            map[string]string `json:"tags"`
	DataConnections []connectionOut   `json:"dataConnections"`
}

type connectionOut struct {
	ID             string `json:"id"`
	IntegrationID  string `json:"integrationId"`
	IntegrationKey string `json:"integrationKey"`
	SourceID       string `json:"sourceId"`
	SourceType     string `json:"sourceType"`
	PlatformName   string `json:"platformName"`
	LinkURL        string `json:"linkUrl"`
	Status         string `json:"status"`
	Created        string `json:"created"`
}

type pageOut[T any] struct {
	Results      []T `json:"results"`
	PageNumber   int `json:"pageNumber"`
	PageSize     int `json:"pageSize"`
	TotalResults int `json:"totalResults"`
	Links        map[string]struct {
		Href string `json:"href"`
	} `json:"_links"`
}

func (e *env) createCompany(name string) companyOut {
	e.t.Helper()
	var c companyOut
	e.call(http.MethodPost, "/companies", map[string]any{"name": name}).expect(e.t, http.StatusOK).decode(e.t, &c)
	return c
}

func (e *env) createConnection(companyID, platformKey string) connectionOut {
	e.t.Helper()
	var c connectionOut
	e.call(http.MethodPost, "/companies/"+companyID+"/connections", map[string]any{"platformKey": platformKey}).
		expect(e.t, http.StatusOK).decode(e.t, &c)
	return c
}

// xeroConnection creates a company with a Xero connection.
func (e *env) xeroConnection() (companyOut, connectionOut) {
	e.t.Helper()
	c := e.createCompany("Acme Ltd")
	return c, e.createConnection(c.ID, sandbox.XeroPlatformKey)
}

// linkedXero creates a company with a Xero connection the SMB user has authorised.
func (e *env) linkedXero() (companyOut, connectionOut) {
	e.t.Helper()
	c, conn := e.xeroConnection()
	if err := e.sb.AuthorizeConnection(c.ID, conn.ID); err != nil {
		e.t.Fatal(err)
	}
	return c, conn
}

func accountsPath(companyID, connectionID string) string {
	return "/companies/" + companyID + "/connections/" + connectionID + "/connectionInfo/bankFeedAccounts"
}

func mappingPath(companyID, connectionID string) string {
	return "/companies/" + companyID + "/connections/" + connectionID + "/bankFeedAccounts/mapping"
}

// gbpAccount is a valid v2 source account body.
func gbpAccount(id string) map[string]any {
	return map[string]any{
		"id":            id,
		"accountName":   "Account " + id,
		"accountType":   "checking",
		"accountNumber": "12345670",
		"sortCode":      "123456",
		"currency":      "GBP",
		"balance":       99.99,
	}
}

func (e *env) createAccount(companyID, connectionID string, body map[string]any) map[string]any {
	e.t.Helper()
	return e.call(http.MethodPost, accountsPath(companyID, connectionID), body).expect(e.t, http.StatusOK).object(e.t)
}

// companyNames lists the names of the companies GET /companies?query answers with, in its order, checking that
// totalResults counts them.
func (e *env) companyNames(t *testing.T, query string) []string {
	t.Helper()
	var page pageOut[companyOut]
	e.call(http.MethodGet, "/companies?"+query, nil).expect(t, http.StatusOK).decode(t, &page)
	var out []string
	for _, c := range page.Results {
		out = append(out, c.Name)
	}
	if page.TotalResults != len(out) {
		t.Errorf("%s: totalResults %d for %d results", query, page.TotalResults, len(out))
	}
	return out
}

// accountsNow is the instant the source-account and bank-transaction tests start at.
var accountsNow = time.Date(2025, 6, 1, 9, 30, 0, 0, time.UTC)

// v1Env is a sandbox of a client integrated before 2024-08-01, so on v1 source accounts (CODAT-FACTS C6), whose
// exchanges are checked against Codat's OpenAPI files, on a clock standing at accountsNow.
func v1Env(t *testing.T) (*env, *contract.Checker, *sandbox.Clock) {
	t.Helper()
	clock := sandbox.NewClock(accountsNow)
	checker := contract.ForTest(t)
	sb := sandbox.New(sandbox.Options{Now: clock.Now, IntegratedOn: time.Date(2024, 7, 31, 0, 0, 0, 0, time.UTC)})
	return serve(t, sb, checker.Wrap), checker, clock
}
