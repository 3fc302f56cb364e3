package provider_test

// Helpers for tests that drive the terraform binary the way a user does, one process per command, instead of
// through terraform-plugin-testing: they need command-line flags (-parallelism), signals (Ctrl-C) and the
// provider as a separate plugin process.
//
// The plugin is this test binary itself. Terraform starts it from a dev_overrides directory holding a link named
// terraform-provider-codat, with cliServeProviderEnv in its environment; TestMain then serves the provider instead
// of running tests. Nothing is built, and the code served is exactly the code under test.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
	"github.com/terraform-codat/terraform-provider-codat/internal/provider"
	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

// cliServeProviderEnv, set in terraform's environment, makes the test binary serve the provider.
const cliServeProviderEnv = "CODAT_TEST_SERVE_PROVIDER"

// cliCommandLimit ends a terraform command that hangs, so that a broken test fails instead of stalling the suite.
const cliCommandLimit = 5 * time.Minute

// serveProviderIfAsked serves the provider when terraform started this binary as its plugin, and reports whether
// it did.
func serveProviderIfAsked() bool {
	if os.Getenv(cliServeProviderEnv) == "" {
		return false
	}
	err := tf6server.Serve(provider.Address, provider.NewProtocol6Server("test"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "serving the provider:", err)
		os.Exit(1)
	}
	return true
}

// tfCLI runs terraform commands in a working directory of its own, against the provider served by this binary.
type tfCLI struct {
	t   testing.TB
	bin string
	dir string
	env []string
	log string // provider debug log, when enabled
}

// newTFCLI prepares a working directory and a CLI configuration whose dev_overrides point at this test binary.
func newTFCLI(t testing.TB) *tfCLI {
	t.Helper()
	acctest.PreCheck(t)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	pluginDir := filepath.Join(root, "plugin")
	workDir := filepath.Join(root, "work")
	for _, d := range []string{pluginDir, workDir} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(self, filepath.Join(pluginDir, "terraform-provider-codat")); err != nil {
		t.Fatalf("linking the test binary as the provider plugin: %v", err)
	}
	cliConfig := filepath.Join(root, "terraformrc")
	rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\ndisable_checkpoint = true\n",
		strings.TrimPrefix(provider.Address, "registry.terraform.io/"), pluginDir)
	if err := os.WriteFile(cliConfig, []byte(rc), 0o600); err != nil {
		t.Fatal(err)
	}

	// Nothing from the caller's environment may steer terraform or the provider elsewhere.
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "TF_") || strings.HasPrefix(name, "CODAT_") || name == "XERO_TOKEN_URL" {
			continue
		}
		env = append(env, kv)
	}
	env = append(env,
		"TF_CLI_CONFIG_FILE="+cliConfig,
		"TF_IN_AUTOMATION=1",
		"TF_INPUT=0",
		"CHECKPOINT_DISABLE=1",
		cliServeProviderEnv+"=1",
	)
	return &tfCLI{t: t, bin: os.Getenv("TF_ACC_TERRAFORM_PATH"), dir: workDir, env: env}
}

// logProvider writes the provider's debug log, the codat_api request lines among it, to a file that
// providerLog reads.
func (tf *tfCLI) logProvider() {
	tf.log = filepath.Join(filepath.Dir(tf.dir), "provider.log")
	tf.env = append(tf.env, "TF_LOG_PROVIDER=DEBUG", "TF_LOG_PATH="+tf.log,
		// Only the client's own lines are wanted; the SDK's are many.
		"TF_LOG_SDK=OFF", "TF_LOG_SDK_FRAMEWORK=OFF", "TF_LOG_SDK_PROTO=OFF")
}

// writeConfig replaces the working directory's configuration.
func (tf *tfCLI) writeConfig(hcl string) {
	tf.t.Helper()
	if err := os.WriteFile(filepath.Join(tf.dir, "main.tf"), []byte(hcl), 0o600); err != nil {
		tf.t.Fatal(err)
	}
}

// tfRun is the outcome of one terraform command.
type tfRun struct {
	args     []string
	output   string // stdout and stderr, interleaved
	exitCode int
}

func (r tfRun) ok() bool { return r.exitCode == 0 }

func (r tfRun) String() string {
	return fmt.Sprintf("terraform %s exited %d:\n%s", strings.Join(r.args, " "), r.exitCode, r.output)
}

// command prepares terraform with args in the working directory; the caller runs it.
func (tf *tfCLI) command(ctx context.Context, args ...string) (*exec.Cmd, *bytes.Buffer) {
	cmd := exec.CommandContext(ctx, tf.bin, args...)
	cmd.Dir = tf.dir
	cmd.Env = tf.env
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	// Terraform waits for its plugins; do not wait for their pipes after terraform itself is gone.
	cmd.WaitDelay = 10 * time.Second
	return cmd, &out
}

// run runs one terraform command to its end.
func (tf *tfCLI) run(args ...string) tfRun {
	tf.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cliCommandLimit)
	defer cancel()
	cmd, out := tf.command(ctx, args...)
	err := cmd.Run()
	run := tfRun{args: args, output: out.String(), exitCode: cmd.ProcessState.ExitCode()}
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		tf.t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, run.output)
	}
	if ctx.Err() != nil {
		tf.t.Fatalf("terraform %s did not finish within %s:\n%s", strings.Join(args, " "), cliCommandLimit, run.output)
	}
	return run
}

// apply runs terraform apply with extra flags such as -parallelism=30.
func (tf *tfCLI) apply(flags ...string) tfRun {
	tf.t.Helper()
	return tf.run(append([]string{"apply", "-auto-approve", "-input=false", "-no-color"}, flags...)...)
}

// destroy runs terraform destroy.
func (tf *tfCLI) destroy() tfRun {
	tf.t.Helper()
	return tf.run("destroy", "-auto-approve", "-input=false", "-no-color")
}

// planIsEmpty runs terraform plan and reports whether it proposes no change; a failed plan fails the test.
func (tf *tfCLI) planIsEmpty() (bool, tfRun) {
	tf.t.Helper()
	run := tf.run("plan", "-input=false", "-no-color", "-detailed-exitcode")
	switch run.exitCode {
	case 0:
		return true, run
	case 2:
		return false, run
	}
	tf.t.Fatalf("plan failed: %s", run)
	return false, run
}

// interrupt runs terraform with args and sends it an interrupt (Ctrl-C) as soon as ready reports true, then runs
// afterSignal (when not nil) and waits for terraform to exit. It fails the test when terraform exits before the
// interrupt.
func (tf *tfCLI) interrupt(ready func() bool, afterSignal func(), args ...string) tfRun {
	tf.t.Helper()
	if runtime.GOOS == "windows" {
		tf.t.Skip("sending an interrupt to another process is not supported on Windows")
	}
	ctx, cancel := context.WithTimeout(context.Background(), cliCommandLimit)
	defer cancel()
	cmd, out := tf.command(ctx, args...)
	if err := cmd.Start(); err != nil {
		tf.t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	for !ready() {
		select {
		case err := <-exited:
			tf.t.Fatalf("terraform %s exited (%v) before it could be interrupted:\n%s", strings.Join(args, " "), err, out)
		case <-time.After(20 * time.Millisecond):
		}
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		tf.t.Fatal(err)
	}
	if afterSignal != nil {
		afterSignal()
	}
	err := <-exited
	if ctx.Err() != nil {
		tf.t.Fatalf("terraform %s did not stop within %s:\n%s", strings.Join(args, " "), cliCommandLimit, out)
	}
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		tf.t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return tfRun{args: args, output: out.String(), exitCode: cmd.ProcessState.ExitCode()}
}

// tfStateObject is one resource instance in the local state file: current, tainted or deposed.
type tfStateObject struct {
	Address    string
	Type       string
	Tainted    bool
	Deposed    bool
	Attributes map[string]any
}

func (o tfStateObject) attr(name string) string {
	s, _ := o.Attributes[name].(string)
	return s
}

// state reads the objects of the local state file (terraform.tfstate, format version 4); none before the first
// apply. Reading the file sees tainted and deposed objects too, and starts no terraform process.
func (tf *tfCLI) state() []tfStateObject {
	tf.t.Helper()
	b, err := os.ReadFile(filepath.Join(tf.dir, "terraform.tfstate"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		tf.t.Fatal(err)
	}
	var file struct {
		Version   int `json:"version"`
		Resources []struct {
			Module    string `json:"module"`
			Mode      string `json:"mode"`
			Type      string `json:"type"`
			Name      string `json:"name"`
			Instances []struct {
				IndexKey   any            `json:"index_key"`
				Status     string         `json:"status"`
				Deposed    string         `json:"deposed"`
				Attributes map[string]any `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(b, &file); err != nil || file.Version != 4 {
		tf.t.Fatalf("reading terraform.tfstate (version %d): %v", file.Version, err)
	}
	var objects []tfStateObject
	for _, r := range file.Resources {
		if r.Mode != "managed" {
			continue
		}
		for _, inst := range r.Instances {
			addr := r.Type + "." + r.Name
			if r.Module != "" {
				addr = r.Module + "." + addr
			}
			switch k := inst.IndexKey.(type) {
			case string:
				addr += fmt.Sprintf("[%q]", k)
			case float64:
				addr += fmt.Sprintf("[%d]", int(k))
			}
			objects = append(objects, tfStateObject{Address: addr, Type: r.Type, Tainted: inst.Status == "tainted",
				Deposed: inst.Deposed != "", Attributes: inst.Attributes})
		}
	}
	return objects
}

// tfClientLog counts the client's request lines in the provider's debug log.
type tfClientLog struct {
	// calls is the number of logical API calls: first attempts, answered or not.
	calls int
	// retries is the number of retries the client decided on (go's HTTP transport may resend a request on a
	// dropped keep-alive connection by itself; the sandbox counts those, this does not).
	retries int
}

var logAttemptPattern = regexp.MustCompile(`Codat API (?:response|request failed without a response):.*\battempt=(\d+)\b`)

// providerLog reads the debug log that logProvider enabled, over every command run so far.
func (tf *tfCLI) providerLog() tfClientLog {
	tf.t.Helper()
	if tf.log == "" {
		tf.t.Fatal("providerLog without logProvider")
	}
	b, err := os.ReadFile(tf.log)
	if err != nil {
		tf.t.Fatal(err)
	}
	var l tfClientLog
	for line := range strings.Lines(string(b)) {
		if strings.Contains(line, "Retrying Codat API request") {
			l.retries++
		} else if m := logAttemptPattern.FindStringSubmatch(line); m != nil && m[1] == "1" {
			l.calls++
		}
	}
	return l
}

// accountsPerCustomer is the number of source accounts customersConfig gives each customer.
const accountsPerCustomer = 2

// customersConfig is a provider block with the given settings and n customers written the way the docs recommend:
// for_each over one customer map, each customer a company with bank feeds, a Xero connection and
// accountsPerCustomer source accounts indexed by "<customer>/<account>".
func customersConfig(env *acctest.Env, n int, providerSettings ...string) string {
	return cliProviderConfig(env, providerSettings...) + fmt.Sprintf(`
locals {
  customers = { for i in range(%d) : format("c%%03d", i) => format("Customer %%03d", i) }
  accounts = merge([
    for c in keys(local.customers) : {
      for a in ["current", "savings"] : "${c}/${a}" => { customer = c, account = a }
    }
  ]...)
}

resource "codat_company" "customer" {
  for_each = local.customers
  name     = each.value
}

resource "codat_connection" "xero" {
  for_each   = local.customers
  company_id = codat_company.customer[each.key].id
}

resource "codat_bank_feed_account" "account" {
  for_each       = local.accounts
  company_id     = codat_company.customer[each.value.customer].id
  connection_id  = codat_connection.xero[each.value.customer].id
  account_id     = replace(each.key, "/", "-")
  account_name   = "${local.customers[each.value.customer]} ${each.value.account}"
  account_type   = each.value.account == "current" ? "checking" : "savings"
  account_number = format("%%08d", 10000000 + index(keys(local.accounts), each.key))
  sort_code      = "040004"
  currency       = "GBP"
  balance        = 100
}
`, n)
}

// cliProviderConfig is the terraform and provider blocks of a configuration the CLI helpers run against env.
func cliProviderConfig(env *acctest.Env, providerSettings ...string) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    codat = {
      source = %q
    }
  }
}

provider "codat" {
  base_url = %q
  api_key  = %q
%s}
`, strings.TrimPrefix(provider.Address, "registry.terraform.io/"), env.URL, env.APIKey, indentLines(providerSettings))
}

func indentLines(lines []string) string {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString("  " + l + "\n")
	}
	return b.String()
}

// inventory compares what the sandbox holds with what the state records, by object key: "company <id>",
// "connection <company>/<id>", "account <company>/<connection>/<id>".
type inventory struct {
	sandbox, state map[string]bool
	// duplicates counts objects beyond the configuration: companies sharing a name, a company's second
	// connection, a connection's accounts beyond accountsPerCustomer.
	duplicates int
	// companies is the number of companies in the sandbox.
	companies int
}

func takeInventory(sb *sandbox.Sandbox, objects []tfStateObject) inventory {
	inv := inventory{sandbox: map[string]bool{}, state: map[string]bool{}}
	names := map[string]int{}
	for _, c := range sb.Companies() {
		inv.companies++
		inv.sandbox["company "+c.ID] = true
		if names[c.Name]++; names[c.Name] > 1 {
			inv.duplicates++
		}
		conns := sb.Connections(c.ID)
		inv.duplicates += max(0, len(conns)-1)
		for _, conn := range conns {
			inv.sandbox["connection "+c.ID+"/"+conn.ID] = true
			accounts := sb.SourceAccounts(c.ID, conn.ID)
			inv.duplicates += max(0, len(accounts)-accountsPerCustomer)
			for _, a := range accounts {
				inv.sandbox["account "+c.ID+"/"+conn.ID+"/"+a.ID] = true
			}
		}
	}
	for _, o := range objects {
		switch o.Type {
		case "codat_company":
			inv.state["company "+o.attr("id")] = true
		case "codat_connection":
			inv.state["connection "+o.attr("company_id")+"/"+o.attr("id")] = true
		case "codat_bank_feed_account":
			inv.state["account "+o.attr("id")] = true
		}
	}
	return inv
}

// orphans are objects in the sandbox that the state does not record: lost to Terraform.
func (inv inventory) orphans() []string { return missingFrom(inv.sandbox, inv.state) }

// phantoms are objects the state records that the sandbox does not hold.
func (inv inventory) phantoms() []string { return missingFrom(inv.state, inv.sandbox) }

func missingFrom(have, other map[string]bool) []string {
	var out []string
	for k := range have {
		if !other[k] {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// check reports duplicates, orphans and phantoms as test errors.
func (inv inventory) check(t testing.TB, when string) {
	t.Helper()
	if inv.duplicates > 0 {
		t.Errorf("%s: %d duplicate objects in the sandbox", when, inv.duplicates)
	}
	if o := inv.orphans(); len(o) > 0 {
		t.Errorf("%s: %d objects in the sandbox are not in the state: %v", when, len(o), o)
	}
	if p := inv.phantoms(); len(p) > 0 {
		t.Errorf("%s: %d objects in the state are not in the sandbox: %v", when, len(p), p)
	}
}
