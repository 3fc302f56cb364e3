package codat

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

func TestLogsNeverContainSecrets(t *testing.T) {
	const secret = "xero-client-secret-8d1f"
	authValue := base64.StdEncoding.EncodeToString([]byte(testAPIKey))
	echo := fmt.Sprintf(`{"statusCode":401,"service":"PublicApi","error":"Key %s / Basic %s / secret %s is wrong","correlationId":"corr-401"}`,
		testAPIKey, authValue, secret)
	// The dropped connection comes first: on a reused connection Go's transport would replay the request itself.
	rec := newRecorder(t,
		drop,
		reply(http.StatusOK, companyJSON),
		reply(http.StatusOK, `{"clientId":"****1234","clientSecret":"****8d1f"}`,
			"X-Rate-Limit-Limit", "12000", "X-Rate-Limit-Remaining", "11999", "X-Rate-Limit-Reset", "2026-01-02T00:00:00Z",
			"X-Correlation-Id", "corr-ok"),
		reply(http.StatusUnauthorized, echo),
		reply(http.StatusServiceUnavailable, echo, "Retry-After", "0"),
		reply(http.StatusOK, `{"integrationId":"i1","oneTimeSync":"True"}`),
	)
	c := newTestClient(t, rec.srv)
	c.AddSecret(secret)

	var out bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &out)
	if _, err := c.CreateCompany(ctx, CompanyRequest{Name: "Acme", Description: secret}); err != nil {
		t.Fatal(err)
	}
	creds := map[string]string{"clientId": "client-1234", "clientSecret": secret}
	if _, err := c.PutIntegrationCredentials(ctx, "gbol", creds); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutIntegrationCredentials(ctx, "gbol", creds); !hasStatus(err, http.StatusUnauthorized) {
		t.Fatalf("want a 401, got %v", err)
	}
	yes := NewLegacyBool(true)
	if _, err := c.UpdateIntegrationSettings(ctx, "i1", IntegrationSettingsUpdate{OneTimeSync: &yes}); err != nil {
		t.Fatal(err)
	}

	logs := out.String()
	for _, leak := range []string{testAPIKey, authValue, secret} {
		if strings.Contains(logs, leak) {
			t.Errorf("the logs contain %q:\n%s", leak, logs)
		}
	}

	entries, err := tflogtest.MultilineJSONDecode(&out)
	if err != nil {
		t.Fatal(err)
	}
	find := func(msg string, match map[string]any) map[string]any {
		t.Helper()
		for _, e := range entries {
			if e["@message"] != msg || e["@module"] != "provider."+LogSubsystem {
				continue
			}
			ok := true
			for k, v := range match {
				if fmt.Sprint(e[k]) != fmt.Sprint(v) {
					ok = false
				}
			}
			if ok {
				return e
			}
		}
		t.Errorf("no %q line with %v in:\n%s", msg, match, logs)
		return nil
	}

	ok := find("Codat API response", map[string]any{"http_status": 200, "http_method": "PUT",
		"http_path": "/integrations/credentials/gbol", "attempt": 1, "@level": "debug"})
	if ok != nil {
		for field, want := range map[string]string{"correlation_id": "corr-ok", "x_rate_limit_limit": "12000",
			"x_rate_limit_remaining": "11999", "x_rate_limit_reset": "2026-01-02T00:00:00Z"} {
			if fmt.Sprint(ok[field]) != want {
				t.Errorf("%s = %v, want %s", field, ok[field], want)
			}
		}
		if _, has := ok["duration_ms"]; !has {
			t.Error("the response line has no duration_ms")
		}
	}
	find("Codat API response", map[string]any{"http_status": 401, "correlation_id": "corr-401"})
	find("Codat API response", map[string]any{"http_status": 503, "http_method": "PATCH", "attempt": 1})
	find("Retrying Codat API request", map[string]any{"http_status": 503, "next_attempt": 2, "max_attempts": 3})
	find("Codat API response", map[string]any{"http_status": 200, "http_method": "PATCH", "attempt": 2})
	find("Codat API request failed without a response", map[string]any{"http_method": "POST", "attempt": 1})
	find("Sending Codat API request", map[string]any{"http_method": "POST", "attempt": 2, "@level": "trace"})
}

func TestLogContextMasksSecrets(t *testing.T) {
	c, err := NewClient(Config{APIKey: testAPIKey})
	if err != nil {
		t.Fatal(err)
	}
	c.AddSecret("registered-secret")
	var out bytes.Buffer
	ctx := c.logContext(tflogtest.RootLogger(context.Background(), &out))
	tflog.SubsystemDebug(ctx, LogSubsystem, "echo "+testAPIKey+" registered-secret",
		map[string]any{"error": "Basic " + base64.StdEncoding.EncodeToString([]byte(testAPIKey))})

	logs := out.String()
	if strings.Contains(logs, testAPIKey) || strings.Contains(logs, "registered-secret") ||
		strings.Contains(logs, base64.StdEncoding.EncodeToString([]byte(testAPIKey))) {
		t.Errorf("secrets not masked: %s", logs)
	}
	if !strings.Contains(logs, "echo ***") {
		t.Errorf("no masked message in %s", logs)
	}
}
