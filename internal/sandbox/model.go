package sandbox

import (
	"encoding/json"
	"maps"
	"slices"
	"sort"
	"time"
)

// Connection statuses (Codat's dataConnectionStatus).
const (
	ConnectionPendingAuth  = "PendingAuth"
	ConnectionLinked       = "Linked"
	ConnectionUnlinked     = "Unlinked"
	ConnectionDeauthorized = "Deauthorized"
)

// Source account statuses.
const (
	AccountPending      = "pending"
	AccountConnecting   = "connecting"
	AccountConnected    = "connected"
	AccountDisconnected = "disconnected"
	AccountUnknown      = "unknown"
)

// Company is a snapshot of a company.
type Company struct {
	ID          string
	Name        string
	Description string
	Tags        map[string]string
	Products    []string
	Created     time.Time
}

// Connection is a snapshot of a data connection.
type Connection struct {
	ID            string
	CompanyID     string
	PlatformKey   string
	IntegrationID string
	SourceID      string
	SourceType    string
	PlatformName  string
	Status        string
	Created       time.Time
	// BankFeedsSupported is false when the connected Xero organisation refuses bank feeds.
	BankFeedsSupported bool
}

// SourceAccount is a snapshot of a bank-feed source account (Codat's v2 shape) plus the
// mapping the SMB user made for it.
type SourceAccount struct {
	ID            string
	AccountName   string
	AccountType   string
	AccountNumber string
	SortCode      *string
	RoutingInfo   *RoutingInfo
	Currency      string
	// Balance is kept as written, like Codat's decimals.
	Balance      json.Number
	AccountInfo  *AccountInfo
	ModifiedDate time.Time
	Status       string
	// FeedStartDate is the zero time until the account is mapped.
	FeedStartDate     time.Time
	TargetAccountID   string
	TargetAccountName string
}

// RoutingInfo is a source account's bank routing information.
type RoutingInfo struct {
	BankCode *string
	Type     *string
}

// AccountInfo is a source account's optional descriptive information.
type AccountInfo struct {
	Description      *string
	Nickname         *string
	AccountOpenDate  *string
	AvailableBalance *json.Number
}

// TargetAccount is a bank account in the connection's (simulated) Xero organisation.
type TargetAccount struct {
	ID       string
	Name     string
	Currency string
	// Type is Xero's account type: XeroBank or XeroCreditCard, the two types Xero takes bank feeds into.
	Type          string
	SortCode      string
	AccountNumber string
	Balance       float64
	// FedByAnotherApp marks an account that already takes a bank feed through a different Xero app: Xero shows
	// such feeds only to the app that made them, so Codat still offers the account but mapping to it fails.
	FedByAnotherApp bool
}

// Integration is a snapshot of an integration and its client-level settings.
type Integration struct {
	Key           string
	Name          string
	IntegrationID string
	SourceID      string
	SourceType    string
	Enabled       bool
	OneTimeSync   bool
	// Credentials are unmasked.
	Credentials map[string]string
}

type company struct {
	Company
	seq         int64
	connections map[string]*connection
}

type connection struct {
	Connection
	seq      int64
	accounts map[string]*sourceAccount
	// org is the Xero organisation the connection reaches; nil for platforms without bank feeds.
	org *organisation
}

type sourceAccount struct {
	SourceAccount
	seq int64
	// connectedAt is when a "connecting" account becomes "connected".
	connectedAt time.Time
	// pushed are the bank transactions written to the account.
	pushed []BankTransaction
}

func (s *Sandbox) nextSeq() int64 {
	s.seq++
	return s.seq
}

func (c *company) snapshot() Company {
	out := c.Company
	out.Tags = maps.Clone(c.Tags)
	out.Products = slices.Clone(c.Products)
	return out
}

func (a *sourceAccount) snapshot() SourceAccount {
	out := a.SourceAccount
	out.SortCode = clonePtr(a.SortCode)
	if a.RoutingInfo != nil {
		out.RoutingInfo = &RoutingInfo{BankCode: clonePtr(a.RoutingInfo.BankCode), Type: clonePtr(a.RoutingInfo.Type)}
	}
	if a.AccountInfo != nil {
		out.AccountInfo = &AccountInfo{
			Description:      clonePtr(a.AccountInfo.Description),
			Nickname:         clonePtr(a.AccountInfo.Nickname),
			AccountOpenDate:  clonePtr(a.AccountInfo.AccountOpenDate),
			AvailableBalance: clonePtr(a.AccountInfo.AvailableBalance),
		}
	}
	return out
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// sortedCompanies returns the companies in creation order.
func (s *Sandbox) sortedCompanies() []*company {
	return inCreationOrder(s.companies, func(c *company) int64 { return c.seq })
}

func (c *company) sortedConnections() []*connection {
	return inCreationOrder(c.connections, func(conn *connection) int64 { return conn.seq })
}

func (conn *connection) sortedAccounts() []*sourceAccount {
	return inCreationOrder(conn.accounts, func(a *sourceAccount) int64 { return a.seq })
}

// inCreationOrder lists the values of m by seq, the order in which the sandbox created them.
func inCreationOrder[T any](m map[string]T, seq func(T) int64) []T {
	out := make([]T, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return seq(out[i]) < seq(out[j]) })
	return out
}
