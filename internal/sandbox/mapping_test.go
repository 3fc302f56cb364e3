package sandbox_test

import (
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

type mappingOut struct {
	SourceAccountID      string  `json:"sourceAccountId"`
	SourceAccountName    string  `json:"sourceAccountName"`
	SourceAccountNumber  string  `json:"sourceAccountNumber"`
	SourceBalance        float64 `json:"sourceBalance"`
	SourceCurrency       string  `json:"sourceCurrency"`
	TargetAccountID      string  `json:"targetAccountId"`
	TargetAccountName    string  `json:"targetAccountName"`
	Status               string  `json:"status"`
	FeedStartDate        string  `json:"feedStartDate"`
	TargetAccountOptions []struct {
		ID            string  `json:"id"`
		Name          string  `json:"name"`
		Balance       float64 `json:"balance"`
		SortCode      string  `json:"sortCode"`
		AccountNumber string  `json:"accountNumber"`
	} `json:"targetAccountOptions"`
}

type mappingResultOut struct {
	SourceAccountID string `json:"sourceAccountId"`
	TargetAccountID string `json:"targetAccountId"`
	Status          string `json:"status"`
	Error           string `json:"error"`
}

var mappingNow = time.Date(2025, 6, 15, 10, 0, 0, 0, time.UTC)

func (e *env) mappings(companyID, connectionID string) map[string]mappingOut {
	e.t.Helper()
	var list []mappingOut
	e.call(http.MethodGet, mappingPath(companyID, connectionID), nil).expect(e.t, http.StatusOK).decode(e.t, &list)
	out := map[string]mappingOut{}
	for _, m := range list {
		out[m.SourceAccountID] = m
	}
	return out
}

func (e *env) mapAccount(companyID, connectionID string, body map[string]any) *response {
	e.t.Helper()
	return e.call(http.MethodPost, mappingPath(companyID, connectionID), body)
}

func optionIDs(m mappingOut) []string {
	var ids []string
	for _, o := range m.TargetAccountOptions {
		ids = append(ids, o.ID)
	}
	return ids
}

func TestMappingOptions(t *testing.T) {
	e := newEnv(t, sandbox.Options{Now: newClock(mappingNow).Now})
	c, conn := e.xeroConnection()
	e.createAccount(c.ID, conn.ID, gbpAccount("gbp1"))
	e.createAccount(c.ID, conn.ID, gbpAccount("gbp2"))
	e.createAccount(c.ID, conn.ID, map[string]any{"id": "usd", "accountName": "Dollars", "accountType": "savings", "accountNumber": "77", "currency": "USD", "balance": 5})
	e.createAccount(c.ID, conn.ID, map[string]any{"id": "eur", "accountName": "Euros", "accountType": "savings", "accountNumber": "78", "currency": "EUR", "balance": 5})

	// Before the SMB user authorises, Codat cannot see the organisation's accounts.
	m := e.mappings(c.ID, conn.ID)
	if len(m) != 4 || m["gbp1"].Status != "pending" || len(m["gbp1"].TargetAccountOptions) != 0 {
		t.Fatalf("mappings before authorisation %+v", m)
	}
	if err := e.sb.AuthorizeConnection(c.ID, conn.ID); err != nil {
		t.Fatal(err)
	}
	targets := e.sb.TargetAccounts(c.ID, conn.ID)
	if len(targets) != 3 || targets[0].Currency != "GBP" || targets[1].Currency != "GBP" || targets[2].Currency != "USD" {
		t.Fatalf("targets %+v", targets)
	}
	m = e.mappings(c.ID, conn.ID)
	if got := optionIDs(m["gbp1"]); !slices.Equal(got, []string{targets[0].ID, targets[1].ID}) {
		t.Errorf("GBP options %v", got)
	}
	if got := optionIDs(m["usd"]); !slices.Equal(got, []string{targets[2].ID}) {
		t.Errorf("USD options %v", got)
	}
	if len(m["eur"].TargetAccountOptions) != 0 {
		t.Errorf("EUR options %+v", m["eur"].TargetAccountOptions)
	}
	g := m["gbp1"]
	if g.SourceAccountName != "Account gbp1" || g.SourceAccountNumber != "12345670" || g.SourceBalance != 99.99 || g.SourceCurrency != "GBP" || g.TargetAccountID != "" {
		t.Errorf("mapping %+v", g)
	}
	if o := g.TargetAccountOptions[0]; o.Name != targets[0].Name || o.SortCode != targets[0].SortCode || o.AccountNumber != targets[0].AccountNumber || o.Balance != targets[0].Balance {
		t.Errorf("option %+v, target %+v", o, targets[0])
	}

	// A target fed by one account is no option for another.
	e.mapAccount(c.ID, conn.ID, map[string]any{"sourceAccountId": "gbp1", "targetAccountId": targets[0].ID, "feedStartDate": "2025-06-01"}).expect(t, http.StatusOK)
	m = e.mappings(c.ID, conn.ID)
	if got := optionIDs(m["gbp2"]); !slices.Equal(got, []string{targets[1].ID}) {
		t.Errorf("options of the other GBP account %v", got)
	}
	if got := m["gbp1"]; got.Status != "connected" || got.TargetAccountID != targets[0].ID || got.TargetAccountName != targets[0].Name || got.FeedStartDate != "2025-06-01T00:00:00Z" {
		t.Errorf("mapped account %+v", got)
	}
}

func TestMapToExistingAccount(t *testing.T) {
	e := newEnv(t, sandbox.Options{Now: newClock(mappingNow).Now})
	c, conn := e.linkedXero()
	e.createAccount(c.ID, conn.ID, gbpAccount("a1"))
	target := e.sb.TargetAccounts(c.ID, conn.ID)[1]

	var res mappingResultOut
	e.mapAccount(c.ID, conn.ID, map[string]any{"sourceAccountId": "a1", "targetAccountId": target.ID, "feedStartDate": "2025-05-01T00:00:00Z"}).
		expect(t, http.StatusOK).decode(t, &res)
	if res != (mappingResultOut{SourceAccountID: "a1", TargetAccountID: target.ID, Status: "Success"}) {
		t.Errorf("result %+v", res)
	}
	a, _ := e.sb.SourceAccount(c.ID, conn.ID, "a1")
	if a.Status != "connected" || a.TargetAccountID != target.ID || a.TargetAccountName != target.Name || !a.FeedStartDate.Equal(time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("account %+v", a)
	}
	var list []map[string]any
	e.call(http.MethodGet, accountsPath(c.ID, conn.ID), nil).expect(t, http.StatusOK).decode(t, &list)
	if list[0]["status"] != "connected" || list[0]["feedStartDate"] != "2025-05-01" {
		t.Errorf("listed %v", list[0])
	}
	// Mapping again to the same target changes nothing; to another target it fails.
	e.mapAccount(c.ID, conn.ID, map[string]any{"sourceAccountId": "a1", "targetAccountId": target.ID}).expect(t, http.StatusOK).decode(t, &res)
	if res.Status != "Success" {
		t.Errorf("repeat %+v", res)
	}
	res = mappingResultOut{}
	e.mapAccount(c.ID, conn.ID, map[string]any{"sourceAccountId": "a1"}).expect(t, http.StatusOK).decode(t, &res)
	if res.Status != "Failed" || res.Error == "" {
		t.Errorf("remap of a connected account %+v", res)
	}
}

func TestMapToNewAccount(t *testing.T) {
	e := newEnv(t, sandbox.Options{Now: newClock(mappingNow).Now})
	c, conn := e.linkedXero()
	e.createAccount(c.ID, conn.ID, gbpAccount("a1"))
	e.createAccount(c.ID, conn.ID, map[string]any{"id": "eur", "accountName": "Euro account", "accountType": "savings", "accountNumber": "78", "currency": "EUR", "balance": 5})

	var res mappingResultOut
	e.mapAccount(c.ID, conn.ID, map[string]any{"sourceAccountId": "a1"}).expect(t, http.StatusOK).decode(t, &res)
	res2 := mappingResultOut{}
	e.mapAccount(c.ID, conn.ID, map[string]any{"sourceAccountId": "eur", "targetAccountId": nil, "feedStartDate": nil}).expect(t, http.StatusOK).decode(t, &res2)
	targets := e.sb.TargetAccounts(c.ID, conn.ID)
	if len(targets) != 5 {
		t.Fatalf("targets %+v, want two new ones", targets)
	}
	created, createdEUR := targets[3], targets[4]
	if res.Status != "Success" || res.TargetAccountID != created.ID || res2.TargetAccountID != createdEUR.ID {
		t.Errorf("results %+v %+v, targets %+v", res, res2, targets)
	}
	if created.Name != "Account a1" || created.Currency != "GBP" || created.SortCode != "123456" || created.AccountNumber != "12345670" {
		t.Errorf("new target %+v", created)
	}
	if createdEUR.Currency != "EUR" || createdEUR.Name != "Euro account" {
		t.Errorf("new EUR target %+v", createdEUR)
	}
	// Without a feed start date the feed starts today.
	if a, _ := e.sb.SourceAccount(c.ID, conn.ID, "eur"); !a.FeedStartDate.Equal(time.Date(2025, 6, 15, 0, 0, 0, 0, time.UTC)) || a.Status != "connected" {
		t.Errorf("account %+v", a)
	}
}

func TestMappingFailures(t *testing.T) {
	e := newEnv(t, sandbox.Options{Now: newClock(mappingNow).Now})
	c, conn := e.linkedXero()
	e.createAccount(c.ID, conn.ID, gbpAccount("a1"))
	e.createAccount(c.ID, conn.ID, gbpAccount("a2"))
	targets := e.sb.TargetAccounts(c.ID, conn.ID)
	usdTarget := targets[2]

	failed := func(body map[string]any) mappingResultOut {
		t.Helper()
		var res mappingResultOut
		e.mapAccount(c.ID, conn.ID, body).expect(t, http.StatusOK).decode(t, &res)
		if res.Status != "Failed" || res.Error == "" || res.SourceAccountID != body["sourceAccountId"] {
			t.Errorf("%v: result %+v, want Failed with an error", body, res)
		}
		return res
	}
	failed(map[string]any{"sourceAccountId": "a1", "targetAccountId": usdTarget.ID})
	e.mapAccount(c.ID, conn.ID, map[string]any{"sourceAccountId": "a1", "targetAccountId": targets[0].ID}).expect(t, http.StatusOK)
	if res := failed(map[string]any{"sourceAccountId": "a2", "targetAccountId": targets[0].ID}); res.Error != "A feed connection already exists to this account" {
		t.Errorf("error %q", res.Error)
	}
	if a, _ := e.sb.SourceAccount(c.ID, conn.ID, "a2"); a.Status != "pending" {
		t.Errorf("a failed mapping left the account %s", a.Status)
	}

	for name, tc := range map[string]struct {
		body  map[string]any
		field string
	}{
		"future start":      {map[string]any{"sourceAccountId": "a2", "feedStartDate": "2025-06-16"}, "feedStartDate"},
		"start over a year": {map[string]any{"sourceAccountId": "a2", "feedStartDate": "2024-06-14"}, "feedStartDate"},
		"start not a date":  {map[string]any{"sourceAccountId": "a2", "feedStartDate": "last week"}, "feedStartDate"},
		"unknown target":    {map[string]any{"sourceAccountId": "a2", "targetAccountId": uuid.NewString()}, "targetAccountId"},
		"no source":         {map[string]any{"targetAccountId": targets[1].ID}, "sourceAccountId"},
		"empty source":      {map[string]any{"sourceAccountId": ""}, "sourceAccountId"},
		"unknown member":    {map[string]any{"sourceAccountId": "a2", "target": "x"}, "target"},
		"number source":     {map[string]any{"sourceAccountId": 2}, "sourceAccountId"},
	} {
		t.Run(name, func(t *testing.T) {
			e.mapAccount(c.ID, conn.ID, tc.body).validationError(t, tc.field)
		})
	}
	// The bounds themselves are allowed: today, and exactly one year back.
	e.mapAccount(c.ID, conn.ID, map[string]any{"sourceAccountId": "a2", "feedStartDate": "2024-06-15"}).expect(t, http.StatusOK)
	e.createAccount(c.ID, conn.ID, gbpAccount("a3"))
	e.mapAccount(c.ID, conn.ID, map[string]any{"sourceAccountId": "a3", "feedStartDate": "2025-06-15T23:59:59Z"}).expect(t, http.StatusOK)

	e.mapAccount(c.ID, conn.ID, map[string]any{"sourceAccountId": "nope"}).apiError(t, http.StatusNotFound)
	e.mapAccount(c.ID, uuid.NewString(), map[string]any{"sourceAccountId": "a1"}).apiError(t, http.StatusNotFound)
	e.call(http.MethodGet, mappingPath(c.ID, uuid.NewString()), nil).apiError(t, http.StatusNotFound)
}

func TestMappingNeedsLinkedXero(t *testing.T) {
	e := newEnv(t, sandbox.Options{Now: newClock(mappingNow).Now})
	c, conn := e.xeroConnection()
	e.createAccount(c.ID, conn.ID, gbpAccount("a1"))
	e.mapAccount(c.ID, conn.ID, map[string]any{"sourceAccountId": "a1"}).apiError(t, http.StatusBadRequest)
	err := e.sb.MapAccount(c.ID, conn.ID, "a1", "", mappingNow)
	var merr *sandbox.MappingError
	if !errors.As(err, &merr) || merr.Message == "" {
		t.Errorf("MapAccount on an unlinked connection: %v", err)
	}

	qbo := e.createConnection(c.ID, "qhyg")
	e.createAccount(c.ID, qbo.ID, gbpAccount("q1"))
	if err := e.sb.AuthorizeConnection(c.ID, qbo.ID); err != nil {
		t.Fatal(err)
	}
	e.mapAccount(c.ID, qbo.ID, map[string]any{"sourceAccountId": "q1"}).apiError(t, http.StatusBadRequest)
	if targets := e.sb.TargetAccounts(c.ID, qbo.ID); len(targets) != 0 {
		t.Errorf("QuickBooks connection has Xero accounts %+v", targets)
	}
}

func TestMappingBankFeedsUnsupported(t *testing.T) {
	e := newEnv(t, sandbox.Options{Now: newClock(mappingNow).Now})
	c, conn := e.linkedXero()
	e.createAccount(c.ID, conn.ID, gbpAccount("a1"))
	if err := e.sb.SetBankFeedsSupported(c.ID, conn.ID, false); err != nil {
		t.Fatal(err)
	}
	resp := e.mapAccount(c.ID, conn.ID, map[string]any{"sourceAccountId": "a1"}).expect(t, http.StatusForbidden)
	var problem struct {
		Type   string `json:"type"`
		Title  string `json:"title"`
		Status int    `json:"status"`
		Detail string `json:"detail"`
	}
	resp.decode(t, &problem)
	if problem.Type != "invalid-organisation-bank-feeds" || problem.Title == "" || problem.Status != 403 ||
		problem.Detail != "The organisation does not support automated bank feeds" {
		t.Errorf("problem %+v", problem)
	}
	if conn, _ := e.sb.Connection(c.ID, conn.ID); conn.BankFeedsSupported {
		t.Error("Connection reports bank feeds supported")
	}
	if err := e.sb.SetBankFeedsSupported(c.ID, conn.ID, true); err != nil {
		t.Fatal(err)
	}
	e.mapAccount(c.ID, conn.ID, map[string]any{"sourceAccountId": "a1"}).expect(t, http.StatusOK)
}

func TestMappingDelay(t *testing.T) {
	clock := newClock(mappingNow)
	e := newEnv(t, sandbox.Options{Now: clock.Now, MappingDelay: 30 * time.Second})
	c, conn := e.linkedXero()
	e.createAccount(c.ID, conn.ID, gbpAccount("a1"))
	e.mapAccount(c.ID, conn.ID, map[string]any{"sourceAccountId": "a1"}).expect(t, http.StatusOK)
	if m := e.mappings(c.ID, conn.ID)["a1"]; m.Status != "connecting" || m.TargetAccountID == "" {
		t.Errorf("right after mapping %+v", m)
	}
	// While connecting, the target is taken.
	e.createAccount(c.ID, conn.ID, gbpAccount("a2"))
	target := e.mappings(c.ID, conn.ID)["a1"].TargetAccountID
	var res mappingResultOut
	e.mapAccount(c.ID, conn.ID, map[string]any{"sourceAccountId": "a2", "targetAccountId": target}).expect(t, http.StatusOK).decode(t, &res)
	if res.Status != "Failed" {
		t.Errorf("mapping to a connecting target %+v", res)
	}
	clock.Advance(29 * time.Second)
	if a, _ := e.sb.SourceAccount(c.ID, conn.ID, "a1"); a.Status != "connecting" {
		t.Errorf("after 29s %s", a.Status)
	}
	clock.Advance(time.Second)
	var list []map[string]any
	e.call(http.MethodGet, accountsPath(c.ID, conn.ID), nil).expect(t, http.StatusOK).decode(t, &list)
	if list[0]["status"] != "connected" {
		t.Errorf("after 30s %v", list[0]["status"])
	}
}

func TestCompanyInformation(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	c, conn := e.xeroConnection()
	path := "/companies/" + c.ID + "/connections/" + conn.ID + "/bankFeeds/info"
	e.call(http.MethodGet, path, nil).apiError(t, http.StatusBadRequest)
	if err := e.sb.AuthorizeConnection(c.ID, conn.ID); err != nil {
		t.Fatal(err)
	}
	var info struct {
		CompanyName          string   `json:"companyName"`
		BaseCurrency         string   `json:"baseCurrency"`
		MulticurrencyEnabled bool     `json:"multicurrencyEnabled"`
		Currencies           []string `json:"currencies"`
	}
	e.call(http.MethodGet, path, nil).expect(t, http.StatusOK).decode(t, &info)
	if info.CompanyName != "Acme Ltd" || info.BaseCurrency != "GBP" || !info.MulticurrencyEnabled || !slices.Equal(info.Currencies, []string{"GBP", "USD"}) {
		t.Errorf("info %+v", info)
	}
	basiq := e.createConnection(c.ID, "dfxm")
	e.call(http.MethodGet, "/companies/"+c.ID+"/connections/"+basiq.ID+"/bankFeeds/info", nil).apiError(t, http.StatusBadRequest)
	e.call(http.MethodGet, "/companies/"+c.ID+"/connections/"+uuid.NewString()+"/bankFeeds/info", nil).apiError(t, http.StatusNotFound)
}
