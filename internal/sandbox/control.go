package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// The /_sandbox/ control endpoints let another process (the demo, a script) do what tests do
// through Go methods. They need no API key and are neither counted nor subject to faults.

type controlAccountJSON struct {
	ID                string `json:"id"`
	Status            string `json:"status"`
	TargetAccountID   string `json:"targetAccountId,omitempty"`
	TargetAccountName string `json:"targetAccountName,omitempty"`
	FeedStartDate     string `json:"feedStartDate,omitempty"`
}

type controlTargetJSON struct {
	ID              string  `json:"id"`
	Name            string  `json:"name"`
	Currency        string  `json:"currency"`
	Type            string  `json:"type"`
	SortCode        string  `json:"sortCode,omitempty"`
	AccountNumber   string  `json:"accountNumber,omitempty"`
	Balance         float64 `json:"balance"`
	FedByAnotherApp bool    `json:"fedByAnotherApp,omitempty"`
}

func (s *Sandbox) registerControl(mux *http.ServeMux) {
	const conn = "/_sandbox/companies/{companyId}/connections/{connectionId}"
	mux.HandleFunc("GET /_sandbox/counters", s.controlCounters)
	mux.HandleFunc("POST /_sandbox/counters/reset", noContent(s.ResetCounts))
	mux.HandleFunc("POST /_sandbox/faults", controlCommand(s.controlInjectFault))
	mux.HandleFunc("PUT /_sandbox/faults/rate", controlCommand(s.controlFaultRate))
	mux.HandleFunc("DELETE /_sandbox/faults", noContent(s.ClearFaults))
	mux.HandleFunc("POST /_sandbox/xero/apps", controlCommand(s.controlRegisterXeroApp))
	mux.HandleFunc("PUT /_sandbox/integrations/credential-mask", controlCommand(s.controlCredentialMask))
	mux.HandleFunc("POST "+conn+"/authorize", s.controlAuthorize)
	mux.HandleFunc("PUT "+conn+"/bank-feeds-supported", controlCommand(s.controlBankFeedsSupported))
	mux.HandleFunc("GET "+conn+"/target-accounts", s.controlTargetAccounts)
	mux.HandleFunc("POST "+conn+"/accounts/{accountId}/map", s.controlMap)
	mux.HandleFunc("POST "+conn+"/accounts/{accountId}/disconnect", s.controlDisconnect)
	mux.HandleFunc("/_sandbox/", func(w http.ResponseWriter, r *http.Request) {
		controlError(w, http.StatusNotFound, fmt.Errorf("no control endpoint %s %s", r.Method, r.URL.Path))
	})
}

func controlError(w http.ResponseWriter, status int, err error) {
	writeJSON(w, status, map[string]string{"error": err.Error()})
}

// controlFailure picks the status for an error from a state method.
func controlFailure(w http.ResponseWriter, err error) {
	var merr *MappingError
	switch {
	case errors.Is(err, ErrNotFound):
		controlError(w, http.StatusNotFound, err)
	case errors.As(err, &merr) && merr.kind == mappingNoBankFeeds:
		controlError(w, http.StatusForbidden, err)
	default:
		controlError(w, http.StatusBadRequest, err)
	}
}

// noContent is a control endpoint that takes no body, does action and answers 204.
func noContent(action func()) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		action()
		w.WriteHeader(http.StatusNoContent)
	}
}

// controlCommand is a control endpoint that takes a JSON body B, has do act on it and answers 204; an error from
// do is answered as controlFailure picks (400 unless it is a not-found or a mapping refusal).
func controlCommand[B any](do func(r *http.Request, body B) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var body B
		if !decodeControl(w, r, &body) {
			return
		}
		if err := do(r, body); err != nil {
			controlFailure(w, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

func decodeControl(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		controlError(w, http.StatusBadRequest, fmt.Errorf("invalid JSON body: %w", err))
		return false
	}
	return true
}

func (s *Sandbox) controlCounters(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"counts":         s.Counts(),
		"total":          s.TotalCalls(),
		"faults":         s.FaultCounts(),
		"rejections":     s.Rejections(),
		"replays":        s.Replays(),
		"peakConcurrent": s.PeakConcurrent(),
		"peakPerMinute":  s.PeakPerMinute(),
	})
}

type controlFaultBody struct {
	Route string    `json:"route"`
	Kind  FaultKind `json:"kind"`
	Count int       `json:"count"`
}

func (s *Sandbox) controlInjectFault(_ *http.Request, body controlFaultBody) error {
	if err := s.checkFault(body.Route, body.Kind); err != nil {
		return err
	}
	s.InjectFault(body.Route, body.Kind, max(body.Count, 1))
	return nil
}

type controlFaultRateBody struct {
	Rate  float64     `json:"rate"`
	Kinds []FaultKind `json:"kinds"`
}

func (s *Sandbox) controlFaultRate(_ *http.Request, body controlFaultRateBody) error {
	if body.Rate < 0 || body.Rate > 1 {
		return fmt.Errorf("rate %v is outside [0, 1]", body.Rate)
	}
	for _, k := range body.Kinds {
		if err := s.checkFault("", k); err != nil {
			return err
		}
	}
	s.SetFaultRate(body.Rate, body.Kinds...)
	return nil
}

type controlXeroAppBody struct {
	ClientID         string `json:"clientId"`
	ClientSecret     string `json:"clientSecret"`
	CustomConnection bool   `json:"customConnection"`
}

func (s *Sandbox) controlRegisterXeroApp(_ *http.Request, body controlXeroAppBody) error {
	if body.ClientID == "" {
		return errors.New("clientId is required")
	}
	s.registerXeroApp(body.ClientID, xeroApp{secret: body.ClientSecret, customConnection: body.CustomConnection})
	return nil
}

func (s *Sandbox) controlAuthorize(w http.ResponseWriter, r *http.Request) {
	companyID, connectionID := r.PathValue("companyId"), r.PathValue("connectionId")
	if err := s.AuthorizeConnection(companyID, connectionID); err != nil {
		controlFailure(w, err)
		return
	}
	conn, _ := s.Connection(companyID, connectionID)
	writeJSON(w, http.StatusOK, connectionToJSON(s.base(r), &connection{Connection: conn}))
}

type controlBankFeedsBody struct {
	Supported *bool `json:"supported"`
}

func (s *Sandbox) controlBankFeedsSupported(r *http.Request, body controlBankFeedsBody) error {
	if body.Supported == nil {
		return errors.New("supported is required")
	}
	return s.SetBankFeedsSupported(r.PathValue("companyId"), r.PathValue("connectionId"), *body.Supported)
}

func (s *Sandbox) controlTargetAccounts(w http.ResponseWriter, r *http.Request) {
	companyID, connectionID := r.PathValue("companyId"), r.PathValue("connectionId")
	if _, ok := s.Connection(companyID, connectionID); !ok {
		controlFailure(w, fmt.Errorf("connection %s of company %s: %w", connectionID, companyID, ErrNotFound))
		return
	}
	out := []controlTargetJSON{}
	for _, t := range s.TargetAccounts(companyID, connectionID) {
		out = append(out, controlTargetJSON(t))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Sandbox) controlMap(w http.ResponseWriter, r *http.Request) {
	var body struct {
		TargetAccountID string `json:"targetAccountId"`
		FeedStartDate   string `json:"feedStartDate"`
	}
	if !decodeControl(w, r, &body) {
		return
	}
	feedStart := s.now()
	if body.FeedStartDate != "" {
		t, err := time.Parse(dateLayout, body.FeedStartDate)
		if err != nil {
			controlError(w, http.StatusBadRequest, fmt.Errorf("feedStartDate must be a date such as 2024-05-01: %w", err))
			return
		}
		feedStart = t
	}
	companyID, connectionID, accountID := r.PathValue("companyId"), r.PathValue("connectionId"), r.PathValue("accountId")
	if err := s.MapAccount(companyID, connectionID, accountID, body.TargetAccountID, feedStart); err != nil {
		controlFailure(w, err)
		return
	}
	s.writeControlAccount(w, companyID, connectionID, accountID)
}

func (s *Sandbox) controlDisconnect(w http.ResponseWriter, r *http.Request) {
	companyID, connectionID, accountID := r.PathValue("companyId"), r.PathValue("connectionId"), r.PathValue("accountId")
	if err := s.DisconnectAccount(companyID, connectionID, accountID); err != nil {
		controlFailure(w, err)
		return
	}
	s.writeControlAccount(w, companyID, connectionID, accountID)
}

func (s *Sandbox) writeControlAccount(w http.ResponseWriter, companyID, connectionID, accountID string) {
	a, _ := s.SourceAccount(companyID, connectionID, accountID)
	writeJSON(w, http.StatusOK, controlAccountJSON{
		ID:                a.ID,
		Status:            a.Status,
		TargetAccountID:   a.TargetAccountID,
		TargetAccountName: a.TargetAccountName,
		FeedStartDate:     feedDate(a.FeedStartDate),
	})
}
