package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/terraform-codat/terraform-provider-codat/internal/codat"
)

// accountBatcher gathers the creates of source accounts of one connection into one batch create
// (POST …/connectionInfo/bankFeedAccounts/batch), each resource still getting its own account or error.
//
// Terraform calls Create once per resource, concurrently, and does not say how many creates will follow. The rule:
// a create joins its connection's open batch; the batch goes to Codat once Terraform has stopped handing over
// creates, that is when no source-account create (for any connection) has arrived for batchSettle, or when its
// first create has waited batchMaxWait. Terraform starts the accounts of a configuration together (they wait for
// the same connections), in no particular order, as many at a time as its -parallelism allows. Measured with 500
// customers and -parallelism=1000 (make bench), the 1,000 creates reached the provider within a second, with
// gaps of up to 140 ms between two of them: batchSettle leaves a margin over that. With -parallelism at least the
// number of accounts being created, a connection's accounts therefore meet in its batch. With Terraform's default
// of 10 and many customers, Terraform hands the accounts over ten at a time, and accounts of one connection rarely
// meet: once giveUpAfter batches in a row have held a single account, the provider stops waiting for this run (and
// says at info level how to let the accounts meet). A batch of one goes through the single create.
//
// Source accounts in v1's shape (Debit, Credit) are batched apart from v2's: a client speaks one of them, and a
// batch mixing both would be refused whole.
type accountBatcher struct {
	d       *providerData
	maxWait time.Duration
	// giveUpAfter is how many batches in a row holding a single account end the waiting.
	giveUpAfter int
	// now and after are the clock; tests replace them.
	now   func() time.Time
	after func(time.Duration) <-chan time.Time

	mu sync.Mutex
	// settle is batchSettle, or zero once the waiting has ended.
	settle   time.Duration
	lastSeen time.Time
	open     map[batchKey]*accountBatch
	// singles counts the batches in a row that held a single account.
	singles int
}

const (
	// batchSettle is how long no create has to arrive before the open batches go.
	batchSettle = 500 * time.Millisecond
	// batchMaxWait bounds how long a create waits for others while Terraform keeps handing creates over.
	batchMaxWait = 30 * time.Second
	// batchGiveUpAfter is the default of accountBatcher.giveUpAfter: with Terraform's default parallelism of 10, two
	// rounds of creates that did not meet.
	batchGiveUpAfter = 20
)

type batchKey struct {
	connectionKey
	v1 bool
}

type accountBatch struct {
	key   batchKey
	first time.Time
	items []*pendingAccount
	sent  bool
}

type pendingAccount struct {
	ctx     context.Context
	account codat.SourceAccount
	done    chan struct{}
	result  *codat.SourceAccount
	err     error
}

func newAccountBatcher(d *providerData) *accountBatcher {
	return &accountBatcher{d: d, settle: batchSettle, maxWait: batchMaxWait, giveUpAfter: batchGiveUpAfter,
		now: time.Now, after: time.After, open: map[batchKey]*accountBatch{}}
}

// create creates one source account, in a batch with the other accounts of its connection that arrive with it.
func (b *accountBatcher) create(ctx context.Context, key connectionKey, account codat.SourceAccount) (*codat.SourceAccount, error) {
	p := &pendingAccount{ctx: ctx, account: account, done: make(chan struct{})}
	k := batchKey{key, slices.Contains(v1AccountTypes, account.AccountType)}
	b.mu.Lock()
	now := b.now()
	b.lastSeen = now
	batch := b.open[k]
	if batch == nil {
		batch = &accountBatch{key: k, first: now}
		b.open[k] = batch
		go b.gather(batch)
	}
	batch.items = append(batch.items, p)
	b.mu.Unlock()

	select {
	case <-p.done:
		return p.result, p.err
	case <-ctx.Done():
		b.mu.Lock()
		if !batch.sent {
			// Not sent yet: this account is simply left out.
			batch.items = slices.DeleteFunc(batch.items, func(q *pendingAccount) bool { return q == p })
			b.mu.Unlock()
			return nil, ctx.Err()
		}
		b.mu.Unlock()
		// Sent: Codat's answer says what was made, which the state must record.
		<-p.done
		return p.result, p.err
	}
}

// gather waits until the batch is due (see accountBatcher), then sends it.
func (b *accountBatcher) gather(batch *accountBatch) {
	for {
		b.mu.Lock()
		now := b.now()
		due := b.lastSeen.Add(b.settle)
		if deadline := batch.first.Add(b.maxWait); deadline.Before(due) {
			due = deadline
		}
		if now.Before(due) {
			b.mu.Unlock()
			<-b.after(due.Sub(now))
			continue
		}
		batch.sent = true
		if b.open[batch.key] == batch {
			delete(b.open, batch.key)
		}
		items := batch.items
		giveUp := false
		switch {
		case len(items) > 1:
			b.singles = 0
		case len(items) == 1:
			b.singles++
			giveUp = b.singles >= b.giveUpAfter && b.settle > 0
			if giveUp {
				b.settle = 0
			}
		}
		b.mu.Unlock()
		if giveUp {
			tflog.Info(items[0].ctx, fmt.Sprintf("The last %d source accounts reached the provider without another "+
				"account of their connection, so each went to Codat alone, and the provider no longer waits for "+
				"accounts to meet in this run. Terraform hands over at most -parallelism objects at a time (10 by "+
				"default): with a -parallelism of at least the number of source accounts an apply creates, each "+
				"connection's accounts go in one batch request. The provider keeps Codat's limits itself "+
				"(max_concurrent_requests, max_requests_per_minute).", b.giveUpAfter))
		}
		if len(items) > 0 {
			b.send(batch.key.connectionKey, items)
		}
		return
	}
}

// send creates the gathered accounts and hands each its outcome. The request is cancelled only once every
// resource waiting for it has been cancelled.
func (b *accountBatcher) send(key connectionKey, items []*pendingAccount) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(items[0].ctx))
	defer cancel()
	var waiting atomic.Int32
	waiting.Store(int32(len(items)))
	for _, p := range items {
		stop := context.AfterFunc(p.ctx, func() {
			if waiting.Add(-1) == 0 {
				cancel()
			}
		})
		defer stop()
	}

	if len(items) == 1 {
		p := items[0]
		p.result, p.err = b.d.createSourceAccount(ctx, key, p.account)
		close(p.done)
		return
	}
	accounts := make([]codat.SourceAccount, len(items))
	for i, p := range items {
		accounts[i] = p.account
	}
	tflog.Debug(ctx, "Creating source accounts of one connection in a batch", map[string]any{
		"company_id": key.companyID, "connection_id": key.connectionID, "accounts": len(accounts)})
	outcomes := b.d.createSourceAccounts(ctx, key, accounts)
	for _, p := range items {
		o := outcomes[p.account.ID]
		p.result, p.err = o.account, o.err
		if p.result == nil && p.err == nil {
			p.err = fmt.Errorf("the batch create of source account %q ended without an outcome for it", p.account.ID)
		}
		close(p.done)
	}
}

type accountOutcome struct {
	account *codat.SourceAccount
	err     error
}

// createSourceAccounts creates several accounts of one connection with the batch create, and survives an unknown
// outcome as createSourceAccount does for one (see adoption.go): after a 500 or a lost answer it lists the
// connection's accounts, adopts each account that exists with the configured fields, and sends the others again
// under a new Idempotency-Key (when Codat stored its 500) or reports them (when the request may still be in
// flight). An account Codat refused in the batch gets Codat's error for that account. When Codat refuses the
// batch as a whole (400), each account goes on its own, so that each resource gets Codat's answer about itself.
func (d *providerData) createSourceAccounts(ctx context.Context, key connectionKey, accounts []codat.SourceAccount) map[string]accountOutcome {
	out := make(map[string]accountOutcome, len(accounts))
	pending := accounts
	for round := 0; ; round++ {
		results, err := d.client.CreateSourceAccounts(ctx, key.companyID, key.connectionID, pending)
		if err == nil {
			var missing []codat.SourceAccount
			for _, a := range pending {
				r, ok := results[a.ID]
				switch {
				case !ok:
					missing = append(missing, a)
				case r.Created():
					out[a.ID] = accountOutcome{account: r.Account}
				default:
					out[a.ID] = accountOutcome{err: r.ItemError(key.companyID, key.connectionID, a.ID)}
				}
			}
			if len(missing) == 0 {
				return out
			}
			// Codat answered without a result for these: it has finished with the request, and what it made is
			// visible.
			err = &codat.OutcomeUnknownError{Method: http.MethodPost, Stored: true,
				Path: fmt.Sprintf("/companies/%s/connections/%s/connectionInfo/bankFeedAccounts/batch", key.companyID, key.connectionID),
				Err:  errors.New("the answer to the batch create has no result for the source account")}
			pending = missing
		}
		var apiErr *codat.APIError
		if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusBadRequest {
			for _, a := range pending {
				account, err := d.createSourceAccount(ctx, key, a)
				out[a.ID] = accountOutcome{account: account, err: err}
			}
			return out
		}
		var unknown *codat.OutcomeUnknownError
		if !errors.As(err, &unknown) || ctx.Err() != nil {
			for i, a := range pending {
				out[a.ID] = accountOutcome{err: sharedError(err, i)}
			}
			return out
		}
		all, listErr := d.client.ListSourceAccounts(ctx, key.companyID, key.connectionID)
		if listErr != nil {
			for _, a := range pending {
				out[a.ID] = accountOutcome{err: fmt.Errorf("%w\n\nLooking for the source accounts it may have made failed too: %w", err, listErr)}
			}
			return out
		}
		var rest []codat.SourceAccount
		var adopted []string
		for _, a := range pending {
			i := slices.IndexFunc(all, func(have codat.SourceAccount) bool { return have.ID == a.ID })
			importID := key.companyID + "/" + key.connectionID + "/" + a.ID
			switch {
			case i < 0:
				rest = append(rest, a)
			case sourceAccountDiff(a, all[i]) != "":
				out[a.ID] = accountOutcome{err: fmt.Errorf("%w\n\n%w", err, &differentAccountError{id: a.ID, diff: sourceAccountDiff(a, all[i]), importID: importID})}
			default:
				adopted = append(adopted, importID)
				out[a.ID] = accountOutcome{account: &all[i]}
			}
		}
		if len(adopted) > 0 {
			// One line for the request, as for a single create.
			tflog.Info(ctx, "Codat create had an unknown outcome; adopting the object it made", map[string]any{
				"kind": "source accounts", "import_ids": adopted, "round": round + 1})
		}
		for _, a := range rest {
			matching := fmt.Sprintf("with id %q", a.ID)
			switch {
			case !unknown.Stored:
				out[a.ID] = accountOutcome{err: stillProcessingError(err, "source account", matching)}
			case round >= d.client.MaxRetries():
				out[a.ID] = accountOutcome{err: madeNothingError(err, "source account", matching, round+1)}
			}
		}
		if len(rest) == 0 || !unknown.Stored || round >= d.client.MaxRetries() {
			return out
		}
		tflog.Info(ctx, "Codat create had an unknown outcome and made nothing; creating again with a new Idempotency-Key",
			map[string]any{"kind": "source accounts", "accounts": len(rest), "round": round + 1})
		pending = rest
	}
}

// sharedError is the error of the i-th resource of a batch whose request failed as a whole. Each resource reports
// it, except that a used-up daily quota is explained once, as for requests sent apart: the others point to it.
func sharedError(err error, i int) error {
	var quota *codat.RateLimitError
	if i == 0 || !errors.As(err, &quota) || !quota.DailyQuota || quota.Repeat {
		return err
	}
	repeat := *quota
	repeat.Repeat = true
	return &repeat
}
