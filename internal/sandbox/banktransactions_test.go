package sandbox_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

func pushPath(companyID, connectionID, accountID string) string {
	return "/companies/" + companyID + "/connections/" + connectionID + "/push/bankAccounts/" + accountID + "/bankTransactions"
}

func bankTransaction(id, date string, amount, balance float64) map[string]any {
	typ := "Credit"
	if amount < 0 {
		typ = "Debit"
	}
	return map[string]any{"id": id, "date": date, "description": "tx " + id, "amount": amount, "balance": balance, "transactionType": typ}
}

// connectedAccount creates acc-1 (balance 99.99) on a linked Xero connection and has the SMB user
// map it, so that it is connected.
func connectedAccount(t *testing.T, e *env, now time.Time) (companyOut, connectionOut) {
	t.Helper()
	c, conn := e.linkedXero()
	e.createAccount(c.ID, conn.ID, gbpAccount("acc-1"))
	if err := e.sb.MapAccount(c.ID, conn.ID, "acc-1", "", now); err != nil {
		t.Fatal(err)
	}
	return c, conn
}

func TestPushBankTransactionsMovesBalance(t *testing.T) {
	clock := sandbox.NewClock(accountsNow)
	e := checkedEnv(t, sandbox.Options{Now: clock.Now})
	c, conn := e.linkedXero()
	e.createAccount(c.ID, conn.ID, gbpAccount("acc-1"))
	path := pushPath(c.ID, conn.ID, "acc-1")
	body := `{"accountId":"acc-1","transactions":[` +
		`{"id":"t1","date":"2025-05-30T17:05:12","description":"fees","amount":-450,"balance":2000,"transactionType":"Debit"},` +
		`{"id":"t2","date":"2025-05-31","description":"rent","amount":-730,"balance":1270.50,"transactionType":"Debit"}]}`

	// Only a connected account takes transactions.
	e.call(http.MethodPost, path, body).validationError(t, "accountId")
	if err := e.sb.MapAccount(c.ID, conn.ID, "acc-1", "", clock.Now()); err != nil {
		t.Fatal(err)
	}

	clock.Advance(time.Minute)
	got := e.call(http.MethodPost, path+"?timeoutInMinutes=5&allowSyncOnPushComplete=false", body).expect(t, http.StatusOK).object(t)
	if got["status"] != "Pending" || got["statusCode"] != float64(202) || got["companyId"] != c.ID ||
		got["dataConnectionKey"] != conn.ID || got["dataType"] != "bankTransactions" || got["timeoutInMinutes"] != float64(5) ||
		got["requestedOnUtc"] != "2025-06-01T09:31:00Z" {
		t.Errorf("push operation %v", got)
	}
	if _, err := uuid.Parse(fmt.Sprint(got["pushOperationKey"])); err != nil {
		t.Errorf("pushOperationKey %v: %v", got["pushOperationKey"], err)
	}
	data, _ := got["data"].(map[string]any)
	if txs, _ := data["transactions"].([]any); data["accountId"] != "acc-1" || len(txs) != 2 {
		t.Errorf("data %v", got["data"])
	}

	// The balance of the last transaction is the account's balance now (C7), as written.
	list := e.call(http.MethodGet, accountsPath(c.ID, conn.ID), nil).expect(t, http.StatusOK)
	if !strings.Contains(string(list.body), `"balance":1270.50`) || !strings.Contains(string(list.body), `"modifiedDate":"2025-06-01T09:31:00Z"`) {
		t.Errorf("account after the push: %s", list.body)
	}
	mapping := e.call(http.MethodGet, mappingPath(c.ID, conn.ID), nil).expect(t, http.StatusOK)
	if !strings.Contains(string(mapping.body), `"sourceBalance":1270.50`) {
		t.Errorf("mapping after the push: %s", mapping.body)
	}
	txs, err := e.sb.BankTransactions(c.ID, conn.ID, "acc-1")
	if err != nil || len(txs) != 2 || txs[1].ID != "t2" || txs[1].Balance != "1270.50" || txs[0].Date != "2025-05-30T17:05:12" {
		t.Errorf("stored transactions %+v, %v", txs, err)
	}

	// Codat refuses a balance update on the connected account; only pushes move it.
	e.call(http.MethodPatch, accountsPath(c.ID, conn.ID)+"/acc-1", map[string]any{"id": "acc-1", "balance": 5}).validationError(t, "balance")

	// A sign that contradicts the type is a warning, not a refusal. A date's offset is ignored:
	// 23:30 at -05:00 is still 1 June, today.
	warned := e.call(http.MethodPost, path, map[string]any{"accountId": "acc-1", "transactions": []any{
		map[string]any{"id": "t3", "date": "2025-06-01T23:30:00-05:00", "description": "refund", "amount": 100, "balance": 1370.5, "transactionType": "Debit"},
	}}).expect(t, http.StatusOK).object(t)
	validation, _ := warned["validation"].(map[string]any)
	warnings, _ := validation["warnings"].([]any)
	if first, _ := firstOf(warnings).(map[string]any); len(warnings) != 1 || first["itemId"] != "t3" {
		t.Errorf("warnings %v", warnings)
	}
	if a, _ := e.sb.SourceAccount(c.ID, conn.ID, "acc-1"); a.Balance != "1370.5" {
		t.Errorf("balance %s after the second push", a.Balance)
	}
	// An empty array writes nothing and leaves the balance.
	e.call(http.MethodPost, path, map[string]any{"accountId": "acc-1", "transactions": []any{}}).expect(t, http.StatusOK)
	if a, _ := e.sb.SourceAccount(c.ID, conn.ID, "acc-1"); a.Balance != "1370.5" {
		t.Errorf("balance %s after an empty push", a.Balance)
	}
	e.call(http.MethodPost, pushPath(c.ID, conn.ID, "nope"), map[string]any{"accountId": "nope", "transactions": []any{}}).apiError(t, http.StatusNotFound)
}

func TestPushBankTransactionsRules(t *testing.T) {
	e, clock := clockedEnv(t, accountsNow, sandbox.Options{})
	c, conn := connectedAccount(t, e, clock.Now())
	path := pushPath(c.ID, conn.ID, "acc-1")
	txs := func(items ...map[string]any) map[string]any {
		list := make([]any, len(items))
		for i, item := range items {
			list[i] = item
		}
		return map[string]any{"accountId": "acc-1", "transactions": list}
	}
	without := func(key string) map[string]any {
		tx := bankTransaction("t", "2025-05-01", 10, 10)
		delete(tx, key)
		return tx
	}
	tooMany := make([]map[string]any, 1001)
	for i := range tooMany {
		tooMany[i] = bankTransaction(fmt.Sprint(i), "2025-05-01", 1, float64(i))
	}
	for name, tc := range map[string]struct {
		body  any
		field string
	}{
		"future date":         {txs(bankTransaction("t", "2025-06-02", 1, 1)), "transactions[0].date"},
		"older than one year": {txs(bankTransaction("t", "2024-05-31T23:59:59", 1, 1)), "transactions[0].date"},
		"not chronological": {txs(bankTransaction("t1", "2025-05-02T10:00:00", 1, 1),
			bankTransaction("t2", "2025-05-02T09:59:59", 1, 2)), "transactions[1].date"},
		"bad date":         {txs(bankTransaction("t", "02/05/2025", 1, 1)), "transactions[0].date"},
		"no balance":       {txs(without("balance")), "transactions[0].balance"},
		"no amount":        {txs(without("amount")), "transactions[0].amount"},
		"no id":            {txs(without("id")), "transactions[0].id"},
		"no date":          {txs(without("date")), "transactions[0].date"},
		"no type":          {txs(without("transactionType")), "transactions[0].transactionType"},
		"no description":   {txs(without("description")), "transactions[0].description"},
		"unknown type":     {txs(func() map[string]any { t := without("x"); t["transactionType"] = "Refund"; return t }()), "transactions[0].transactionType"},
		"text amount":      {txs(func() map[string]any { t := without("x"); t["amount"] = "10"; return t }()), "transactions[0].amount"},
		"more than 1000":   {txs(tooMany...), "transactions"},
		"no transactions":  {map[string]any{"accountId": "acc-1"}, "transactions"},
		"not an array":     {map[string]any{"accountId": "acc-1", "transactions": "x"}, "transactions"},
		"no account id":    {map[string]any{"transactions": []any{}}, "accountId"},
		"other account id": {map[string]any{"accountId": "acc-2", "transactions": []any{}}, "accountId"},
		"array body":       {`[]`, "body"},
	} {
		t.Run(name, func(t *testing.T) {
			e.call(http.MethodPost, path, tc.body).validationError(t, tc.field)
		})
	}
	e.call(http.MethodPost, path+"?timeoutInMinutes=soon", txs()).validationError(t, "timeoutInMinutes")
	e.call(http.MethodPost, path+"?allowSyncOnPushComplete=maybe", txs()).validationError(t, "allowSyncOnPushComplete")

	// A year back to the day is still accepted, and so are 1000 transactions.
	e.call(http.MethodPost, path, txs(bankTransaction("old", "2024-06-01", 1, 1))).expect(t, http.StatusOK)
	e.call(http.MethodPost, path, txs(tooMany[:1000]...)).expect(t, http.StatusOK)
	if a, _ := e.sb.SourceAccount(c.ID, conn.ID, "acc-1"); a.Balance != "999" {
		t.Errorf("balance %s, want 999 from the last transaction", a.Balance)
	}
	if txs, _ := e.sb.BankTransactions(c.ID, conn.ID, "acc-1"); len(txs) != 1001 {
		t.Errorf("%d transactions stored, want 1001 (refused writes store nothing)", len(txs))
	}

	// Once disconnected, the account takes no more transactions.
	if err := e.sb.DisconnectAccount(c.ID, conn.ID, "acc-1"); err != nil {
		t.Fatal(err)
	}
	e.call(http.MethodPost, path, txs(bankTransaction("late", "2025-06-01", 1, 1))).validationError(t, "accountId")
}

func TestPushBankTransactionsIsIdempotent(t *testing.T) {
	e, clock := clockedEnv(t, accountsNow, sandbox.Options{})
	c, conn := connectedAccount(t, e, clock.Now())
	body, err := json.Marshal(map[string]any{"accountId": "acc-1", "transactions": []any{
		bankTransaction("t1", "2025-06-01", 5, 104.99)}})
	if err != nil {
		t.Fatal(err)
	}
	key := uuid.NewString()
	first := e.call(http.MethodPost, pushPath(c.ID, conn.ID, "acc-1"), body, "Idempotency-Key", key).expect(t, http.StatusOK)
	second := e.call(http.MethodPost, pushPath(c.ID, conn.ID, "acc-1"), body, "Idempotency-Key", key).expect(t, http.StatusOK)
	if string(first.body) != string(second.body) {
		t.Errorf("replay differs:\n%s\n%s", first.body, second.body)
	}
	if txs, _ := e.sb.BankTransactions(c.ID, conn.ID, "acc-1"); len(txs) != 1 {
		t.Errorf("%d transactions after a replayed write, want 1", len(txs))
	}
}

// firstOf returns the first element of s, or nil when it is empty.
func firstOf(s []any) any {
	if len(s) == 0 {
		return nil
	}
	return s[0]
}
