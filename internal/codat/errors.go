package codat

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// maxRawBodyChars bounds the raw body kept in an *APIError; an HTML error page is noise past that.
const maxRawBodyChars = 512

// ValidationItem is one entry of the validation errors or warnings in Codat's error body.
type ValidationItem struct {
	ItemID        string `json:"itemId"`
	Message       string `json:"message"`
	ValidatorName string `json:"validatorName"`
}

// String reads "itemId: message", or just the message when Codat names no item.
func (v ValidationItem) String() string {
	if v.ItemID == "" {
		return v.Message
	}
	return v.ItemID + ": " + v.Message
}

// APIError is an error answer from Codat: the status, and what the body said. The body is Codat's ErrorMessage
// (Service, Message, CorrelationID, validation, ...) or a problem-details body (ProblemType, Title, Detail, as
// Xero's bank-feed refusal is passed on); RawBody keeps the start of the body either way. Every text field has
// the API key and registered secrets replaced by [REDACTED].
type APIError struct {
	Method     string
	Path       string
	StatusCode int

	Service            string
	Message            string
	CorrelationID      string
	ValidationErrors   []ValidationItem
	ValidationWarnings []ValidationItem
	// CanBeRetried is Codat's own hint, a string such as "True", "False" or "Unknown".
	CanBeRetried      string
	DetailedErrorCode int

	ProblemType string
	Title       string
	Detail      string

	// RawBody is the trimmed body, cut to a few hundred characters.
	RawBody string
	// Attempts is how many HTTP attempts were made; more than one when retries ended on this answer.
	Attempts int

	// URL is the full URL the request was sent to.
	URL string
	// NotFoundID is set on a 404 that is Codat's not-found answer: the identifier from the request path (the
	// object's own, or that of the company or connection it belongs to) that Codat's message names. It is empty
	// for any other 404, which IsNotFound then does not report as a missing object.
	NotFoundID string
}

// Error reads like "Codat API: POST /companies returned 400 Bad Request: <message> (validation: ...; correlation
// id: X)".
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Codat API: %s %s returned %s", e.Method, e.Path, statusText(e.StatusCode))
	if s := e.summary(); s != "" {
		b.WriteString(": ")
		b.WriteString(s)
	}
	var notes []string
	if len(e.ValidationErrors) > 0 {
		notes = append(notes, "validation: "+joinItems(e.ValidationErrors))
	}
	if len(e.ValidationWarnings) > 0 {
		notes = append(notes, "warnings: "+joinItems(e.ValidationWarnings))
	}
	if e.ProblemType != "" {
		notes = append(notes, "type: "+e.ProblemType)
	}
	if e.CorrelationID != "" {
		notes = append(notes, "correlation id: "+e.CorrelationID)
	}
	if e.Attempts > 1 {
		notes = append(notes, fmt.Sprintf("after %d attempts", e.Attempts))
	}
	if len(notes) > 0 {
		b.WriteString(" (")
		b.WriteString(strings.Join(notes, "; "))
		b.WriteString(")")
	}
	if e.StatusCode == http.StatusNotFound && e.NotFoundID == "" {
		fmt.Fprintf(&b, ". Nothing is taken as deleted: this 404 names no id of the request's path, as Codat's "+
			"answer for a missing object does. If %s is not Codat's API, check base_url (or CODAT_BASE_URL): it "+
			"must be the root of Codat's API with no path, such as %s", e.URL, DefaultBaseURL)
	}
	return b.String()
}

func (e *APIError) summary() string {
	switch {
	case e.Message != "":
		return e.Message
	case e.Detail != "":
		return e.Detail
	case e.Title != "":
		return e.Title
	case e.Service == "" && e.CorrelationID == "" && e.ProblemType == "" && len(e.ValidationErrors) == 0:
		return e.RawBody
	}
	return ""
}

func statusText(code int) string {
	if text := http.StatusText(code); text != "" {
		return fmt.Sprintf("%d %s", code, text)
	}
	return fmt.Sprint(code)
}

func joinItems(items []ValidationItem) string {
	parts := make([]string, len(items))
	for i, item := range items {
		parts[i] = item.String()
	}
	return strings.Join(parts, ", ")
}

// errorBody holds both error shapes Codat answers with. Fields whose type varies between Codat services are
// decoded leniently.
type errorBody struct {
	Service       string `json:"service"`
	Error         string `json:"error"`
	CorrelationID string `json:"correlationId"`
	Validation    *struct {
		Errors   []ValidationItem `json:"errors"`
		Warnings []ValidationItem `json:"warnings"`
	} `json:"validation"`
	CanBeRetried      json.RawMessage `json:"canBeRetried"`
	DetailedErrorCode json.RawMessage `json:"detailedErrorCode"`

	Type   string `json:"type"`
	Title  string `json:"title"`
	Detail string `json:"detail"`
}

func parseErrorBody(body []byte) errorBody {
	var eb errorBody
	if json.Unmarshal(body, &eb) != nil {
		return errorBody{}
	}
	return eb
}

func (c *Client) newAPIError(method, path string, status int, body []byte, attempts int) *APIError {
	raw := c.redact(string(body))
	eb := parseErrorBody([]byte(raw))
	e := &APIError{
		Method:        method,
		Path:          path,
		StatusCode:    status,
		Service:       c.redact(eb.Service),
		Message:       c.redact(eb.Error),
		CorrelationID: eb.CorrelationID,
		ProblemType:   c.redact(eb.Type),
		Title:         c.redact(eb.Title),
		Detail:        c.redact(eb.Detail),
		RawBody:       capText(raw, maxRawBodyChars),
		Attempts:      attempts,
	}
	if eb.Validation != nil {
		e.ValidationErrors = c.redactItems(eb.Validation.Errors)
		e.ValidationWarnings = c.redactItems(eb.Validation.Warnings)
	}
	var hint string
	if json.Unmarshal(eb.CanBeRetried, &hint) == nil {
		e.CanBeRetried = hint
	} else if len(eb.CanBeRetried) > 0 && string(eb.CanBeRetried) != "null" {
		e.CanBeRetried = string(eb.CanBeRetried)
	}
	_ = json.Unmarshal(eb.DetailedErrorCode, &e.DetailedErrorCode)
	return e
}

func (c *Client) redactItems(items []ValidationItem) []ValidationItem {
	out := make([]ValidationItem, len(items))
	for i, item := range items {
		out[i] = ValidationItem{
			ItemID:        c.redact(item.ItemID),
			Message:       c.redact(item.Message),
			ValidatorName: c.redact(item.ValidatorName),
		}
	}
	return out
}

// capText collapses whitespace (error pages are often HTML) and cuts s to at most n bytes on a rune boundary.
func capText(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// RateLimitError reports a 429 whose Retry-After asks for a longer wait than Config.MaxRetryAfter allows, so the
// call failed at once instead of appearing to hang. It unwraps to the 429's *APIError.
//
// Only the headers say whether the daily quota is used up (DailyQuota): any other 429 (the concurrency limit, a
// burst) is reported as the wait Codat asked for. Once a client has reported a used-up daily quota it sends nothing
// more until the reset, and every later call fails at once with a Repeat error that points back to the first.
type RateLimitError struct {
	// Err is the 429 answer; nil when the call was not sent because the quota was already known to be used up.
	Err *APIError
	// Method and Path name the call.
	Method, Path string
	// Limit and Remaining are the X-Rate-Limit-Limit and X-Rate-Limit-Remaining headers (empty when absent).
	Limit     string
	Remaining string
	// RetryAfter is the wait Codat asked for; MaxRetryAfter the longest the client was allowed to wait.
	RetryAfter    time.Duration
	MaxRetryAfter time.Duration
	// ResetAt is when Codat accepts requests again: the X-Rate-Limit-Reset header when the daily quota is used up,
	// otherwise the end of the Retry-After wait.
	ResetAt time.Time
	// DailyQuota is true when the headers say the day's quota is used up: X-Rate-Limit-Remaining is 0 and
	// X-Rate-Limit-Reset gives the reset (Codat's documented headers, D:using-the-api/rate-limits.md).
	DailyQuota bool
	// Repeat is true for every report of a used-up daily quota after the client's first: its message is one line
	// that points to the first.
	Repeat bool
}

func newRateLimitError(apiErr *APIError, h http.Header, wait, maxWait time.Duration, now time.Time) *RateLimitError {
	e := &RateLimitError{
		Err:           apiErr,
		Method:        apiErr.Method,
		Path:          apiErr.Path,
		Limit:         h.Get("X-Rate-Limit-Limit"),
		Remaining:     strings.TrimSpace(h.Get("X-Rate-Limit-Remaining")),
		RetryAfter:    wait,
		MaxRetryAfter: maxWait,
		ResetAt:       now.Add(wait),
	}
	if resetAt, ok := parseResetTime(h.Get("X-Rate-Limit-Reset")); ok && e.Remaining == "0" {
		e.DailyQuota, e.ResetAt = true, resetAt
	}
	e.ResetAt = e.ResetAt.UTC().Truncate(time.Second)
	return e
}

// parseResetTime reads X-Rate-Limit-Reset, a UTC date and time (RFC 3339, or an HTTP date).
func parseResetTime(v string) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, false
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// Error names the daily quota and its reset when the quota is used up, otherwise the wait Codat asked for; a
// repeated report is one line that points to the first.
func (e *RateLimitError) Error() string {
	reset := e.ResetAt.Format(time.RFC3339)
	if e.Repeat {
		what := "was rate limited"
		if e.Err == nil {
			what = "was not sent"
		}
		return fmt.Sprintf("Codat API: %s %s %s: Codat's daily request quota is used up until %s, as the first "+
			"rate-limit error explains", e.Method, e.Path, what, reset)
	}
	var msg string
	if e.DailyQuota {
		quota := "the daily request quota"
		if e.Limit != "" {
			quota = fmt.Sprintf("the daily request quota of %s requests", e.Limit)
		}
		msg = fmt.Sprintf("Codat API: %s %s was rate limited: %s is used up until %s; Codat asks to retry in %s, "+
			"longer than the longest wait allowed (%s)", e.Method, e.Path, quota, reset,
			e.RetryAfter.Round(time.Second), e.MaxRetryAfter)
	} else {
		msg = fmt.Sprintf("Codat API: %s %s was rate limited: Codat asks to retry in %s (Retry-After), longer than "+
			"the longest wait allowed (%s)", e.Method, e.Path, e.RetryAfter, e.MaxRetryAfter)
		if e.Remaining != "" && e.Limit != "" {
			msg += fmt.Sprintf("; %s of %s requests of the daily quota remain", e.Remaining, e.Limit)
		}
	}
	if e.Err != nil && e.Err.CorrelationID != "" {
		msg += " (correlation id: " + e.Err.CorrelationID + ")"
	}
	return msg
}

// Unwrap returns the 429 answer, or nothing for a call that was not sent.
func (e *RateLimitError) Unwrap() error {
	if e.Err == nil {
		return nil
	}
	return e.Err
}

// OutcomeUnknownError reports a POST or PATCH that may or may not have been applied: its last attempt got no
// answer (a dropped connection or a timeout), Codat still reported the first attempt with its Idempotency-Key as
// in flight (409) when retries ran out, or the answer was a 500 (which may come after the change was committed,
// and which Codat replays for the key, CODAT-FACTS C4) or a gateway's 502 or 504. Retrying blindly could duplicate
// the object, so callers should look it up first.
type OutcomeUnknownError struct {
	Method string
	Path   string
	// IdempotencyKey is the key the last attempt carried; Codat replays the first outcome for it for 90 minutes.
	IdempotencyKey string
	Attempts       int
	Err            error
	// Stored is true when the last answer was a 500: Codat has finished with the request and stored that answer for
	// the key, so what the request changed is visible now, and a retry with the same key would only get the 500.
	Stored bool
}

// Error says that the change may or may not have been applied and gives the Idempotency-Key.
func (e *OutcomeUnknownError) Error() string {
	if e.Stored {
		return fmt.Sprintf("Codat API: %s %s has an unknown outcome: %v; Codat replays this answer for the "+
			"Idempotency-Key %s, and the change may or may not have been applied, so check Codat before retrying",
			e.Method, e.Path, e.Err, e.IdempotencyKey)
	}
	return fmt.Sprintf("Codat API: %s %s has an unknown outcome after %d %s (last error: %v); the change may or "+
		"may not have been applied, so check Codat before retrying (Idempotency-Key %s)",
		e.Method, e.Path, e.Attempts, plural(e.Attempts, "attempt"), e.Err, e.IdempotencyKey)
}

// Unwrap returns the last attempt's error: a network error, a context error, or the 409, 500, 502 or 504
// *APIError.
func (e *OutcomeUnknownError) Unwrap() error { return e.Err }

// RequestError reports a call that ended without an answer from Codat that could be used: the request could not be
// built, no attempt got a response, the context ended, or the response could not be decoded.
type RequestError struct {
	Method   string
	Path     string
	Attempts int
	Err      error
}

// Error names the call, the attempts made when more than one, and the cause.
func (e *RequestError) Error() string {
	if e.Attempts > 1 {
		return fmt.Sprintf("Codat API: %s %s failed after %d attempts: %v", e.Method, e.Path, e.Attempts, e.Err)
	}
	return fmt.Sprintf("Codat API: %s %s: %v", e.Method, e.Path, e.Err)
}

// Unwrap returns the underlying error, e.g. context.Canceled.
func (e *RequestError) Unwrap() error { return e.Err }

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

func hasStatus(err error, code int) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == code
}

// IsNotFound reports whether err is Codat's not-found answer for the object a request addressed, or for the
// company or connection it belongs to: a 404 with Codat's error body naming that object's id (APIError.NotFoundID).
// Any other 404, such as one from a server or a path that is not Codat's API, is not a missing object.
func IsNotFound(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound && apiErr.NotFoundID != ""
}

// notFoundID tells whether a 404 is Codat's not-found answer for the object at path: Codat's error body
// (ErrorMessage, with the status repeated in statusCode) whose message names one of the identifiers in the path.
// It returns the identifier named, or "".
func notFoundID(e *APIError, body []byte, ids []string) string {
	var status struct {
		StatusCode int `json:"statusCode"`
	}
	if json.Unmarshal(body, &status) != nil || status.StatusCode != http.StatusNotFound || e.Message == "" {
		return ""
	}
	texts := []string{e.Message}
	for _, item := range e.ValidationErrors {
		texts = append(texts, item.ItemID, item.Message)
	}
	for _, text := range texts {
		if id := namedIdentifier(text, ids); id != "" {
			return id
		}
	}
	return ""
}

// RedirectError reports a 3xx answer. The client never follows a redirect: a redirected request can reach a
// different object (a server that normalises the path sends DELETE /a/b/.. to /a) or another server.
type RedirectError struct {
	Method     string
	URL        string
	StatusCode int
	// Location is where the answer pointed, resolved against URL; empty when it named no place.
	Location string
}

// Error names the request, the status and where it pointed.
func (e *RedirectError) Error() string {
	to := "without a Location"
	if e.Location != "" {
		to = "to " + e.Location
	}
	return fmt.Sprintf("Codat API: %s %s answered %s, redirecting %s. The provider does not follow redirects, "+
		"since the new address may hold another object or be another server. Check base_url (or CODAT_BASE_URL): "+
		"it must be the root of Codat's API with no path, such as %s", e.Method, e.URL, statusText(e.StatusCode), to,
		DefaultBaseURL)
}

// IsForbidden reports whether err is a 403 answer.
func IsForbidden(err error) bool { return hasStatus(err, http.StatusForbidden) }

// IsBadRequest reports whether err is Codat's 400 answer.
func IsBadRequest(err error) bool { return hasStatus(err, http.StatusBadRequest) }
