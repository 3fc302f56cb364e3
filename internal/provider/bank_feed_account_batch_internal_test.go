package provider

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/terraform-codat/terraform-provider-codat/internal/codat"
	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

// sandboxConnection serves a sandbox and returns provider data whose client speaks to it, and a Xero connection.
func sandboxConnection(t *testing.T) (*sandbox.Sandbox, *providerData, connectionKey) {
	t.Helper()
	sb := sandbox.New(sandbox.Options{RequestsPerMinute: -1})
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(srv.Close)
	client, err := codat.NewClient(codat.Config{BaseURL: srv.URL, APIKey: sb.APIKey(), MaxRetries: 2,
		RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond, RequestsPerMinute: -1})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	company, err := client.CreateCompany(ctx, codat.CompanyRequest{Name: "Batch"})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := client.CreateConnection(ctx, company.ID, "gbol")
	if err != nil {
		t.Fatal(err)
	}
	sb.ResetCounts()
	return sb, &providerData{client: client}, connectionKey{company.ID, conn.ID}
}

func usdAccount(id string) codat.SourceAccount {
	return codat.SourceAccount{ID: id, AccountName: "Account " + id, AccountType: "checking", AccountNumber: "12345678",
		Currency: "USD", Balance: "1.5"}
}

// createElsewhere makes, outside the batch (as another script would), an account of the given id and another name
// than usdAccount's.
func createElsewhere(t *testing.T, d *providerData, key connectionKey, id string) {
	t.Helper()
	a := usdAccount(id)
	a.AccountName = "Someone else's"
	if _, err := d.client.CreateSourceAccount(context.Background(), key.companyID, key.connectionID, a); err != nil {
		t.Fatal(err)
	}
}

// testClock is a settable clock with a timer channel the test fires.
type testClock struct {
	*sandbox.Clock
	tick chan time.Time
}

func newTestClock() *testClock {
	return &testClock{sandbox.NewClock(time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)), make(chan time.Time)}
}

func (c *testClock) advance(d time.Duration) {
	c.Advance(d)
	c.tick <- c.Now()
}

func (c *testClock) after(time.Duration) <-chan time.Time { return c.tick }

// waitFor waits until cond holds under the batcher's lock (it becomes true once the goroutines started by the test
// have reached the batcher; nothing here races the code under test).
func waitFor(t *testing.T, b *accountBatcher, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		b.mu.Lock()
		ok := cond()
		b.mu.Unlock()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the batcher never reached the expected state")
		}
		time.Sleep(time.Millisecond)
	}
}

type created struct {
	account *codat.SourceAccount
	err     error
}

func createAsync(b *accountBatcher, ctx context.Context, key connectionKey, a codat.SourceAccount) <-chan created {
	out := make(chan created, 1)
	go func() {
		acc, err := b.create(ctx, key, a)
		out <- created{acc, err}
	}()
	return out
}

// Creates of one connection that arrive before the batch is due go in one batch create; once giveUpAfter batches in
// a row held a single account (accounts do not meet: Terraform hands them over apart), later creates go at once.
func TestAccountBatcherGathersUntilSettled(t *testing.T) {
	sb, d, key := sandboxConnection(t)
	clock := newTestClock()
	b := newAccountBatcher(d)
	b.now, b.after, b.giveUpAfter = clock.Now, clock.after, 2
	ctx := context.Background()

	first := createAsync(b, ctx, key, usdAccount("a1"))
	second := createAsync(b, ctx, key, usdAccount("a2"))
	k := batchKey{connectionKey: key}
	waitFor(t, b, func() bool { return b.open[k] != nil && len(b.open[k].items) == 2 })
	clock.advance(batchSettle)
	for _, ch := range []<-chan created{first, second} {
		if r := <-ch; r.err != nil || r.account == nil || r.account.Status != "pending" {
			t.Fatalf("create: %+v, %v", r.account, r.err)
		}
	}
	if got := [2]int{sb.Count(sandbox.RouteCreateSourceAccountsBatch), sb.Count(sandbox.RouteCreateSourceAccount)}; got != [2]int{1, 0} {
		t.Fatalf("%d batch and %d single creates, want one batch", got[0], got[1])
	}

	// Two accounts arrive alone, one after the other: each goes through the single create once its wait is over.
	for i, id := range []string{"a3", "a4"} {
		alone := createAsync(b, ctx, key, usdAccount(id))
		waitFor(t, b, func() bool { return b.open[k] != nil && len(b.open[k].items) == 1 })
		clock.advance(batchSettle)
		if r := <-alone; r.err != nil {
			t.Fatal(r.err)
		}
		if got := sb.Count(sandbox.RouteCreateSourceAccount); got != i+1 {
			t.Fatalf("%d single creates, want %d", got, i+1)
		}
	}
	b.mu.Lock()
	settle := b.settle
	b.mu.Unlock()
	if settle != 0 {
		t.Fatalf("settle %s after two batches of one in a row, want no more waiting", settle)
	}
	// No more waiting: the next create goes without the clock moving.
	if r := <-createAsync(b, ctx, key, usdAccount("a5")); r.err != nil {
		t.Fatal(r.err)
	}
	if n := len(sb.SourceAccounts(key.companyID, key.connectionID)); n != 5 {
		t.Errorf("the connection holds %d accounts, want 5", n)
	}
}

// v1 and v2 shapes wait in separate batches; a create whose resource is cancelled before its batch goes is left out.
func TestAccountBatcherShapesAndCancellation(t *testing.T) {
	sb, d, key := sandboxConnection(t)
	clock := newTestClock()
	b := newAccountBatcher(d)
	b.now, b.after = clock.Now, clock.after

	ctx, cancel := context.WithCancel(context.Background())
	cancelled := createAsync(b, ctx, key, usdAccount("gone"))
	v1 := usdAccount("debit")
	v1.AccountType = "Debit"
	v1Done := createAsync(b, context.Background(), key, v1)
	kept := createAsync(b, context.Background(), key, usdAccount("kept"))
	v2Key, v1Key := batchKey{connectionKey: key}, batchKey{connectionKey: key, v1: true}
	waitFor(t, b, func() bool {
		return b.open[v2Key] != nil && len(b.open[v2Key].items) == 2 && b.open[v1Key] != nil && len(b.open[v1Key].items) == 1
	})
	cancel()
	if r := <-cancelled; !errors.Is(r.err, context.Canceled) {
		t.Fatalf("cancelled create: %+v, %v", r.account, r.err)
	}
	waitFor(t, b, func() bool { return len(b.open[v2Key].items) == 1 })
	// Both batches are due at the same moment; each gather goroutine takes a tick.
	clock.advance(batchSettle)
	clock.tick <- clock.Now()
	if r := <-kept; r.err != nil {
		t.Fatal(r.err)
	}
	// The v2 sandbox refuses Debit, alone.
	if r := <-v1Done; r.err == nil || !strings.Contains(r.err.Error(), "accountType") {
		t.Fatalf("v1 account on a v2 client: %+v, %v", r.account, r.err)
	}
	if _, ok := sb.SourceAccount(key.companyID, key.connectionID, "gone"); ok {
		t.Error("the cancelled account was created")
	}
	if got := [2]int{sb.Count(sandbox.RouteCreateSourceAccountsBatch), sb.Count(sandbox.RouteCreateSourceAccount)}; got != [2]int{0, 2} {
		t.Errorf("%d batch and %d single creates, want each alone", got[0], got[1])
	}
}

// Each account of a batch gets Codat's answer about itself; after a 500 the accounts Codat made are adopted, the
// others sent again under a new Idempotency-Key; an account with the configured id but other fields is not
// adopted; a batch Codat refuses whole goes one account at a time.
func TestCreateSourceAccountsOutcomes(t *testing.T) {
	ctx := context.Background()
	t.Run("207", func(t *testing.T) {
		sb, d, key := sandboxConnection(t)
		createElsewhere(t, d, key, "taken")
		out := d.createSourceAccounts(ctx, key, []codat.SourceAccount{usdAccount("fresh"), usdAccount("taken")})
		var itemErr *codat.BatchItemError
		if out["fresh"].account == nil || out["fresh"].err != nil || !errors.As(out["taken"].err, &itemErr) ||
			itemErr.StatusCode != http.StatusConflict || itemErr.Message != "A bank account already exists with the same Id" {
			t.Fatalf("outcomes %+v", out)
		}
		if n := sb.Count(sandbox.RouteCreateSourceAccountsBatch); n != 1 {
			t.Errorf("%d batch creates, want 1", n)
		}
	})
	t.Run("500 after commit", func(t *testing.T) {
		sb, d, key := sandboxConnection(t)
		sb.InjectFault(sandbox.RouteCreateSourceAccountsBatch, sandbox.Fault500AfterCommit, 1)
		out := d.createSourceAccounts(ctx, key, []codat.SourceAccount{usdAccount("a1"), usdAccount("a2")})
		if out["a1"].account == nil || out["a2"].account == nil || out["a1"].err != nil || out["a2"].err != nil {
			t.Fatalf("outcomes %+v", out)
		}
		if n, replays := sb.Count(sandbox.RouteCreateSourceAccountsBatch), sb.Replays()[http.StatusInternalServerError]; n != 1 || replays != 0 {
			t.Errorf("%d batch creates and %d replayed 500s, want 1 and none: the accounts it made are adopted", n, replays)
		}
		if n := len(sb.SourceAccounts(key.companyID, key.connectionID)); n != 2 {
			t.Errorf("the connection holds %d accounts, want 2", n)
		}
	})
	t.Run("500 before commit", func(t *testing.T) {
		sb, d, key := sandboxConnection(t)
		createElsewhere(t, d, key, "other")
		sb.InjectFault(sandbox.RouteCreateSourceAccountsBatch, sandbox.Fault500, 2)
		out := d.createSourceAccounts(ctx, key, []codat.SourceAccount{usdAccount("a1"), usdAccount("other")})
		if out["a1"].account == nil || out["a1"].err != nil {
			t.Fatalf("a1: %+v", out["a1"])
		}
		if err := out["other"].err; err == nil || !strings.Contains(err.Error(), `account_name "Someone else's", not "Account other"`) {
			t.Errorf("the differing account: %+v", out["other"])
		}
		if n, replays := sb.Count(sandbox.RouteCreateSourceAccountsBatch), sb.Replays()[http.StatusInternalServerError]; n != 3 || replays != 0 {
			t.Errorf("%d batch creates and %d replayed 500s, want 3 (two stored 500s, then a1 alone under new keys) and none", n, replays)
		}
	})
	t.Run("500 every time", func(t *testing.T) {
		sb, d, key := sandboxConnection(t)
		sb.InjectFault(sandbox.RouteCreateSourceAccountsBatch, sandbox.Fault500, 10)
		out := d.createSourceAccounts(ctx, key, []codat.SourceAccount{usdAccount("a1"), usdAccount("a2")})
		for _, id := range []string{"a1", "a2"} {
			if err := out[id].err; err == nil || !strings.Contains(err.Error(), "the create made nothing") ||
				!strings.Contains(err.Error(), "sent 3 times") {
				t.Errorf("%s: %+v", id, out[id])
			}
		}
	})
	t.Run("refused whole", func(t *testing.T) {
		sb, d, key := sandboxConnection(t)
		debit, credit := usdAccount("d"), usdAccount("c")
		debit.AccountType, credit.AccountType = "Debit", "Credit"
		out := d.createSourceAccounts(ctx, key, []codat.SourceAccount{debit, credit})
		var apiErr *codat.APIError
		for _, id := range []string{"d", "c"} {
			if !errors.As(out[id].err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest || apiErr.ValidationErrors[0].ItemID != "accountType" {
				t.Errorf("%s: %+v", id, out[id])
			}
		}
		if got := [2]int{sb.Count(sandbox.RouteCreateSourceAccountsBatch), sb.Count(sandbox.RouteCreateSourceAccount)}; got != [2]int{1, 2} {
			t.Errorf("%d batch and %d single creates, want the refused batch, then each alone", got[0], got[1])
		}
	})
}
