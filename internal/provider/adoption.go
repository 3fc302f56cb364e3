package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/terraform-codat/terraform-provider-codat/internal/codat"
)

// Creates whose outcome is unknown.
//
// Codat stores the answer to a POST for its Idempotency-Key and replays it, 500s included (CODAT-FACTS C4), and a
// 500 may come after the object was made. So after a create answered 500 (or whose answers were lost), sending it
// again with the same key only replays the failure, and sending it with a new key may make a second object. The
// provider looks first:
//
//   - a source account has the id the configuration gives it: an account with that id and the same fields is the
//     one the create made, and is adopted;
//   - a company or connection gets its id from Codat: one made since the create began, with the configured name
//     (company) or platform (connection), not held by another resource of this run, is adopted when it is the only
//     one; when there are several, none is adopted and the error names each with its import command;
//   - when nothing matches and Codat's answer was a stored 500 (Codat has finished with the request, so what it
//     made is visible), the create is sent again under a new key, up to max_retries times. When the answer was lost
//     or Codat still reported the request in flight, nothing is created again: the request may yet complete.

// clockMargin widens the window of "made since the create began" for the error of the estimate of Codat's clock
// (whole-second Date headers, network delay) and for created dates in whole seconds.
const clockMargin = 2 * time.Second

// claimSet holds the objects this provider process created or adopted, so that one resource never adopts an object
// another resource of the same run made. Its zero value is ready to use.
type claimSet struct {
	mu  sync.Mutex
	ids map[string]bool
}

func (c *claimSet) claim(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ids == nil {
		c.ids = map[string]bool{}
	}
	c.ids[id] = true
}

func (c *claimSet) claimed(id string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ids[id]
}

// candidate is an object that a create with an unknown outcome may have made.
type candidate[T any] struct {
	obj      *T
	importID string
	created  string
}

// adoptable describes one kind of create for createOrAdopt.
type adoptable[T any] struct {
	// kind and kinds name the object in messages ("company", "companies"); resourceType is its Terraform type.
	kind, kinds, resourceType string
	// matching says what the candidates have in common with the request, e.g. `named "Acme"`.
	matching string
	create   func(context.Context) (*T, error)
	// claimID is the claim of a created object; empty when objects need no claim (their id is the configuration's).
	claimID func(*T) string
	// find returns the objects the create may have made since since (Codat's clock), or an error that explains
	// why none can be adopted.
	find func(ctx context.Context, since time.Time) ([]candidate[T], error)
}

// createOrAdopt runs a create and, when its outcome is unknown, adopts what it made or creates again (see above).
func createOrAdopt[T any](ctx context.Context, d *providerData, a adoptable[T]) (*T, error) {
	began := time.Now()
	for round := 0; ; round++ {
		obj, err := a.create(ctx)
		if err == nil {
			if a.claimID != nil {
				d.claims.claim(a.claimID(obj))
			}
			return obj, nil
		}
		var unknown *codat.OutcomeUnknownError
		if !errors.As(err, &unknown) || ctx.Err() != nil {
			return nil, err
		}
		found, findErr := a.find(ctx, d.client.ServerTime(began).Add(-clockMargin))
		var different *differentAccountError
		switch {
		case errors.As(findErr, &different):
			return nil, fmt.Errorf("%w\n\n%w", err, findErr)
		case findErr != nil:
			return nil, fmt.Errorf("%w\n\nLooking for the %s it may have made failed too: %w", err, a.kind, findErr)
		}
		var open []candidate[T]
		for _, c := range found {
			if a.claimID == nil || !d.claims.claimed(a.claimID(c.obj)) {
				open = append(open, c)
			}
		}
		switch {
		case len(open) == 1:
			tflog.Info(ctx, "Codat create had an unknown outcome; adopting the object it made", map[string]any{
				"kind": a.kind, "import_id": open[0].importID, "round": round + 1})
			if a.claimID != nil {
				d.claims.claim(a.claimID(open[0].obj))
			}
			return open[0].obj, nil
		case len(open) > 1:
			return nil, fmt.Errorf("%w\n\n%s", err, ambiguity(a, open))
		case !unknown.Stored:
			return nil, stillProcessingError(err, a.kind, a.matching)
		case round >= d.client.MaxRetries():
			return nil, madeNothingError(err, a.kind, a.matching, round+1)
		}
		tflog.Info(ctx, "Codat create had an unknown outcome and made nothing; creating again with a new Idempotency-Key",
			map[string]any{"kind": a.kind, "round": round + 1})
	}
}

// stillProcessingError is the end of a create whose outcome stays unknown while Codat may still be processing it.
func stillProcessingError(err error, kind, matching string) error {
	return fmt.Errorf("%w\n\nCodat holds no %s %s made since this create began, but it may still be "+
		"processing the request. Check Codat before running Terraform again; if the %s appears, import it with "+
		"terraform import", err, kind, matching, kind)
}

// madeNothingError is the end of a create that made nothing however often it was sent.
func madeNothingError(err error, kind, matching string, sent int) error {
	return fmt.Errorf("%w\n\nCodat holds no %s %s made since this create began: the create made nothing. "+
		"It was sent %d times under new Idempotency-Keys; run Terraform again", err, kind, matching, sent)
}

// ambiguity names every candidate with its import command.
func ambiguity[T any](a adoptable[T], cs []candidate[T]) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Codat holds %d %s %s made since this create began, so the provider cannot tell which one, if "+
		"any, it made, and adopts none:\n", len(cs), a.kinds, a.matching)
	for _, c := range cs {
		fmt.Fprintf(&b, "  - %s (created %s)\n", c.importID, c.created)
	}
	fmt.Fprintf(&b, "Import the one this %s resource should manage, with the resource address shown above in place "+
		"of <address>:\n", a.resourceType)
	for _, c := range cs {
		fmt.Fprintf(&b, "  terraform import '<address>' %s\n", c.importID)
	}
	fmt.Fprintf(&b, "then delete the others in Codat, or delete them all and apply again.")
	return b.String()
}

// createCompany is CreateCompany that survives an unknown outcome without making a second company.
func (d *providerData) createCompany(ctx context.Context, body codat.CompanyRequest) (*codat.Company, error) {
	return createOrAdopt(ctx, d, adoptable[codat.Company]{
		kind: "company", kinds: "companies", resourceType: "codat_company",
		matching: fmt.Sprintf("named %q", body.Name),
		create:   func(ctx context.Context) (*codat.Company, error) { return d.client.CreateCompany(ctx, body) },
		claimID:  func(c *codat.Company) string { return "company " + c.ID },
		find: func(ctx context.Context, since time.Time) ([]candidate[codat.Company], error) {
			recent, err := d.client.RecentCompanies(ctx, since)
			if err != nil {
				return nil, err
			}
			var out []candidate[codat.Company]
			for i := range recent {
				if recent[i].Name == body.Name {
					out = append(out, candidate[codat.Company]{obj: &recent[i], importID: recent[i].ID, created: recent[i].Created})
				}
			}
			return out, nil
		},
	})
}

// createConnection is CreateConnection that survives an unknown outcome without making a second connection.
func (d *providerData) createConnection(ctx context.Context, companyID, platformKey string) (*codat.Connection, error) {
	var integrationID string // resolved when a candidate has no integrationKey (optional since 2026-04-15, C3)
	return createOrAdopt(ctx, d, adoptable[codat.Connection]{
		kind: "connection", kinds: "connections", resourceType: "codat_connection",
		matching: fmt.Sprintf("to platform %q on company %s", platformKey, companyID),
		create: func(ctx context.Context) (*codat.Connection, error) {
			return d.client.CreateConnection(ctx, companyID, platformKey)
		},
		claimID: func(c *codat.Connection) string { return "connection " + companyID + "/" + c.ID },
		find: func(ctx context.Context, since time.Time) ([]candidate[codat.Connection], error) {
			recent, err := d.client.RecentConnections(ctx, companyID, since)
			if err != nil {
				return nil, err
			}
			var out []candidate[codat.Connection]
			for i := range recent {
				c := &recent[i]
				if c.IntegrationKey == "" && integrationID == "" {
					integration, err := d.client.GetIntegration(ctx, platformKey)
					if err != nil {
						return nil, err
					}
					integrationID = integration.IntegrationID
				}
				samePlatform := c.IntegrationKey == platformKey ||
					(c.IntegrationKey == "" && c.IntegrationID != "" && c.IntegrationID == integrationID)
				if samePlatform {
					out = append(out, candidate[codat.Connection]{obj: c, importID: companyID + "/" + c.ID, created: c.Created})
				}
			}
			return out, nil
		},
	})
}

// createSourceAccount is CreateSourceAccount that survives an unknown outcome: the account the create made has
// the configured id and fields.
func (d *providerData) createSourceAccount(ctx context.Context, key connectionKey, account codat.SourceAccount) (*codat.SourceAccount, error) {
	importID := key.companyID + "/" + key.connectionID + "/" + account.ID
	return createOrAdopt(ctx, d, adoptable[codat.SourceAccount]{
		kind: "source account", kinds: "source accounts", resourceType: "codat_bank_feed_account",
		matching: fmt.Sprintf("with id %q", account.ID),
		create: func(ctx context.Context) (*codat.SourceAccount, error) {
			return d.client.CreateSourceAccount(ctx, key.companyID, key.connectionID, account)
		},
		find: func(ctx context.Context, _ time.Time) ([]candidate[codat.SourceAccount], error) {
			all, err := d.client.ListSourceAccounts(ctx, key.companyID, key.connectionID)
			if err != nil {
				return nil, err
			}
			for i := range all {
				if all[i].ID != account.ID {
					continue
				}
				if diff := sourceAccountDiff(account, all[i]); diff != "" {
					return nil, &differentAccountError{id: account.ID, diff: diff, importID: importID}
				}
				return []candidate[codat.SourceAccount]{{obj: &all[i], importID: importID}}, nil
			}
			return nil, nil
		},
	})
}

// sourceAccountDiff lists the fields a create sent that an existing account does not have. The balance is left
// out: pushed transactions move it (C7).
func sourceAccountDiff(want, have codat.SourceAccount) string {
	var diffs []string
	for _, f := range []struct{ name, want, have string }{
		{"account_name", want.AccountName, have.AccountName},
		{"account_type", want.AccountType, have.AccountType},
		{"account_number", want.AccountNumber, have.AccountNumber},
		{"currency", want.Currency, have.Currency},
	} {
		if f.want != "" && f.want != f.have {
			diffs = append(diffs, fmt.Sprintf("%s %q, not %q", f.name, f.have, f.want))
		}
	}
	return strings.Join(diffs, ", ")
}

// differentAccountError is why a source account found after an unknown outcome is not adopted: it has the
// configured id but other fields.
type differentAccountError struct{ id, diff, importID string }

func (e *differentAccountError) Error() string {
	return fmt.Sprintf("Codat holds a source account with id %q that differs from the configuration (%s), so the "+
		"provider does not adopt it. If it is the account this resource should manage, import it with the resource "+
		"address shown above in place of <address>:\n  terraform import '<address>' %s\nthen apply; otherwise "+
		"choose another account_id.", e.id, e.diff, e.importID)
}
