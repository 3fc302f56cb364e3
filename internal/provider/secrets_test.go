package provider_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
	"github.com/terraform-codat/terraform-provider-codat/internal/provider"
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
` + companyAndConnection + `
resource "codat_bank_feed_account" "test" {
  company_id     = codat_company.test.id
  connection_id  = codat_connection.test.id
  account_id     = "acc-1"
  account_name   = "Secretive"
  account_type   = "checking"
  account_number = "1"
  currency       = "USD"
  balance        = 1
}

data "codat_bank_feed_mapping" "test" {
  company_id    = codat_company.test.id
  connection_id = codat_connection.test.id
  depends_on    = [codat_bank_feed_account.test]
}
`
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		CheckDestroy:             checkSandboxEmpty(env),
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
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
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

// Terraform writes every variable that is not ephemeral into a saved plan, sensitive or not: `terraform show -json`
// prints it under variables.<name>.value. The docs recommend the CODAT_API_KEY environment variable or an
// ephemeral variable (Terraform >= 1.10). With the real terraform, a saved plan and the state after applying it
// hold the key in no encoding for either recommended form, taken from docs/index.md itself, while the same
// configuration with the variable merely sensitive (the earlier advice) does leak it, which shows the scan can fail.
func TestAccSecrets_apiKeyKeptOutOfSavedPlans(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("../../docs/index.md")
	if err != nil {
		t.Fatal(err)
	}
	recommended := docsBlockWith(string(doc), "ephemeral = true", "api_key = var.")
	if recommended == "" {
		t.Fatal("docs/index.md shows no provider configuration that passes api_key through an ephemeral variable")
	}
	if !strings.Contains(string(doc), "`CODAT_API_KEY`") {
		t.Fatal("docs/index.md does not recommend the CODAT_API_KEY environment variable")
	}
	variable := regexp.MustCompile(`api_key\s*=\s*var\.(\w+)`).FindStringSubmatch(recommended)[1]
	sensitiveOnly := regexp.MustCompile(`(?m)^\s*ephemeral\s*=\s*true.*\n`).ReplaceAllString(recommended, "")
	cases := []struct {
		name   string
		config string
		env    string // how the key reaches Terraform
		leaks  bool
	}{
		{"environment variable", `provider "codat" {}`, "CODAT_API_KEY", false},
		{"ephemeral variable (docs)", recommended, "TF_VAR_" + variable, false},
		{"sensitive variable", sensitiveOnly, "TF_VAR_" + variable, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			env := acctest.New(t)
			tf := newTFCLI(t)
			tf.env = append(tf.env, c.env+"="+env.APIKey, "CODAT_BASE_URL="+env.URL)
			tf.writeConfig(fmt.Sprintf(`terraform {
  required_providers {
    codat = {
      source = %q
    }
  }
}

%s

resource "codat_company" "test" {
  name = "Planned"
}
`, strings.TrimPrefix(provider.Address, "registry.terraform.io/"), c.config))
			if run := tf.run("plan", "-input=false", "-no-color", "-out=saved.tfplan"); !run.ok() {
				t.Fatalf("plan: %s", run)
			}
			show := tf.run("show", "-json", "saved.tfplan")
			if !show.ok() || !strings.Contains(show.output, `"planned_values"`) {
				t.Fatalf("show: %s", show)
			}
			plan, err := os.ReadFile(filepath.Join(tf.dir, "saved.tfplan"))
			if err != nil {
				t.Fatal(err)
			}
			found := append(keyEncodings(env.APIKey).in("terraform show -json", []byte(show.output)),
				keyEncodings(env.APIKey).inPlanFile(t, plan)...)
			switch {
			case c.leaks && len(found) == 0:
				t.Errorf("the key did not show in the saved plan: the scan cannot find what it looks for")
			case !c.leaks && len(found) > 0:
				t.Errorf("the saved plan holds the API key: %v", found)
			}
			t.Logf("%s: the key appears in %v", c.name, found)
			if c.leaks {
				return
			}
			if run := tf.run("apply", "-input=false", "-no-color", "saved.tfplan"); !run.ok() {
				t.Fatalf("apply of the saved plan: %s", run)
			}
			state, err := os.ReadFile(filepath.Join(tf.dir, "terraform.tfstate"))
			if err != nil {
				t.Fatal(err)
			}
			if len(env.Sandbox.Companies()) != 1 {
				t.Fatalf("the saved plan did not create the company")
			}
			if found := keyEncodings(env.APIKey).in("the state", state); len(found) > 0 {
				t.Errorf("the state holds the API key: %v", found)
			}
		})
	}
}

// docsBlockWith returns the first fenced code block of a Markdown page that contains every fragment, spaces in
// a fragment matching any run of spaces.
func docsBlockWith(page string, fragments ...string) string {
	blocks := regexp.MustCompile("(?s)```[a-z]*\n(.*?)```").FindAllStringSubmatch(page, -1)
	for _, b := range blocks {
		all := true
		for _, f := range fragments {
			if !regexp.MustCompile(strings.ReplaceAll(regexp.QuoteMeta(f), " ", `\s+`)).MatchString(b[1]) {
				all = false
			}
		}
		if all {
			return b[1]
		}
	}
	return ""
}

// keyEncodings are the encodings of a secret a file could hold it in.
type keyEncodings string

func (s keyEncodings) forms() map[string]string {
	key := string(s)
	return map[string]string{
		"plain":       key,
		"base64":      base64.StdEncoding.EncodeToString([]byte(key)),
		"base64url":   base64.URLEncoding.EncodeToString([]byte(key)),
		"url-encoded": url.QueryEscape(key),
		"hex":         fmt.Sprintf("%x", key),
	}
}

// in names the forms of the secret that data holds.
func (s keyEncodings) in(what string, data []byte) []string {
	var found []string
	for name, form := range s.forms() {
		if name != "plain" && form == string(s) {
			continue // this encoding leaves the key as it is
		}
		if bytes.Contains(data, []byte(form)) {
			found = append(found, what+" ("+name+")")
		}
	}
	return found
}

// inPlanFile looks in a saved plan's bytes and, as a plan file is a zip archive whose entries are compressed,
// in every entry uncompressed.
func (s keyEncodings) inPlanFile(t *testing.T, plan []byte) []string {
	t.Helper()
	found := s.in("the plan file", plan)
	zr, err := zip.NewReader(bytes.NewReader(plan), int64(len(plan)))
	if err != nil {
		t.Fatalf("the saved plan is not a zip archive: %v", err)
	}
	if len(zr.File) == 0 {
		t.Fatal("the saved plan has no entries")
	}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		found = append(found, s.in("plan entry "+f.Name, data)...)
	}
	return found
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
