// Package bench measures the provider at scale: real terraform and the real provider binary against the Codat
// sandbox with injected latency, next to two floors measured in the same run, what the API calls need at the
// given parallelism and what Terraform needs for the same graph without any provider.
package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
	"github.com/terraform-codat/terraform-provider-codat/internal/tfdriver"
)

// Options configure a run.
type Options struct {
	// Customers lists the sizes to measure.
	Customers []int
	// Shapes are measured in full: the Codat configuration and its stand-in.
	Shapes []Shape
	// Backend keeps the state of the full runs.
	Backend Backend
	// Comparisons are measured with the stand-in only, to compare Terraform's own cost across shapes and
	// backends.
	Comparisons []Comparison
	// Repeat runs each full measurement of at most RepeatUpTo customers this many times and reports the median,
	// which steadies the small sizes on a noisy machine.
	Repeat, RepeatUpTo int
	// Latency is added by the sandbox to every API request.
	Latency time.Duration
	// Parallelism is terraform's -parallelism; the provider's concurrency limit stays at its default, the same 10.
	Parallelism int
	// Terraform is the terraform binary.
	Terraform string
	// RepoDir is the provider's source tree, built with go build.
	RepoDir string
	// WorkDir holds configurations, state and logs; a temporary directory removed at the end when empty.
	WorkDir string
	// ProfileDir, when set, builds the provider with the benchprofile tag and collects its CPU and allocation
	// profiles there, one pair per provider process.
	ProfileDir string
	// RealCodat lists the sizes also measured the way they run against Codat itself: the sandbox applies Codat's
	// limit of 1,000 requests a minute per IP address and the provider paces itself at its default; apply and plan
	// only.
	RealCodat []int
	// PartSize splits a real-Codat size into states of at most this many customers, applied one after the other,
	// as the docs recommend beyond a few hundred customers. Zero: 500.
	PartSize int
	// Log receives progress lines.
	Log io.Writer
}

// RealResult is one operation of a real-Codat run, summed over its states.
type RealResult struct {
	N, Parts int
	Op       Op
	Wall     time.Duration
	Calls    map[string]int
	// PeakPerMinute is the most requests the sandbox received within any 60 seconds during the operation (windows
	// reaching back into the one before count); Refused, how many it refused past Codat's limit.
	PeakPerMinute, Refused int
	Provider               ProviderUsage
}

// Comparison asks for a shape's stand-in to be measured with a backend at some sizes.
type Comparison struct {
	Shape     Shape
	Backend   Backend
	Customers []int
}

// Result is one operation on one configuration (the median of Runs repetitions).
type Result struct {
	Shape   string
	Backend Backend
	N       int
	Op      Op
	Runs    int
	// Wall is the wall time of the terraform command against the sandbox.
	Wall time.Duration
	// TerraformCPU is the CPU time of terraform itself (user and system), the provider's excluded.
	TerraformCPU time.Duration
	// StandIn is the wall time of the same command on the stand-in configuration: Terraform's own floor.
	StandIn time.Duration
	// StandInCPU is the CPU time of terraform on the stand-in.
	StandInCPU time.Duration
	// APIFloor is what the minimum API calls need at the latency and parallelism of the run.
	APIFloor time.Duration
	// Calls counts the API calls by route (the most any repetition made); Minimum is the least the operation
	// needs.
	Calls, Minimum map[string]int
	// Provider sums up the provider processes terraform started for the command.
	Provider ProviderUsage
	// StateBytes and StandInStateBytes are the sizes of the state after the command.
	StateBytes, StandInStateBytes int64
}

// Floor is the larger of the two floors.
func (r Result) Floor() time.Duration { return max(r.APIFloor, r.StandIn) }

// Ratio is the wall time over the larger floor.
func (r Result) Ratio() float64 { return float64(r.Wall) / float64(r.Floor()) }

// FloorResult is one operation on a stand-in configuration measured on its own.
type FloorResult struct {
	Shape      string
	Backend    Backend
	N          int
	Op         Op
	Wall       time.Duration
	CPU        time.Duration
	StateBytes int64
}

// ProviderUsage describes the provider processes of one terraform command.
type ProviderUsage struct {
	Processes  int
	PeakRSSKiB int64
	CPU        time.Duration
}

// Report is everything a run measured.
type Report struct {
	Options Options
	Machine Machine
	Results []Result
	Floors  []FloorResult
	Real    []RealResult
	Elapsed time.Duration
}

// Run builds the provider, then measures every shape at every size.
func Run(ctx context.Context, opts Options) (*Report, error) {
	start := time.Now()
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	if opts.Parallelism <= 0 {
		opts.Parallelism = 10
	}
	if opts.Backend == "" {
		opts.Backend = BackendHTTP
	}
	if opts.Repeat < 1 {
		opts.Repeat = 1
	}
	if opts.PartSize <= 0 {
		opts.PartSize = 500
	}
	if opts.Terraform == "" {
		tf, err := tfdriver.FindTerraform()
		if err != nil {
			return nil, err
		}
		opts.Terraform = tf
	}
	if opts.RepoDir == "" {
		dir, err := repoRoot()
		if err != nil {
			return nil, err
		}
		opts.RepoDir = dir
	}
	if opts.WorkDir == "" {
		dir, err := os.MkdirTemp("", "codat-bench-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		opts.WorkDir = dir
	}
	machine, err := describeMachine(ctx, opts.Terraform)
	if err != nil {
		return nil, err
	}
	r := &runner{opts: opts}
	if err := r.setUp(ctx); err != nil {
		return nil, err
	}
	defer r.state.close()
	report := &Report{Options: opts, Machine: machine}
	for _, n := range opts.Customers {
		for _, s := range opts.Shapes {
			runs := 1
			if n <= opts.RepeatUpTo {
				runs = opts.Repeat
			}
			var reps [][]Result
			for range runs {
				results, err := r.measure(ctx, s, opts.Backend, n)
				if err != nil {
					return nil, fmt.Errorf("%s shape, %d customers: %w", s.Name, n, err)
				}
				reps = append(reps, results)
			}
			report.Results = append(report.Results, medians(reps)...)
		}
	}
	for _, n := range opts.RealCodat {
		results, err := r.measureReal(ctx, n)
		if err != nil {
			return nil, fmt.Errorf("real-Codat run, %d customers: %w", n, err)
		}
		report.Real = append(report.Real, results...)
	}
	for _, c := range opts.Comparisons {
		for _, n := range c.Customers {
			floors, err := r.measureStandIn(ctx, c.Shape, c.Backend, n)
			if err != nil {
				return nil, fmt.Errorf("%s shape stand-in with the %s backend, %d customers: %w", c.Shape.Name, c.Backend, n, err)
			}
			report.Floors = append(report.Floors, floors...)
		}
	}
	report.Elapsed = time.Since(start)
	return report, nil
}

// medians folds repetitions of the same operations into one result each: the median of every time, the most
// calls and the highest peak RSS of any repetition.
func medians(reps [][]Result) []Result {
	out := slices.Clone(reps[0])
	for i := range out {
		pick := func(f func(Result) time.Duration) time.Duration {
			var ds []time.Duration
			for _, rep := range reps {
				ds = append(ds, f(rep[i]))
			}
			slices.Sort(ds)
			return ds[len(ds)/2]
		}
		r := &out[i]
		r.Runs = len(reps)
		r.Wall = pick(func(x Result) time.Duration { return x.Wall })
		r.TerraformCPU = pick(func(x Result) time.Duration { return x.TerraformCPU })
		r.StandIn = pick(func(x Result) time.Duration { return x.StandIn })
		r.StandInCPU = pick(func(x Result) time.Duration { return x.StandInCPU })
		r.Provider.CPU = pick(func(x Result) time.Duration { return x.Provider.CPU })
		for _, rep := range reps {
			r.Provider.PeakRSSKiB = max(r.Provider.PeakRSSKiB, rep[i].Provider.PeakRSSKiB)
			for route, n := range rep[i].Calls {
				r.Calls[route] = max(r.Calls[route], n)
			}
		}
	}
	return out
}

type runner struct {
	opts      Options
	cliConfig string
	provider  string
	state     *stateServer
}

func (r *runner) logf(format string, args ...any) {
	fmt.Fprintf(r.opts.Log, format+"\n", args...)
}

// setUp builds the provider, points Terraform's dev_overrides at the wrapper, gives terraform init a filesystem
// mirror of the same binary to resolve the provider from offline (init resolves every provider a configuration names,
// dev_overrides or not), and starts the state server of the http backend.
func (r *runner) setUp(ctx context.Context) error {
	r.provider = filepath.Join(r.opts.WorkDir, "provider", "terraform-provider-codat")
	args := []string{"build", "-ldflags", "-X main.version=bench", "-o", r.provider}
	if r.opts.ProfileDir != "" {
		args = append(args, "-tags", "benchprofile")
	}
	r.logf("building the provider (go %s .)", strings.Join(args, " "))
	build := exec.CommandContext(ctx, "go", append(args, ".")...)
	build.Dir = r.opts.RepoDir
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %w\n%s", err, out)
	}

	self, err := os.Executable()
	if err != nil {
		return err
	}
	plugins := filepath.Join(r.opts.WorkDir, "plugins")
	if err := tfdriver.LinkPlugin(plugins, self); err != nil {
		return err
	}
	mirror := filepath.Join(r.opts.WorkDir, "mirror")
	pkg := filepath.Join(mirror, "registry.terraform.io", tfdriver.ProviderSource, "0.0.1", runtime.GOOS+"_"+runtime.GOARCH)
	if err := os.MkdirAll(pkg, 0o755); err != nil {
		return err
	}
	if err := os.Symlink(r.provider, filepath.Join(pkg, tfdriver.PluginName+"_v0.0.1")); err != nil && !errors.Is(err, os.ErrExist) {
		return err
	}
	r.cliConfig = filepath.Join(r.opts.WorkDir, "terraformrc")
	// terraform init, needed for a backend or modules only, resolves the provider from the mirror, offline.
	if err := (tfdriver.CLIConfig{DevOverrides: plugins, Mirror: mirror}).Write(r.cliConfig); err != nil {
		return err
	}
	r.state, err = startStateServer()
	return err
}

// measure runs apply, plan and destroy on the shape's stand-in and then on its Codat configuration.
func (r *runner) measure(ctx context.Context, s Shape, backend Backend, n int) ([]Result, error) {
	floors, err := r.measureStandIn(ctx, s, backend, n)
	if err != nil {
		return nil, err
	}

	// The sandbox allows Codat's 1,000 × (1 + active connected companies) requests a day; a tenant running n
	// customers in production has them linked. The bench measures calls and time, not the quota, so it sets that
	// tenant's quota, 1,000 × (1 + n), without linking the customers (which would change what plan and destroy read).
	// These runs measure the provider's own speed: the sandbox does not apply Codat's per-minute limit, and the
	// provider's pacing is set far above it (see the real-Codat runs for both at Codat's 1,000 a minute).
	srv, err := sandbox.Start(sandbox.Options{Latency: r.opts.Latency, DailyQuota: 1_000 * (1 + n), RequestsPerMinute: -1})
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	dir := filepath.Join(r.opts.WorkDir, fmt.Sprintf("%s-%s-%d", s.Name, backend, n))
	if err := r.prepare(ctx, dir, s, backend, false, n); err != nil {
		return nil, err
	}
	if err := writeProviderOverride(dir, unpaced); err != nil {
		return nil, err
	}
	env := r.providerEnv(srv)

	var results []Result
	for i, op := range Ops {
		statsDir := filepath.Join(dir, "stats-"+string(op))
		if err := os.MkdirAll(statsDir, 0o755); err != nil {
			return nil, err
		}
		env[envWrapStats] = statsDir
		if r.opts.ProfileDir != "" {
			p := filepath.Join(r.opts.ProfileDir, fmt.Sprintf("%s-%d-%s", s.Name, n, op))
			if err := os.MkdirAll(p, 0o755); err != nil {
				return nil, err
			}
			env[envProfileDir] = p
		}
		srv.ResetCounts()
		wall, cpu, err := r.terraform(ctx, dir, op, env)
		if err != nil {
			return nil, err
		}
		usage, err := readUsage(statsDir)
		if err != nil {
			return nil, err
		}
		res := Result{
			Shape:             s.Name,
			Backend:           backend,
			N:                 n,
			Op:                op,
			Runs:              1,
			Wall:              wall,
			TerraformCPU:      cpu - usage.CPU,
			StandIn:           floors[i].Wall,
			StandInCPU:        floors[i].CPU,
			StandInStateBytes: floors[i].StateBytes,
			APIFloor:          APIFloor(op, n, r.opts.Latency, r.opts.Parallelism),
			Calls:             srv.Counts(),
			Minimum:           MinimumCalls(op, n).Total(n),
			Provider:          usage,
			StateBytes:        r.stateSize(dir, backend),
		}
		r.logf("  %-7s %-6s N=%-4d %8s  floors: API %8s, Terraform %8s  ratio %.2f  calls %d (minimum %d)  provider peak RSS %d MiB",
			s.Name, op, n, round(wall), round(res.APIFloor), round(res.StandIn), res.Ratio(),
			total(res.Calls), total(res.Minimum), usage.PeakRSSKiB>>10)
		results = append(results, res)
	}
	if left := len(srv.Companies()); left != 0 {
		return nil, fmt.Errorf("destroy left %d companies in the sandbox", left)
	}
	return results, nil
}

// measureReal applies and plans n customers of the module shape against a sandbox that applies Codat's limit of
// 1,000 requests a minute per IP address, with the provider at its default pacing, in states of at most PartSize
// customers applied one after the other (each command runs on every state before the next command starts).
func (r *runner) measureReal(ctx context.Context, n int) ([]RealResult, error) {
	srv, err := sandbox.Start(sandbox.Options{Latency: r.opts.Latency, DailyQuota: 1_000 * (1 + n)})
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	parts := (n + r.opts.PartSize - 1) / r.opts.PartSize
	var dirs []string
	for p := range parts {
		first := 1 + p*r.opts.PartSize
		size := min(r.opts.PartSize, n-p*r.opts.PartSize)
		dir := filepath.Join(r.opts.WorkDir, fmt.Sprintf("real-%d-part%d", n, p+1))
		if err := os.RemoveAll(dir); err != nil {
			return nil, err
		}
		if err := writeConfigFrom(dir, moduleShape, false, first, size); err != nil {
			return nil, err
		}
		block := fmt.Sprintf("terraform {\n  backend \"http\" {\n    address = %q\n  }\n}\n", r.state.url+r.statePath(dir))
		if err := os.WriteFile(filepath.Join(dir, "backend.tf"), []byte(block), 0o644); err != nil {
			return nil, err
		}
		if _, _, err := r.run(ctx, dir, nil, "init", "-input=false", "-no-color"); err != nil {
			return nil, err
		}
		dirs = append(dirs, dir)
	}
	env := r.providerEnv(srv)
	var out []RealResult
	for _, op := range []Op{OpApply, OpPlan} {
		srv.ResetCounts()
		res := RealResult{N: n, Parts: parts, Op: op}
		for i, dir := range dirs {
			statsDir := filepath.Join(dir, "stats-"+string(op))
			if err := os.MkdirAll(statsDir, 0o755); err != nil {
				return nil, err
			}
			env[envWrapStats] = statsDir
			wall, _, err := r.terraform(ctx, dir, op, env)
			if err != nil {
				return nil, fmt.Errorf("state %d of %d: %w", i+1, parts, err)
			}
			usage, err := readUsage(statsDir)
			if err != nil {
				return nil, err
			}
			res.Wall += wall
			res.Provider.Processes += usage.Processes
			res.Provider.CPU += usage.CPU
			res.Provider.PeakRSSKiB = max(res.Provider.PeakRSSKiB, usage.PeakRSSKiB)
		}
		res.Calls = srv.Counts()
		res.PeakPerMinute = srv.PeakPerMinute()
		res.Refused = srv.Rejections()[sandbox.RejectedPerMinute]
		r.logf("  real    %-6s N=%-4d %8s in %d states  calls %d (floor at 1,000 a minute %s)  at most %d in 60 s, %d refused",
			op, n, round(res.Wall), parts, total(res.Calls), round(PacingFloor(total(res.Calls))), res.PeakPerMinute, res.Refused)
		out = append(out, res)
	}
	return out, nil
}

// unpaced is the provider's max_requests_per_minute in the runs that measure its own speed: far above any window
// they fill.
const unpaced = 1_000_000

// writeProviderOverride sets the provider's max_requests_per_minute in an override file, which Terraform merges
// into the configuration's provider block: the configuration itself stays the one the docs show.
func writeProviderOverride(dir string, perMinute int) error {
	body := fmt.Sprintf("provider \"codat\" {\n  max_requests_per_minute = %d\n}\n", perMinute)
	return os.WriteFile(filepath.Join(dir, "bench_override.tf"), []byte(body), 0o644)
}

// measureStandIn runs apply, plan and destroy on the shape's terraform_data stand-in.
func (r *runner) measureStandIn(ctx context.Context, s Shape, backend Backend, n int) ([]FloorResult, error) {
	dir := filepath.Join(r.opts.WorkDir, fmt.Sprintf("%s-%s-%d-standin", s.Name, backend, n))
	if err := r.prepare(ctx, dir, s, backend, true, n); err != nil {
		return nil, err
	}
	var out []FloorResult
	for _, op := range Ops {
		wall, cpu, err := r.terraform(ctx, dir, op, nil)
		if err != nil {
			return nil, err
		}
		res := FloorResult{Shape: s.Name, Backend: backend, N: n, Op: op, Wall: wall, CPU: cpu, StateBytes: r.stateSize(dir, backend)}
		r.logf("  %-7s %-6s N=%-4d %8s  (terraform_data stand-in, %s backend)", s.Name, op, n, round(wall), backend)
		out = append(out, res)
	}
	return out, nil
}

// providerEnv is the environment under which terraform runs the provider (through the wrapper) against srv.
func (r *runner) providerEnv(srv *sandbox.Server) map[string]string {
	return map[string]string{
		"CODAT_BASE_URL": srv.URL,
		"CODAT_API_KEY":  srv.APIKey(),
		"XERO_TOKEN_URL": srv.URL + "/xero/connect/token",
		envWrapTarget:    r.provider,
	}
}

// prepare writes a configuration and, where it has a backend block or modules, runs terraform init.
func (r *runner) prepare(ctx context.Context, dir string, s Shape, backend Backend, standIn bool, n int) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := writeConfig(dir, s, standIn, n); err != nil {
		return err
	}
	if backend == BackendHTTP {
		block := fmt.Sprintf("terraform {\n  backend \"http\" {\n    address = %q\n  }\n}\n", r.state.url+r.statePath(dir))
		if err := os.WriteFile(filepath.Join(dir, "backend.tf"), []byte(block), 0o644); err != nil {
			return err
		}
	} else if !s.needsModules() {
		return nil
	}
	_, _, err := r.run(ctx, dir, nil, "init", "-input=false", "-no-color")
	return err
}

func (r *runner) statePath(dir string) string { return "/state/" + filepath.Base(dir) }

func (r *runner) stateSize(dir string, backend Backend) int64 {
	if backend == BackendHTTP {
		return r.state.size(r.statePath(dir))
	}
	return fileSize(filepath.Join(dir, "terraform.tfstate"))
}

// terraform runs one operation with the run's parallelism and returns its wall time and the CPU time of terraform
// and its plugins. A plan that is not empty is an error: the bench measures the no-change plan.
func (r *runner) terraform(ctx context.Context, dir string, op Op, env map[string]string) (wall, cpu time.Duration, err error) {
	p := "-parallelism=" + strconv.Itoa(r.opts.Parallelism)
	var args []string
	switch op {
	case OpApply:
		args = []string{"apply", "-auto-approve", "-input=false", "-no-color", p}
	case OpPlan:
		args = []string{"plan", "-input=false", "-no-color", "-detailed-exitcode", p}
	case OpDestroy:
		args = []string{"destroy", "-auto-approve", "-input=false", "-no-color", p}
	}
	return r.run(ctx, dir, env, args...)
}

// run runs terraform; cpu is terraform's CPU time including the plugins it started (Linux accounts a waited-for
// child's children to it).
func (r *runner) run(ctx context.Context, dir string, env map[string]string, args ...string) (wall, cpu time.Duration, err error) {
	logPath := filepath.Join(dir, "terraform-"+args[0]+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return 0, 0, err
	}
	defer logFile.Close()
	var extra []string
	for _, k := range slices.Sorted(maps.Keys(env)) {
		extra = append(extra, k+"="+env[k])
	}
	tf := tfdriver.Terraform{Bin: r.opts.Terraform, Dir: dir, Env: tfdriver.Environ(r.cliConfig, extra...)}
	// Interrupted, terraform stops its plugins and saves its state, as after Ctrl-C.
	cmd := tf.Command(ctx, args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	start := time.Now()
	err = cmd.Run()
	wall = time.Since(start)
	if err != nil {
		tail := lastLines(logPath, 30)
		var exit *exec.ExitError
		if args[0] == "plan" && errors.As(err, &exit) && exit.ExitCode() == 2 {
			return 0, 0, fmt.Errorf("the plan after apply is not empty:\n%s", tail)
		}
		return 0, 0, fmt.Errorf("terraform %s: %w\n%s", strings.Join(args, " "), err, tail)
	}
	return wall, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), nil
}

// readUsage sums up the provider processes recorded in dir.
func readUsage(dir string) (ProviderUsage, error) {
	var u ProviderUsage
	entries, err := os.ReadDir(dir)
	if err != nil {
		return u, err
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return u, err
		}
		var st processStats
		if err := json.Unmarshal(b, &st); err != nil {
			return u, fmt.Errorf("%s: %w", e.Name(), err)
		}
		u.Processes++
		u.PeakRSSKiB = max(u.PeakRSSKiB, st.MaxRSSKiB)
		u.CPU += time.Duration(st.UserMicros+st.SysMicros) * time.Microsecond
	}
	if u.Processes == 0 {
		return u, fmt.Errorf("no provider process recorded its usage in %s", dir)
	}
	return u, nil
}

func fileSize(p string) int64 {
	fi, err := os.Stat(p)
	if err != nil {
		return 0
	}
	return fi.Size()
}

func lastLines(p string, n int) string {
	b, _ := os.ReadFile(p)
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func round(d time.Duration) time.Duration {
	switch {
	case d >= 10*time.Second:
		return d.Round(100 * time.Millisecond)
	case d >= time.Second:
		return d.Round(10 * time.Millisecond)
	default:
		return d.Round(time.Millisecond)
	}
}

// repoRoot finds the provider's source tree from the working directory.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.Contains(b, []byte("module github.com/terraform-codat/terraform-provider-codat\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("run the bench inside the provider's source tree")
		}
		dir = parent
	}
}
