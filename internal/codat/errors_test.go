package codat

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

func TestAPIErrorFromCodatBody(t *testing.T) {
	body := `{"statusCode":400,"service":"PublicApi","error":"The request was invalid","correlationId":"7f2c",
		"validation":{"errors":[{"itemId":"name","message":"Name is required","validatorName":"Required"},
		{"itemId":null,"message":"Too many tags","validatorName":null}],
		"warnings":[{"itemId":"tags","message":"Tag key trimmed","validatorName":"Tags"}]},
		"canBeRetried":"Unknown","detailedErrorCode":1234}`
	rec := newRecorder(t, reply(http.StatusBadRequest, body))
	_, err := newTestClient(t, rec.srv).CreateCompany(context.Background(), CompanyRequest{Name: "Acme"})

	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error = %#v, want *APIError", err)
	}
	want := &APIError{
		Method:        http.MethodPost,
		Path:          "/companies",
		StatusCode:    400,
		Service:       "PublicApi",
		Message:       "The request was invalid",
		CorrelationID: "7f2c",
		ValidationErrors: []ValidationItem{
			{ItemID: "name", Message: "Name is required", ValidatorName: "Required"},
			{Message: "Too many tags"},
		},
		ValidationWarnings: []ValidationItem{{ItemID: "tags", Message: "Tag key trimmed", ValidatorName: "Tags"}},
		CanBeRetried:       "Unknown",
		DetailedErrorCode:  1234,
		RawBody:            apiErr.RawBody,
		Attempts:           1,
		URL:                rec.srv.URL + "/companies",
	}
	if !reflect.DeepEqual(apiErr, want) {
		t.Errorf("APIError =\n %#v\nwant\n %#v", apiErr, want)
	}
	if !strings.HasPrefix(apiErr.RawBody, `{"statusCode":400,"service":"PublicApi","error":"The request was invalid"`) {
		t.Errorf("RawBody = %q", apiErr.RawBody)
	}
	wantMsg := "Codat API: POST /companies returned 400 Bad Request: The request was invalid " +
		"(validation: name: Name is required, Too many tags; warnings: tags: Tag key trimmed; correlation id: 7f2c)"
	if err.Error() != wantMsg {
		t.Errorf("Error() =\n %s\nwant\n %s", err, wantMsg)
	}
	if !IsBadRequest(err) {
		t.Error("IsBadRequest = false")
	}
}

func TestAPIErrorFromProblemDetails(t *testing.T) {
	body := `{"type":"invalid-organisation-bank-feeds","title":"Invalid organisation","status":403,` +
		`"detail":"The organisation does not support automated bank feeds"}`
	rec := newRecorder(t, reply(http.StatusForbidden, body))
	target := "acc-1"
	_, err := newTestClient(t, rec.srv).CreateBankAccountMapping(context.Background(), "c1", "k1",
		BankFeedAccountMapping{SourceAccountID: "src-1", TargetAccountID: &target, FeedStartDate: "2024-05-01"})

	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error = %#v, want *APIError", err)
	}
	if apiErr.ProblemType != "invalid-organisation-bank-feeds" || apiErr.Title != "Invalid organisation" ||
		apiErr.Detail != "The organisation does not support automated bank feeds" {
		t.Errorf("APIError = %+v", apiErr)
	}
	want := "Codat API: POST /companies/c1/connections/k1/bankFeedAccounts/mapping returned 403 Forbidden: " +
		"The organisation does not support automated bank feeds (type: invalid-organisation-bank-feeds)"
	if err.Error() != want {
		t.Errorf("Error() =\n %s\nwant\n %s", err, want)
	}
	if !IsForbidden(err) || IsNotFound(err) {
		t.Error("IsForbidden/IsNotFound disagree with the status")
	}
}

func TestAPIErrorFallsBackToRawBody(t *testing.T) {
	tests := map[string]struct {
		status  int
		body    string
		wantMsg string
		wantRaw string
	}{
		"html page": {
			status:  http.StatusBadGateway,
			body:    "<html>\n  <body>\n\tBad   gateway\n  </body>\n</html>\n",
			wantMsg: "Codat API: GET /companies/c1 returned 502 Bad Gateway: <html> <body> Bad gateway </body> </html> (after 3 attempts)",
			wantRaw: "<html> <body> Bad gateway </body> </html>",
		},
		"empty body": {
			status:  http.StatusGone,
			wantMsg: "Codat API: GET /companies/c1 returned 410 Gone",
		},
		"unknown status": {
			status:  499,
			body:    "closed",
			wantMsg: "Codat API: GET /companies/c1 returned 499: closed",
			wantRaw: "closed",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			rec := newRecorder(t, reply(tt.status, tt.body))
			_, err := newTestClient(t, rec.srv).GetCompany(context.Background(), "c1")
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error = %#v, want *APIError", err)
			}
			if err.Error() != tt.wantMsg {
				t.Errorf("Error() =\n %s\nwant\n %s", err, tt.wantMsg)
			}
			if apiErr.RawBody != tt.wantRaw {
				t.Errorf("RawBody = %q, want %q", apiErr.RawBody, tt.wantRaw)
			}
		})
	}
}

func TestAPIErrorLenientFields(t *testing.T) {
	rec := newRecorder(t, reply(http.StatusConflict, `{"error":"Busy","canBeRetried":true,"detailedErrorCode":"x"}`))
	_, err := newTestClient(t, rec.srv).GetCompany(context.Background(), "c1")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.CanBeRetried != "true" || apiErr.DetailedErrorCode != 0 || apiErr.StatusCode != http.StatusConflict {
		t.Errorf("error = %#v", apiErr)
	}
}

func TestRawBodyIsCapped(t *testing.T) {
	got := capText(strings.Repeat("é", 600), maxRawBodyChars)
	if len(got) > maxRawBodyChars+len("…") || !strings.HasSuffix(got, "…") || !strings.HasPrefix(got, "éé") {
		t.Errorf("capText gave %d bytes: %q", len(got), got)
	}
	if strings.ContainsRune(got, '\uFFFD') {
		t.Error("capText cut a character in half")
	}
}

func TestAPIErrorRedactsSecrets(t *testing.T) {
	const secret = `xero-s3cret&"<value>`
	authValue := base64.StdEncoding.EncodeToString([]byte(testAPIKey))
	// Codat's JSON encoder escapes quotes and, like Go's, HTML characters.
	escaped := `xero-s3cret\u0026\"\u003cvalue\u003e`
	body := fmt.Sprintf(`{"error":"Key %s rejected (header Basic %s); secret %s / %s",`+
		`"validation":{"errors":[{"itemId":"%s","message":"bad %s","validatorName":"v"}]},"correlationId":"id-9"}`,
		testAPIKey, authValue, escaped, `xero-s3cret&\"<value>`, testAPIKey, escaped)
	rec := newRecorder(t, reply(http.StatusBadRequest, body))
	c := newTestClient(t, rec.srv)
	c.AddSecret(secret)

	_, err := c.PutIntegrationCredentials(context.Background(), "gbol", map[string]string{"clientId": "id", "clientSecret": secret})
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error = %#v, want *APIError", err)
	}
	texts := []string{err.Error(), apiErr.RawBody, apiErr.Message, fmt.Sprintf("%+v", apiErr.ValidationErrors)}
	for _, text := range texts {
		for _, leak := range []string{testAPIKey, authValue, secret, escaped, "s3cret"} {
			if strings.Contains(text, leak) {
				t.Errorf("%q leaks %q", text, leak)
			}
		}
		if !strings.Contains(text, redacted) {
			t.Errorf("%q has no %s marker", text, redacted)
		}
	}
}

func TestStatusHelpers(t *testing.T) {
	wrapped := func(status int) error {
		return fmt.Errorf("reading company: %w", &APIError{StatusCode: status, NotFoundID: "c1"})
	}
	helpers := map[string]func(error) bool{
		"IsBadRequest": IsBadRequest, "IsForbidden": IsForbidden, "IsNotFound": IsNotFound,
	}
	statuses := map[string]int{
		"IsBadRequest": 400, "IsUnauthorized": 401, "IsForbidden": 403, "IsNotFound": 404, "IsConflict": 409, "IsRateLimited": 429,
	}
	for name, is := range helpers {
		for other, status := range statuses {
			if got, want := is(wrapped(status)), name == other; got != want {
				t.Errorf("%s(status %d) = %v, want %v", name, status, got, want)
			}
		}
		if is(nil) || is(errors.New("network down")) {
			t.Errorf("%s is true for a non-API error", name)
		}
	}
}
