package codat

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

func TestLegacyBool(t *testing.T) {
	for _, tt := range []struct {
		json    string
		want    bool
		wantErr string
	}{
		{`"True"`, true, ""},
		{`"False"`, false, ""},
		{`"true"`, true, ""},
		{`" FALSE "`, false, ""},
		{`true`, true, ""},
		{`false`, false, ""},
		{`null`, false, ""},
		{`"Yes"`, false, `"Yes"`},
		{`""`, false, `""`},
	} {
		var got IntegrationSettings
		if err := json.Unmarshal([]byte(`{"integrationId":"i1","oneTimeSync":`+tt.json+`}`), &got); err != nil {
			t.Errorf("%s: %v", tt.json, err)
			continue
		}
		b, err := got.OneTimeSync.Bool()
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: Bool() = %v, %v; want an error quoting %s", tt.json, b, err, tt.wantErr)
			}
			continue
		}
		if err != nil || b != tt.want {
			t.Errorf("%s: Bool() = %v, %v; want %v", tt.json, b, err, tt.want)
		}
	}
	var got IntegrationSettings
	if err := json.Unmarshal([]byte(`{"oneTimeSync":1}`), &got); err == nil {
		t.Error("a number was read as a yes/no setting")
	}
	for b, want := range map[bool]string{true: `{"oneTimeSync":"True"}`, false: `{"oneTimeSync":"False"}`} {
		v := NewLegacyBool(b)
		raw, err := json.Marshal(IntegrationSettingsUpdate{OneTimeSync: &v})
		if err != nil || string(raw) != want {
			t.Errorf("NewLegacyBool(%v) is sent as %s (%v), want %s", b, raw, err, want)
		}
	}
}

func TestMasks(t *testing.T) {
	const id = "C0FFEE0000000000000000000000A1B2"
	for _, tt := range []struct {
		masked, value string
		masks, fits   bool
	}{
		// Codat's documented style: X, the length and the last four kept (CODAT-FACTS C2).
		{"XXXXXXXXXXXXXXXXXXXXXXXXXXXXA1B2", id, true, true},
		{"XXXXXXXXXXXXXXXXXXXXXXXXXXXXA1B2", id + "0", true, false},
		{"XXXXXXXXXXXXXXXXXXXXXXXXXXXXA1B2", "C0FFEE00000000000000000000000A1B2"[1:], true, true},
		{"XXXXXXXXXXXXXXXXXXXXXXXXXXXXZZZZ", id, true, false},
		{"XXXXXXXXXXXXA1B2", id, true, false},
		// A fixed run of * and the last four: only the last four can be compared.
		{"********A1B2", id, true, true},
		{"********A1B2", "A1B2", true, true},
		{"********Z1B2", id, true, false},
		// A same-length run of *.
		{"****************************A1B2", id, true, true},
		{"****************************A1B3", id, true, false},
		{"****************************A1B2", "A1B2", true, true},
		// Values hidden whole.
		{"****", "abcd", true, true},
		{"XXXX", "abcd", true, true},
		{"XXXX", "abcde", true, false},
		{"***", "abc", true, true},
		{"XX", "abc", true, false},
		// No mask: compared as is.
		{id, id, false, true},
		{"XXA1B2", "XXA1B2", false, true},
		{"X1234567", "X1234567", false, true},
		{"abc", "abd", false, false},
	} {
		if got := IsMasked(tt.masked); got != tt.masks {
			t.Errorf("IsMasked(%q) = %v, want %v", tt.masked, got, tt.masks)
		}
		if got := FitsMask(tt.masked, tt.value); got != tt.fits {
			t.Errorf("FitsMask(%q, %q) = %v, want %v", tt.masked, tt.value, got, tt.fits)
		}
	}
}

// A masked value is refused before any request: Codat would store the mask as the credential.
func TestPutIntegrationCredentialsRefusesMasks(t *testing.T) {
	rec := newRecorder(t, reply(http.StatusOK, `{}`))
	c := newTestClient(t, rec.srv)
	for _, creds := range []map[string]string{
		{"clientId": "XXXXXXXXXXXXXXXXXXXXXXXXXXXXA1B2", "clientSecret": "real-secret-value"},
		{"clientId": "C0FFEE0000000000000000000000A1B2", "clientSecret": "********alue"},
	} {
		_, err := c.PutIntegrationCredentials(context.Background(), "gbol", creds)
		var reqErr *RequestError
		if !errors.As(err, &reqErr) || !strings.Contains(err.Error(), "masked") {
			t.Errorf("PUT of %v: %v, want a refusal naming the mask", creds, err)
		}
		if strings.Contains(err.Error(), "********alue") {
			t.Errorf("the refusal shows the secret's mask: %v", err)
		}
	}
	if n := rec.count(); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// Every encoding the provider produces of a Xero client secret (and the Basic credentials of the Xero token
// check) is redacted from errors and logs, whether Codat's error body quotes it in a JSON message or a plain-text
// body carries it as is. The same echo reaches a client that registered nothing, so the test sees that each form
// really is in the answer.
func TestClientCredentialFormsAreRedacted(t *testing.T) {
	const clientID = "C0FFEE0000000000000000000000A1B2"
	// Characters that URL, JSON and HTML escaping each change, so that every form differs from the secret.
	const secret = `xs+1/9fK=2m&Q<7>"v\Tz %41`
	forms := ClientCredentialForms(clientID, secret)
	for _, want := range []string{
		`xs%2B1%2F9fK%3D2m%26Q%3C7%3E%22v%5CTz+%2541`, // form-encoded
		`xs+1/9fK=2m\u0026Q\u003c7\u003e\"v\\Tz %41`,  // JSON, HTML-escaped
		"eHMrMS85Zks9Mm0mUTw3PiJ2XFR6ICU0MQ==",        // base64
		"Basic QzBGRkVFMDAwMDAwMDAwMDAwMDAwMDAwMDAwMEExQjI6eHMlMkIxJTJGOWZLJTNEMm0lMjZRJTNDNyUzRSUyMnYlNUNUeislMjU0MQ==",
	} {
		if !strings.Contains(strings.Join(forms, "\n"), want) {
			t.Errorf("ClientCredentialForms lacks %q", want)
		}
	}

	// texts is what a failed credentials PUT shows: the error, its fields and the client's logs.
	texts := func(register bool, status int, contentType, body string) string {
		t.Helper()
		srv := newRecorder(t, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", contentType)
			w.WriteHeader(status)
			_, _ = w.Write([]byte(body))
		}).srv
		c := newTestClient(t, srv)
		if register {
			c.AddClientCredentials(clientID, secret)
		}
		var logs bytes.Buffer
		ctx := tflogtest.RootLogger(context.Background(), &logs)
		_, err := c.PutIntegrationCredentials(ctx, "gbol", map[string]string{"clientId": clientID, "clientSecret": secret})
		var apiErr *APIError
		if !errors.As(err, &apiErr) {
			t.Fatalf("error = %#v, want *APIError", err)
		}
		return strings.Join([]string{err.Error(), apiErr.RawBody, apiErr.Message, fmt.Sprint(apiErr.ValidationErrors), logs.String()}, "\n")
	}
	for _, f := range forms {
		quoted, _ := json.Marshal("request was " + f)
		bodies := map[string]string{
			"application/json": fmt.Sprintf(`{"statusCode":400,"service":"PublicApi","error":%s,"correlationId":"corr-echo",`+
				`"validation":{"errors":[{"itemId":"clientSecret","message":%s,"validatorName":"v"}]}}`, quoted, quoted),
			"text/plain": "request was " + f,
		}
		for contentType, body := range bodies {
			if got := texts(false, http.StatusBadRequest, contentType, body); !strings.Contains(got, f) {
				t.Errorf("%s echo: the form %q does not reach an unregistered client's error, so the check proves nothing:\n%s", contentType, f, got)
			}
			got := texts(true, http.StatusBadRequest, contentType, body)
			for _, other := range forms {
				if strings.Contains(got, other) {
					t.Errorf("%s echo of %q: the form %q reached the error or the logs:\n%s", contentType, f, other, got)
				}
			}
			if !strings.Contains(got, redacted) {
				t.Errorf("%s echo of %q: no %s marker in\n%s", contentType, f, redacted, got)
			}
		}
	}
}
