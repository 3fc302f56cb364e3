package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// bankFeedMappingJSON is a BankFeedMapping. None of its members is required: a v1 source account
// (CODAT-FACTS C6) may have no name, number, balance or currency, and those are then left out.
type bankFeedMappingJSON struct {
	SourceAccountID      string             `json:"sourceAccountId"`
	SourceAccountName    string             `json:"sourceAccountName,omitempty"`
	SourceAccountNumber  string             `json:"sourceAccountNumber,omitempty"`
	SourceBalance        *json.Number       `json:"sourceBalance,omitempty"`
	SourceCurrency       string             `json:"sourceCurrency,omitempty"`
	TargetAccountID      string             `json:"targetAccountId,omitempty"`
	TargetAccountName    string             `json:"targetAccountName,omitempty"`
	Status               string             `json:"status"`
	TargetAccountOptions []targetOptionJSON `json:"targetAccountOptions"`
	FeedStartDate        string             `json:"feedStartDate,omitempty"`
}

type targetOptionJSON struct {
	ID            string  `json:"id"`
	Name          string  `json:"name"`
	Balance       float64 `json:"balance"`
	SortCode      string  `json:"sortCode,omitempty"`
	AccountNumber string  `json:"accountNumber,omitempty"`
}

// mappingResponseJSON is BankFeedAccountMappingResponse: the outcome of the POST request, not a
// mapping status (C16).
type mappingResponseJSON struct {
	SourceAccountID string  `json:"sourceAccountId"`
	TargetAccountID *string `json:"targetAccountId"`
	Status          string  `json:"status"`
	Error           string  `json:"error,omitempty"`
}

type companyInformationJSON struct {
	CompanyName          string   `json:"companyName"`
	BaseCurrency         string   `json:"baseCurrency"`
	PlanType             string   `json:"planType"`
	MulticurrencyEnabled bool     `json:"multicurrencyEnabled"`
	Currencies           []string `json:"currencies"`
}

// problemJSON is the body Xero's refusal comes back in when its organisation cannot take bank
// feeds; Codat passes it through instead of its own ErrorMessage.
type problemJSON struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
}

const (
	bankFeedsProblemType   = "invalid-organisation-bank-feeds"
	bankFeedsProblemDetail = "The organisation does not support automated bank feeds"
)

// mappingErrorKind says how a refused mapping is reported.
type mappingErrorKind int

const (
	// mappingFailed is a business failure: 200 with status "Failed" and the error.
	mappingFailed mappingErrorKind = iota
	mappingInvalid
	mappingNotFound
	mappingNoBankFeeds
)

// MappingError is why a source account could not be mapped.
type MappingError struct {
	kind    mappingErrorKind
	field   string
	Message string
}

func (e *MappingError) Error() string { return e.Message }

// Is makes an unknown source account an ErrNotFound, like the other state methods' errors.
func (e *MappingError) Is(target error) bool {
	return target == ErrNotFound && e.kind == mappingNotFound
}

func (e *MappingError) response(sourceID, targetID string) apiResponse {
	switch e.kind {
	case mappingInvalid:
		if e.field == "" {
			return badRequest("%s", e.Message)
		}
		var v validator
		v.fail(e.field, "Mapping", "%s", e.Message)
		return v.response()
	case mappingNotFound:
		return notFound("%s", e.Message)
	case mappingNoBankFeeds:
		return jsonResponse(http.StatusForbidden, problemJSON{
			Type:   bankFeedsProblemType,
			Title:  "Forbidden",
			Status: http.StatusForbidden,
			Detail: bankFeedsProblemDetail,
		})
	default:
		// BF's BankFeedAccountMappingResponse example: 200 with status "Failed" and the error.
		return jsonResponse(http.StatusOK, mappingResponseJSON{SourceAccountID: sourceID, TargetAccountID: optional(targetID), Status: mappingRequestFailed, Error: e.Message})
	}
}

func mappingErr(kind mappingErrorKind, field, format string, args ...any) *MappingError {
	return &MappingError{kind: kind, field: field, Message: fmt.Sprintf(format, args...)}
}

// checkMappable reports why a connection has no organisation to feed bank accounts into, if so.
func checkMappable(conn *connection, integ *integration) *MappingError {
	if integ == nil || !integ.bankFeeds {
		return mappingErr(mappingInvalid, "", "Bank feeds are not supported for %s.", conn.PlatformName)
	}
	if conn.Status != ConnectionLinked {
		return mappingErr(mappingInvalid, "", "Data connection %s is %s: the company must link it before bank accounts can be mapped.", conn.ID, conn.Status)
	}
	return nil
}

// feedStartGuide is the range of feed start dates the mapping page suggests on the day of now:
// from one year back, the oldest transactions Xero's API takes, to today. It is only a guide:
// Codat does not validate the feed start date (C8: "While Codat doesn't validate the Feed start
// date, Xero's API doesn't support writing historical data older than one year"; it "is not
// enforced and should be used as a guide").
func feedStartGuide(now time.Time) (earliest, latest time.Time) {
	today := now.UTC().Truncate(24 * time.Hour)
	return today.AddDate(-1, 0, 0), today
}

// The Xero account types that take bank feeds: "Xero approves Bank Feeds applications only for
// 'BANK' or 'CREDITCARD' account types" (C6).
const (
	XeroBank       = "BANK"
	XeroCreditCard = "CREDITCARD"
)

// xeroTypeOf is the Xero account type a source account of the given accountType feeds (C6):
// v1 "Credit" is Xero CREDITCARD and "Debit" Xero BANK; of the Open Banking types Loan,
// ChargeCard and CreditCard are Credit, PrePaidCard, Savings and Current Debit. The v2 types
// follow the same split: creditCard and loan feed CREDITCARD accounts, checking, savings and
// prepaidCard BANK accounts. Codat's documents do not say what other v1 free text maps to; the
// sandbox takes the plausible reading that anything not a credit product is a bank account.
func xeroTypeOf(accountType string) string {
	switch strings.ToLower(accountType) {
	case "credit", "creditcard", "loan", "chargecard":
		return XeroCreditCard
	}
	return XeroBank
}

// organisation is the Xero organisation behind one or more connections. Each connection reaches
// its own organisation unless the SMB user authorised another company's organisation too
// (LinkSameOrganisation). Every connection uses the sandbox's one Xero integration, so all of them
// share one Xero app: what C10 says of feeds "under another company using the same Xero app"
// applies between the members.
type organisation struct {
	name    string
	targets []*TargetAccount
	members []*connection
}

func newOrganisation(conn *connection, targets []*TargetAccount) *organisation {
	return &organisation{targets: targets, members: []*connection{conn}}
}

// authorised names the organisation after the company that first authorised it.
func (o *organisation) authorised(name string) {
	if o != nil && o.name == "" {
		o.name = name
	}
}

func (o *organisation) snapshot() []TargetAccount {
	if o == nil {
		return nil
	}
	out := make([]TargetAccount, len(o.targets))
	for i, t := range o.targets {
		out[i] = *t
	}
	return out
}

func (o *organisation) target(id string) *TargetAccount {
	i := slices.IndexFunc(o.targets, func(t *TargetAccount) bool { return t.ID == id })
	if i < 0 {
		return nil
	}
	return o.targets[i]
}

// feedOf is the source account feeding a target account, and its connection.
type feedOf struct {
	conn    *connection
	account *sourceAccount
}

// feedsLocked maps each target account of the organisation that takes a feed (connecting or
// connected) to the source account feeding it, over every live connection to the organisation.
func (s *Sandbox) feedsLocked(org *organisation) map[string]feedOf {
	out := map[string]feedOf{}
	for _, m := range org.members {
		if c, ok := s.companies[m.CompanyID]; !ok || c.connections[m.ID] != m {
			continue // deleted with its company or on its own: its feeds ended with it
		}
		for _, a := range m.accounts {
			s.refreshLocked(a)
			if fed(a.Status) {
				out[a.TargetAccountID] = feedOf{conn: m, account: a}
			}
		}
	}
	return out
}

// mapAccountLocked maps a source account to a target account in the organisation, creating a
// new target account named after the source account when targetID is empty. It is what both
// the mapping endpoint and the SMB user's mapping page do.
func (s *Sandbox) mapAccountLocked(conn *connection, sourceID, targetID string, feedStart time.Time) *MappingError {
	if err := checkMappable(conn, s.findIntegration(conn.PlatformKey)); err != nil {
		return err
	}
	if !conn.BankFeedsSupported {
		return mappingErr(mappingNoBankFeeds, "", bankFeedsProblemDetail)
	}
	a, ok := conn.accounts[sourceID]
	if !ok {
		return mappingErr(mappingNotFound, "", "Source account %s not found for data connection %s", sourceID, conn.ID)
	}
	s.refreshLocked(a)
	// No check of the feed start date: Codat does not validate it (C8).
	feedStart = feedStart.UTC().Truncate(24 * time.Hour)
	var target *TargetAccount
	if targetID != "" {
		if target = conn.org.target(targetID); target == nil {
			return mappingErr(mappingInvalid, "targetAccountId", "Target account %s does not exist in %s.", targetID, conn.PlatformName)
		}
	}
	if fed(a.Status) {
		// C10: "If a source account is already mapped to a Xero target account, attempting to create
		// the same mapping again still succeeds without errors ... Existing mappings are not modified."
		if target != nil && a.TargetAccountID == target.ID {
			return nil
		}
		return mappingErr(mappingFailed, "", "The source account is already connected to %s; disconnect it first", a.TargetAccountName)
	}
	if target != nil {
		if target.Currency != a.Currency {
			return mappingErr(mappingFailed, "", "The target account currency %s does not match the source account currency %s", target.Currency, a.Currency)
		}
		// Options are filtered by currency and by type (C10); the documents do not show the
		// answer to a target of the wrong type, so it is refused like one of the wrong currency.
		if want := xeroTypeOf(a.AccountType); target.Type != want {
			return mappingErr(mappingFailed, "", "The target account is a %s account; a %s source account feeds a %s account", target.Type, a.AccountType, want)
		}
		if f, taken := s.feedsLocked(conn.org)[target.ID]; taken {
			if f.conn == conn {
				// The error of BF's BankFeedAccountMappingResponse example.
				return mappingErr(mappingFailed, "", "A feed connection already exists to this account")
			}
			// C10 (blog 260624-xero-duplicate-feedconnection-prevention): "a clear 400 error with a
			// suggested resolution" since 2026-06-24; the remedy is the blog's "Remapping" steps.
			return mappingErr(mappingInvalid, "", "Target account %s (%s) is already connected to a bank feed under another company using the same Xero app. "+
				"Remove that bank feed connection first (disconnect its source account), then map this account to it.", target.ID, target.Name)
		}
		if target.FedByAnotherApp {
			// C10: accounts fed through a different Xero app "still appear but fail on mapping".
			return mappingErr(mappingFailed, "", "A feed connection already exists to this account: it is connected to a bank feed through another Xero app")
		}
	} else {
		balance, _ := a.Balance.Float64()
		// "Create New Account": the new target is named after the source account (D:xero-bank-feeds-smb-user.md)
		// and is of the type the source account feeds.
		target = &TargetAccount{ID: uuid.NewString(), Name: a.AccountName, Currency: a.Currency, Type: xeroTypeOf(a.AccountType),
			AccountNumber: a.AccountNumber, Balance: balance}
		if a.SortCode != nil {
			target.SortCode = *a.SortCode
		}
		conn.org.targets = append(conn.org.targets, target)
	}
	a.TargetAccountID, a.TargetAccountName = target.ID, target.Name
	a.FeedStartDate = feedStart
	a.ModifiedDate = s.now()
	a.Status = AccountConnecting
	a.connectedAt = s.now().Add(s.opts.MappingDelay)
	s.refreshLocked(a)
	return nil
}

// targetOptions are the organisation's accounts a source account can be mapped to (C10): same
// currency, same type (bank or credit card), and not fed by another source account of any
// company using the same Xero app. Accounts fed through another Xero app are still offered.
func (s *Sandbox) targetOptions(conn *connection, a *sourceAccount) []targetOptionJSON {
	out := []targetOptionJSON{}
	if conn.Status != ConnectionLinked || conn.org == nil {
		return out
	}
	feeds := s.feedsLocked(conn.org)
	want := xeroTypeOf(a.AccountType)
	for _, t := range conn.org.targets {
		if f, taken := feeds[t.ID]; taken && f.account != a {
			continue
		}
		if t.Currency == a.Currency && t.Type == want {
			out = append(out, targetOptionJSON{ID: t.ID, Name: t.Name, Balance: t.Balance, SortCode: t.SortCode, AccountNumber: t.AccountNumber})
		}
	}
	return out
}

func (s *Sandbox) getMappings(r *apiRequest) apiResponse {
	return s.withConnection(r, func(conn *connection) apiResponse {
		accounts := s.refreshedAccounts(conn)
		out := make([]bankFeedMappingJSON, len(accounts))
		for i, a := range accounts {
			m := bankFeedMappingJSON{
				SourceAccountID:      a.ID,
				SourceAccountName:    a.AccountName,
				SourceAccountNumber:  a.AccountNumber,
				SourceBalance:        (*json.Number)(nonEmpty(string(a.Balance))),
				SourceCurrency:       a.Currency,
				TargetAccountID:      a.TargetAccountID,
				TargetAccountName:    a.TargetAccountName,
				Status:               a.Status,
				TargetAccountOptions: s.targetOptions(conn, a),
			}
			if !a.FeedStartDate.IsZero() {
				m.FeedStartDate = formatTime(a.FeedStartDate)
			}
			out[i] = m
		}
		return jsonResponse(http.StatusOK, out)
	})
}

func (s *Sandbox) createMapping(r *apiRequest) apiResponse {
	return s.withConnection(r, func(conn *connection) apiResponse {
		return withBody(r, func(obj object, v *validator) apiResponse {
			for key := range obj {
				if key != "sourceAccountId" && key != "targetAccountId" && key != "feedStartDate" {
					v.fail(key, "UnknownProperty", "'%s' is not a property of a bank feed account mapping.", key)
				}
			}
			sourceID := requiredText(obj, "sourceAccountId", v)
			targetID, _ := obj.str("targetAccountId", v)
			feedStart := s.now()
			if t, ok := obj.dateTime("feedStartDate", "date", v); ok {
				feedStart = t
			}
			if !v.ok() {
				return v.response()
			}
			if err := s.mapAccountLocked(conn, sourceID, targetID, feedStart); err != nil {
				return err.response(sourceID, targetID)
			}
			// The answer is about the request, not the mapping (C16: BF "Status of the POST request"). It is
			// what D:bank-feeds/mapping/api-mapping.md shows: the target id as sent (null for a new account:
			// the new account's id is read from the mapping list) and status "connecting".
			return jsonResponse(http.StatusOK, mappingResponseJSON{SourceAccountID: sourceID, TargetAccountID: optional(targetID), Status: mappingRequestAccepted})
		})
	})
}

// The statuses of a mapping request's answer (C16): the documents show "connecting" for an
// accepted request (D:bank-feeds/mapping/api-mapping.md) and "Failed" with an error for a refused
// one (BF BankFeedAccountMappingResponse example).
const (
	mappingRequestAccepted = "connecting"
	mappingRequestFailed   = "Failed"
)

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (s *Sandbox) getCompanyInformation(r *apiRequest) apiResponse {
	return s.withConnection(r, func(conn *connection) apiResponse {
		if err := checkMappable(conn, s.findIntegration(conn.PlatformKey)); err != nil {
			return err.response("", "")
		}
		currencies := []string{}
		for _, t := range conn.org.targets {
			if !slices.Contains(currencies, t.Currency) {
				currencies = append(currencies, t.Currency)
			}
		}
		slices.Sort(currencies)
		return jsonResponse(http.StatusOK, companyInformationJSON{
			CompanyName:  conn.org.name,
			BaseCurrency: "GBP",
			// For Xero, planType is the organisation's class; since March 2025 one of IGNITE, GROW,
			// COMPREHENSIVE, ULTIMATE, DEMO or TRIAL (D:blog/240621-xero-organisation-update.md).
			PlanType:             "GROW",
			MulticurrencyEnabled: len(currencies) > 1,
			Currencies:           currencies,
		})
	})
}

// LinkSameOrganisation does what an SMB user does who authorises, for a second company, the Xero
// organisation another company's connection already reaches (an accountant's practice, say): the
// connection becomes Linked to that organisation, and the two companies' feeds share its accounts.
// Both use the sandbox's one Xero app, so C10 applies between them: an account fed under one
// company is no option for the other, and mapping to it is refused with 400.
func (s *Sandbox) LinkSameOrganisation(companyID, connectionID, otherCompanyID, otherConnectionID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	conn, err := s.lookupConnection(companyID, connectionID)
	if err != nil {
		return err
	}
	other, err := s.lookupConnection(otherCompanyID, otherConnectionID)
	if err != nil {
		return err
	}
	if conn.org == nil || other.org == nil {
		return fmt.Errorf("connections %s and %s must both be to a platform with bank feeds", conn.ID, other.ID)
	}
	if conn.org != other.org {
		own := conn.org
		own.members = slices.DeleteFunc(own.members, func(m *connection) bool { return m == conn })
		other.org.members = append(other.org.members, conn)
		conn.org = other.org
	}
	conn.Status = ConnectionLinked
	conn.org.authorised(s.companies[otherCompanyID].Name)
	return nil
}

// SetTargetFedByAnotherApp marks a target account as connected, or no longer connected, to a bank
// feed through a different Xero app (C10: Xero shows a feed only to the app that made it, so such an
// account is still offered, and mapping to it fails).
func (s *Sandbox) SetTargetFedByAnotherApp(companyID, connectionID, targetID string, fedElsewhere bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	conn, err := s.lookupConnection(companyID, connectionID)
	if err != nil {
		return err
	}
	var t *TargetAccount
	if conn.org != nil {
		t = conn.org.target(targetID)
	}
	if t == nil {
		return fmt.Errorf("target account %s of connection %s: %w", targetID, connectionID, ErrNotFound)
	}
	t.FedByAnotherApp = fedElsewhere
	return nil
}
