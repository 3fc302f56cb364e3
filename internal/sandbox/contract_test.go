package sandbox_test

import (
	"encoding/base64"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/terraform-codat/terraform-provider-codat/internal/contract"
	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

// TestContract drives every operation of the sandbox through the contract checker, with its
// successful answers and the errors Codat's files describe for it, and expects no violation.
func TestContract(t *testing.T) {
	checker := contract.ForTest(t)
	clock := sandbox.NewClock(mappingNow)
	sb := sandbox.New(sandbox.Options{Now: clock.Now, ProductsProgramme: true})
	entered, release := sb.HoldRequests(sandbox.RouteCreateConnection)
	defer release()
	e := serve(t, sb, checker.Wrap)

	// Companies.
	var company companyOut
	e.call(http.MethodPost, "/companies", map[string]any{"name": "Contract Ltd", "description": "d", "tags": map[string]string{"region": "uk"}}).
		expect(t, http.StatusOK).decode(t, &company)
	c := company.ID
	e.call(http.MethodGet, "/companies?page=1&pageSize=10&orderBy=-name&query=name%3DContract%20Ltd", nil).expect(t, http.StatusOK)
	e.call(http.MethodGet, "/companies?pageSize=5000&tags=region%3Duk", nil).expect(t, http.StatusOK)
	e.call(http.MethodGet, "/companies?tags=region%3Euk", nil).apiError(t, http.StatusBadRequest)
	e.call(http.MethodGet, "/companies/"+c, nil).expect(t, http.StatusOK)
	e.call(http.MethodPut, "/companies/"+c, map[string]any{"name": "Contract Ltd", "tags": map[string]string{"tier": "gold"}}).expect(t, http.StatusOK)
	e.call(http.MethodPut, "/companies/"+c+"/products/bank-feeds", nil).expect(t, http.StatusNoContent)
	e.call(http.MethodPut, "/companies/"+c+"/products/lending", nil).expect(t, http.StatusNoContent)
	e.call(http.MethodDelete, "/companies/"+c+"/products/lending", nil).expect(t, http.StatusNoContent)

	// Connections, with a request held in flight to meet its idempotent retry.
	key := uuid.NewString()
	var wg sync.WaitGroup
	var conn connectionOut
	wg.Go(func() {
		resp, err := e.try(http.MethodPost, "/companies/"+c+"/connections", map[string]any{"platformKey": "gbol"}, "Idempotency-Key", key)
		if err != nil || resp.status != http.StatusOK {
			t.Errorf("create connection: %v %+v", err, resp)
			return
		}
		resp.decode(t, &conn)
	})
	<-entered
	e.call(http.MethodPost, "/companies/"+c+"/connections", map[string]any{"platformKey": "gbol"}, "Idempotency-Key", key).apiError(t, http.StatusConflict)
	release()
	wg.Wait()
	cn := "/companies/" + c + "/connections/" + conn.ID
	e.call(http.MethodGet, "/companies/"+c+"/connections?pageSize=5", nil).expect(t, http.StatusOK)
	e.call(http.MethodGet, cn, nil).expect(t, http.StatusOK)
	e.call(http.MethodGet, "/companies/"+c, nil).expect(t, http.StatusOK)
	spare := e.createConnection(c, "dfxm")
	e.call(http.MethodDelete, "/companies/"+c+"/connections/"+spare.ID, nil).expect(t, http.StatusOK)

	// Source accounts, before and after the SMB user links Xero.
	accounts := cn + "/connectionInfo/bankFeedAccounts"
	full := gbpAccount("acc-1")
	full["routingInfo"] = map[string]any{"bankCode": "040004", "type": "sortcode"}
	full["accountInfo"] = map[string]any{"description": "main", "nickname": "m", "accountOpenDate": "2023-05-06", "availableBalance": 10.5}
	full["modifiedDate"] = "2025-06-01T00:00:00Z"
	e.call(http.MethodPost, accounts, full).expect(t, http.StatusOK)
	e.call(http.MethodPost, accounts, gbpAccount("acc-2")).expect(t, http.StatusOK)
	e.call(http.MethodPost, accounts, map[string]any{"id": "acc-usd", "accountName": "USD", "accountType": "creditCard", "accountNumber": "9", "currency": "USD", "balance": -5}).expect(t, http.StatusOK)
	e.call(http.MethodPost, accounts, gbpAccount("acc-tmp")).expect(t, http.StatusOK)
	batch := accounts + "/batch"
	e.call(http.MethodPost, batch, []any{gbpAccount("acc-b1"), gbpAccount("acc-b2")}).expect(t, http.StatusCreated)
	e.call(http.MethodPost, batch, []any{gbpAccount("acc-b1"), gbpAccount("acc-b3")}).expect(t, http.StatusMultiStatus)
	e.call(http.MethodPost, batch, []any{gbpAccount("acc-b1")}).expect(t, http.StatusConflict)
	e.call(http.MethodPost, batch, []any{gbpAccount("acc-b4"), map[string]any{"id": "acc-b5", "accountName": "x", "accountType": "loan", "accountNumber": "1", "currency": "ZZZ", "balance": 1}}).validationError(t, "[1].currency")
	e.call(http.MethodGet, accounts, nil).expect(t, http.StatusOK)
	e.call(http.MethodPatch, accounts+"/acc-2", map[string]any{"id": "acc-2", "accountName": "Renamed", "balance": 10}, "Idempotency-Key", uuid.NewString()).expect(t, http.StatusOK)
	e.call(http.MethodDelete, accounts+"/acc-tmp", nil).expect(t, http.StatusNoContent)
	mapping := cn + "/bankFeedAccounts/mapping"
	info := cn + "/bankFeeds/info"
	e.call(http.MethodGet, mapping, nil).expect(t, http.StatusOK)
	e.call(http.MethodPost, mapping, map[string]any{"sourceAccountId": "acc-1"}).apiError(t, http.StatusBadRequest)
	e.call(http.MethodGet, info, nil).apiError(t, http.StatusBadRequest)
	if err := sb.AuthorizeConnection(c, conn.ID); err != nil {
		t.Fatal(err)
	}
	e.call(http.MethodGet, info, nil).expect(t, http.StatusOK)
	e.call(http.MethodGet, mapping, nil).expect(t, http.StatusOK)
	targets := sb.TargetAccounts(c, conn.ID)
	e.call(http.MethodPost, mapping, map[string]any{"sourceAccountId": "acc-1", "targetAccountId": targets[0].ID, "feedStartDate": "2025-06-01T00:00:00Z"}).expect(t, http.StatusOK)
	e.call(http.MethodPost, mapping, map[string]any{"sourceAccountId": "acc-usd", "targetAccountId": nil}).expect(t, http.StatusOK)
	e.call(http.MethodPost, mapping, map[string]any{"sourceAccountId": "acc-2", "targetAccountId": targets[0].ID}).expect(t, http.StatusOK)
	e.call(http.MethodPost, mapping, map[string]any{"sourceAccountId": "acc-2", "feedStartDate": "next week"}).validationError(t, "feedStartDate")
	e.call(http.MethodGet, mapping, nil).expect(t, http.StatusOK)
	e.call(http.MethodGet, accounts, nil).expect(t, http.StatusOK)
	push := cn + "/push/bankAccounts/acc-usd/bankTransactions"
	pushed := map[string]any{"accountId": "acc-usd", "transactions": []any{bankTransaction("t1", mappingNow.Format("2006-01-02"), 12.5, 7.5)}}
	e.call(http.MethodPost, push+"?timeoutInMinutes=10", pushed).expect(t, http.StatusOK)
	e.call(http.MethodPatch, accounts+"/acc-1", map[string]any{"id": "acc-1", "status": "disconnected"}).expect(t, http.StatusOK)
	if err := sb.SetBankFeedsSupported(c, conn.ID, false); err != nil {
		t.Fatal(err)
	}
	e.call(http.MethodPost, mapping, map[string]any{"sourceAccountId": "acc-2"}).expect(t, http.StatusForbidden)

	// Source-account rules the schema cannot express.
	e.call(http.MethodPost, accounts, gbpAccount("acc-1")).validationError(t, "id")
	noSortCode := gbpAccount("acc-3")
	delete(noSortCode, "sortCode")
	e.call(http.MethodPost, accounts, noSortCode).validationError(t, "sortCode")
	e.call(http.MethodPost, accounts, map[string]any{"id": "acc-4", "accountName": "x", "accountType": "loan", "accountNumber": "1", "currency": "ZZZ", "balance": 1}).validationError(t, "currency")
	e.call(http.MethodPatch, accounts+"/acc-2", map[string]any{"id": "acc-2", "status": "connected"}).validationError(t, "status")
	e.call(http.MethodPatch, accounts+"/acc-usd", map[string]any{"id": "acc-usd", "balance": 1}).validationError(t, "balance")

	// Idempotency: a reused key with another body.
	reused := uuid.NewString()
	e.call(http.MethodPost, "/companies", map[string]any{"name": "Once"}, "Idempotency-Key", reused).expect(t, http.StatusOK)
	e.call(http.MethodPost, "/companies", map[string]any{"name": "Once"}, "Idempotency-Key", reused).expect(t, http.StatusOK)
	e.call(http.MethodPost, "/companies", map[string]any{"name": "Twice"}, "Idempotency-Key", reused).apiError(t, http.StatusUnprocessableEntity)
	e.call(http.MethodPatch, accounts+"/acc-2", map[string]any{"id": "acc-2", "accountName": "Again"}, "Idempotency-Key", reused).apiError(t, http.StatusUnprocessableEntity)
	e.call(http.MethodPost, "/companies", map[string]any{"name": "x"}, "Idempotency-Key", "not-a-guid").validationError(t, "Idempotency-Key")

	// Integrations and their settings.
	e.call(http.MethodGet, "/integrations?pageSize=2&page=2", nil).expect(t, http.StatusOK)
	e.call(http.MethodGet, "/integrations/gbol", nil).expect(t, http.StatusOK)
	e.call(http.MethodGet, "/integrations/credentials/gbol", nil).expect(t, http.StatusOK)
	e.call(http.MethodPut, "/integrations/credentials/gbol", map[string]string{"clientId": "ABCDEF0123456789", "clientSecret": "secret-value"}).expect(t, http.StatusOK)
	e.call(http.MethodGet, "/integrations/credentials/gbol", nil).expect(t, http.StatusOK)
	e.call(http.MethodDelete, "/integrations/credentials/gbol", nil).expect(t, http.StatusOK)
	e.call(http.MethodPut, "/integrations/gbol/enabled", map[string]any{"enabled": true}).expect(t, http.StatusOK)
	e.call(http.MethodGet, "/settings/integrations/"+xeroIntegrationID, nil).expect(t, http.StatusOK)
	e.call(http.MethodPatch, "/settings/integrations/"+xeroIntegrationID, map[string]any{"oneTimeSync": "True"}).expect(t, http.StatusOK)
	// The legacy routes describe 400 and 404 only (legacy/Codat-Legacy-Integration-Settings.json).
	e.call(http.MethodPatch, "/settings/integrations/"+xeroIntegrationID, map[string]any{"oneTimeSync": "maybe"}).validationError(t, "oneTimeSync")
	e.call(http.MethodPatch, "/settings/integrations/"+uuid.NewString(), map[string]any{"oneTimeSync": "False"}).apiError(t, http.StatusNotFound)
	e.call(http.MethodGet, "/settings/integrations/"+uuid.NewString(), nil).apiError(t, http.StatusNotFound)
	e.call(http.MethodPut, "/integrations/zzzz/enabled", map[string]any{"enabled": true}).apiError(t, http.StatusNotFound)

	// Webhook consumers.
	var consumer consumerOut
	e.call(http.MethodPost, "/webhooks", map[string]any{"url": "https://example.com/codat", "eventTypes": []string{"connection.connected"},
		"companyTags": []string{"region:uk"}, "disabled": true}).expect(t, http.StatusCreated).decode(t, &consumer)
	e.call(http.MethodGet, "/webhooks", nil).expect(t, http.StatusOK)
	e.call(http.MethodPost, "/webhooks", map[string]any{"url": "https://example.com/codat"}).validationError(t, "eventTypes")
	e.call(http.MethodDelete, "/webhooks/"+consumer.ID, nil).expect(t, http.StatusNoContent)

	// Malformed queries.
	for _, path := range []string{"/companies", "/companies/" + c + "/connections", "/integrations"} {
		e.call(http.MethodGet, path+"?query=colour%3Dred", nil).apiError(t, http.StatusBadRequest)
		e.call(http.MethodGet, path+"?orderBy=colour", nil).apiError(t, http.StatusBadRequest)
	}

	// Every operation described with errors (the Partners API's credentials endpoints describe
	// only 200): 401 with a key Codat does not know, 404 for an unknown parent, and injected
	// 429, 500 and 503.
	unknown := "/companies/" + uuid.NewString()
	ops := []struct {
		route, path, missing string
		body                 any
	}{
		{sandbox.RouteListCompanies, "/companies", "", nil},
		{sandbox.RouteCreateCompany, "/companies", "", map[string]any{"name": "x"}},
		{sandbox.RouteGetCompany, "/companies/" + c, unknown, nil},
		{sandbox.RouteReplaceCompany, "/companies/" + c, unknown, map[string]any{"name": "x"}},
		{sandbox.RouteDeleteCompany, "/companies/" + c, unknown, nil},
		{sandbox.RouteAddProduct, "/companies/" + c + "/products/lending", "/companies/" + c + "/products/nope", nil},
		{sandbox.RouteRemoveProduct, "/companies/" + c + "/products/lending", unknown + "/products/lending", nil},
		{sandbox.RouteListConnections, "/companies/" + c + "/connections", unknown + "/connections", nil},
		{sandbox.RouteCreateConnection, "/companies/" + c + "/connections", "/companies/" + c + "/connections", map[string]any{"platformKey": "zzzz"}},
		{sandbox.RouteGetConnection, cn, unknown + "/connections/" + conn.ID, nil},
		{sandbox.RouteDeleteConnection, cn, "/companies/" + c + "/connections/" + uuid.NewString(), nil},
		{sandbox.RouteCreateSourceAccount, accounts, unknown + "/connections/" + conn.ID + "/connectionInfo/bankFeedAccounts", gbpAccount("z")},
		{sandbox.RouteCreateSourceAccountsBatch, batch, unknown + "/connections/" + conn.ID + "/connectionInfo/bankFeedAccounts/batch", []any{gbpAccount("z")}},
		{sandbox.RouteListSourceAccounts, accounts, unknown + "/connections/" + conn.ID + "/connectionInfo/bankFeedAccounts", nil},
		{sandbox.RouteUpdateSourceAccount, accounts + "/acc-2", accounts + "/nope", map[string]any{"id": "nope"}},
		{sandbox.RouteDeleteSourceAccount, accounts + "/acc-2", accounts + "/nope", nil},
		{sandbox.RouteGetMappings, mapping, unknown + "/connections/" + conn.ID + "/bankFeedAccounts/mapping", nil},
		{sandbox.RouteCreateMapping, mapping, unknown + "/connections/" + conn.ID + "/bankFeedAccounts/mapping", map[string]any{"sourceAccountId": "acc-2"}},
		{sandbox.RouteGetCompanyInformation, info, "/companies/" + c + "/connections/" + uuid.NewString() + "/bankFeeds/info", nil},
		{sandbox.RoutePushBankTransactions, push, cn + "/push/bankAccounts/nope/bankTransactions", pushed},
		{sandbox.RouteListWebhookConsumers, "/webhooks", "", nil},
		{sandbox.RouteCreateWebhookConsumer, "/webhooks", "", map[string]any{"url": "https://example.com", "eventTypes": []string{"connection.connected"}}},
		{sandbox.RouteDeleteWebhookConsumer, "/webhooks/" + consumer.ID, "/webhooks/" + uuid.NewString(), nil},
		{sandbox.RouteListIntegrations, "/integrations", "", nil},
		{sandbox.RouteGetIntegration, "/integrations/gbol", "/integrations/zzzz", nil},
	}
	wrongKey := "Basic " + base64.StdEncoding.EncodeToString([]byte("not-the-key"))
	for _, op := range ops {
		method, _, _ := strings.Cut(op.route, " ")
		e.call(method, op.path, op.body, "Authorization", wrongKey).apiError(t, http.StatusUnauthorized)
		if op.missing != "" {
			e.call(method, op.missing, op.body).apiError(t, http.StatusNotFound)
		}
		for _, f := range []struct {
			kind   sandbox.FaultKind
			status int
		}{{sandbox.Fault429, 429}, {sandbox.Fault500, 500}, {sandbox.Fault503, 503}} {
			sb.InjectFault(op.route, f.kind, 1)
			e.call(method, op.path, op.body).apiError(t, f.status)
		}
	}

	// Deleting last, once nothing else needs the objects.
	e.call(http.MethodDelete, accounts+"/acc-usd", nil).expect(t, http.StatusNoContent)
	e.call(http.MethodDelete, cn, nil).expect(t, http.StatusOK)
	e.call(http.MethodDelete, "/companies/"+c, nil).expect(t, http.StatusNoContent)

	// The daily quota and the concurrency limit answer 429 as well.
	quota := serve(t, sandbox.New(sandbox.Options{DailyQuota: 1}), checker.Wrap)
	quota.call(http.MethodGet, "/integrations", nil).expect(t, http.StatusOK)
	quota.call(http.MethodGet, "/integrations", nil).apiError(t, http.StatusTooManyRequests)
	quota.call(http.MethodPost, "/companies", map[string]any{"name": "x"}, "Idempotency-Key", uuid.NewString()).apiError(t, http.StatusTooManyRequests)

	for _, v := range checker.Violations() {
		t.Errorf("violation: %s", v)
	}
	checked := checker.Checked()
	for _, route := range sb.Routes() {
		if checked[route] == 0 {
			t.Errorf("%s was not validated against the OpenAPI files", route)
		}
	}
	if len(sb.Routes()) != len(checked) {
		t.Errorf("checked operations %v, sandbox routes %v", checked, sb.Routes())
	}
}
