package codat

import (
	"context"
	"encoding/json"
	"net/http"
)

// SourceAccount is a bank account fed into the accounting platform, in Codat's v2 shape. Codat's v1 shape (clients
// that integrated with Bank Feeds before 2024-08-01) is its subset without RoutingInfo and AccountInfo, with a free
// text AccountType such as "Debit" or "Credit": leaving those two out makes a v1 body, and v1 answers decode into
// the same struct. Balances are json.Number so that a decimal such as 1234.56 round-trips exactly. Optional text
// fields are empty when Codat sends null or nothing.
type SourceAccount struct {
	ID string `json:"id"`
	// AccountName can be changed with UpdateSourceAccount.
	AccountName string `json:"accountName"`
	// AccountType is checking, savings, loan, creditCard or prepaidCard (v2), or Debit or Credit (v1).
	AccountType   string       `json:"accountType"`
	AccountNumber string       `json:"accountNumber"`
	SortCode      *string      `json:"sortCode,omitempty"`
	RoutingInfo   *RoutingInfo `json:"routingInfo,omitempty"`
	// Currency is an ISO 4217 code.
	Currency    string       `json:"currency"`
	Balance     json.Number  `json:"balance"`
	AccountInfo *AccountInfo `json:"accountInfo,omitempty"`
	// ModifiedDate, Status and FeedStartDate are set by Codat.
	ModifiedDate string `json:"modifiedDate,omitempty"`
	// Status is pending, connected, connecting, disconnected or unknown.
	Status        string `json:"status,omitempty"`
	FeedStartDate string `json:"feedStartDate,omitempty"`
}

// RoutingInfo is the bank's routing number (not the account number) and its type, e.g. "rtn" or "bankcode".
type RoutingInfo struct {
	BankCode string `json:"bankCode,omitempty"`
	Type     string `json:"type,omitempty"`
}

// AccountInfo is descriptive information about a source account.
type AccountInfo struct {
	Description string `json:"description,omitempty"`
	Nickname    string `json:"nickname,omitempty"`
	// AccountOpenDate is a date such as "2023-05-06".
	AccountOpenDate  string      `json:"accountOpenDate,omitempty"`
	AvailableBalance json.Number `json:"availableBalance,omitempty"`
}

// SourceAccountUpdate holds the fields Codat lets a source account change; nil fields are not sent. Status can
// only become "disconnected", and Balance only changes while the account is not "connected".
type SourceAccountUpdate struct {
	AccountName *string      `json:"accountName,omitempty"`
	Status      *string      `json:"status,omitempty"`
	Balance     *json.Number `json:"balance,omitempty"`
}

func sourceAccountsPath(companyID, connectionID string) string {
	return pathf("/companies/%s/connections/%s/connectionInfo/bankFeedAccounts", companyID, connectionID)
}

// CreateSourceAccount creates a source account on a bank-feed connection.
func (c *Client) CreateSourceAccount(ctx context.Context, companyID, connectionID string, account SourceAccount) (*SourceAccount, error) {
	return call[SourceAccount](ctx, c, http.MethodPost, sourceAccountsPath(companyID, connectionID), account)
}

// ListSourceAccounts returns every source account of a connection; Codat has no call that reads just one.
func (c *Client) ListSourceAccounts(ctx context.Context, companyID, connectionID string) ([]SourceAccount, error) {
	return callInto(ctx, c, http.MethodGet, sourceAccountsPath(companyID, connectionID), nil, []SourceAccount{})
}

// UpdateSourceAccount changes the fields set in update.
func (c *Client) UpdateSourceAccount(ctx context.Context, companyID, connectionID, accountID string, update SourceAccountUpdate) (*SourceAccount, error) {
	// Codat's update body is a source account, whose id is required.
	body := struct {
		ID string `json:"id"`
		SourceAccountUpdate
	}{accountID, update}
	path := sourceAccountsPath(companyID, connectionID) + pathf("/%s", accountID)
	return call[SourceAccount](ctx, c, http.MethodPatch, path, body)
}

// DeleteSourceAccount deletes a source account, which also removes its bank feed.
func (c *Client) DeleteSourceAccount(ctx context.Context, companyID, connectionID, accountID string) error {
	path := sourceAccountsPath(companyID, connectionID) + pathf("/%s", accountID)
	return c.do(ctx, http.MethodDelete, path, nil, nil, nil)
}
