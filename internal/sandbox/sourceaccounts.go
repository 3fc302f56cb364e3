package sandbox

import (
	"encoding/json"
	"net/http"
	"slices"
	"time"
)

var (
	accountTypes = []string{"checking", "savings", "loan", "creditCard", "prepaidCard"}
	routingTypes = []string{"rtn", "aba", "swift", "bsb", "iban", "nz2", "trno", "sortcode", "blz", "ifsc", "bankcode", "apca", "clabe"}
)

const defaultRoutingType = "bankcode"

// sourceAccountJSON is SourceAccountV2. Null members are left out, which the schema allows and
// which keeps clients from having to tell null from absent.
type sourceAccountJSON struct {
	ID            string           `json:"id"`
	AccountName   string           `json:"accountName"`
	AccountType   string           `json:"accountType"`
	AccountNumber string           `json:"accountNumber"`
	SortCode      *string          `json:"sortCode,omitempty"`
	RoutingInfo   *routingInfoJSON `json:"routingInfo,omitempty"`
	Currency      string           `json:"currency"`
	Balance       json.Number      `json:"balance"`
	AccountInfo   *accountInfoJSON `json:"accountInfo,omitempty"`
	ModifiedDate  string           `json:"modifiedDate"`
	Status        string           `json:"status"`
	FeedStartDate string           `json:"feedStartDate,omitempty"`
}

type routingInfoJSON struct {
	BankCode *string `json:"bankCode,omitempty"`
	Type     *string `json:"type,omitempty"`
}

type accountInfoJSON struct {
	Description      *string      `json:"description,omitempty"`
	Nickname         *string      `json:"nickname,omitempty"`
	AccountOpenDate  *string      `json:"accountOpenDate,omitempty"`
	AvailableBalance *json.Number `json:"availableBalance,omitempty"`
}

// sourceAccountV1JSON is the v1 SourceAccount schema (additionalProperties:false): what the update
// operation is described to return, and what clients integrated before 2024-08-01 get from every
// operation. The v2-only members routingInfo and accountInfo are not part of it; its nullable
// members are left out when they hold nothing.
type sourceAccountV1JSON struct {
	ID            string       `json:"id"`
	AccountName   *string      `json:"accountName,omitempty"`
	AccountType   *string      `json:"accountType,omitempty"`
	AccountNumber *string      `json:"accountNumber,omitempty"`
	SortCode      *string      `json:"sortCode,omitempty"`
	Currency      string       `json:"currency,omitempty"`
	Balance       *json.Number `json:"balance,omitempty"`
	ModifiedDate  string       `json:"modifiedDate"`
	Status        string       `json:"status"`
	FeedStartDate string       `json:"feedStartDate,omitempty"`
}

// v2Cutover is the day from which Codat clients integrate with v2 source accounts: "If you are
// integrating … after August 1, 2024, use the v2 version" (BF create-source-account; CODAT-FACTS C6).
var v2Cutover = time.Date(2024, 8, 1, 0, 0, 0, 0, time.UTC)

// v1SourceAccounts reports whether this client uses v1 source accounts. Which shape a client gets
// depends on the client, not on the request (CODAT-FACTS §4 "Source account versions").
func (s *Sandbox) v1SourceAccounts() bool {
	return !s.opts.IntegratedOn.IsZero() && s.opts.IntegratedOn.Before(v2Cutover)
}

// accountJSON is an account in the shape this client speaks.
func (s *Sandbox) accountJSON(a *sourceAccount) any {
	if s.v1SourceAccounts() {
		return a.v1JSON()
	}
	return a.json()
}

func feedDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(dateLayout)
}

func (a *sourceAccount) json() sourceAccountJSON {
	out := sourceAccountJSON{
		ID:            a.ID,
		AccountName:   a.AccountName,
		AccountType:   a.AccountType,
		AccountNumber: a.AccountNumber,
		SortCode:      a.SortCode,
		Currency:      a.Currency,
		Balance:       a.Balance,
		ModifiedDate:  formatTime(a.ModifiedDate),
		Status:        a.Status,
		FeedStartDate: feedDate(a.FeedStartDate),
	}
	if ri := a.RoutingInfo; ri != nil {
		out.RoutingInfo = &routingInfoJSON{BankCode: ri.BankCode, Type: ri.Type}
	}
	if ai := a.AccountInfo; ai != nil {
		out.AccountInfo = &accountInfoJSON{
			Description:      ai.Description,
			Nickname:         ai.Nickname,
			AccountOpenDate:  ai.AccountOpenDate,
			AvailableBalance: ai.AvailableBalance,
		}
	}
	return out
}

func (a *sourceAccount) v1JSON() sourceAccountV1JSON {
	out := sourceAccountV1JSON{
		ID:            a.ID,
		AccountName:   nonEmpty(a.AccountName),
		AccountType:   nonEmpty(a.AccountType),
		AccountNumber: nonEmpty(a.AccountNumber),
		SortCode:      a.SortCode,
		Currency:      a.Currency,
		ModifiedDate:  formatTime(a.ModifiedDate),
		Status:        a.Status,
	}
	if a.Balance != "" {
		out.Balance = &a.Balance
	}
	// v1 feedStartDate is a DateTime; Codat's v1 example shows "2023-01-09T14:56:43.773Z"
	// (D:integrations/bank-feeds/xero-bank-feeds/xero-bank-feeds-push-bank-transactions.md).
	if !a.FeedStartDate.IsZero() {
		out.FeedStartDate = formatTime(a.FeedStartDate)
	}
	return out
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// refreshLocked turns a "connecting" account "connected" once the mapping delay has passed.
// Statuses are brought up to date whenever they are read, so no timer is needed and a fake
// clock controls the transition.
func (s *Sandbox) refreshLocked(a *sourceAccount) {
	if a.Status == AccountConnecting && !s.now().Before(a.connectedAt) {
		a.Status = AccountConnected
		s.sourceAccountStatusChanged(a)
	}
}

func (s *Sandbox) refreshedAccounts(conn *connection) []*sourceAccount {
	accounts := conn.sortedAccounts()
	for _, a := range accounts {
		s.refreshLocked(a)
	}
	return accounts
}

func (s *Sandbox) findSourceAccount(conn *connection, id string) (*sourceAccount, apiResponse, bool) {
	a, ok := conn.accounts[id]
	if !ok {
		return nil, notFound("Source account %s not found for data connection %s", id, conn.ID), false
	}
	s.refreshLocked(a)
	return a, apiResponse{}, true
}

// parseSourceAccount validates a SourceAccountV2 prototype.
func parseSourceAccount(raw []byte, now time.Time) (SourceAccount, apiResponse, bool) {
	obj, resp, ok := decodeObject(raw)
	if !ok {
		return SourceAccount{}, resp, false
	}
	var v validator
	acc := SourceAccount{
		ID:            requiredText(obj, "id", &v),
		AccountName:   requiredText(obj, "accountName", &v),
		AccountType:   requiredText(obj, "accountType", &v),
		AccountNumber: requiredText(obj, "accountNumber", &v),
		Currency:      requiredText(obj, "currency", &v),
		ModifiedDate:  now,
		Status:        AccountPending,
	}
	if acc.AccountType != "" && !slices.Contains(accountTypes, acc.AccountType) {
		v.fail("accountType", "Enum", "'accountType' must be one of checking, savings, loan, creditCard, prepaidCard.")
	}
	if acc.Currency != "" && !validCurrency(acc.Currency) {
		v.fail("currency", "Currency", "'%s' is not an ISO 4217 currency code.", acc.Currency)
	}
	if balance, ok := obj.decimal("balance", &v); ok {
		acc.Balance = balance
	} else if !obj.present("balance") {
		v.fail("balance", "Required", "'balance' is required.")
	}
	if sortCode, ok := obj.str("sortCode", &v); ok && sortCode != "" {
		acc.SortCode = &sortCode
	}
	if acc.Currency == "GBP" && acc.SortCode == nil {
		v.fail("sortCode", "Required", "'sortCode' is required for GBP bank accounts.")
	}
	if ri, ok := obj.object("routingInfo", &v); ok {
		var nested validator
		acc.RoutingInfo = &RoutingInfo{}
		if code, ok := ri.str("bankCode", &nested); ok {
			acc.RoutingInfo.BankCode = &code
		}
		typ := defaultRoutingType
		if t, ok := ri.str("type", &nested); ok {
			typ = t
			if !slices.Contains(routingTypes, t) {
				nested.fail("type", "Enum", "'%s' is not a routing number type.", t)
			}
		}
		acc.RoutingInfo.Type = &typ
		v.merge("routingInfo", nested)
	}
	if ai, ok := obj.object("accountInfo", &v); ok {
		var nested validator
		acc.AccountInfo = &AccountInfo{}
		if d, ok := ai.str("description", &nested); ok {
			acc.AccountInfo.Description = &d
		}
		if n, ok := ai.str("nickname", &nested); ok {
			acc.AccountInfo.Nickname = &n
		}
		if d, ok := ai.str("accountOpenDate", &nested); ok {
			if _, err := time.Parse(dateLayout, d); err != nil {
				nested.fail("accountOpenDate", "Date", "'accountOpenDate' must be a date such as 2023-05-06.")
			}
			acc.AccountInfo.AccountOpenDate = &d
		}
		if b, ok := ai.decimal("availableBalance", &nested); ok {
			acc.AccountInfo.AvailableBalance = &b
		}
		v.merge("accountInfo", nested)
	}
	if t, ok := obj.dateTime("modifiedDate", "date and time", &v); ok {
		acc.ModifiedDate = t
	}
	if !v.ok() {
		return SourceAccount{}, v.response(), false
	}
	return acc, apiResponse{}, true
}

// sourceAccountV1Members are the members of the v1 SourceAccount schema. status and feedStartDate
// are Codat's (the v1 prototype leaves them out) and are ignored on create.
var sourceAccountV1Members = []string{"id", "accountName", "accountType", "accountNumber", "sortCode", "currency", "balance", "modifiedDate", "status", "feedStartDate"}

// parseSourceAccountV1 validates a v1 source account prototype: only id is required, accountType
// is free text (Codat's Xero page sends "Debit" for a Xero BANK account and "Credit" for a
// CREDITCARD account, CODAT-FACTS C6) and the other members are nullable. The v1 SourceAccount
// schema allows no other members; the prototype does not say so itself, and the plausible reading
// taken here is that a v1 client refuses members it cannot keep (routingInfo, accountInfo) rather
// than dropping them silently.
func parseSourceAccountV1(raw []byte, now time.Time) (SourceAccount, apiResponse, bool) {
	obj, resp, ok := decodeObject(raw)
	if !ok {
		return SourceAccount{}, resp, false
	}
	var v validator
	for key := range obj {
		if !slices.Contains(sourceAccountV1Members, key) {
			v.fail(key, "UnknownProperty", "'%s' is not a property of a source account (v1).", key)
		}
	}
	id := requiredText(obj, "id", &v)
	text := func(key string) string {
		val, _ := obj.str(key, &v)
		return val
	}
	acc := SourceAccount{
		ID:            id,
		AccountName:   text("accountName"),
		AccountType:   text("accountType"),
		AccountNumber: text("accountNumber"),
		Currency:      text("currency"),
		ModifiedDate:  now,
		Status:        AccountPending,
	}
	if acc.Currency != "" && !validCurrency(acc.Currency) {
		v.fail("currency", "Currency", "'%s' is not an ISO 4217 currency code.", acc.Currency)
	}
	if balance, ok := obj.decimal("balance", &v); ok {
		acc.Balance = balance
	}
	if sortCode := text("sortCode"); sortCode != "" {
		acc.SortCode = &sortCode
	}
	if acc.Currency == "GBP" && acc.SortCode == nil {
		v.fail("sortCode", "Required", "'sortCode' is required for GBP bank accounts.")
	}
	if t, ok := obj.dateTime("modifiedDate", "date and time", &v); ok {
		acc.ModifiedDate = t
	}
	if !v.ok() {
		return SourceAccount{}, v.response(), false
	}
	return acc, apiResponse{}, true
}

func (s *Sandbox) createSourceAccount(r *apiRequest) apiResponse {
	return s.withConnection(r, func(conn *connection) apiResponse {
		parse := parseSourceAccount
		if s.v1SourceAccounts() {
			parse = parseSourceAccountV1
		}
		acc, resp, ok := parse(r.body, s.now())
		if !ok {
			return resp
		}
		if _, exists := conn.accounts[acc.ID]; exists {
			var v validator
			v.fail("id", "Unique", "A bank account already exists with the same Id")
			return v.response()
		}
		a := &sourceAccount{SourceAccount: acc, seq: s.nextSeq()}
		conn.accounts[a.ID] = a
		return jsonResponse(http.StatusOK, s.accountJSON(a))
	})
}

func (s *Sandbox) listSourceAccounts(r *apiRequest) apiResponse {
	return s.withConnection(r, func(conn *connection) apiResponse {
		accounts := s.refreshedAccounts(conn)
		out := make([]any, len(accounts))
		for i, a := range accounts {
			out[i] = s.accountJSON(a)
		}
		return jsonResponse(http.StatusOK, out)
	})
}

// updateSourceAccount applies Codat's update rules: accountName may change; status may only
// become "disconnected"; balance may only change while the account is not connected. The body
// is the v1 SourceAccount schema, so clients send the account back; members other than those
// three are accepted only when they repeat the stored value.
func (s *Sandbox) updateSourceAccount(r *apiRequest) apiResponse {
	return s.withAccount(r, func(_ *connection, a *sourceAccount) apiResponse {
		return withBody(r, func(obj object, v *validator) apiResponse {
			immutable := func(key, stored string) {
				if val, ok := obj.str(key, v); ok && val != stored {
					v.fail(key, "Immutable", "'%s' cannot be updated.", key)
				}
			}
			for key := range obj {
				switch key {
				case "id", "accountName", "accountType", "accountNumber", "sortCode", "currency", "balance", "modifiedDate", "status", "feedStartDate":
				default:
					v.fail(key, "UnknownProperty", "'%s' is not a property of a source account.", key)
				}
			}
			immutable("id", a.ID)
			immutable("accountType", a.AccountType)
			immutable("accountNumber", a.AccountNumber)
			immutable("currency", a.Currency)
			sortCode := ""
			if a.SortCode != nil {
				sortCode = *a.SortCode
			}
			immutable("sortCode", sortCode)
			if fsd, ok := obj.str("feedStartDate", v); ok {
				if t, valid := parseDateTime(fsd); !valid || !t.Equal(a.FeedStartDate) {
					v.fail("feedStartDate", "Immutable", "'feedStartDate' cannot be updated.")
				}
			}

			name, nameSet := obj.str("accountName", v)
			if nameSet && name == "" {
				v.fail("accountName", "Required", "'accountName' must not be empty.")
			}
			status, statusSet := obj.str("status", v)
			disconnect := statusSet && status != a.Status
			if disconnect && status != AccountDisconnected {
				v.fail("status", "StatusTransition", "'status' can only be updated to 'disconnected'.")
			}
			balance, balanceSet := obj.decimal("balance", v)
			if balanceSet && !sameDecimal(balance, a.Balance) && a.Status == AccountConnected {
				v.fail("balance", "ConnectedAccount", "'balance' can only be updated on accounts that are not connected.")
			}
			modified := s.now()
			if t, ok := obj.dateTime("modifiedDate", "date and time", v); ok {
				modified = t
			}
			if !v.ok() {
				return v.response()
			}

			if nameSet {
				a.AccountName = name
			}
			if balanceSet {
				a.Balance = balance
			}
			if disconnect {
				disconnectAccount(a)
			}
			a.ModifiedDate = modified
			s.sourceAccountStatusChanged(a)
			return jsonResponse(http.StatusOK, a.v1JSON())
		})
	})
}

// disconnectAccount ends the account's feed, which frees its target account for another.
func disconnectAccount(a *sourceAccount) {
	a.Status = AccountDisconnected
	a.TargetAccountID, a.TargetAccountName = "", ""
	a.FeedStartDate = time.Time{}
}

func (s *Sandbox) deleteSourceAccount(r *apiRequest) apiResponse {
	return s.withAccount(r, func(conn *connection, a *sourceAccount) apiResponse {
		delete(conn.accounts, a.ID)
		return emptyResponse(http.StatusNoContent)
	})
}
