package codat

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
)

func TestCreateSourceAccounts(t *testing.T) {
	const created = `{"sourceAccountId":"a1","result":{"statusCode":201,"account":{"id":"a1","accountName":"One","accountType":"checking","accountNumber":"1","currency":"GBP","balance":1.50,"status":"pending"}}}`
	const conflict = `{"sourceAccountId":"a2","result":{"statusCode":"409","error":"A bank account already exists with the same Id"}}`
	rec := newRecorder(t,
		reply(http.StatusCreated, `[`+created+`]`),
		reply(http.StatusMultiStatus, `[`+created+`,`+conflict+`]`),
		reply(http.StatusConflict, `[`+conflict+`]`),
		reply(http.StatusConflict, `{"statusCode":409,"service":"PublicApi","error":"A request with this Idempotency-Key is in progress","correlationId":"c409"}`),
		reply(http.StatusBadRequest, `{"statusCode":400,"service":"PublicApi","error":"Error processing request - not valid.","correlationId":"c400","validation":{"errors":[{"itemId":"[1].sortCode","message":"'sortCode' is required for GBP bank accounts.","validatorName":"Required"}]}}`),
	)
	c := newTestClient(t, rec.srv)
	ctx := context.Background()
	accounts := []SourceAccount{{ID: "a1", AccountName: "One", AccountType: "checking", AccountNumber: "1", Currency: "GBP", Balance: "1.50"},
		{ID: "a2", AccountName: "Two", AccountType: "Debit", Currency: "GBP"}}

	got, err := c.CreateSourceAccounts(ctx, "co", "cn", accounts[:1])
	if err != nil || len(got) != 1 || !got["a1"].Created() || got["a1"].Account.Balance != "1.50" {
		t.Fatalf("201: %+v, %v", got, err)
	}
	req := rec.all()[0]
	if req.Method != http.MethodPost || req.Path != "/companies/co/connections/cn/connectionInfo/bankFeedAccounts/batch" ||
		req.Header.Get("Idempotency-Key") == "" {
		t.Errorf("request %+v", req)
	}
	var body []map[string]any
	if err := json.Unmarshal([]byte(req.Body), &body); err != nil || len(body) != 1 || body[0]["id"] != "a1" {
		t.Errorf("body %s: %v", req.Body, err)
	}

	got, err = c.CreateSourceAccounts(ctx, "co", "cn", accounts)
	if err != nil || !got["a1"].Created() || got["a2"].Created() || got["a2"].StatusCode != 409 {
		t.Fatalf("207: %+v, %v", got, err)
	}
	itemErr := got["a2"].ItemError("co", "cn", "a2")
	var bie *BatchItemError
	if !errors.As(itemErr, &bie) || bie.AccountID != "a2" ||
		itemErr.Error() != `Codat API: POST /companies/co/connections/cn/connectionInfo/bankFeedAccounts/batch returned 409 Conflict for source account "a2": A bank account already exists with the same Id` {
		t.Errorf("item error %v", itemErr)
	}
	// Codat's 409 with the items' results is an answer; its 409 for a key in flight is an error.
	got, err = c.CreateSourceAccounts(ctx, "co", "cn", accounts[1:])
	if err != nil || got["a2"].StatusCode != 409 || got["a2"].Error == "" {
		t.Fatalf("409 with results: %+v, %v", got, err)
	}
	if _, err := c.CreateSourceAccounts(ctx, "co", "cn", accounts[1:]); !hasStatus(err, http.StatusConflict) {
		t.Fatalf("409 for a key in flight: %v", err)
	}
	_, err = c.CreateSourceAccounts(ctx, "co", "cn", accounts)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || len(apiErr.ValidationErrors) != 1 {
		t.Fatalf("400: %v", err)
	}
}
