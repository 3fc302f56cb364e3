package codat

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// BatchItemResult is what Codat answered for one source account of a batch create.
type BatchItemResult struct {
	// StatusCode is the item's status: 201 when Codat created the account, otherwise the item's error status,
	// such as 409 for an id the connection already has.
	StatusCode int
	// Error is Codat's text for an item it did not create.
	Error string
	// Account is the created account; nil for an item Codat did not create.
	Account *SourceAccount
}

// Created reports whether Codat created the item's account.
func (r BatchItemResult) Created() bool {
	return r.Account != nil && r.StatusCode >= 200 && r.StatusCode < 300
}

// BatchItemError is an account of a batch create that Codat did not create, with the item's own status and text.
type BatchItemError struct {
	Method, Path string
	AccountID    string
	StatusCode   int
	Message      string
}

func (e *BatchItemError) Error() string {
	return fmt.Sprintf("Codat API: %s %s returned %s for source account %q: %s", e.Method, e.Path,
		statusText(e.StatusCode), e.AccountID, e.Message)
}

// batchStatus is an item's statusCode: an integer for a created account, a string (such as "409") for an error
// (BF SourceAccountBatchCreateResponse and SourceAccountBatchErrorResponse).
type batchStatus int

func (s *batchStatus) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var text string
		if err := json.Unmarshal(b, &text); err != nil {
			return err
		}
		b = []byte(text)
	}
	if bytes.Equal(b, []byte("null")) || len(b) == 0 {
		*s = 0
		return nil
	}
	n, err := strconv.Atoi(string(b))
	if err != nil {
		return fmt.Errorf("statusCode %s is not a status", b)
	}
	*s = batchStatus(n)
	return nil
}

type batchItemJSON struct {
	SourceAccountID string `json:"sourceAccountId"`
	Result          struct {
		StatusCode batchStatus    `json:"statusCode"`
		Error      *string        `json:"error"`
		Account    *SourceAccount `json:"account"`
	} `json:"result"`
}

// CreateSourceAccounts creates several source accounts of one connection in one request
// (POST …/connectionInfo/bankFeedAccounts/batch). The body is an array of the accounts, each in the shape
// CreateSourceAccount sends, so accounts without routing and account information make Codat's v1 batch body.
// Codat answers 201 when it created every account, 207 when it created some and 409 when it created none, with a
// result per account; the results come back by account id. An account Codat's answer does not mention has no
// entry. A 400 (an account Codat refuses), 404 or any other failure of the request is the error.
func (c *Client) CreateSourceAccounts(ctx context.Context, companyID, connectionID string, accounts []SourceAccount) (map[string]BatchItemResult, error) {
	path := sourceAccountsPath(companyID, connectionID) + "/batch"
	var items []batchItemJSON
	if err := c.doWith(ctx, http.MethodPost, path, nil, accounts, &items, callOptions{conflictResults: true}); err != nil {
		return nil, err
	}
	out := make(map[string]BatchItemResult, len(items))
	for _, it := range items {
		r := BatchItemResult{StatusCode: int(it.Result.StatusCode), Account: it.Result.Account}
		if it.Result.Error != nil {
			r.Error = *it.Result.Error
		}
		id := it.SourceAccountID
		if id == "" && r.Account != nil {
			id = r.Account.ID
		}
		out[id] = r
	}
	return out, nil
}

// ItemError is the error of an item Codat did not create, for the call that made it.
func (r BatchItemResult) ItemError(companyID, connectionID, accountID string) error {
	return &BatchItemError{Method: http.MethodPost, Path: sourceAccountsPath(companyID, connectionID) + "/batch",
		AccountID: accountID, StatusCode: r.StatusCode, Message: r.Error}
}
