package sandbox_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/terraform-codat/terraform-provider-codat/internal/contract"
	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

type consumerOut struct {
	ID          string   `json:"id"`
	URL         string   `json:"url"`
	Disabled    bool     `json:"disabled"`
	EventTypes  []string `json:"eventTypes"`
	CompanyTags []string `json:"companyTags"`
}

func TestWebhookConsumers(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	var created consumerOut
	e.call(http.MethodPost, "/webhooks", map[string]any{
		"url":         "https://example.com/codat",
		"eventTypes":  []string{"connection.connected"},
		"companyTags": []string{"region:uk"},
	}).expect(t, http.StatusCreated).decode(t, &created)
	if _, err := uuid.Parse(created.ID); err != nil || created.URL != "https://example.com/codat" || created.Disabled ||
		!slices.Equal(created.EventTypes, []string{"connection.connected"}) || !slices.Equal(created.CompanyTags, []string{"region:uk"}) {
		t.Fatalf("created %+v", created)
	}
	bare := e.call(http.MethodPost, "/webhooks", map[string]any{"url": "http://127.0.0.1:9/h", "eventTypes": []string{"x"}, "disabled": true}).
		expect(t, http.StatusCreated).object(t)
	if _, hasTags := bare["companyTags"]; hasTags || bare["disabled"] != true {
		t.Errorf("a consumer without company tags: %v", bare)
	}

	var list struct {
		Results []consumerOut `json:"results"`
	}
	e.call(http.MethodGet, "/webhooks", nil).expect(t, http.StatusOK).decode(t, &list)
	if len(list.Results) != 2 || list.Results[0].ID != created.ID || list.Results[1].ID != bare["id"] {
		t.Fatalf("list %+v", list)
	}
	if secret := e.sb.WebhookConsumers()[0].SigningSecret; !strings.HasPrefix(secret, "whsec_") || strings.Contains(string(e.call(http.MethodGet, "/webhooks", nil).body), secret) {
		t.Errorf("signing secret %q must exist and never be answered", secret)
	}

	tooMany := make([]string, 11)
	for i := range tooMany {
		tooMany[i] = fmt.Sprintf("k%d:v", i)
	}
	for field, body := range map[string]map[string]any{
		"url":            {"eventTypes": []string{"connection.connected"}},
		"eventTypes":     {"url": "https://example.com"},
		"companyTags":    {"url": "https://example.com", "eventTypes": []string{"a"}, "companyTags": tooMany},
		"companyTags[0]": {"url": "https://example.com", "eventTypes": []string{"a"}, "companyTags": []string{"k:" + strings.Repeat("é", 127)}},
		"disabled":       {"url": "https://example.com", "eventTypes": []string{"a"}, "disabled": "no"},
	} {
		t.Run("invalid "+field, func(t *testing.T) {
			e.call(http.MethodPost, "/webhooks", body).validationError(t, field)
		})
	}
	for _, body := range []map[string]any{
		{"url": "/relative", "eventTypes": []string{"a"}},
		{"url": "ftp://example.com", "eventTypes": []string{"a"}},
		{"url": "https://example.com", "eventTypes": []string{}},
	} {
		e.call(http.MethodPost, "/webhooks", body).apiError(t, http.StatusBadRequest)
	}
	// 128 characters are allowed however many bytes they take.
	e.call(http.MethodPost, "/webhooks", map[string]any{"url": "https://example.com", "eventTypes": []string{"a"},
		"companyTags": []string{"k:" + strings.Repeat("é", 126)}}).expect(t, http.StatusCreated)

	e.call(http.MethodDelete, "/webhooks/"+created.ID, nil).expect(t, http.StatusNoContent)
	e.call(http.MethodDelete, "/webhooks/"+created.ID, nil).apiError(t, http.StatusNotFound)
	if n := len(e.sb.WebhookConsumers()); n != 2 {
		t.Fatalf("%d consumers after the delete, want 2", n)
	}

	for range 48 {
		e.call(http.MethodPost, "/webhooks", map[string]any{"url": "https://example.com", "eventTypes": []string{"a"}}).expect(t, http.StatusCreated)
	}
	e.call(http.MethodPost, "/webhooks", map[string]any{"url": "https://example.com", "eventTypes": []string{"a"}}).apiError(t, http.StatusBadRequest)
	if n := len(e.sb.WebhookConsumers()); n != 50 {
		t.Errorf("%d consumers, want the limit of 50", n)
	}
}

// receiver records the webhook messages an endpoint receives and answers with the status it is told.
type receiver struct {
	URL string
	mu  sync.Mutex
	got []delivery
	// fail is how many requests still get 500.
	fail int
}

type delivery struct {
	header http.Header
	body   []byte
	event  struct {
		ID            string `json:"id"`
		EventType     string `json:"eventType"`
		GeneratedDate string `json:"generatedDate"`
		Payload       struct {
			ReferenceCompany struct {
				ID   string            `json:"id"`
				Name string            `json:"name"`
				Tags map[string]string `json:"tags"`
			} `json:"referenceCompany"`
			Connection    connectionOut  `json:"connection"`
			ConnectionID  string         `json:"connectionId"`
			SourceAccount map[string]any `json:"sourceAccount"`
		} `json:"payload"`
	}
}

func newReceiver(t *testing.T) *receiver {
	rc := &receiver{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		d := delivery{header: r.Header.Clone(), body: body}
		if err := json.Unmarshal(body, &d.event); err != nil || r.Method != http.MethodPost {
			t.Errorf("%s with body %s: %v", r.Method, body, err)
		}
		rc.mu.Lock()
		defer rc.mu.Unlock()
		rc.got = append(rc.got, d)
		if rc.fail > 0 {
			rc.fail--
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	rc.URL = srv.URL
	return rc
}

func (rc *receiver) deliveries() []delivery {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return slices.Clone(rc.got)
}

// events lists "eventType company-name" of each message received.
func (rc *receiver) events() []string {
	var out []string
	for _, d := range rc.deliveries() {
		out = append(out, d.event.EventType+" "+d.event.Payload.ReferenceCompany.Name)
	}
	return out
}

func flush(t *testing.T, sb *sandbox.Sandbox) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := sb.FlushWebhooks(ctx); err != nil {
		t.Fatalf("flushing webhooks: %v", err)
	}
}

func (e *env) createConsumer(url string, eventTypes, companyTags []string, disabled bool) consumerOut {
	e.t.Helper()
	var c consumerOut
	body := map[string]any{"url": url, "eventTypes": eventTypes, "disabled": disabled}
	if companyTags != nil {
		body["companyTags"] = companyTags
	}
	e.call(http.MethodPost, "/webhooks", body).expect(e.t, http.StatusCreated).decode(e.t, &c)
	return c
}

// Authorising a connection and connecting a source account send connection.connected and
// bankFeeds.sourceAccount.connected to the consumers that take them: subscribed to the event type, enabled,
// and without company tags or with one the company has (case-sensitive). The bodies follow Codat's webhook
// schemas and carry a valid Standard Webhooks signature.
func TestWebhookDelivery(t *testing.T) {
	schemas := contract.WebhooksForTest(t)
	e := newEnv(t, sandbox.Options{})
	both := []string{sandbox.EventConnectionConnected, sandbox.EventSourceAccountConnected}
	ukOnly, everyone, disabled, wrongCase, accountsOnly := newReceiver(t), newReceiver(t), newReceiver(t), newReceiver(t), newReceiver(t)
	ukConsumer := e.createConsumer(ukOnly.URL, both, []string{"region:uk", "team:none"}, false)
	e.createConsumer(everyone.URL, []string{sandbox.EventConnectionConnected}, nil, false)
	e.createConsumer(disabled.URL, both, nil, true)
	e.createConsumer(wrongCase.URL, both, []string{"region:UK"}, false)
	e.createConsumer(accountsOnly.URL, []string{sandbox.EventSourceAccountConnected}, nil, false)

	var uk, us companyOut
	e.call(http.MethodPost, "/companies", map[string]any{"name": "UK Ltd", "tags": map[string]string{"region": "uk"}}).expect(t, http.StatusOK).decode(t, &uk)
	e.call(http.MethodPost, "/companies", map[string]any{"name": "US Inc", "tags": map[string]string{"region": "us"}}).expect(t, http.StatusOK).decode(t, &us)
	ukConn, usConn := e.createConnection(uk.ID, sandbox.XeroPlatformKey), e.createConnection(us.ID, sandbox.XeroPlatformKey)
	e.createAccount(uk.ID, ukConn.ID, gbpAccount("acc-1"))
	flush(t, e.sb)
	if n := len(e.sb.WebhookAttempts()); n != 0 {
		t.Fatalf("%d deliveries before anything was authorised", n)
	}

	for _, c := range []struct{ company, conn string }{{uk.ID, ukConn.ID}, {us.ID, usConn.ID}} {
		if err := e.sb.AuthorizeConnection(c.company, c.conn); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.sb.AuthorizeConnection(uk.ID, ukConn.ID); err != nil { // already linked: no new event
		t.Fatal(err)
	}
	if err := e.sb.MapAccount(uk.ID, ukConn.ID, "acc-1", "", time.Now()); err != nil {
		t.Fatal(err)
	}
	flush(t, e.sb)

	for name, tc := range map[string]struct {
		rc   *receiver
		want []string
	}{
		"company tag":             {ukOnly, []string{"connection.connected UK Ltd", "bankFeeds.sourceAccount.connected UK Ltd"}},
		"no company tags":         {everyone, []string{"connection.connected UK Ltd", "connection.connected US Inc"}},
		"disabled":                {disabled, nil},
		"tags are case-sensitive": {wrongCase, nil},
		"event type":              {accountsOnly, []string{"bankFeeds.sourceAccount.connected UK Ltd"}},
	} {
		if got := tc.rc.events(); !slices.Equal(got, tc.want) {
			t.Errorf("%s: received %q, want %q", name, got, tc.want)
		}
	}

	got := ukOnly.deliveries()
	if len(got) != 2 {
		t.Fatalf("%d deliveries", len(got))
	}
	connected, account := got[0], got[1]
	if c := connected.event.Payload.Connection; c.ID != ukConn.ID || c.Status != sandbox.ConnectionLinked || c.LinkURL != ukConn.LinkURL ||
		connected.event.Payload.ReferenceCompany.ID != uk.ID || connected.event.Payload.ReferenceCompany.Tags["region"] != "uk" {
		t.Errorf("connection.connected payload: %s", connected.body)
	}
	if account.event.Payload.ConnectionID != ukConn.ID || account.event.Payload.SourceAccount["id"] != "acc-1" ||
		account.event.Payload.SourceAccount["status"] != "connected" {
		t.Errorf("bankFeeds.sourceAccount.connected payload: %s", account.body)
	}
	secret := e.sb.WebhookConsumers()[0].SigningSecret
	for _, d := range got {
		if err := schemas.Check(d.event.EventType, d.body); err != nil {
			t.Error(err)
		}
		id, ts := d.header.Get("webhook-id"), d.header.Get("webhook-timestamp")
		if !strings.HasPrefix(id, "msg_") || ts == "" || d.header.Get("Content-Type") != "application/json" {
			t.Errorf("headers %v", d.header)
		}
		if want := sandbox.SignWebhook(secret, id, ts, d.body); d.header.Get("webhook-signature") != want {
			t.Errorf("signature %q, want %q", d.header.Get("webhook-signature"), want)
		}
	}
	// The same message reaches every consumer under one webhook-id.
	if everyone.deliveries()[0].header.Get("webhook-id") != connected.header.Get("webhook-id") {
		t.Error("one message has different webhook-ids for different consumers")
	}
	for _, a := range e.sb.WebhookAttempts() {
		if !a.Delivered() || a.Attempt != 1 {
			t.Errorf("attempt %+v", a)
		}
	}
	if ukConsumer.ID != e.sb.WebhookConsumers()[0].ID {
		t.Fatal("consumer order")
	}
}

// Codat retries failed messages on its schedule, keeps them while a consumer is disabled, drops them when it
// is deleted, and disables a consumer whose attempts all fail for 5 days. Retries fall due by the sandbox's
// clock.
func TestWebhookRetries(t *testing.T) {
	e, clock := clockedEnv(t, mappingNow, sandbox.Options{})
	rc := newReceiver(t)
	rc.fail = 1
	consumer := e.createConsumer(rc.URL, []string{sandbox.EventConnectionConnected}, nil, false)
	c, conn := e.linkedXero()
	flush(t, e.sb)
	if n, pending := len(rc.deliveries()), e.sb.PendingWebhooks(); n != 1 || pending != 1 {
		t.Fatalf("after a failed attempt: %d received, %d pending", n, pending)
	}
	flush(t, e.sb)
	if n := len(rc.deliveries()); n != 1 {
		t.Fatalf("retried before its time: %d attempts", n)
	}
	if err := e.sb.SetWebhookConsumerDisabled(consumer.ID, true); err != nil {
		t.Fatal(err)
	}
	clock.Advance(5 * time.Second)
	flush(t, e.sb)
	if n := len(rc.deliveries()); n != 1 {
		t.Fatalf("a disabled consumer got a retry: %d attempts", n)
	}
	if err := e.sb.SetWebhookConsumerDisabled(consumer.ID, false); err != nil {
		t.Fatal(err)
	}
	flush(t, e.sb)
	got := rc.deliveries()
	if len(got) != 2 || e.sb.PendingWebhooks() != 0 || got[0].header.Get("webhook-id") != got[1].header.Get("webhook-id") || got[0].event.ID != got[1].event.ID {
		t.Fatalf("retry: %d attempts, %d pending", len(got), e.sb.PendingWebhooks())
	}
	attempts := e.sb.WebhookAttempts()
	if attempts[0].StatusCode != 500 || attempts[0].Delivered() || attempts[1].Attempt != 2 || !attempts[1].Delivered() {
		t.Errorf("attempts %+v", attempts)
	}

	// A consumer that fails every attempt: retried on the schedule until disabled after 5 days.
	rc.fail = 1000
	if err := e.sb.SetConnectionStatus(c.ID, conn.ID, sandbox.ConnectionDeauthorized); err != nil {
		t.Fatal(err)
	}
	if err := e.sb.AuthorizeConnection(c.ID, conn.ID); err != nil { // reconnected: not subscribed
		t.Fatal(err)
	}
	flush(t, e.sb)
	if n := len(rc.deliveries()); n != 2 {
		t.Fatalf("a consumer got an event type it is not subscribed to: %d", n)
	}
	if err := e.sb.SetConnectionStatus(c.ID, conn.ID, sandbox.ConnectionPendingAuth); err != nil {
		t.Fatal(err)
	}
	// Linked again after PendingAuth is a reconnection, not a first connection; so make a new connection.
	conn2 := e.createConnection(e.createCompany("Failing Ltd").ID, sandbox.XeroPlatformKey)
	if err := e.sb.AuthorizeConnection(e.sb.Companies()[1].ID, conn2.ID); err != nil {
		t.Fatal(err)
	}
	for _, wait := range []time.Duration{0, 5 * time.Second, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 5 * time.Hour, 10 * time.Hour, 10 * time.Hour} {
		clock.Advance(wait)
		flush(t, e.sb)
	}
	if n := len(rc.deliveries()); n != 2+8 {
		t.Errorf("%d attempts, want 2 before and 8 on the schedule", n-2)
	}
	if e.sb.PendingWebhooks() != 0 {
		t.Errorf("%d messages still pending after the last retry", e.sb.PendingWebhooks())
	}
	if e.sb.WebhookConsumers()[0].Disabled {
		t.Error("disabled after about 28 hours of failures; Codat waits 5 days")
	}
	// Another failing message 5 days on disables the consumer.
	clock.Advance(4 * 24 * time.Hour)
	if err := e.sb.AuthorizeConnection(e.sb.Companies()[0].ID, conn.ID); err != nil {
		t.Fatal(err)
	}
	c3 := e.createCompany("Later Ltd")
	conn3 := e.createConnection(c3.ID, sandbox.XeroPlatformKey)
	if err := e.sb.AuthorizeConnection(c3.ID, conn3.ID); err != nil {
		t.Fatal(err)
	}
	flush(t, e.sb)
	if !e.sb.WebhookConsumers()[0].Disabled {
		t.Error("a consumer whose attempts all failed for 5 days is still enabled")
	}

	// Deleting a consumer drops its scheduled retries.
	if err := e.sb.SetWebhookConsumerDisabled(consumer.ID, false); err != nil {
		t.Fatal(err)
	}
	flush(t, e.sb)
	if e.sb.PendingWebhooks() == 0 {
		t.Fatal("no retry pending")
	}
	e.call(http.MethodDelete, "/webhooks/"+consumer.ID, nil).expect(t, http.StatusNoContent)
	if n := e.sb.PendingWebhooks(); n != 0 {
		t.Errorf("%d retries kept for a deleted consumer", n)
	}
}

// Connection and source-account status changes raise connection.connected, .disconnected and .reconnected,
// and bankFeeds.sourceAccount.connected and .disconnected, once per change.
func TestWebhookStatusEvents(t *testing.T) {
	schemas := contract.WebhooksForTest(t)
	e := newEnv(t, sandbox.Options{})
	rc := newReceiver(t)
	e.createConsumer(rc.URL, []string{
		sandbox.EventConnectionConnected, sandbox.EventConnectionDisconnected, sandbox.EventConnectionReconnected,
		sandbox.EventSourceAccountConnected, sandbox.EventSourceAccountDisconnected,
	}, nil, false)
	c, conn := e.linkedXero()
	e.createAccount(c.ID, conn.ID, gbpAccount("acc-1"))
	e.createAccount(c.ID, conn.ID, gbpAccount("acc-2"))
	step := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	step(e.sb.MapAccount(c.ID, conn.ID, "acc-1", "", time.Now()))
	step(e.sb.MapAccount(c.ID, conn.ID, "acc-2", "", time.Now()))
	step(e.sb.DisconnectAccount(c.ID, conn.ID, "acc-1"))
	step(e.sb.DisconnectAccount(c.ID, conn.ID, "acc-1")) // no change
	e.call(http.MethodPatch, accountsPath(c.ID, conn.ID)+"/acc-2", map[string]any{"id": "acc-2", "status": "disconnected"}).expect(t, http.StatusOK)
	step(e.sb.SetConnectionStatus(c.ID, conn.ID, sandbox.ConnectionDeauthorized))
	step(e.sb.SetConnectionStatus(c.ID, conn.ID, sandbox.ConnectionUnlinked)) // still disconnected
	step(e.sb.AuthorizeConnection(c.ID, conn.ID))
	flush(t, e.sb)
	want := []string{
		"connection.connected Acme Ltd",
		"bankFeeds.sourceAccount.connected Acme Ltd",
		"bankFeeds.sourceAccount.connected Acme Ltd",
		"bankFeeds.sourceAccount.disconnected Acme Ltd",
		"bankFeeds.sourceAccount.disconnected Acme Ltd",
		"connection.disconnected Acme Ltd",
		"connection.reconnected Acme Ltd",
	}
	if got := rc.events(); !slices.Equal(got, want) {
		t.Fatalf("events %q, want %q", got, want)
	}
	for _, d := range rc.deliveries() {
		if err := schemas.Check(d.event.EventType, d.body); err != nil {
			t.Error(err)
		}
	}
	if s := rc.deliveries()[5].event.Payload.Connection.Status; s != sandbox.ConnectionDeauthorized {
		t.Errorf("connection.disconnected carries status %s", s)
	}
}

// With a mapping delay the account connects later; the event comes when the sandbox sees the change.
func TestWebhookAfterMappingDelay(t *testing.T) {
	e, clock := clockedEnv(t, mappingNow, sandbox.Options{MappingDelay: time.Minute})
	rc := newReceiver(t)
	e.createConsumer(rc.URL, []string{sandbox.EventSourceAccountConnected}, nil, false)
	c, conn := e.linkedXero()
	e.createAccount(c.ID, conn.ID, gbpAccount("acc-1"))
	if err := e.sb.MapAccount(c.ID, conn.ID, "acc-1", "", clock.Now()); err != nil {
		t.Fatal(err)
	}
	e.call(http.MethodGet, accountsPath(c.ID, conn.ID), nil).expect(t, http.StatusOK)
	flush(t, e.sb)
	if n := len(rc.deliveries()); n != 0 {
		t.Fatalf("%d events while the account is connecting", n)
	}
	clock.Advance(time.Minute)
	e.call(http.MethodGet, mappingPath(c.ID, conn.ID), nil).expect(t, http.StatusOK)
	flush(t, e.sb)
	if got := rc.events(); !slices.Equal(got, []string{"bankFeeds.sourceAccount.connected Acme Ltd"}) {
		t.Errorf("events %q", got)
	}
}

// Options.WebhookClient reaches consumers served over TLS.
func TestWebhookDeliveryOverTLS(t *testing.T) {
	received := make(chan string, 1)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		received <- r.Header.Get("webhook-id")
	}))
	t.Cleanup(srv.Close)
	e := newEnv(t, sandbox.Options{WebhookClient: srv.Client()})
	e.createConsumer(srv.URL+"/codat", []string{sandbox.EventConnectionConnected}, nil, false)
	e.linkedXero()
	flush(t, e.sb)
	if a := e.sb.WebhookAttempts(); len(a) != 1 || !a[0].Delivered() {
		t.Fatalf("attempts %+v", a)
	}
	if id := <-received; !strings.HasPrefix(id, "msg_") {
		t.Errorf("webhook-id %q", id)
	}
}
