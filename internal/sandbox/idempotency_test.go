package sandbox_test

import (
	"bytes"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

func TestIdempotencyReplay(t *testing.T) {
	e, clock := clockedEnv(t, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), sandbox.Options{})
	key := uuid.NewString()
	first := e.call(http.MethodPost, "/companies", map[string]any{"name": "Once"}, "Idempotency-Key", key).expect(t, http.StatusOK)
	clock.Advance(89 * time.Minute)
	second := e.call(http.MethodPost, "/companies", map[string]any{"name": "Once"}, "Idempotency-Key", key).expect(t, http.StatusOK)
	if !bytes.Equal(first.body, second.body) {
		t.Errorf("replay differs:\n%s\n%s", first.body, second.body)
	}
	if n := len(e.sb.Companies()); n != 1 {
		t.Fatalf("%d companies, want 1", n)
	}

	// Errors are replayed too: the key is spent on the first answer.
	badKey := uuid.NewString()
	e.call(http.MethodPost, "/companies", map[string]any{"name": ""}, "Idempotency-Key", badKey).validationError(t, "name")
	e.call(http.MethodPost, "/companies", map[string]any{"name": ""}, "Idempotency-Key", badKey).validationError(t, "name")

	// After 90 minutes the key is forgotten and the request runs again.
	clock.Advance(time.Minute)
	third := e.call(http.MethodPost, "/companies", map[string]any{"name": "Once"}, "Idempotency-Key", key).expect(t, http.StatusOK)
	if bytes.Equal(first.body, third.body) || len(e.sb.Companies()) != 2 {
		t.Errorf("the key was replayed after %s", sandbox.IdempotencyTTL)
	}

	// Without a key, nothing is replayed; GET ignores keys.
	e.call(http.MethodPost, "/companies", map[string]any{"name": "Once"}).expect(t, http.StatusOK)
	e.call(http.MethodPost, "/companies", map[string]any{"name": "Once"}).expect(t, http.StatusOK)
	e.call(http.MethodGet, "/companies", nil, "Idempotency-Key", key).expect(t, http.StatusOK)
	if n := len(e.sb.Companies()); n != 4 {
		t.Errorf("%d companies, want 4", n)
	}
}

func TestIdempotencyPatch(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	c, conn := e.xeroConnection()
	e.createAccount(c.ID, conn.ID, gbpAccount("a1"))
	path := accountsPath(c.ID, conn.ID) + "/a1"
	key := uuid.NewString()
	e.call(http.MethodPatch, path, map[string]any{"id": "a1", "accountName": "First"}, "Idempotency-Key", key).expect(t, http.StatusOK)
	if err := e.sb.UpdateSourceAccount(c.ID, conn.ID, "a1", func(a *sandbox.SourceAccount) { a.AccountName = "Changed elsewhere" }); err != nil {
		t.Fatal(err)
	}
	got := e.call(http.MethodPatch, path, map[string]any{"id": "a1", "accountName": "First"}, "Idempotency-Key", key).expect(t, http.StatusOK).object(t)
	if a, _ := e.sb.SourceAccount(c.ID, conn.ID, "a1"); got["accountName"] != "First" || a.AccountName != "Changed elsewhere" {
		t.Errorf("the replayed PATCH ran again: answered %v, stored %q", got["accountName"], a.AccountName)
	}
	e.call(http.MethodPatch, path, map[string]any{"id": "a1", "accountName": "Second"}, "Idempotency-Key", key).apiError(t, http.StatusUnprocessableEntity)
}

func TestIdempotencyKeyReuse(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	key := uuid.NewString()
	var c companyOut
	e.call(http.MethodPost, "/companies", map[string]any{"name": "A"}, "Idempotency-Key", key).expect(t, http.StatusOK).decode(t, &c)
	e.call(http.MethodPost, "/companies", map[string]any{"name": "B"}, "Idempotency-Key", key).apiError(t, http.StatusUnprocessableEntity)
	e.call(http.MethodPost, "/companies/"+c.ID+"/connections", map[string]any{"name": "A"}, "Idempotency-Key", key).apiError(t, http.StatusUnprocessableEntity)
	e.call(http.MethodPost, "/companies?x=1", map[string]any{"name": "A"}, "Idempotency-Key", key).apiError(t, http.StatusUnprocessableEntity)
	if n := len(e.sb.Companies()); n != 1 {
		t.Errorf("%d companies, want 1", n)
	}
	e.call(http.MethodPost, "/companies", map[string]any{"name": "A"}, "Idempotency-Key", "not-a-guid").validationError(t, "Idempotency-Key")
}

func TestIdempotencyInFlight(t *testing.T) {
	sb := sandbox.New(sandbox.Options{})
	entered, release := sb.HoldRequests(sandbox.RouteCreateCompany)
	defer release()
	e := serve(t, sb, nil)
	key := uuid.NewString()
	done := make(chan *response)
	go func() {
		resp, err := e.try(http.MethodPost, "/companies", map[string]any{"name": "Slow"}, "Idempotency-Key", key)
		if err != nil {
			t.Error(err)
		}
		done <- resp
	}()
	<-entered
	e.call(http.MethodPost, "/companies", map[string]any{"name": "Slow"}, "Idempotency-Key", key).apiError(t, http.StatusConflict)
	release()
	first := <-done
	if first == nil || first.status != http.StatusOK {
		t.Fatalf("first request: %+v", first)
	}
	again := e.call(http.MethodPost, "/companies", map[string]any{"name": "Slow"}, "Idempotency-Key", key).expect(t, http.StatusOK)
	if !bytes.Equal(first.body, again.body) || len(sb.Companies()) != 1 {
		t.Errorf("after the first request finished the key was not replayed")
	}
}

func TestIdempotencyDoesNotStoreRateLimits(t *testing.T) {
	e, clock := clockedEnv(t, time.Date(2025, 1, 1, 23, 59, 0, 0, time.UTC), sandbox.Options{DailyQuota: 1})
	e.call(http.MethodGet, "/companies", nil).expect(t, http.StatusOK)
	key := uuid.NewString()
	e.call(http.MethodPost, "/companies", map[string]any{"name": "Later"}, "Idempotency-Key", key).apiError(t, http.StatusTooManyRequests)
	clock.Advance(time.Minute)
	e.call(http.MethodPost, "/companies", map[string]any{"name": "Later"}, "Idempotency-Key", key).expect(t, http.StatusOK)
	if n := len(e.sb.Companies()); n != 1 {
		t.Errorf("%d companies, want 1", n)
	}
}
