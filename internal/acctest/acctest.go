// Package acctest runs acceptance tests with the real terraform binary against an in-process Codat sandbox, and holds
// what the tests of several packages share:
//   - acctest.go: Main, PreCheck, a sandbox per test (New) and the provider block that points at it;
//   - test.go: terraform-plugin-testing cases with the provider served in the test process (Test, UnitTest);
//   - cli.go: terraform run as a user runs it, one process per command, with the provider served by the test binary
//     (NewCLI, on internal/tfdriver), for the suites of internal/e2e;
//   - sandbox.go: shortcuts to the sandbox's objects, the SMB user's steps and requests through Codat's API;
//   - fixtures.go, xero.go, ids.go: configurations, objects and values the tests start from.
package acctest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/terraform-codat/terraform-provider-codat/internal/contract"
	"github.com/terraform-codat/terraform-provider-codat/internal/provider"
	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
	"github.com/terraform-codat/terraform-provider-codat/internal/tfdriver"
)

// ProviderName is the provider's local name in test configurations.
const ProviderName = "codat"

// Main prepares the environment terraform-plugin-testing needs and runs the package's tests: it finds the
// terraform binary on PATH, keeps Terraform away from the network, and gives Terraform a CLI configuration of
// its own so a machine-wide one (or a TF_CLI_CONFIG_FILE naming a missing file) cannot interfere.
//
// When terraform started the test binary as its provider plugin (see NewCLI), Main serves the provider instead.
func Main(m *testing.M) {
	if serveProviderIfAsked() {
		return
	}
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if os.Getenv("TF_ACC_TERRAFORM_VERSION") != "" {
		fmt.Fprintln(os.Stderr, "acctest: unset TF_ACC_TERRAFORM_VERSION: it makes terraform-plugin-testing download Terraform")
		return 1
	}
	if os.Getenv("TF_ACC") != "" && os.Getenv("TF_ACC_TERRAFORM_PATH") == "" {
		if bin, err := exec.LookPath("terraform"); err == nil {
			os.Setenv("TF_ACC_TERRAFORM_PATH", bin)
		}
	}
	setDefault("TF_ACC_PROVIDER_NAMESPACE", "terraform-codat")
	setDefault("CHECKPOINT_DISABLE", "1")

	dir, err := os.MkdirTemp("", "codat-acctest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "acctest:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	runDir = dir
	if cfg := os.Getenv("TF_CLI_CONFIG_FILE"); cfg == "" || !fileExists(cfg) {
		cliConfig := filepath.Join(dir, "terraformrc")
		if err := os.WriteFile(cliConfig, []byte("disable_checkpoint = true\n"), 0o600); err != nil {
			fmt.Fprintln(os.Stderr, "acctest:", err)
			return 1
		}
		os.Setenv("TF_CLI_CONFIG_FILE", cliConfig)
	}
	return m.Run()
}

// runDir lives as long as the test binary's run.
var runDir string

// RunDir is a directory that lives until the package's tests end, for artefacts shared by several tests (a
// built provider binary, say). Only valid under Main.
func RunDir() string {
	return runDir
}

func setDefault(key, value string) {
	if os.Getenv(key) == "" {
		os.Setenv(key, value)
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// PreCheck skips the test unless acceptance tests were asked for, and fails it when no terraform binary is found.
func PreCheck(t testing.TB) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance tests run only with TF_ACC=1 (make test sets it)")
	}
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p == "" || !fileExists(p) {
		t.Fatalf("no terraform binary: install Terraform >= 1.11 on PATH or set TF_ACC_TERRAFORM_PATH (got %q)", p)
	}
}

// Env is one test's Codat sandbox, served over HTTP on loopback with every exchange checked against Codat's
// OpenAPI files (Contract is nil when those files are absent).
type Env struct {
	Sandbox  *sandbox.Sandbox
	URL      string
	APIKey   string
	Contract *contract.Checker
}

// New starts a sandbox for the test and stops it when the test ends. Options may adjust the sandbox (latency,
// mapping delay, quotas); the API key is always a fresh random one.
func New(t testing.TB, opts ...func(*sandbox.Options)) *Env {
	t.Helper()
	o := sandbox.Options{APIKey: randomKey(t)}
	for _, opt := range opts {
		opt(&o)
	}
	sb := sandbox.New(o)
	env := &Env{Sandbox: sb, APIKey: o.APIKey}
	handler := sb.Handler()
	// Without Codat's OpenAPI files the tests still run; only the contract check is skipped.
	if _, err := contract.SpecDir(); err != nil {
		t.Logf("contract check skipped: %v", err)
	} else {
		env.Contract = contract.ForTest(t)
		handler = env.Contract.Wrap(handler)
	}
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	sb.SetBaseURL(srv.URL)
	env.URL = srv.URL
	return env
}

// XeroTokenURL is the sandbox's fake Xero token endpoint.
func (e *Env) XeroTokenURL() string {
	return e.URL + "/xero/connect/token"
}

// ProviderConfig is a provider block pointing at the sandbox, with its Xero token endpoint and at most 3 retries;
// test configurations start with it. Each override ("name = value") replaces the setting of that name or adds one;
// "name = null" leaves the setting to its default.
func (e *Env) ProviderConfig(overrides ...string) string {
	settings := append(e.Settings(), fmt.Sprintf("xero_token_url = %q", e.XeroTokenURL()), "max_retries = 3")
	for _, o := range overrides {
		name, _, _ := strings.Cut(o, "=")
		i := slices.IndexFunc(settings, func(s string) bool { return strings.HasPrefix(s, name) })
		if i < 0 {
			settings = append(settings, o)
		} else {
			settings[i] = o
		}
	}
	return "\n" + ProviderBlock(settings...)
}

// Settings are the provider settings that point at the sandbox: base_url and api_key.
func (e *Env) Settings() []string {
	return []string{fmt.Sprintf("base_url = %q", e.URL), fmt.Sprintf("api_key = %q", e.APIKey)}
}

// TerraformBlock requires this provider.
const TerraformBlock = `terraform {
  required_providers {
    codat = {
      source = "` + tfdriver.ProviderSource + `"
    }
  }
}
`

// ProviderBlock is TerraformBlock and a provider block with the given settings, one "name = value" a line.
func ProviderBlock(settings ...string) string {
	var b strings.Builder
	b.WriteString(TerraformBlock + "\nprovider \"codat\" {\n")
	for _, s := range settings {
		b.WriteString("  " + s + "\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// ProtoV6ProviderFactories serves the provider in the test process, so terraform needs no installed plugin.
func ProtoV6ProviderFactories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		// A fresh provider for every terraform command, as Terraform itself starts one per operation: state
		// kept in a provider instance (such as the source-account list cache) must not leak between steps.
		ProviderName: func() (tfprotov6.ProviderServer, error) {
			// The server the provider binary serves (main.go), not the bare framework server.
			return provider.NewProtocol6Server("test")(), nil
		},
	}
}

func randomKey(t testing.TB) string {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// ErrorRegexp matches Terraform error output containing the given regular-expression fragments in order.
// Terraform wraps diagnostic text at its terminal width, so a space in a fragment matches any run of white space.
func ErrorRegexp(fragments ...string) *regexp.Regexp {
	for i, f := range fragments {
		fragments[i] = strings.ReplaceAll(f, " ", `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(fragments, ".*"))
}
