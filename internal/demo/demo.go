// Package demo is make demo: the quickstart (examples/quickstart) applied with the real terraform and the provider
// built from this tree against a Codat sandbox in this process, no Codat account needed. It shows a line per step
// with its duration, a summary of the first plan, each customer's link_url and progress in one table while the
// sandbox still runs, one SMB user authorising Xero and mapping their accounts through the sandbox's mapping page,
// a second apply that sees their progress, and a destroy.
package demo

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
	"github.com/terraform-codat/terraform-provider-codat/internal/tfdriver"
)

// Options configure a run.
type Options struct {
	// RepoDir is the provider's source tree: go build runs there, and the quickstart comes from its examples/.
	RepoDir string
	// Terraform is the terraform binary.
	Terraform string
	// WorkDir holds the build, the configuration and its state; a temporary directory removed at the end when empty.
	WorkDir string
	// Out receives what a person reads.
	Out io.Writer
	// Pause keeps the sandbox running after the first apply until a line (Enter) arrives on In, so that a person
	// can open a link_url in a browser and map accounts by hand.
	Pause bool
	In    io.Reader
}

// steps are the steps a run shows, in order.
var steps = []string{"build", "start", "apply", "SMB user", "re-apply", "destroy"}

// run is one demo.
type run struct {
	opts    Options
	tf      tfdriver.Terraform
	sandbox *sandbox.Server
	step    int
}

// Run runs the demo; an error ends it with the step that failed.
func Run(ctx context.Context, opts Options) (err error) {
	began := time.Now()
	if opts.WorkDir == "" {
		dir, err := os.MkdirTemp("", "codat-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		opts.WorkDir = dir
	}
	r := &run{opts: opts}
	defer func() {
		if r.sandbox != nil {
			r.sandbox.Close()
		}
	}()
	out := opts.Out
	fmt.Fprintln(out, "Codat provider demo: examples/quickstart applied with terraform against an embedded Codat sandbox.")

	if coldBuild(ctx, opts.RepoDir) {
		fmt.Fprintln(out, "Building the provider for the first time: this takes a minute or two.")
	}
	if err := r.do("build", "go build the provider", r.build(ctx)); err != nil {
		return err
	}
	if err := r.do("start", "the Codat sandbox", r.start(ctx)); err != nil {
		return err
	}
	var before customers
	if err := r.do("apply", "terraform apply examples/quickstart", func() (string, error) {
		summary, err := r.apply(ctx, true)
		if err != nil {
			return "", err
		}
		if before, err = r.customers(ctx); err != nil {
			return "", err
		}
		return summary + "\n" + before.table(), nil
	}); err != nil {
		return err
	}
	if opts.Pause {
		if err := r.pause(); err != nil {
			return err
		}
	} else {
		fmt.Fprintln(r.opts.Out, "      (These links work while the demo runs: DEMO_PAUSE=1 make demo waits here so you can open one.)")
	}
	var smb string
	if err := r.do("SMB user", "one customer authorises Xero and maps their accounts on the mapping page", func() (string, error) {
		var detail string
		var err error
		smb, detail, err = r.smbUser(ctx, before)
		return detail, err
	}); err != nil {
		return err
	}
	if err := r.do("re-apply", "terraform apply: the mapping read-back sees the progress", func() (string, error) {
		summary, err := r.apply(ctx, false)
		if err != nil {
			return "", err
		}
		after, err := r.customers(ctx)
		if err != nil {
			return "", err
		}
		if smb != "" && !after[smb].done() {
			return "", fmt.Errorf("%s mapped every account but the read-back reports %s", smb, after[smb].Connected)
		}
		return summary + "\n" + progress(before, after), nil
	}); err != nil {
		return err
	}
	if err := r.do("destroy", "terraform destroy", r.destroy(ctx)); err != nil {
		return err
	}
	fmt.Fprintf(out, "Done in %s; the sandbox is stopped and its data discarded.\n", round(time.Since(began)))
	fmt.Fprintln(out, "Next: `make sandbox` keeps a sandbox running for your own configurations, and the guide")
	fmt.Fprintln(out, "docs/guides/try-it-locally.md (\"Try it locally\") takes you from there to your first apply.")
	return nil
}

// do runs one step: its line shows while it runs and ends with its duration; what the step returns follows,
// indented.
func (r *run) do(name, what string, f func() (string, error)) error {
	r.step++
	fmt.Fprintf(r.opts.Out, "[%d/%d] %-10s%s ... ", r.step, len(steps), name, what)
	began := time.Now()
	detail, err := f()
	if err != nil {
		fmt.Fprintln(r.opts.Out, "failed")
		return fmt.Errorf("%s: %w", name, err)
	}
	fmt.Fprintln(r.opts.Out, round(time.Since(began)))
	for line := range strings.Lines(strings.TrimRight(detail, "\n")) {
		if line = strings.TrimRight(line, "\n"); line != "" {
			fmt.Fprintln(r.opts.Out, "      "+line)
		}
	}
	return nil
}

func round(d time.Duration) time.Duration {
	if d < time.Second {
		return d.Round(time.Millisecond)
	}
	return d.Round(100 * time.Millisecond)
}

// coldBuild reports whether go build would compile the provider's packages, not just link them: a package other
// than a main package that is stale is not in the build cache.
func coldBuild(ctx context.Context, repo string) bool {
	cmd := exec.CommandContext(ctx, "go", "list", "-deps", "-f", `{{if and .Stale (ne .Name "main")}}{{.ImportPath}}{{end}}`, ".")
	cmd.Dir = repo
	out, err := cmd.Output()
	return err != nil || strings.TrimSpace(string(out)) != ""
}

// build builds the provider into the dev_overrides directory and writes the CLI configuration.
func (r *run) build(ctx context.Context) func() (string, error) {
	return func() (string, error) {
		bin := filepath.Join(r.opts.WorkDir, "bin")
		version := "dev"
		if out, err := exec.CommandContext(ctx, "git", "-C", r.opts.RepoDir, "describe", "--tags", "--always", "--dirty").Output(); err == nil {
			version = strings.TrimSpace(string(out))
		}
		cmd := exec.CommandContext(ctx, "go", "build", "-ldflags", "-X main.version="+version, "-o",
			filepath.Join(bin, tfdriver.PluginName), ".")
		cmd.Dir = r.opts.RepoDir
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("go build: %w\n%s", err, out)
		}
		cliConfig := filepath.Join(r.opts.WorkDir, "terraformrc")
		if err := (tfdriver.CLIConfig{DevOverrides: bin}).Write(cliConfig); err != nil {
			return "", err
		}
		r.tf = tfdriver.Terraform{Bin: r.opts.Terraform, Dir: filepath.Join(r.opts.WorkDir, "quickstart")}
		r.tf.Env = tfdriver.Environ(cliConfig)
		return "", nil
	}
}

// start serves the sandbox, registers the demo's Xero app with its Xero token endpoint, and gives terraform the
// quickstart and the settings a user gives it: the provider's environment variables and the Xero app's variables.
func (r *run) start(ctx context.Context) func() (string, error) {
	return func() (string, error) {
		srv, err := sandbox.Start(sandbox.Options{APIKey: "demo-" + randomHex(12)})
		if err != nil {
			return "", err
		}
		r.sandbox = srv
		clientID, secret := strings.ToUpper(randomHex(16)), "demo-secret-"+randomHex(8)
		srv.RegisterXeroApp(clientID, secret)
		r.tf.Env = append(r.tf.Env,
			"CODAT_BASE_URL="+srv.URL, "CODAT_API_KEY="+srv.APIKey(), "XERO_TOKEN_URL="+srv.URL+"/xero/connect/token",
			"TF_VAR_xero_client_id="+clientID, "TF_VAR_xero_client_secret="+secret)
		if err := tfdriver.CopyConfig(filepath.Join(r.opts.RepoDir, "examples", "quickstart"), r.tf.Dir); err != nil {
			return "", err
		}
		// The quickstart's customer module is local: terraform get installs it without touching providers.
		if _, err := r.terraform(ctx, "get", "-no-color"); err != nil {
			return "", err
		}
		return "serving at " + srv.URL, nil
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// terraform runs one command, which must succeed.
func (r *run) terraform(ctx context.Context, args ...string) (tfdriver.Result, error) {
	res, err := r.tf.Run(ctx, args...)
	if err == nil && !res.OK() {
		err = errors.New(res.String())
	}
	return res, err
}

// apply applies the quickstart and sums up what Terraform said: its plan, the apply, and each warning's title; the
// first apply is followed by a plan that must propose no change.
func (r *run) apply(ctx context.Context, first bool) (string, error) {
	res, err := r.terraform(ctx, "apply", "-auto-approve", "-input=false", "-no-color", "-compact-warnings")
	if err != nil {
		return "", err
	}
	var summary []string
	for line := range strings.Lines(res.Output) {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "Plan:"), strings.HasPrefix(line, "Apply complete!"), strings.HasPrefix(line, "No changes."):
			summary = append(summary, line)
		case strings.HasPrefix(line, "- Check block assertion failed"), strings.HasPrefix(line, "Warning: Check block assertion failed"):
			summary = append(summary, "The quickstart's check warns: not every customer has connected all bank accounts yet.")
		}
	}
	if first {
		plan, err := r.tf.Run(ctx, "plan", "-input=false", "-no-color", "-detailed-exitcode")
		switch {
		case err != nil:
			return "", err
		case plan.ExitCode == 2:
			return "", fmt.Errorf("the plan right after the apply is not empty:\n%s", plan.Output)
		case !plan.OK():
			return "", errors.New(plan.String())
		}
		summary = append(summary, "terraform plan right after it: no changes.")
	}
	return strings.Join(slices.Compact(summary), "\n"), nil
}

// pause waits for Enter while the sandbox runs.
func (r *run) pause() error {
	fmt.Fprintln(r.opts.Out, "      DEMO_PAUSE: the sandbox keeps running. Open a link_url above in a browser to authorise Xero and map")
	fmt.Fprintln(r.opts.Out, "      accounts as the customer would; press Enter to continue.")
	if _, err := bufio.NewReader(r.opts.In).ReadString('\n'); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	return nil
}

func (r *run) destroy(ctx context.Context) func() (string, error) {
	return func() (string, error) {
		res, err := r.terraform(ctx, "destroy", "-auto-approve", "-input=false", "-no-color", "-compact-warnings")
		if err != nil {
			return "", err
		}
		var summary string
		for line := range strings.Lines(res.Output) {
			if strings.HasPrefix(line, "Destroy complete!") {
				summary = strings.TrimSpace(line)
			}
		}
		if left := len(r.sandbox.Companies()); left != 0 {
			return "", fmt.Errorf("destroy left %d companies in the sandbox", left)
		}
		return summary, nil
	}
}
