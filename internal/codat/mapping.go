package codat

import (
	"context"
	"encoding/json"
	"net/http"
)

// BankFeedMapping is a source account as the account-mapping screen shows it: the target account it feeds, its
// status, and the target accounts it could be mapped to.
type BankFeedMapping struct {
	SourceAccountID     string      `json:"sourceAccountId"`
	SourceAccountName   string      `json:"sourceAccountName,omitempty"`
	SourceAccountNumber string      `json:"sourceAccountNumber,omitempty"`
	SourceBalance       json.Number `json:"sourceBalance,omitempty"`
	SourceCurrency      string      `json:"sourceCurrency,omitempty"`
	// TargetAccountID is empty while the source account is not mapped.
	TargetAccountID      string                `json:"targetAccountId,omitempty"`
	TargetAccountName    string                `json:"targetAccountName,omitempty"`
	Status               string                `json:"status,omitempty"`
	TargetAccountOptions []TargetAccountOption `json:"targetAccountOptions,omitempty"`
	FeedStartDate        string                `json:"feedStartDate,omitempty"`
}

// TargetAccountOption is an account in the accounting platform that a source account can be mapped to.
type TargetAccountOption struct {
	ID            string      `json:"id"`
	Name          string      `json:"name,omitempty"`
	Balance       json.Number `json:"balance,omitempty"`
	SortCode      string      `json:"sortCode,omitempty"`
	AccountNumber string      `json:"accountNumber,omitempty"`
}

// BankFeedAccountMapping maps a source account to a target account. A nil TargetAccountID asks the platform to
// create a new account named after the source account.
type BankFeedAccountMapping struct {
	SourceAccountID string  `json:"sourceAccountId"`
	TargetAccountID *string `json:"targetAccountId,omitempty"`
	// FeedStartDate is the first date whose transactions are fed, e.g. "2024-05-01".
	FeedStartDate string `json:"feedStartDate,omitempty"`
}

// BankFeedAccountMappingResponse is the outcome of a mapping request. Status is the status of the request ("Status
// of the POST request": "Failed", with Error saying why, or e.g. "connecting"), not the status of the source account's
// feed, which only the mapping list reports. TargetAccountID is empty when a new target account was asked for.
type BankFeedAccountMappingResponse struct {
	SourceAccountID string `json:"sourceAccountId"`
	TargetAccountID string `json:"targetAccountId,omitempty"`
	Status          string `json:"status,omitempty"`
	Error           string `json:"error,omitempty"`
}

// CompanyInformation describes the organisation behind a connection in the accounting platform.
type CompanyInformation struct {
	CompanyName          string   `json:"companyName"`
	BaseCurrency         string   `json:"baseCurrency"`
	PlanType             string   `json:"planType,omitempty"`
	MulticurrencyEnabled bool     `json:"multicurrencyEnabled"`
	Currencies           []string `json:"currencies,omitempty"`
}

// GetBankAccountMapping returns the mapping state of every source account of a connection.
func (c *Client) GetBankAccountMapping(ctx context.Context, companyID, connectionID string) ([]BankFeedMapping, error) {
	path := pathf("/companies/%s/connections/%s/bankFeedAccounts/mapping", companyID, connectionID)
	return callInto(ctx, c, http.MethodGet, path, nil, []BankFeedMapping{})
}

// CreateBankAccountMapping maps a source account to a target account. A Xero organisation that does not support
// bank feeds answers 403 with the problem type "invalid-organisation-bank-feeds" (see APIError.ProblemType).
func (c *Client) CreateBankAccountMapping(ctx context.Context, companyID, connectionID string, mapping BankFeedAccountMapping) (*BankFeedAccountMappingResponse, error) {
	path := pathf("/companies/%s/connections/%s/bankFeedAccounts/mapping", companyID, connectionID)
	return call[BankFeedAccountMappingResponse](ctx, c, http.MethodPost, path, mapping)
}

// GetBankFeedCompanyInfo returns the accounting platform's information about the connected organisation.
func (c *Client) GetBankFeedCompanyInfo(ctx context.Context, companyID, connectionID string) (*CompanyInformation, error) {
	path := pathf("/companies/%s/connections/%s/bankFeeds/info", companyID, connectionID)
	return call[CompanyInformation](ctx, c, http.MethodGet, path, nil)
}
