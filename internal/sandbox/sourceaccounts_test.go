package sandbox_test

import (
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

func TestCreateSourceAccount(t *testing.T) {
	e, _ := clockedEnv(t, accountsNow, sandbox.Options{})
	c, conn := e.xeroConnection()
	body := map[string]any{
		"id":            "acc-001",
		"accountName":   "Business account",
		"accountType":   "checking",
		"accountNumber": "12345670",
		"sortCode":      "040004",
		"routingInfo":   map[string]any{"bankCode": "021001088"},
		"currency":      "GBP",
		"balance":       99.99,
		"accountInfo": map[string]any{
			"description":      "main",
			"nickname":         "acc",
			"accountOpenDate":  "2023-05-06",
			"availableBalance": 10.0, // a float64, as JSON decodes it
		},
	}
	got := e.createAccount(c.ID, conn.ID, body)
	// The answer is the body as sent, with the routing type defaulted and the modified date and status added.
	want := maps.Clone(body)
	want["routingInfo"] = map[string]any{"bankCode": "021001088", "type": "bankcode"}
	want["modifiedDate"] = "2025-06-01T09:30:00Z"
	want["status"] = "pending"
	if !maps.EqualFunc(got, want, func(a, b any) bool { return jsonEqual(a, b) }) {
		t.Errorf("created\n got %v\nwant %v", got, want)
	}

	var list []map[string]any
	e.call(http.MethodGet, accountsPath(c.ID, conn.ID), nil).expect(t, http.StatusOK).decode(t, &list)
	if len(list) != 1 || !maps.EqualFunc(list[0], want, func(a, b any) bool { return jsonEqual(a, b) }) {
		t.Errorf("list %v", list)
	}

	// Decimals come back as written.
	decimal := e.call(http.MethodPost, accountsPath(c.ID, conn.ID), `{"id":"acc-dec","accountName":"n","accountType":"loan","accountNumber":"1","sortCode":"1","currency":"GBP","balance":1234.50}`).expect(t, http.StatusOK)
	if !strings.Contains(string(decimal.body), `"balance":1234.50`) {
		t.Errorf("balance not kept as written: %s", decimal.body)
	}
	e.call(http.MethodDelete, accountsPath(c.ID, conn.ID)+"/acc-dec", nil).expect(t, http.StatusNoContent)

	// A client-supplied modifiedDate is kept; a USD account needs no sort code.
	usd := map[string]any{"id": "acc-002", "accountName": "Dollars", "accountType": "savings", "accountNumber": "1", "currency": "USD", "balance": 0, "modifiedDate": "2024-08-02T00:00:00.000Z"}
	if got := e.createAccount(c.ID, conn.ID, usd); got["modifiedDate"] != "2024-08-02T00:00:00Z" {
		t.Errorf("modifiedDate %v", got["modifiedDate"])
	}
	stored := e.sb.SourceAccounts(c.ID, conn.ID)
	if len(stored) != 2 || stored[0].ID != "acc-001" || *stored[0].RoutingInfo.Type != "bankcode" || stored[1].Currency != "USD" {
		t.Errorf("stored %+v", stored)
	}
}

// jsonEqual compares decoded JSON values.
func jsonEqual(a, b any) bool {
	switch av := a.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		return ok && maps.EqualFunc(av, bv, jsonEqual)
	default:
		return a == b
	}
}

func TestCreateSourceAccountValidation(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	c, conn := e.xeroConnection()
	path := accountsPath(c.ID, conn.ID)
	with := func(key string, value any) map[string]any {
		b := gbpAccount("x")
		if value == nil {
			delete(b, key)
		} else {
			b[key] = value
		}
		return b
	}
	for name, tc := range map[string]struct {
		body  any
		field string
	}{
		"no id":             {with("id", nil), "id"},
		"empty id":          {with("id", ""), "id"},
		"no name":           {with("accountName", nil), "accountName"},
		"no type":           {with("accountType", nil), "accountType"},
		"v1 type":           {with("accountType", "Credit"), "accountType"},
		"no number":         {with("accountNumber", nil), "accountNumber"},
		"no currency":       {with("currency", nil), "currency"},
		"bad currency":      {with("currency", "ZZZ"), "currency"},
		"lower currency":    {with("currency", "gbp"), "currency"},
		"no balance":        {with("balance", nil), "balance"},
		"string balance":    {with("balance", "1"), "balance"},
		"GBP no sort code":  {with("sortCode", nil), "sortCode"},
		"GBP empty sort":    {with("sortCode", ""), "sortCode"},
		"routing type":      {with("routingInfo", map[string]any{"type": "postcode"}), "routingInfo.type"},
		"routing not obj":   {with("routingInfo", "x"), "routingInfo"},
		"bank code":         {with("routingInfo", map[string]any{"bankCode": 7}), "routingInfo.bankCode"},
		"open date":         {with("accountInfo", map[string]any{"accountOpenDate": "06/05/2023"}), "accountInfo.accountOpenDate"},
		"modified date":     {with("modifiedDate", "yesterday"), "modifiedDate"},
		"available balance": {with("accountInfo", map[string]any{"availableBalance": "x"}), "accountInfo.availableBalance"},
		"array body":        {`[]`, "body"},
	} {
		t.Run(name, func(t *testing.T) {
			e.call(http.MethodPost, path, tc.body).validationError(t, tc.field)
		})
	}
	e.createAccount(c.ID, conn.ID, gbpAccount("dup"))
	e.call(http.MethodPost, path, gbpAccount("dup")).validationError(t, "id")
	if n := len(e.sb.SourceAccounts(c.ID, conn.ID)); n != 1 {
		t.Errorf("%d accounts stored, want 1", n)
	}
	// The same id on another connection is another account.
	other := e.createConnection(c.ID, "gbol")
	e.createAccount(c.ID, other.ID, gbpAccount("dup"))

	e.call(http.MethodPost, accountsPath(c.ID, uuid.NewString()), gbpAccount("a")).apiError(t, http.StatusNotFound)
	e.call(http.MethodGet, accountsPath(c.ID, uuid.NewString()), nil).apiError(t, http.StatusNotFound)
	e.call(http.MethodGet, accountsPath(uuid.NewString(), conn.ID), nil).apiError(t, http.StatusNotFound)
}

func TestListSourceAccountsIsBareArray(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	c, conn := e.xeroConnection()
	resp := e.call(http.MethodGet, accountsPath(c.ID, conn.ID), nil).expect(t, http.StatusOK)
	if string(resp.body) != "[]" {
		t.Errorf("empty list %s, want []", resp.body)
	}
}

func TestUpdateSourceAccount(t *testing.T) {
	e, clock := clockedEnv(t, time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), sandbox.Options{})
	c, conn := e.linkedXero()
	e.createAccount(c.ID, conn.ID, gbpAccount("a1"))
	path := accountsPath(c.ID, conn.ID) + "/a1"
	clock.Advance(time.Hour)

	got := e.call(http.MethodPatch, path, map[string]any{"id": "a1", "accountName": "Renamed", "balance": 12.5}).expect(t, http.StatusOK).object(t)
	if got["accountName"] != "Renamed" || got["balance"] != 12.5 || got["modifiedDate"] != "2025-06-01T01:00:00Z" {
		t.Errorf("after rename %v", got)
	}
	if _, v2 := got["routingInfo"]; v2 {
		t.Errorf("the update answers the v1 shape, got %v", got)
	}
	// Repeating the stored values of fixed members is allowed.
	e.call(http.MethodPatch, path, map[string]any{"id": "a1", "accountType": "checking", "accountNumber": "12345670", "sortCode": "123456", "currency": "GBP", "status": "pending", "modifiedDate": "2025-05-01T00:00:00Z"}).expect(t, http.StatusOK)
	if a, _ := e.sb.SourceAccount(c.ID, conn.ID, "a1"); !a.ModifiedDate.Equal(time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("modifiedDate %v", a.ModifiedDate)
	}

	for name, tc := range map[string]struct {
		body  map[string]any
		field string
	}{
		"status to connected": {map[string]any{"id": "a1", "status": "connected"}, "status"},
		"status to pending":   {map[string]any{"id": "a1", "status": "connecting"}, "status"},
		"account type":        {map[string]any{"id": "a1", "accountType": "savings"}, "accountType"},
		"account number":      {map[string]any{"id": "a1", "accountNumber": "9"}, "accountNumber"},
		"currency":            {map[string]any{"id": "a1", "currency": "USD"}, "currency"},
		"sort code":           {map[string]any{"id": "a1", "sortCode": "999999"}, "sortCode"},
		"feed start date":     {map[string]any{"id": "a1", "feedStartDate": "2025-01-01"}, "feedStartDate"},
		"other id":            {map[string]any{"id": "a2"}, "id"},
		"empty name":          {map[string]any{"id": "a1", "accountName": ""}, "accountName"},
		"v2 member":           {map[string]any{"id": "a1", "routingInfo": map[string]any{}}, "routingInfo"},
		"bad modified date":   {map[string]any{"id": "a1", "modifiedDate": "soon"}, "modifiedDate"},
	} {
		t.Run(name, func(t *testing.T) {
			e.call(http.MethodPatch, path, tc.body).validationError(t, tc.field)
		})
	}

	// Once connected, the balance is fixed; disconnecting frees it again.
	if err := e.sb.MapAccount(c.ID, conn.ID, "a1", "", clock.Now()); err != nil {
		t.Fatal(err)
	}
	e.call(http.MethodPatch, path, map[string]any{"id": "a1", "balance": 1}).validationError(t, "balance")
	e.call(http.MethodPatch, path, map[string]any{"id": "a1", "balance": 12.5, "accountName": "Still renamable"}).expect(t, http.StatusOK)
	got = e.call(http.MethodPatch, path, map[string]any{"id": "a1", "status": "disconnected"}).expect(t, http.StatusOK).object(t)
	if got["status"] != "disconnected" {
		t.Errorf("after disconnect %v", got)
	}
	if a, _ := e.sb.SourceAccount(c.ID, conn.ID, "a1"); a.TargetAccountID != "" || a.AccountName != "Still renamable" {
		t.Errorf("disconnected account %+v keeps its target", a)
	}
	e.call(http.MethodPatch, path, map[string]any{"id": "a1", "balance": 1}).expect(t, http.StatusOK)

	e.call(http.MethodPatch, accountsPath(c.ID, conn.ID)+"/nope", map[string]any{"id": "nope"}).apiError(t, http.StatusNotFound)
	e.call(http.MethodPatch, path, "[]").validationError(t, "body")
}

func TestDeleteSourceAccount(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	c, conn := e.linkedXero()
	e.createAccount(c.ID, conn.ID, gbpAccount("a1"))
	e.createAccount(c.ID, conn.ID, gbpAccount("a/2"))
	targets := e.sb.TargetAccounts(c.ID, conn.ID)
	if err := e.sb.MapAccount(c.ID, conn.ID, "a1", targets[0].ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	e.call(http.MethodDelete, accountsPath(c.ID, conn.ID)+"/a1", nil).expect(t, http.StatusNoContent)
	e.call(http.MethodDelete, accountsPath(c.ID, conn.ID)+"/a1", nil).apiError(t, http.StatusNotFound)
	// An id with a slash is addressed escaped.
	e.call(http.MethodDelete, accountsPath(c.ID, conn.ID)+"/a%2F2", nil).expect(t, http.StatusNoContent)
	if n := len(e.sb.SourceAccounts(c.ID, conn.ID)); n != 0 {
		t.Errorf("%d accounts left", n)
	}
	// The deleted account's mapping went with it: its target is free again.
	e.createAccount(c.ID, conn.ID, gbpAccount("a3"))
	if err := e.sb.MapAccount(c.ID, conn.ID, "a3", targets[0].ID, time.Now()); err != nil {
		t.Errorf("target still taken after the mapped account was deleted: %v", err)
	}
}

// TestSourceAccountsV1 is a client integrated before 2024-08-01 (CODAT-FACTS C6): it creates, lists
// and updates source accounts in the v1 shape, and its accounts take part in mapping.
func TestSourceAccountsV1(t *testing.T) {
	e, _, clock := v1Env(t)
	sb := e.sb
	unchecked := serve(t, sb, nil)
	c, conn := e.linkedXero()
	path := accountsPath(c.ID, conn.ID)

	// Codat's Xero page: "Debit" for a Xero BANK account, "Credit" for a CREDITCARD account.
	debit := map[string]any{"id": "acc-002", "accountName": "account-081", "sortCode": "123456", "accountType": "Debit",
		"accountNumber": "12345670", "currency": "GBP", "balance": 99.99}
	got := e.createAccount(c.ID, conn.ID, debit)
	want := map[string]any{"id": "acc-002", "accountName": "account-081", "sortCode": "123456", "accountType": "Debit",
		"accountNumber": "12345670", "currency": "GBP", "balance": 99.99, "modifiedDate": "2025-06-01T09:30:00Z", "status": "pending"}
	if !maps.EqualFunc(got, want, func(a, b any) bool { return jsonEqual(a, b) }) {
		t.Errorf("created\n got %v\nwant %v", got, want)
	}
	// Only id is required; null members stay out of the answer. accountType is free text.
	minimal := e.createAccount(c.ID, conn.ID, map[string]any{"id": "acc-min", "accountName": nil, "accountType": "Savings"})
	if len(minimal) != 4 || minimal["accountType"] != "Savings" || minimal["status"] != "pending" {
		t.Errorf("minimal v1 account %v", minimal)
	}
	for name, tc := range map[string]struct {
		body  map[string]any
		field string
	}{
		"routing info":   {map[string]any{"id": "x", "routingInfo": map[string]any{"bankCode": "1"}}, "routingInfo"},
		"account info":   {map[string]any{"id": "x", "accountInfo": map[string]any{"nickname": "n"}}, "accountInfo"},
		"no id":          {map[string]any{"accountName": "x"}, "id"},
		"bad currency":   {map[string]any{"id": "x", "currency": "ZWL"}, "currency"},
		"GBP, no sort":   {map[string]any{"id": "x", "currency": "GBP"}, "sortCode"},
		"text balance":   {map[string]any{"id": "x", "balance": "1"}, "balance"},
		"duplicate":      {map[string]any{"id": "acc-002"}, "id"},
		"numeric type":   {map[string]any{"id": "x", "accountType": 1}, "accountType"},
		"modified date":  {map[string]any{"id": "x", "modifiedDate": "soon"}, "modifiedDate"},
		"unknown member": {map[string]any{"id": "x", "nickname": "n"}, "nickname"},
	} {
		// Bodies that break the v1 schema would be contract violations, so they go around the checker.
		t.Run(name, func(t *testing.T) {
			unchecked.call(http.MethodPost, path, tc.body).validationError(t, tc.field)
		})
	}

	var list []map[string]any
	e.call(http.MethodGet, path, nil).expect(t, http.StatusOK).decode(t, &list)
	if len(list) != 2 || !maps.EqualFunc(list[0], want, func(a, b any) bool { return jsonEqual(a, b) }) {
		t.Errorf("list %v", list)
	}
	renamed := e.call(http.MethodPatch, path+"/acc-002", map[string]any{"id": "acc-002", "accountName": "Renamed", "accountType": "Debit"}).
		expect(t, http.StatusOK).object(t)
	if renamed["accountName"] != "Renamed" || renamed["accountType"] != "Debit" {
		t.Errorf("updated %v", renamed)
	}

	// The SMB user maps the v1 account; the mapping list shows it, and the account's v1
	// feedStartDate is a DateTime.
	if err := e.sb.MapAccount(c.ID, conn.ID, "acc-002", "", clock.Now()); err != nil {
		t.Fatal(err)
	}
	var mappings []map[string]any
	e.call(http.MethodGet, mappingPath(c.ID, conn.ID), nil).expect(t, http.StatusOK).decode(t, &mappings)
	if len(mappings) != 2 || mappings[0]["sourceAccountId"] != "acc-002" || mappings[0]["status"] != "connected" || mappings[0]["sourceBalance"] != 99.99 {
		t.Errorf("mappings %v", mappings)
	}
	e.call(http.MethodGet, path, nil).expect(t, http.StatusOK).decode(t, &list)
	if list[0]["feedStartDate"] != "2025-06-01T00:00:00Z" || list[0]["status"] != "connected" {
		t.Errorf("mapped v1 account %v", list[0])
	}
	// Pushing moves a v1 account's balance too.
	e.call(http.MethodPost, pushPath(c.ID, conn.ID, "acc-002"), map[string]any{"accountId": "acc-002",
		"transactions": []any{bankTransaction("t1", "2025-06-01", 10, 109.99)}}).expect(t, http.StatusOK)
	e.call(http.MethodGet, path, nil).expect(t, http.StatusOK).decode(t, &list)
	if list[0]["balance"] != 109.99 {
		t.Errorf("v1 account after a push %v", list[0])
	}
}

// TestSourceAccountsV2Cutover: a client integrated on 2024-08-01 or later, or one whose date is not
// set, uses v2 and refuses v1 bodies.
func TestSourceAccountsV2Cutover(t *testing.T) {
	for _, integrated := range []time.Time{{}, time.Date(2024, 8, 1, 0, 0, 0, 0, time.UTC)} {
		e := newEnv(t, sandbox.Options{IntegratedOn: integrated})
		c, conn := e.xeroConnection()
		v1 := map[string]any{"id": "acc-002", "accountName": "account-081", "sortCode": "123456", "accountType": "Credit",
			"accountNumber": "12345670", "currency": "GBP", "balance": 99.99}
		e.call(http.MethodPost, accountsPath(c.ID, conn.ID), v1).validationError(t, "accountType")
		got := e.createAccount(c.ID, conn.ID, gbpAccount("acc-1"))
		if got["accountType"] != "checking" {
			t.Errorf("integrated %v: %v", integrated, got)
		}
	}
}
