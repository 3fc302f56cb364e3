package sandbox_test

import (
	"errors"
	"net/http"
	"slices"
	"strings"
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
	e := newEnv(t, sandbox.Options{Now: sandbox.NewClock(mappingNow).Now})
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
	if len(targets) != 4 || targets[0].Currency != "GBP" || targets[1].Currency != "GBP" || targets[2].Currency != "USD" ||
		targets[3].Currency != "GBP" || targets[3].Type != sandbox.XeroCreditCard || targets[0].Type != sandbox.XeroBank {
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

// Options are filtered by the source account's currency and type (C10): a credit product feeds a
// Xero CREDITCARD account, anything else a Xero BANK account (C6), in v2 and v1 terms alike.
func TestMappingOptionsByType(t *testing.T) {
	e := newEnv(t, sandbox.Options{Now: sandbox.NewClock(mappingNow).Now})
	c, conn := e.linkedXero()
	targets := e.sb.TargetAccounts(c.ID, conn.ID)
	bank, card := []string{targets[0].ID, targets[1].ID}, []string{targets[3].ID}
	for accountType, want := range map[string][]string{
		"checking": bank, "savings": bank, "prepaidCard": bank, "creditCard": card, "loan": card,
	} {
		e.createAccount(c.ID, conn.ID, map[string]any{"id": accountType, "accountName": accountType, "accountType": accountType,
			"accountNumber": "1", "sortCode": "040004", "currency": "GBP", "balance": 1})
		if got := optionIDs(e.mappings(c.ID, conn.ID)[accountType]); !slices.Equal(got, want) {
			t.Errorf("options of a %s account %v, want %v", accountType, got, want)
		}
	}
	// v1 accounts (C6): "Debit" for Xero BANK, "Credit" for Xero CREDITCARD.
	for accountType, want := range map[string][]string{"Debit": bank, "Credit": card} {
		if err := e.sb.UpdateSourceAccount(c.ID, conn.ID, "checking", func(a *sandbox.SourceAccount) { a.AccountType = accountType }); err != nil {
			t.Fatal(err)
		}
		if got := optionIDs(e.mappings(c.ID, conn.ID)["checking"]); !slices.Equal(got, want) {
			t.Errorf("options of a v1 %s account %v, want %v", accountType, got, want)
		}
	}

	// A target of the wrong type is refused, like one of the wrong currency; Create New Account makes
	// an account of the source account's type.
	var res mappingResultOut
	e.mapAccount(c.ID, conn.ID, map[string]any{"sourceAccountId": "savings", "targetAccountId": targets[3].ID}).expect(t, http.StatusOK).decode(t, &res)
	if res.Status != "Failed" || !strings.Contains(res.Error, "CREDITCARD") {
		t.Errorf("a savings account mapped to a credit card: %+v", res)
	}
	e.mapAccount(c.ID, conn.ID, map[string]any{"sourceAccountId": "creditCard", "targetAccountId": targets[3].ID}).expect(t, http.StatusOK)
	e.mapAccount(c.ID, conn.ID, map[string]any{"sourceAccountId": "loan"}).expect(t, http.StatusOK)
	e.mapAccount(c.ID, conn.ID, map[string]any{"sourceAccountId": "savings"}).expect(t, http.StatusOK)
	after := e.sb.TargetAccounts(c.ID, conn.ID)
	if len(after) != 6 || after[4].Name != "loan" || after[4].Type != sandbox.XeroCreditCard || after[5].Name != "savings" || after[5].Type != sandbox.XeroBank {
		t.Errorf("new targets %+v", after[4:])
	}
}

// Since 2026-06-24 (C10) a Xero account fed under another company using the same Xero app is left
// out of the options and mapping to it is refused with 400; re-posting an identical mapping still
// succeeds. An account fed through another Xero app is still offered, and mapping to it fails.
func TestMappingAcrossCompanies(t *testing.T) {
	e := newEnv(t, sandbox.Options{Now: sandbox.NewClock(mappingNow).Now})
	a, aConn := e.linkedXero()
	e.createAccount(a.ID, aConn.ID, gbpAccount("a1"))
	b := e.createCompany("Acme Holdings")
	bConn := e.createConnection(b.ID, sandbox.XeroPlatformKey)
	e.createAccount(b.ID, bConn.ID, gbpAccount("b1"))
	if err := e.sb.LinkSameOrganisation(b.ID, bConn.ID, a.ID, aConn.ID); err != nil {
		t.Fatal(err)
	}
	targets := e.sb.TargetAccounts(a.ID, aConn.ID)
	if got := e.sb.TargetAccounts(b.ID, bConn.ID); len(got) != len(targets) || got[0].ID != targets[0].ID {
		t.Fatalf("the second company sees other accounts: %+v", got)
	}
	mapA1 := map[string]any{"sourceAccountId": "a1", "targetAccountId": targets[0].ID}
	e.mapAccount(a.ID, aConn.ID, mapA1).expect(t, http.StatusOK)

	if got := optionIDs(e.mappings(b.ID, bConn.ID)["b1"]); !slices.Equal(got, []string{targets[1].ID}) {
		t.Errorf("options under the other company %v, want only the account no feed uses", got)
	}
	msg := e.mapAccount(b.ID, bConn.ID, map[string]any{"sourceAccountId": "b1", "targetAccountId": targets[0].ID}).apiError(t, http.StatusBadRequest).Error
	if !strings.Contains(msg, "another company") || !strings.Contains(msg, "Remove that bank feed connection first") {
		t.Errorf("400 without the cause and the resolution: %q", msg)
	}
	if b1, _ := e.sb.SourceAccount(b.ID, bConn.ID, "b1"); b1.Status != sandbox.AccountPending {
		t.Errorf("refused mapping left b1 %s", b1.Status)
	}
	// The identical mapping again succeeds and changes nothing.
	var res mappingResultOut
	e.mapAccount(a.ID, aConn.ID, mapA1).expect(t, http.StatusOK).decode(t, &res)
	if res.Status == "Failed" {
		t.Errorf("identical mapping refused: %+v", res)
	}
	// Once the first feed is removed, the account is free for the other company.
	if err := e.sb.DisconnectAccount(a.ID, aConn.ID, "a1"); err != nil {
		t.Fatal(err)
	}
	if got := optionIDs(e.mappings(b.ID, bConn.ID)["b1"]); !slices.Equal(got, []string{targets[0].ID, targets[1].ID}) {
		t.Errorf("options after the feed was removed %v", got)
	}
	e.mapAccount(b.ID, bConn.ID, map[string]any{"sourceAccountId": "b1", "targetAccountId": targets[0].ID}).expect(t, http.StatusOK)

	// Fed through another Xero app: still offered, refused on mapping.
	if err := e.sb.SetTargetFedByAnotherApp(a.ID, aConn.ID, targets[1].ID, true); err != nil {
		t.Fatal(err)
	}
	if got := optionIDs(e.mappings(a.ID, aConn.ID)["a1"]); !slices.Contains(got, targets[1].ID) {
		t.Errorf("an account fed through another app is no longer offered: %v", got)
	}
	res = mappingResultOut{}
	e.mapAccount(a.ID, aConn.ID, map[string]any{"sourceAccountId": "a1", "targetAccountId": targets[1].ID}).expect(t, http.StatusOK).decode(t, &res)
	if res.Status != "Failed" || !strings.Contains(res.Error, "another Xero app") {
		t.Errorf("mapping to an account fed through another app: %+v", res)
	}
}

func TestMapToExistingAccount(t *testing.T) {
	e := newEnv(t, sandbox.Options{Now: sandbox.NewClock(mappingNow).Now})
	c, conn := e.linkedXero()
	e.createAccount(c.ID, conn.ID, gbpAccount("a1"))
	target := e.sb.TargetAccounts(c.ID, conn.ID)[1]

	var res mappingResultOut
	e.mapAccount(c.ID, conn.ID, map[string]any{"sourceAccountId": "a1", "targetAccountId": target.ID, "feedStartDate": "2025-05-01T00:00:00Z"}).
		expect(t, http.StatusOK).decode(t, &res)
	// The answer is the request's (C16), as D:bank-feeds/mapping/api-mapping.md shows it.
	if res != (mappingResultOut{SourceAccountID: "a1", TargetAccountID: target.ID, Status: "connecting"}) {
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
	// Mapping again to the same target succeeds and changes nothing, not even the feed start date (C10);
	// to another target it fails.
	e.mapAccount(c.ID, conn.ID, map[string]any{"sourceAccountId": "a1", "targetAccountId": target.ID, "feedStartDate": "2025-06-01"}).expect(t, http.StatusOK).decode(t, &res)
	if res.Status != "connecting" || res.Error != "" {
		t.Errorf("repeat %+v", res)
	}
	if a, _ := e.sb.SourceAccount(c.ID, conn.ID, "a1"); !a.FeedStartDate.Equal(time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)) || a.Status != "connected" {
		t.Errorf("an identical mapping changed the account: %+v", a)
	}
	res = mappingResultOut{}
	e.mapAccount(c.ID, conn.ID, map[string]any{"sourceAccountId": "a1"}).expect(t, http.StatusOK).decode(t, &res)
	if res.Status != "Failed" || res.Error == "" {
		t.Errorf("remap of a connected account %+v", res)
	}
}

func TestMapToNewAccount(t *testing.T) {
	e := newEnv(t, sandbox.Options{Now: sandbox.NewClock(mappingNow).Now})
	c, conn := e.linkedXero()
	e.createAccount(c.ID, conn.ID, gbpAccount("a1"))
	e.createAccount(c.ID, conn.ID, map[string]any{"id": "eur", "accountName": "Euro account", "accountType": "savings", "accountNumber": "78", "currency": "EUR", "balance": 5})

	var res mappingResultOut
	e.mapAccount(c.ID, conn.ID, map[string]any{"sourceAccountId": "a1"}).expect(t, http.StatusOK).decode(t, &res)
	res2 := mappingResultOut{}
	e.mapAccount(c.ID, conn.ID, map[string]any{"sourceAccountId": "eur", "targetAccountId": nil, "feedStartDate": nil}).expect(t, http.StatusOK).decode(t, &res2)
	targets := e.sb.TargetAccounts(c.ID, conn.ID)
	if len(targets) != 6 {
		t.Fatalf("targets %+v, want two new ones", targets)
	}
	created, createdEUR := targets[4], targets[5]
	// As D:bank-feeds/mapping/api-mapping.md shows: no target id in the answer; the list has it.
	if res != (mappingResultOut{SourceAccountID: "a1", Status: "connecting"}) || res2.TargetAccountID != "" {
		t.Errorf("results %+v %+v, targets %+v", res, res2, targets)
	}
	if m := e.mappings(c.ID, conn.ID); m["a1"].TargetAccountID != created.ID || m["eur"].TargetAccountID != createdEUR.ID {
		t.Errorf("mappings %+v", m)
	}
	if created.Name != "Account a1" || created.Currency != "GBP" || created.Type != sandbox.XeroBank || created.SortCode != "123456" || created.AccountNumber != "12345670" {
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
	e := newEnv(t, sandbox.Options{Now: sandbox.NewClock(mappingNow).Now})
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
		"start not a date": {map[string]any{"sourceAccountId": "a2", "feedStartDate": "last week"}, "feedStartDate"},
		"unknown target":   {map[string]any{"sourceAccountId": "a2", "targetAccountId": uuid.NewString()}, "targetAccountId"},
		"no source":        {map[string]any{"targetAccountId": targets[1].ID}, "sourceAccountId"},
		"empty source":     {map[string]any{"sourceAccountId": ""}, "sourceAccountId"},
		"unknown member":   {map[string]any{"sourceAccountId": "a2", "target": "x"}, "target"},
		"number source":    {map[string]any{"sourceAccountId": 2}, "sourceAccountId"},
	} {
		t.Run(name, func(t *testing.T) {
			e.mapAccount(c.ID, conn.ID, tc.body).validationError(t, tc.field)
		})
	}
	// Codat does not validate the feed start date (C8): a future one and one years back are taken.
	for id, date := range map[string]string{"a2": "2025-06-16", "a3": "2019-01-01T23:59:59Z"} {
		if id != "a2" {
			e.createAccount(c.ID, conn.ID, gbpAccount(id))
		}
		var res mappingResultOut
		e.mapAccount(c.ID, conn.ID, map[string]any{"sourceAccountId": id, "feedStartDate": date}).expect(t, http.StatusOK).decode(t, &res)
		if a, _ := e.sb.SourceAccount(c.ID, conn.ID, id); res.Status != "connecting" || a.FeedStartDate.Format("2006-01-02") != date[:10] {
			t.Errorf("feed start date %s: answer %+v, account %+v", date, res, a)
		}
	}

	e.mapAccount(c.ID, conn.ID, map[string]any{"sourceAccountId": "nope"}).apiError(t, http.StatusNotFound)
	e.mapAccount(c.ID, uuid.NewString(), map[string]any{"sourceAccountId": "a1"}).apiError(t, http.StatusNotFound)
	e.call(http.MethodGet, mappingPath(c.ID, uuid.NewString()), nil).apiError(t, http.StatusNotFound)
}

func TestMappingNeedsLinkedXero(t *testing.T) {
	e := newEnv(t, sandbox.Options{Now: sandbox.NewClock(mappingNow).Now})
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
	e := newEnv(t, sandbox.Options{Now: sandbox.NewClock(mappingNow).Now})
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
	e, clock := clockedEnv(t, mappingNow, sandbox.Options{MappingDelay: 30 * time.Second})
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
