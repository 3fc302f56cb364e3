package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/terraform-codat/terraform-provider-codat/internal/codat"
)

// errMissing marks an object absent from a list that Codat returned successfully: for Terraform it is gone,
// exactly like a 404.
var errMissing = errors.New("not found")

// isNotFound reports whether err means the object no longer exists.
func isNotFound(err error) bool {
	return codat.IsNotFound(err) || errors.Is(err, errMissing)
}

// findSourceAccount reads one source account from the connection's shared list.
func (d *providerData) findSourceAccount(ctx context.Context, key connectionKey, accountID string) (*codat.SourceAccount, error) {
	accounts, err := d.sourceAccounts.get(ctx, key, func(ctx context.Context) ([]codat.SourceAccount, error) {
		return d.client.ListSourceAccounts(ctx, key.companyID, key.connectionID)
	})
	if err != nil {
		return nil, err
	}
	for i := range accounts {
		if accounts[i].ID == accountID {
			return &accounts[i], nil
		}
	}
	return nil, fmt.Errorf("source account %q of connection %s/%s: %w", accountID, key.companyID, key.connectionID, errMissing)
}

// findMapping reads one source account's mapping from the connection's shared mapping list.
func (d *providerData) findMapping(ctx context.Context, key connectionKey, sourceAccountID string) (*codat.BankFeedMapping, error) {
	mappings, err := d.connectionMappings(ctx, key)
	if err != nil {
		return nil, err
	}
	for i := range mappings {
		if mappings[i].SourceAccountID == sourceAccountID {
			return &mappings[i], nil
		}
	}
	return nil, fmt.Errorf("mapping of source account %q of connection %s/%s: %w", sourceAccountID, key.companyID, key.connectionID, errMissing)
}

func (d *providerData) connectionMappings(ctx context.Context, key connectionKey) ([]codat.BankFeedMapping, error) {
	return d.mappings.get(ctx, key, func(ctx context.Context) ([]codat.BankFeedMapping, error) {
		return d.client.GetBankAccountMapping(ctx, key.companyID, key.connectionID)
	})
}

// invalidateConnection forgets everything read about a connection's accounts after a write to them.
func (d *providerData) invalidateConnection(key connectionKey) {
	d.sourceAccounts.invalidate(key)
	d.mappings.invalidate(key)
}
