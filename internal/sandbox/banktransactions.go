package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/google/uuid"
)

// Pushing bank transactions to a connected source account: operation create-bank-transactions,
// POST /companies/{companyId}/connections/{connectionId}/push/bankAccounts/{accountId}/bankTransactions
// (BF; body #/components/schemas/CreateBankTransactions, answer CreateBankTransactionsResponse). The
// rules are those of Codat's Xero page (D:integrations/bank-feeds/xero-bank-feeds/
// xero-bank-feeds-push-bank-transactions.md, CODAT-FACTS §7 and C7); Xero is the only bank-feed
// platform the sandbox connects to.

// maxBankTransactions is BankTransactions' maxItems (BF) and the page's "A maximum of 1000
// transactions can be written at a time".
const maxBankTransactions = 1000

// bankTransactionTypes is the enum of BF #/components/schemas/BankTransactions/items/properties/transactionType.
var bankTransactionTypes = []string{"Unknown", "Credit", "Debit", "Int", "Div", "Fee", "SerChg", "Dep", "Atm", "Pos",
	"Xfer", "Check", "Payment", "Cash", "DirectDep", "DirectDebit", "RepeatPmt", "Other"}

// BankTransaction is a bank transaction pushed to a source account, as sent.
type BankTransaction struct {
	ID              string
	Date            string
	Description     string
	Counterparty    *string
	Reference       *string
	Reconciled      *bool
	Amount          json.Number
	Balance         json.Number
	TransactionType string
}

// pushOperationJSON is CreateBankTransactionsResponse: PushOperation plus the data pushed.
type pushOperationJSON struct {
	Data              json.RawMessage    `json:"data"`
	DataType          string             `json:"dataType"`
	CompanyID         string             `json:"companyId"`
	PushOperationKey  string             `json:"pushOperationKey"`
	DataConnectionKey string             `json:"dataConnectionKey"`
	RequestedOnUtc    string             `json:"requestedOnUtc"`
	TimeoutInMinutes  *int32             `json:"timeoutInMinutes,omitempty"`
	Status            string             `json:"status"`
	StatusCode        int                `json:"statusCode"`
	Validation        pushValidationJSON `json:"validation"`
}

type pushValidationJSON struct {
	Errors   []validationItem `json:"errors"`
	Warnings []validationItem `json:"warnings"`
}

// parseLocalDateTime reads a transaction date. "When pushing bank transaction data to Codat, the
// date is treated as a local date … If a timezone offset is included … the offset will be ignored
// and only the local date/time portion will be used" (BF BankTransactions/items/properties/date).
func parseLocalDateTime(s string) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02T15:04:05.999999999Z07:00", "2006-01-02T15:04:05.999999999", dateLayout} {
		if t, err := time.Parse(layout, s); err == nil {
			return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC), true
		}
	}
	return time.Time{}, false
}

// parseBankTransactions validates a CreateBankTransactions body for the account accountID on the
// day of now. It returns the transactions and the warnings Codat answers with.
func parseBankTransactions(raw []byte, accountID string, now time.Time) ([]BankTransaction, []validationItem, apiResponse, bool) {
	obj, resp, ok := decodeObject(raw)
	if !ok {
		return nil, nil, resp, false
	}
	var v validator
	// accountId is required by the schema. The path names the account too; the page says to
	// supply "the ID of a connected source bank account" there. The sandbox takes the plausible
	// reading that the two must agree.
	if id, ok := obj.str("accountId", &v); !ok && !obj.present("accountId") {
		v.fail("accountId", "Required", "'accountId' is required.")
	} else if ok && id != accountID {
		v.fail("accountId", "AccountMismatch", "'accountId' %s does not match the bank account %s of the request path.", id, accountID)
	}
	var items []object
	if !obj.present("transactions") {
		v.fail("transactions", "Required", "'transactions' is required.")
	} else if err := json.Unmarshal(obj["transactions"], &items); err != nil {
		v.fail("transactions", "Type", "'transactions' must be an array of bank transactions.")
	}
	if len(items) > maxBankTransactions {
		v.fail("transactions", "MaxItems", "At most %d transactions can be written at a time; got %d.", maxBankTransactions, len(items))
	}
	if !v.ok() {
		return nil, nil, v.response(), false
	}

	today := now.UTC().Truncate(24 * time.Hour)
	earliest := today.AddDate(-1, 0, 0)
	var warnings []validationItem
	var prev time.Time
	txs := make([]BankTransaction, 0, len(items))
	for i, item := range items {
		var nested validator
		prefix := fmt.Sprintf("transactions[%d]", i)
		if item == nil {
			v.fail(prefix, "Type", "A bank transaction must be an object.")
			continue
		}
		// Codat's Xero page marks every member of its example as required: id, amount, balance,
		// date, description and transactionType. balance is "required for Xero" (BF).
		required := func(key string) string {
			s, ok := item.str(key, &nested)
			if !ok && !item.present(key) {
				nested.fail(key, "Required", "'%s' is required for Xero.", key)
			}
			return s
		}
		tx := BankTransaction{
			ID:              required("id"),
			Date:            required("date"),
			Description:     required("description"),
			TransactionType: required("transactionType"),
		}
		if s, ok := item.str("counterparty", &nested); ok {
			tx.Counterparty = &s
		}
		if s, ok := item.str("reference", &nested); ok {
			tx.Reference = &s
		}
		if b, ok := item.boolean("reconciled", &nested); ok {
			tx.Reconciled = &b
		}
		for _, key := range []string{"amount", "balance"} {
			n, ok := item.decimal(key, &nested)
			if !ok && !item.present(key) {
				nested.fail(key, "Required", "'%s' is required for Xero.", key)
			}
			if key == "amount" {
				tx.Amount = n
			} else {
				tx.Balance = n
			}
		}
		if tx.TransactionType != "" && !slices.Contains(bankTransactionTypes, tx.TransactionType) {
			nested.fail("transactionType", "Enum", "'%s' is not a bank transaction type.", tx.TransactionType)
		}
		if tx.Date != "" {
			date, valid := parseLocalDateTime(tx.Date)
			day := date.Truncate(24 * time.Hour)
			switch {
			case !valid:
				nested.fail("date", "DateTime", "'date' must be an ISO 8601 date such as 2023-08-22T10:21:00.")
			case day.After(today):
				// "Transactions must have a date set to the current day or earlier."
				nested.fail("date", "FutureDate", "The transaction date %s is in the future.", tx.Date)
			case day.Before(earliest):
				// "Write operations that contain bank transactions dated older than one year will fail."
				nested.fail("date", "HistoricDate", "The transaction date %s is more than one year in the past.", tx.Date)
			case date.Before(prev):
				// "Within a single request, the array of transactions must be in chronological order."
				nested.fail("date", "ChronologicalOrder", "Transactions must be in chronological order: %s is earlier than the transaction before it.", tx.Date)
			}
			if valid && !date.Before(prev) {
				prev = date
			}
		}
		// "the sign of the transaction amount [must be] consistent with the transactionType. A
		// warning is returned from Codat if, for example, a $100 transaction is sent to Xero as a
		// Debit."
		if f, err := tx.Amount.Float64(); err == nil {
			if tx.TransactionType == "Debit" && f > 0 || tx.TransactionType == "Credit" && f < 0 {
				warnings = append(warnings, validationItem{ItemID: tx.ID, ValidatorName: "AmountSign",
					Message: fmt.Sprintf("The amount %s does not match the transaction type %s: credits are positive and debits negative.", tx.Amount, tx.TransactionType)})
			}
		}
		v.merge(prefix, nested)
		txs = append(txs, tx)
	}
	if !v.ok() {
		return nil, nil, v.response(), false
	}
	return txs, warnings, apiResponse{}, true
}

// pushQuery reads the operation's query parameters: timeoutInMinutes (int32) and
// allowSyncOnPushComplete (boolean, default true; a sync is nothing the sandbox models).
func pushQuery(r *apiRequest) (*int32, apiResponse, bool) {
	var v validator
	var timeout *int32
	q := r.URL.Query()
	if raw := q.Get("timeoutInMinutes"); q.Has("timeoutInMinutes") {
		n, err := strconv.ParseInt(raw, 10, 32)
		if err != nil {
			v.fail("timeoutInMinutes", "Type", "'timeoutInMinutes' must be a whole number of minutes.")
		} else {
			m := int32(n)
			timeout = &m
		}
	}
	if raw := q.Get("allowSyncOnPushComplete"); q.Has("allowSyncOnPushComplete") {
		if _, err := strconv.ParseBool(raw); err != nil {
			v.fail("allowSyncOnPushComplete", "Type", "'allowSyncOnPushComplete' must be true or false.")
		}
	}
	if !v.ok() {
		return nil, v.response(), false
	}
	return timeout, apiResponse{}, true
}

func (s *Sandbox) pushBankTransactions(r *apiRequest) apiResponse {
	return s.withAccount(r, func(conn *connection, a *sourceAccount) apiResponse {
		timeout, resp, ok := pushQuery(r)
		if !ok {
			return resp
		}
		txs, warnings, resp, ok := parseBankTransactions(r.body, a.ID, s.now())
		if !ok {
			return resp
		}
		// "The source account must have connected status, where the SMB user has completed the step
		// of mapping and connecting the account."
		if a.Status != AccountConnected {
			var v validator
			v.fail("accountId", "AccountStatus", "Bank transactions can only be written to a connected source account; %s is %s.", a.ID, a.Status)
			return v.response()
		}
		// "The balance of the last bank transaction in the array is used to update the balance of the
		// specified bank account" (C7). Codat records it when it accepts the write; Xero processes the
		// transactions afterwards, so the operation answers Pending.
		if len(txs) > 0 {
			a.Balance = txs[len(txs)-1].Balance
			a.ModifiedDate = s.now()
		}
		a.pushed = append(a.pushed, txs...)
		if warnings == nil {
			warnings = []validationItem{}
		}
		// The page says the write "returns a write operation with a status of Pending (202)"; the
		// OpenAPI operation declares only 200, which the sandbox answers, with statusCode 202 in the
		// push operation.
		return jsonResponse(http.StatusOK, pushOperationJSON{
			Data:              json.RawMessage(bytes.TrimSpace(r.body)),
			DataType:          "bankTransactions",
			CompanyID:         conn.CompanyID,
			PushOperationKey:  uuid.NewString(),
			DataConnectionKey: conn.ID,
			RequestedOnUtc:    formatTime(s.now()),
			TimeoutInMinutes:  timeout,
			Status:            "Pending",
			StatusCode:        http.StatusAccepted,
			Validation:        pushValidationJSON{Errors: []validationItem{}, Warnings: warnings},
		})
	})
}

// BankTransactions returns the transactions pushed to a source account, in the order written.
func (s *Sandbox) BankTransactions(companyID, connectionID, accountID string) ([]BankTransaction, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, a, err := s.lookupAccount(companyID, connectionID, accountID)
	if err != nil {
		return nil, err
	}
	return append([]BankTransaction(nil), a.pushed...), nil
}
