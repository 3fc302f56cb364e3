package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
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

type mappingResponseJSON struct {
	SourceAccountID string `json:"sourceAccountId"`
	TargetAccountID string `json:"targetAccountId,omitempty"`
	Status          string `json:"status"`
	Error           string `json:"error,omitempty"`
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
		return jsonResponse(http.StatusOK, mappingResponseJSON{SourceAccountID: sourceID, TargetAccountID: targetID, Status: "Failed", Error: e.Message})
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

// feedStartRange is the earliest and the latest feed start date Codat accepts on the day of now:
// no more than one year back and not in the future.
func feedStartRange(now time.Time) (earliest, latest time.Time) {
	today := now.UTC().Truncate(24 * time.Hour)
	return today.AddDate(-1, 0, 0), today
}

// checkFeedStart refuses a feed start date (a UTC midnight) outside feedStartRange.
func checkFeedStart(now, feedStart time.Time) *MappingError {
	earliest, latest := feedStartRange(now)
	if feedStart.After(latest) {
		return mappingErr(mappingInvalid, "feedStartDate", "The feed start date %s is in the future.", feedStart.Format(dateLayout))
	}
	if feedStart.Before(earliest) {
		return mappingErr(mappingInvalid, "feedStartDate", "The feed start date %s is more than one year in the past.", feedStart.Format(dateLayout))
	}
	return nil
}

// mapAccountLocked maps a source account to a target account in the organisation, creating a
// new target account named after the source account when targetID is empty. It is what both
// the mapping endpoint and the SMB user's mapping page do.
func (s *Sandbox) mapAccountLocked(conn *connection, sourceID, targetID string, feedStart time.Time) (*TargetAccount, *MappingError) {
	if err := checkMappable(conn, s.findIntegration(conn.PlatformKey)); err != nil {
		return nil, err
	}
	if !conn.BankFeedsSupported {
		return nil, mappingErr(mappingNoBankFeeds, "", bankFeedsProblemDetail)
	}
	a, ok := conn.accounts[sourceID]
	if !ok {
		return nil, mappingErr(mappingNotFound, "", "Source account %s not found for data connection %s", sourceID, conn.ID)
	}
	s.refreshLocked(a)
	feedStart = feedStart.UTC().Truncate(24 * time.Hour)
	if err := checkFeedStart(s.now(), feedStart); err != nil {
		return nil, err
	}
	var target *TargetAccount
	if targetID != "" {
		i := slices.IndexFunc(conn.targets, func(t *TargetAccount) bool { return t.ID == targetID })
		if i < 0 {
			return nil, mappingErr(mappingInvalid, "targetAccountId", "Target account %s does not exist in %s.", targetID, conn.PlatformName)
		}
		target = conn.targets[i]
	}
	if a.Status == AccountConnected || a.Status == AccountConnecting {
		if target != nil && a.TargetAccountID == target.ID {
			return target, nil
		}
		return nil, mappingErr(mappingFailed, "", "The source account is already connected to %s; disconnect it first", a.TargetAccountName)
	}
	if target != nil {
		if target.Currency != a.Currency {
			return nil, mappingErr(mappingFailed, "", "The target account currency %s does not match the source account currency %s", target.Currency, a.Currency)
		}
		for _, other := range conn.accounts {
			s.refreshLocked(other)
			if other.TargetAccountID == target.ID && (other.Status == AccountConnected || other.Status == AccountConnecting) {
				return nil, mappingErr(mappingFailed, "", "A feed connection already exists to this account")
			}
		}
	} else {
		balance, _ := a.Balance.Float64()
		target = &TargetAccount{ID: uuid.NewString(), Name: a.AccountName, Currency: a.Currency, AccountNumber: a.AccountNumber, Balance: balance}
		if a.SortCode != nil {
			target.SortCode = *a.SortCode
		}
		conn.targets = append(conn.targets, target)
	}
	a.TargetAccountID, a.TargetAccountName = target.ID, target.Name
	a.FeedStartDate = feedStart
	a.ModifiedDate = s.now()
	a.Status = AccountConnecting
	a.connectedAt = s.now().Add(s.opts.MappingDelay)
	s.refreshLocked(a)
	return target, nil
}

// targetOptions are the organisation's accounts a source account can be mapped to: same
// currency and not already fed by another source account.
func (s *Sandbox) targetOptions(conn *connection, a *sourceAccount) []targetOptionJSON {
	out := []targetOptionJSON{}
	if conn.Status != ConnectionLinked {
		return out
	}
	fed := map[string]bool{}
	for _, other := range conn.accounts {
		if other.ID != a.ID && (other.Status == AccountConnected || other.Status == AccountConnecting) {
			fed[other.TargetAccountID] = true
		}
	}
	for _, t := range conn.targets {
		if t.Currency == a.Currency && !fed[t.ID] {
			out = append(out, targetOptionJSON{ID: t.ID, Name: t.Name, Balance: t.Balance, SortCode: t.SortCode, AccountNumber: t.AccountNumber})
		}
	}
	return out
}

func (s *Sandbox) getMappings(r *apiRequest) apiResponse {
	s.mu.Lock()
	defer s.mu.Unlock()
	conn, resp, ok := s.findConnection(r.param("companyId"), r.param("connectionId"))
	if !ok {
		return resp
	}
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
}

func (s *Sandbox) createMapping(r *apiRequest) apiResponse {
	s.mu.Lock()
	defer s.mu.Unlock()
	conn, resp, ok := s.findConnection(r.param("companyId"), r.param("connectionId"))
	if !ok {
		return resp
	}
	obj, resp, ok := decodeObject(r.body)
	if !ok {
		return resp
	}
	var v validator
	for key := range obj {
		if key != "sourceAccountId" && key != "targetAccountId" && key != "feedStartDate" {
			v.fail(key, "UnknownProperty", "'%s' is not a property of a bank feed account mapping.", key)
		}
	}
	sourceID, ok := obj.str("sourceAccountId", &v)
	if !ok && !obj.present("sourceAccountId") || ok && sourceID == "" {
		v.fail("sourceAccountId", "Required", "'sourceAccountId' is required.")
	}
	targetID, _ := obj.str("targetAccountId", &v)
	feedStart := s.now()
	if raw, ok := obj.str("feedStartDate", &v); ok {
		t, valid := parseDateTime(raw)
		if !valid {
			v.fail("feedStartDate", "DateTime", "'feedStartDate' must be an ISO 8601 date.")
		}
		feedStart = t
	}
	if !v.ok() {
		return v.response()
	}
	target, err := s.mapAccountLocked(conn, sourceID, targetID, feedStart)
	if err != nil {
		return err.response(sourceID, targetID)
	}
	return jsonResponse(http.StatusOK, mappingResponseJSON{SourceAccountID: sourceID, TargetAccountID: target.ID, Status: "Success"})
}

func (s *Sandbox) getCompanyInformation(r *apiRequest) apiResponse {
	s.mu.Lock()
	defer s.mu.Unlock()
	conn, resp, ok := s.findConnection(r.param("companyId"), r.param("connectionId"))
	if !ok {
		return resp
	}
	if err := checkMappable(conn, s.findIntegration(conn.PlatformKey)); err != nil {
		return err.response("", "")
	}
	currencies := []string{}
	for _, t := range conn.targets {
		if !slices.Contains(currencies, t.Currency) {
			currencies = append(currencies, t.Currency)
		}
	}
	slices.Sort(currencies)
	return jsonResponse(http.StatusOK, companyInformationJSON{
		CompanyName:          conn.orgName,
		BaseCurrency:         "GBP",
		PlanType:             "Standard",
		MulticurrencyEnabled: len(currencies) > 1,
		Currencies:           currencies,
	})
}
