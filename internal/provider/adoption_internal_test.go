package provider

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/terraform-codat/terraform-provider-codat/internal/codat"
)

// fakeCodat answers a create with a 500 (which Codat stores for the key) and the lists with fixed bodies.
func fakeCodat(t *testing.T, lists map[string]string) (*providerData, *atomic.Int32) {
	t.Helper()
	var creates atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodPost {
			creates.Add(1)
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte(`{"statusCode":500,"error":"There is a problem with our server."}`))
			return
		}
		body, ok := lists[r.URL.Path]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"statusCode":404,"error":"not found"}`))
			return
		}
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	client, err := codat.NewClient(codat.Config{BaseURL: srv.URL, APIKey: "k", MaxRetries: 2,
		RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return &providerData{client: client}, &creates
}

func page(items ...string) string {
	return `{"results":[` + strings.Join(items, ",") + `],"pageNumber":1,"pageSize":100,"totalResults":` +
		strconv.Itoa(len(items)) + `,"_links":{"self":{"href":"/"},"current":{"href":"/"}}}`
}

// A source account with the configured id but other fields is not the one the create made: nothing is adopted,
// nothing is created again, and the error says how it differs and how to import it.
func TestCreateSourceAccountDoesNotAdoptADifferentAccount(t *testing.T) {
	d, creates := fakeCodat(t, map[string]string{
		"/companies/c1/connections/k1/connectionInfo/bankFeedAccounts": `[{"id":"a1","accountName":"Someone else's",
			"accountType":"checking","accountNumber":"1","currency":"GBP","balance":5}]`,
	})
	_, err := d.createSourceAccount(context.Background(), connectionKey{"c1", "k1"}, codat.SourceAccount{
		ID: "a1", AccountName: "Mine", AccountType: "checking", AccountNumber: "1", Currency: "GBP", Balance: "5"})
	if err == nil || creates.Load() != 1 {
		t.Fatalf("error %v after %d creates, want an error after one", err, creates.Load())
	}
	for _, want := range []string{`account_name "Someone else's", not "Mine"`, "terraform import '<address>' c1/k1/a1",
		"has an unknown outcome"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}

	// The same fields (a different balance does not count: pushed transactions move it) are the account it made.
	d, creates = fakeCodat(t, map[string]string{
		"/companies/c1/connections/k1/connectionInfo/bankFeedAccounts": `[{"id":"a1","accountName":"Mine",
			"accountType":"checking","accountNumber":"1","currency":"GBP","balance":7}]`,
	})
	got, err := d.createSourceAccount(context.Background(), connectionKey{"c1", "k1"}, codat.SourceAccount{
		ID: "a1", AccountName: "Mine", AccountType: "checking", AccountNumber: "1", Currency: "GBP", Balance: "5"})
	if err != nil || got.ID != "a1" || creates.Load() != 1 {
		t.Errorf("adopt = %+v, %v after %d creates", got, err, creates.Load())
	}
}

// Since 2026-04-15 a connection may come without integrationKey (C3): its integrationId decides whether it is of
// the platform asked for. A connection of another platform is never a candidate.
func TestCreateConnectionMatchesPlatformByIntegrationID(t *testing.T) {
	now := time.Now().UTC().Format(time.RFC3339)
	conn := func(id, key, integrationID string) string {
		return `{"id":"` + id + `","integrationKey":"` + key + `","integrationId":"` + integrationID +
			`","sourceId":"s","platformName":"P","linkUrl":"https://l","status":"PendingAuth","created":"` + now + `","sourceType":"Accounting"}`
	}
	d, creates := fakeCodat(t, map[string]string{
		"/companies/c1/connections": page(conn("other", "", "id-of-qbo"), conn("ours", "", "id-of-xero")),
		"/integrations/gbol":        `{"key":"gbol","name":"Xero","integrationId":"id-of-xero","sourceId":"s","sourceType":"Accounting","enabled":true}`,
	})
	got, err := d.createConnection(context.Background(), "c1", "gbol")
	if err != nil || got.ID != "ours" || creates.Load() != 1 {
		t.Fatalf("connection = %+v, %v after %d creates; want the Xero one adopted", got, err, creates.Load())
	}
	// Adopted once: another resource of the same run never adopts it again.
	if !d.claims.claimed("connection c1/ours") {
		t.Error("the adopted connection is not claimed")
	}
	_, err = d.createConnection(context.Background(), "c1", "gbol")
	if err == nil || !strings.Contains(err.Error(), "made nothing") || creates.Load() != 4 {
		t.Errorf("second create: %v after %d creates; want the claimed connection left alone, created again up to "+
			"max_retries and then an error", err, creates.Load())
	}
}
