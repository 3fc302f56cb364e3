package sandbox_test

import (
	"net/http"
	"testing"

	"github.com/terraform-codat/terraform-provider-codat/internal/contract"
	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

// batchItem is one entry of the batch create's answer; statusCode is a number for a created account and a string
// for an error (BF SourceAccountV2BatchCreateResponse, SourceAccountBatchErrorResponse).
type batchItem struct {
	SourceAccountID string `json:"sourceAccountId"`
	Result          struct {
		StatusCode any            `json:"statusCode"`
		Error      *string        `json:"error"`
		Account    map[string]any `json:"account"`
	} `json:"result"`
}

func batchPath(companyID, connectionID string) string {
	return accountsPath(companyID, connectionID) + "/batch"
}

// The batch create answers 201 when every account is created, 207 when some are, 409 when none is, with one
// result per account in the order sent; an invalid account refuses the whole batch with 400, naming it by index.
// Every exchange is checked against Codat's Bank Feeds API description.
func TestSourceAccountsBatch(t *testing.T) {
	clock := sandbox.NewClock(accountsNow)
	checker := contract.ForTest(t)
	sb := sandbox.New(sandbox.Options{Now: clock.Now})
	e := serve(t, sb, checker.Wrap)
	c, conn := e.xeroConnection()
	path := batchPath(c.ID, conn.ID)

	var items []batchItem
	e.call(http.MethodPost, path, []any{gbpAccount("a1"), gbpAccount("a2")}).expect(t, http.StatusCreated).decode(t, &items)
	if len(items) != 2 || items[0].SourceAccountID != "a1" || items[1].SourceAccountID != "a2" {
		t.Fatalf("items %+v", items)
	}
	for _, it := range items {
		if it.Result.StatusCode != float64(201) || it.Result.Error != nil || it.Result.Account["id"] != it.SourceAccountID ||
			it.Result.Account["status"] != "pending" || it.Result.Account["accountType"] != "checking" {
			t.Errorf("created item %+v", it)
		}
	}
	if got := sb.SourceAccounts(c.ID, conn.ID); len(got) != 2 {
		t.Fatalf("the connection holds %d accounts, want 2", len(got))
	}

	// One new, one the connection has, and one repeated within the batch: 207.
	items = nil
	e.call(http.MethodPost, path, []any{gbpAccount("a3"), gbpAccount("a1"), gbpAccount("a3")}).
		expect(t, http.StatusMultiStatus).decode(t, &items)
	if len(items) != 3 || items[0].Result.StatusCode != float64(201) {
		t.Fatalf("items %+v", items)
	}
	for _, it := range items[1:] {
		if it.Result.StatusCode != "409" || it.Result.Error == nil || *it.Result.Error != "A bank account already exists with the same Id" ||
			it.Result.Account != nil {
			t.Errorf("conflicting item %+v", it)
		}
	}
	// Nothing new: 409 with the items' errors.
	items = nil
	e.call(http.MethodPost, path, []any{gbpAccount("a1"), gbpAccount("a2")}).expect(t, http.StatusConflict).decode(t, &items)
	if len(items) != 2 || items[0].Result.StatusCode != "409" || items[1].Result.StatusCode != "409" {
		t.Errorf("items %+v", items)
	}

	// An account the single create would refuse refuses the whole batch; nothing is created.
	noSortCode := gbpAccount("a4")
	delete(noSortCode, "sortCode")
	e.call(http.MethodPost, path, []any{gbpAccount("a5"), noSortCode}).validationError(t, "[1].sortCode")
	unchecked := serve(t, sb, nil)
	unchecked.call(http.MethodPost, path, map[string]any{"id": "a6"}).validationError(t, "body")
	unchecked.call(http.MethodPost, path, []any{}).validationError(t, "body")
	if got := sb.SourceAccounts(c.ID, conn.ID); len(got) != 3 {
		t.Errorf("the connection holds %d accounts after refused batches, want 3", len(got))
	}
	e.call(http.MethodPost, batchPath(c.ID, "00000000-0000-0000-0000-000000000000"), []any{gbpAccount("a7")}).apiError(t, http.StatusNotFound)

	for _, v := range checker.Violations() {
		t.Errorf("violation: %s", v)
	}
}

// A client on v1 source accounts (integrated before 2024-08-01, CODAT-FACTS C6) batches v1 bodies and gets v1
// accounts back.
func TestSourceAccountsBatchV1(t *testing.T) {
	e, checker, _ := v1Env(t)
	c, conn := e.xeroConnection()
	debit := map[string]any{"id": "d1", "accountName": "Current", "accountType": "Debit", "accountNumber": "1",
		"sortCode": "123456", "currency": "GBP", "balance": 1}
	credit := map[string]any{"id": "c1", "accountName": "Card", "accountType": "Credit", "accountNumber": "2",
		"sortCode": "123456", "currency": "GBP", "balance": -2}
	var items []batchItem
	e.call(http.MethodPost, batchPath(c.ID, conn.ID), []any{debit, credit}).expect(t, http.StatusCreated).decode(t, &items)
	if len(items) != 2 || items[0].Result.Account["accountType"] != "Debit" || items[1].Result.Account["accountType"] != "Credit" {
		t.Fatalf("items %+v", items)
	}
	if _, ok := items[0].Result.Account["routingInfo"]; ok {
		t.Errorf("a v1 account with routingInfo: %v", items[0].Result.Account)
	}
	// A v2 member refuses the batch, as it refuses the single create.
	unchecked := serve(t, e.sb, nil)
	withRouting := map[string]any{"id": "x", "routingInfo": map[string]any{"bankCode": "1"}}
	unchecked.call(http.MethodPost, batchPath(c.ID, conn.ID), []any{withRouting}).validationError(t, "[0].routingInfo")
	for _, v := range checker.Violations() {
		t.Errorf("violation: %s", v)
	}
}
