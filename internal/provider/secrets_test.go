package provider_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
)

// With every log at trace level, a full apply, refresh, import and destroy never shows the API key: not in a log
// line (Terraform's or the provider's), not in state, not in a plan.
func TestAccSecrets_apiKeyNeverLeaks(t *testing.T) {
	logFile := filepath.Join(t.TempDir(), "trace.log")
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG_PATH", logFile)
	env := acctest.New(t)
	secrets := []string{env.APIKey, base64.StdEncoding.EncodeToString([]byte(env.APIKey))}
	noSecret := secretScan{secrets: secrets}
	// The key comes from the environment, as the docs recommend: a literal in the configuration would be in
	// Terraform's own plan file, outside the provider's reach.
	t.Setenv("CODAT_API_KEY", env.APIKey)
	t.Setenv("CODAT_BASE_URL", env.URL)
	cfg := `
provider "codat" {}
` + acctest.CompanyAndConnection + acctest.Account{Resource: "test", ID: "acc-1", Name: "Secretive", Type: "checking",
		Number: "1", Currency: "USD", Balance: "1"}.HCL() + acctest.MappingRead("codat_bank_feed_account.test")
	acctest.Test(t, resource.TestCase{
		CheckDestroy: env.CheckEmpty(),
		Steps: []resource.TestStep{
			{
				Config:            cfg,
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{noSecret}, PostApplyPostRefresh: []plancheck.PlanCheck{noSecret}},
				ConfigStateChecks: []statecheck.StateCheck{noSecret},
			},
			{RefreshState: true},
			{ResourceName: "codat_bank_feed_account.test", ImportState: true, ImportStateVerify: true},
			{ResourceName: "codat_company.test", ImportState: true, ImportStateVerify: true},
		},
	})

	logs, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	// The scan is only meaningful if the log really holds the provider's request log at trace level.
	for _, want := range []string{"codat.codat_api", "http_method=GET", "http_method=DELETE", "http_path=/companies/"} {
		if !strings.Contains(string(logs), want) {
			t.Fatalf("the trace log (%d bytes) has no %q: the provider's request log is not captured", len(logs), want)
		}
	}
	for i, line := range strings.Split(string(logs), "\n") {
		for _, s := range secrets {
			if strings.Contains(line, s) {
				t.Errorf("trace log line %d contains the API key: %.200s", i+1, line)
			}
		}
	}
}

// A Codat error that echoes the API key back is redacted before it becomes a diagnostic.
func TestAccSecrets_echoedKeyRedactedInDiagnostics(t *testing.T) {
	t.Parallel()
	const key = "k3y-that-must-not-leak-1234567890"
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]any{
			"statusCode": 400, "service": "PublicApi", "correlationId": "corr-echo",
			"error": fmt.Sprintf("Request with header %q and key %s is invalid", r.Header.Get("Authorization"), key),
		})
	}))
	defer echo.Close()
	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "codat" {
  base_url = %q
  api_key  = %q
}

resource "codat_company" "test" {
  name = "Echo"
}
`, echo.URL, key),
			// Both places the body echoed the key now read [REDACTED], in sequence, so neither can hold the key.
			ExpectError: acctest.ErrorRegexp(`Unable to create Codat company`, `header "\[REDACTED\]" and key \[REDACTED\] is invalid`, `corr-echo`),
		}},
	})
}

// secretScan fails when any of the secrets appears in a plan or state as Terraform's JSON shows them.
type secretScan struct{ secrets []string }

func (s secretScan) scan(what string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if len(b) < 100 {
		return fmt.Errorf("%s JSON is suspiciously short (%d bytes): nothing was scanned", what, len(b))
	}
	for _, secret := range s.secrets {
		if strings.Contains(string(b), secret) {
			return fmt.Errorf("%s contains the API key", what)
		}
	}
	return nil
}

func (s secretScan) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = s.scan("plan", req.Plan)
}

func (s secretScan) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = s.scan("state", req.State)
}
