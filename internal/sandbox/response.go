package sandbox

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// apiRequest is what an operation handler sees: the request, its path parameters and its body
// (already read, because idempotency needs it before the handler runs).
type apiRequest struct {
	*http.Request
	params map[string]string
	body   []byte
	base   string
}

func (r *apiRequest) param(name string) string { return r.params[name] }

// apiResponse is a complete response held in memory, so that it can be stored for idempotent
// replay or thrown away when a fault drops the connection.
type apiResponse struct {
	status      int
	contentType string
	header      http.Header
	body        []byte
}

func (resp apiResponse) write(w http.ResponseWriter) {
	for k, vs := range resp.header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	if resp.contentType != "" {
		w.Header().Set("Content-Type", resp.contentType)
	}
	w.WriteHeader(resp.status)
	if len(resp.body) > 0 {
		_, _ = w.Write(resp.body)
	}
}

func (resp apiResponse) withRetryAfter(d time.Duration) apiResponse {
	secs := int((d + time.Second - 1) / time.Second)
	if secs < 1 {
		secs = 1
	}
	if resp.header == nil {
		resp.header = http.Header{}
	}
	resp.header.Set("Retry-After", strconv.Itoa(secs))
	return resp
}

func jsonResponse(status int, v any) apiResponse {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("sandbox: cannot encode response: %v", err))
	}
	return apiResponse{status: status, contentType: "application/json", body: b}
}

func emptyResponse(status int) apiResponse { return apiResponse{status: status} }

// errorMessage is Codat's ErrorMessage schema.
type errorMessage struct {
	StatusCode        int              `json:"statusCode"`
	Service           string           `json:"service"`
	Error             string           `json:"error"`
	CorrelationID     string           `json:"correlationId"`
	Validation        *errorValidation `json:"validation,omitempty"`
	CanBeRetried      string           `json:"canBeRetried"`
	DetailedErrorCode int              `json:"detailedErrorCode"`
}

type errorValidation struct {
	Errors   []validationItem `json:"errors"`
	Warnings []validationItem `json:"warnings"`
}

type validationItem struct {
	ItemID        string `json:"itemId"`
	Message       string `json:"message"`
	ValidatorName string `json:"validatorName"`
}

func errorResponse(status int, msg string) apiResponse {
	return jsonResponse(status, errorMessage{
		StatusCode:    status,
		Service:       "PublicApi",
		Error:         msg,
		CorrelationID: correlationID(),
		CanBeRetried:  "Unknown",
	})
}

func validationResponse(items []validationItem) apiResponse {
	return jsonResponse(http.StatusBadRequest, errorMessage{
		StatusCode:    http.StatusBadRequest,
		Service:       "PublicApi",
		Error:         "Error processing request - not valid.",
		CorrelationID: correlationID(),
		Validation:    &errorValidation{Errors: items, Warnings: []validationItem{}},
		CanBeRetried:  "Unknown",
	})
}

func notFound(format string, args ...any) apiResponse {
	return errorResponse(http.StatusNotFound, fmt.Sprintf(format, args...))
}

func badRequest(format string, args ...any) apiResponse {
	return errorResponse(http.StatusBadRequest, fmt.Sprintf(format, args...))
}

func correlationID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}
