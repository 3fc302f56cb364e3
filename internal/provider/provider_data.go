package provider

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-codat/terraform-provider-codat/internal/codat"
)

// providerData is what Configure hands to every resource and data source.
type providerData struct {
	client       *codat.Client
	xeroTokenURL string
	// sourceAccounts and mappings share one list call per connection among all resources reading it.
	sourceAccounts *listCache[codat.SourceAccount]
	mappings       *listCache[codat.BankFeedMapping]
	// connections holds the connections read or created in this provider process, for the mapping data source.
	connections *connectionMemo
	// companies answers the reads of companies and connections, from GET /companies pages when many are read.
	companies *companyDirectory
	// integrationKeys resolves the platform keys of connections Codat answers without integrationKey.
	integrationKeys *integrationKeys
	// claims holds the objects created or adopted in this provider process (see adoption.go).
	claims claimSet
	// webhookConsumers shares one GET /webhooks among all webhook consumers read in this provider process.
	webhookConsumers *listCache[codat.WebhookConsumer]
	// accounts gathers the source-account creates of a connection into batch creates.
	accounts *accountBatcher
}

// newProviderData builds what one provider process shares among its resources, data sources and list resources:
// the client and the caches that keep reads of the same objects to one call.
func newProviderData(client *codat.Client, xeroTokenURL string) *providerData {
	d := &providerData{
		client:           client,
		xeroTokenURL:     xeroTokenURL,
		sourceAccounts:   newListCache[codat.SourceAccount](),
		mappings:         newListCache[codat.BankFeedMapping](),
		connections:      newConnectionMemo(),
		companies:        newCompanyDirectory(client),
		integrationKeys:  newIntegrationKeys(),
		webhookConsumers: newListCache[codat.WebhookConsumer](),
	}
	d.accounts = newAccountBatcher(d)
	return d
}

// providerDataFrom unwraps what Configure stored, reporting a provider bug when it is something else.
func providerDataFrom(raw any, diags *diag.Diagnostics) *providerData {
	if raw == nil {
		return nil // Terraform validates configurations before the provider is configured
	}
	data, ok := raw.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", raw))
		return nil
	}
	return data
}

// connectionKey names one connection of one company.
type connectionKey struct{ companyID, connectionID string }

// ref is the connectionRef of the connection k names.
func (k connectionKey) ref() connectionRef {
	return connectionRef{types.StringValue(k.companyID), types.StringValue(k.connectionID)}
}

// connectionRef is embedded by the models of what belongs to one connection of one company: its company_id and
// connection_id.
type connectionRef struct {
	CompanyID    types.String `tfsdk:"company_id"`
	ConnectionID types.String `tfsdk:"connection_id"`
}

// key names the connection; both ids must be known.
func (r connectionRef) key() connectionKey {
	return connectionKey{r.CompanyID.ValueString(), r.ConnectionID.ValueString()}
}

// errMissing marks an object absent from a list that Codat returned successfully: for Terraform it is gone,
// exactly like a 404.
var errMissing = errors.New("not found")

// isNotFound reports whether err means the object no longer exists.
func isNotFound(err error) bool {
	return codat.IsNotFound(err) || errors.Is(err, errMissing)
}

// findIn returns the first of the items a successful list call returned (err nil) that match accepts, or an error
// wrapping errMissing that names the object, described by format and args, when none does.
func findIn[T any](items []T, err error, match func(*T) bool, format string, args ...any) (*T, error) {
	if err != nil {
		return nil, err
	}
	for i := range items {
		if match(&items[i]) {
			return &items[i], nil
		}
	}
	return nil, fmt.Errorf(format+": %w", append(args, errMissing)...)
}

// findSourceAccount reads one source account from the connection's shared list.
func (d *providerData) findSourceAccount(ctx context.Context, key connectionKey, accountID string) (*codat.SourceAccount, error) {
	accounts, err := d.connectionSourceAccounts(ctx, key)
	return findIn(accounts, err, func(a *codat.SourceAccount) bool { return a.ID == accountID },
		"source account %q of connection %s/%s", accountID, key.companyID, key.connectionID)
}

// connectionSourceAccounts lists the connection's source accounts once per provider operation (see listCache).
func (d *providerData) connectionSourceAccounts(ctx context.Context, key connectionKey) ([]codat.SourceAccount, error) {
	return d.sourceAccounts.get(ctx, key, func(ctx context.Context) ([]codat.SourceAccount, error) {
		return d.client.ListSourceAccounts(ctx, key.companyID, key.connectionID)
	})
}

// findMapping reads one source account's mapping from the connection's shared mapping list.
func (d *providerData) findMapping(ctx context.Context, key connectionKey, sourceAccountID string) (*codat.BankFeedMapping, error) {
	mappings, err := d.connectionMappings(ctx, key)
	return findIn(mappings, err, func(m *codat.BankFeedMapping) bool { return m.SourceAccountID == sourceAccountID },
		"mapping of source account %q of connection %s/%s", sourceAccountID, key.companyID, key.connectionID)
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

// connectionMemo remembers the connections the connection resource read or created in this provider process.
// Terraform reads the mapping data source of a connection right after refreshing (or creating) the connection
// itself, in the same provider process, so the data source takes the connection from here instead of asking
// Codat for it a second time within seconds. Terraform starts a provider process per operation, which bounds how
// long an entry lives; a data source whose connection is not managed in the same configuration reads it from
// Codat.
type connectionMemo struct {
	mu    sync.Mutex
	known map[connectionKey]codat.Connection
}

func newConnectionMemo() *connectionMemo {
	return &connectionMemo{known: map[connectionKey]codat.Connection{}}
}

func (m *connectionMemo) remember(companyID string, c *codat.Connection) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.known[connectionKey{companyID, c.ID}] = *c
}

func (m *connectionMemo) forget(key connectionKey) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.known, key)
}

func (m *connectionMemo) recall(key connectionKey) (*codat.Connection, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.known[key]
	return &c, ok
}

// connection returns a connection this provider process has read or created, or reads it from Codat.
func (d *providerData) connection(ctx context.Context, key connectionKey) (*codat.Connection, error) {
	if c, ok := d.connections.recall(key); ok {
		return c, nil
	}
	c, err := d.companies.connection(ctx, key.companyID, key.connectionID)
	if err != nil {
		return nil, err
	}
	d.connections.remember(key.companyID, c)
	return c, nil
}
