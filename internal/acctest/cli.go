package acctest

// The CLI harness: terraform run the way a user runs it, one process per command (internal/tfdriver), for what
// terraform-plugin-testing cannot do: command-line flags (-parallelism), signals (Ctrl-C), saved plans, the
// provider as a separate plugin process, and its log.
//
// The plugin is the test binary itself. Terraform starts it from a dev_overrides directory holding a link named
// terraform-provider-codat, with serveProviderEnv in its environment; Main then serves the provider instead of
// running tests. Nothing is built, and the code served is exactly the code under test.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/terraform-codat/terraform-provider-codat/internal/provider"
	"github.com/terraform-codat/terraform-provider-codat/internal/tfdriver"
)

// serveProviderEnv, set in terraform's environment, makes the test binary serve the provider.
const serveProviderEnv = "CODAT_TEST_SERVE_PROVIDER"

// CommandLimit ends a terraform command that hangs, so that a broken test fails instead of stalling the suite.
const CommandLimit = 5 * time.Minute

// serveProviderIfAsked serves the provider when terraform started this binary as its plugin, and reports whether
// it did.
func serveProviderIfAsked() bool {
	if os.Getenv(serveProviderEnv) == "" {
		return false
	}
	if err := tf6server.Serve(provider.Address, provider.NewProtocol6Server("test")); err != nil {
		fmt.Fprintln(os.Stderr, "serving the provider:", err)
		os.Exit(1)
	}
	return true
}

var (
	pluginOnce sync.Once
	pluginDir  string
	pluginErr  error
)

// selfPlugin is a dev_overrides directory whose provider is this test binary, made once per run.
func selfPlugin() (string, error) {
	pluginOnce.Do(func() {
		self, err := os.Executable()
		if err != nil {
			pluginErr = err
			return
		}
		pluginDir = filepath.Join(RunDir(), "plugin")
		pluginErr = tfdriver.LinkPlugin(pluginDir, self)
	})
	return pluginDir, pluginErr
}

// CLI runs terraform commands for one test in a working directory of its own, against the provider served by the
// test binary. Its methods fail the test when terraform cannot be run at all; a command that runs and fails is a
// Result to check.
type CLI struct {
	tfdriver.Terraform
	t       testing.TB
	log     string // the provider's log, once LogClient or LogStops enabled it
	logKind string
}

// NewCLI prepares a working directory and a CLI configuration whose dev_overrides point at the test binary. It skips
// the test unless acceptance tests were asked for. The package's TestMain must call Main.
func NewCLI(t testing.TB) *CLI {
	t.Helper()
	PreCheck(t)
	if runDir == "" {
		t.Fatal("acctest.NewCLI needs the package's TestMain to call acctest.Main")
	}
	plugins, err := selfPlugin()
	if err != nil {
		t.Fatalf("linking the test binary as the provider plugin: %v", err)
	}
	root := t.TempDir()
	workDir := filepath.Join(root, "work")
	if err := os.Mkdir(workDir, 0o700); err != nil {
		t.Fatal(err)
	}
	cliConfig := filepath.Join(root, "terraformrc")
	if err := (tfdriver.CLIConfig{DevOverrides: plugins}).Write(cliConfig); err != nil {
		t.Fatal(err)
	}
	return &CLI{t: t, Terraform: tfdriver.Terraform{
		Bin: os.Getenv("TF_ACC_TERRAFORM_PATH"),
		Dir: workDir,
		Env: tfdriver.Environ(cliConfig, serveProviderEnv+"=1"),
	}}
}

// Setenv adds variables ("NAME=value") to the environment of the commands that follow.
func (c *CLI) Setenv(kv ...string) { c.Env = append(c.Env, kv...) }

// LogClient writes the provider's own log lines, the Codat client's requests among them, to a file that ClientLog
// and CountInLog read.
func (c *CLI) LogClient() { c.logTo("client", tfdriver.ClientLogEnv) }

// LogStops writes the provider's protocol log, which records when Terraform stops the provider, to a file that
// Stops and CountInLog read.
func (c *CLI) LogStops() { c.logTo("stops", tfdriver.StopLogEnv) }

// logTo sends the provider's log of one kind to a file, once; a test reads one kind of log.
func (c *CLI) logTo(kind string, env func(path string) []string) {
	c.t.Helper()
	switch c.logKind {
	case kind:
		return
	case "":
	default:
		c.t.Fatalf("the provider already logs %s lines; a test reads one kind of log", c.logKind)
	}
	c.logKind, c.log = kind, filepath.Join(filepath.Dir(c.Dir), "provider.log")
	c.Setenv(env(c.log)...)
}

// WriteConfig replaces the working directory's configuration.
func (c *CLI) WriteConfig(hcl string) {
	c.t.Helper()
	if err := os.WriteFile(filepath.Join(c.Dir, "main.tf"), []byte(hcl), 0o600); err != nil {
		c.t.Fatal(err)
	}
}

// Run runs one terraform command to its end.
func (c *CLI) Run(args ...string) tfdriver.Result {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), CommandLimit)
	defer cancel()
	res, err := c.Terraform.Run(ctx, args...)
	if err != nil {
		c.t.Fatal(err)
	}
	return res
}

// Apply runs terraform apply with extra flags such as -parallelism=30.
func (c *CLI) Apply(flags ...string) tfdriver.Result {
	c.t.Helper()
	return c.Run(append([]string{"apply", "-auto-approve", "-input=false", "-no-color"}, flags...)...)
}

// Destroy runs terraform destroy.
func (c *CLI) Destroy() tfdriver.Result {
	c.t.Helper()
	return c.Run("destroy", "-auto-approve", "-input=false", "-no-color")
}

// PlanIsEmpty runs terraform plan and reports whether it proposes no change; a failed plan fails the test.
func (c *CLI) PlanIsEmpty() (bool, tfdriver.Result) {
	c.t.Helper()
	res := c.Run("plan", "-input=false", "-no-color", "-detailed-exitcode")
	switch res.ExitCode {
	case 0:
		return true, res
	case 2:
		return false, res
	}
	c.t.Fatalf("plan failed: %s", res)
	return false, res
}

// Interrupt runs terraform with args and sends it Ctrl-C as soon as ready reports true, then runs afterSignal (when
// not nil) and waits for terraform to exit. It fails the test when terraform exits before the interrupt.
func (c *CLI) Interrupt(ready func() bool, afterSignal func(), args ...string) tfdriver.Result {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), CommandLimit)
	defer cancel()
	res, err := c.Terraform.Interrupt(ctx, ready, afterSignal, args...)
	if err != nil {
		c.t.Fatal(err)
	}
	return res
}

// State is the managed objects of the local state file, tainted and deposed ones included; none before the first
// apply.
func (c *CLI) State() []tfdriver.StateObject {
	c.t.Helper()
	all, err := c.Terraform.State()
	if err != nil {
		c.t.Fatal(err)
	}
	var managed []tfdriver.StateObject
	for _, o := range all {
		if o.Mode == "managed" {
			managed = append(managed, o)
		}
	}
	return managed
}

// ShowPlan reads a saved plan in the working directory.
func (c *CLI) ShowPlan(planFile string) *tfdriver.Plan {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), CommandLimit)
	defer cancel()
	plan, err := c.Terraform.ShowPlan(ctx, planFile)
	if err != nil {
		c.t.Fatal(err)
	}
	return plan
}

// Output decodes a root module output into v.
func (c *CLI) Output(name string, v any) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), CommandLimit)
	defer cancel()
	if err := c.Terraform.Output(ctx, name, v); err != nil {
		c.t.Fatal(err)
	}
}

// PlanErrors runs terraform plan -json, which must fail, and returns its error diagnostics.
func (c *CLI) PlanErrors() []tfdriver.Diagnostic {
	c.t.Helper()
	res := c.Run("plan", "-json", "-input=false")
	if res.OK() {
		c.t.Fatalf("plan succeeded: %s", res)
	}
	return tfdriver.Errors(res.Output)
}

// ClientLog reads the log that LogClient enabled, over every command run so far.
func (c *CLI) ClientLog() tfdriver.ClientLog {
	c.t.Helper()
	if c.log == "" {
		c.t.Fatal("ClientLog without LogClient")
	}
	l, err := tfdriver.ReadClientLog(c.log)
	if err != nil {
		c.t.Fatal(err)
	}
	return l
}

// CountInLog counts the provider log lines (enabled by LogClient or LogStops) that hold text.
func (c *CLI) CountInLog(text string) int {
	c.t.Helper()
	if c.log == "" {
		c.t.Fatal("CountInLog without LogClient or LogStops")
	}
	n, err := tfdriver.CountInLog(c.log, text)
	if err != nil {
		c.t.Fatal(err)
	}
	return n
}

// Stops counts the times Terraform has stopped a provider process so far (LogStops).
func (c *CLI) Stops() int {
	c.t.Helper()
	return c.CountInLog(tfdriver.StoppedLine)
}

// WaitStopped waits until Terraform has stopped a provider process more than before times.
func (c *CLI) WaitStopped(before int) {
	c.t.Helper()
	deadline := time.Now().Add(CommandLimit)
	for c.Stops() <= before {
		if time.Now().After(deadline) {
			c.t.Fatalf("the provider was not stopped within %s of the interrupt", CommandLimit)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// InterruptHeld runs terraform with args, interrupts it while a request is held (entered, from the sandbox's
// HoldRequests, has received one), waits until the provider has been stopped (its operations' contexts cancelled)
// and only then releases the held requests. The interrupt lands at a known point, whatever the machine's load.
func (c *CLI) InterruptHeld(entered <-chan struct{}, release func(), args ...string) tfdriver.Result {
	c.t.Helper()
	c.LogStops()
	stops := c.Stops()
	return c.Interrupt(func() bool {
		select {
		case <-entered:
			return true
		default:
			return false
		}
	}, func() {
		c.WaitStopped(stops)
		release()
	}, args...)
}
