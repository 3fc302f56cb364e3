// Package guide_test runs the guides in docs/guides the way a reader does: the shell commands of a page, extracted
// from the page itself, in one shell session, against a copy of the repository in a fresh home directory. The
// directives that mark a page's code blocks are described in package guide.
package guide_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/terraform-codat/terraform-provider-codat/internal/guide"
	"github.com/terraform-codat/terraform-provider-codat/internal/tfdriver"
)

// repoRoot is the repository this test belongs to.
const repoRoot = "../.."

// tools are the programs the guide expects on PATH.
type tools struct{ terraform, goBin string }

func requireTools(t *testing.T) tools {
	t.Helper()
	tf := tfdriver.TerraformForTest(t)
	for _, name := range []string{"bash", "make", "curl", "git"} {
		if _, err := exec.LookPath(name); err != nil {
			t.Fatalf("the guide needs %s on PATH: %v", name, err)
		}
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the guide needs go on PATH: %v", err)
	}
	return tools{terraform: tf, goBin: filepath.Dir(goTool)}
}

// readerEnv is the environment of a reader who has Go and Terraform and nothing of this project set up: none of
// the variables that steer Terraform, the provider or go install, a home of their own, and the Go module and
// build caches of this machine (so that nothing is downloaded and the build is not cold).
func readerEnv(t *testing.T, home string, tt tools) []string {
	t.Helper()
	out, err := exec.Command(filepath.Join(tt.goBin, "go"), "env", "-json").Output()
	if err != nil {
		t.Fatalf("go env: %v", err)
	}
	var goEnv map[string]string
	if err := json.Unmarshal(out, &goEnv); err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range tfdriver.Clean(os.Environ()) {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "GO") ||
			slices.Contains([]string{"HOME", "PATH", "CHECKPOINT_DISABLE", "MAKEFLAGS", "MAKELEVEL", "MFLAGS"}, name) {
			continue
		}
		env = append(env, kv)
	}
	for _, name := range []string{"GOMODCACHE", "GOCACHE", "GOPROXY", "GOSUMDB", "GONOSUMDB", "GOPRIVATE", "GONOPROXY", "GOTOOLCHAIN"} {
		if v := goEnv[name]; v != "" {
			env = append(env, name+"="+v)
		}
	}
	// The copy lives in a new directory each run: -trimpath keeps its packages' build cache entries independent
	// of where it is, so only the first run on a machine compiles them.
	env = append(env, "GOFLAGS="+strings.TrimSpace(goEnv["GOFLAGS"]+" -trimpath"),
		"HOME="+home,
		"PATH="+strings.Join([]string{filepath.Dir(tt.terraform), tt.goBin, os.Getenv("PATH")}, string(os.PathListSeparator)),
		// Terraform's update check is the only other network call; a reader on the internet would not notice it.
		"CHECKPOINT_DISABLE=1",
	)
	return env
}

// copyWorkingTree copies the repository's files, as git sees them in the working tree (tracked and new files,
// without ignored ones such as bin/), to dst: what a fresh clone of this state would hold.
func copyWorkingTree(t *testing.T, dst string) {
	t.Helper()
	out, err := exec.Command("git", "-C", repoRoot, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	n := 0
	for _, rel := range strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00") {
		src := filepath.Join(repoRoot, rel)
		info, err := os.Lstat(src)
		if errors.Is(err, os.ErrNotExist) {
			continue // deleted in the working tree
		}
		if err != nil {
			t.Fatal(err)
		}
		to := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			t.Fatal(err)
		}
		if info.Mode()&os.ModeSymlink != 0 {
			target, err := os.Readlink(src)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(target, to); err != nil {
				t.Fatal(err)
			}
			continue
		}
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to, data, info.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n < 50 {
		t.Fatalf("copied only %d files of the repository", n)
	}
}

// watchedBuffer collects a process's output and wakes whoever waits for something in it.
type watchedBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{}
}

func newWatchedBuffer() *watchedBuffer { return &watchedBuffer{changed: make(chan struct{})} }

func (w *watchedBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	close(w.changed)
	w.changed = make(chan struct{})
	return w.buf.Write(p)
}

func (w *watchedBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// waitFor blocks until cond holds for the output, the process exits or ctx ends.
func (w *watchedBuffer) waitFor(ctx context.Context, exited <-chan struct{}, cond func(string) bool) error {
	for {
		w.mu.Lock()
		s, changed := w.buf.String(), w.changed
		w.mu.Unlock()
		if cond(s) {
			return nil
		}
		select {
		case <-changed:
		case <-exited:
			if cond(w.String()) {
				return nil
			}
			return errors.New("the process exited")
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// process is a started command with its output and a channel closed when it exits.
type process struct {
	cmd    *exec.Cmd
	out    *watchedBuffer
	exited chan struct{}
	err    error // set before exited is closed
}

func start(t *testing.T, cmd *exec.Cmd) *process {
	t.Helper()
	p := &process{cmd: cmd, out: newWatchedBuffer(), exited: make(chan struct{})}
	if cmd.Stdout == nil {
		cmd.Stdout = p.out
	}
	cmd.Stderr = p.out
	// Its own process group, as a program in a terminal of its own: Ctrl-C reaches it and its children.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.err = cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() { p.stop(t) })
	return p
}

// stop sends the process group Ctrl-C's SIGINT and, if it is still running after a while, SIGKILL.
func (p *process) stop(t *testing.T) {
	select {
	case <-p.exited:
		return
	default:
	}
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGINT)
	select {
	case <-p.exited:
	case <-time.After(30 * time.Second):
		t.Errorf("%s did not stop on SIGINT", p.cmd.Args)
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.exited
	}
}

// session is the reader's shell: one bash process that runs the page's blocks one after the other, so that
// variables, exports and the working directory carry over from block to block as they do in a terminal.
type session struct {
	t     *testing.T
	p     *process
	stdin io.WriteCloser
	dir   string // where the blocks are written
	n     int
}

func newSession(t *testing.T, home string, env []string) *session {
	t.Helper()
	cmd := exec.Command("bash", "--noprofile", "--norc")
	cmd.Dir, cmd.Env = home, env
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &session{t: t, stdin: stdin, dir: t.TempDir()}
	s.p = start(t, cmd)
	// A failing command ends the session, as it would end a script; an unset variable is a typo on the page.
	if _, err := io.WriteString(stdin, "set -euo pipefail\n"); err != nil {
		t.Fatal(err)
	}
	return s
}

// run runs one block in the session and returns what it printed.
func (s *session) run(ctx context.Context, b guide.Block) (string, error) {
	s.n++
	file := filepath.Join(s.dir, fmt.Sprintf("block-%02d.sh", s.n))
	if err := os.WriteFile(file, []byte(b.Body), 0o600); err != nil {
		return "", err
	}
	begin := len(s.p.out.String())
	marker := fmt.Sprintf("@@guide-block-%02d-done@@", s.n)
	// Sourced, so that it runs in the session itself; with no standard input, so that it cannot read the
	// commands that follow it.
	if _, err := fmt.Fprintf(s.stdin, "source %q </dev/null\necho %s\n", file, marker); err != nil {
		return s.p.out.String()[begin:], fmt.Errorf("the shell has ended: %w", err)
	}
	err := s.p.out.waitFor(ctx, s.p.exited, func(out string) bool { return strings.Contains(out[begin:], marker+"\n") })
	out := s.p.out.String()[begin:]
	out, _, _ = strings.Cut(out, marker+"\n")
	if err != nil {
		return out, fmt.Errorf("%w (shell: %v)", err, s.p.err)
	}
	return out, nil
}

// pasteSafeLine is what make sandbox may print: a comment, or an export of a shell word that expands nothing.
var pasteSafeLine = regexp.MustCompile(`^(#.*|export [A-Za-z_][A-Za-z0-9_]*=('[^']*'|[A-Za-z0-9_./:@%+=,-]+))$`)

// ansiRE matches the colour codes terraform prints.
var ansiRE = regexp.MustCompile(`\x1b\[[0-9;]*m`)

var exportNameRE = regexp.MustCompile(`(?m)^export ([A-Za-z_][A-Za-z0-9_]*)=`)

func exportNames(s string) []string {
	var names []string
	for _, m := range exportNameRE.FindAllStringSubmatch(s, -1) {
		names = append(names, m[1])
	}
	return names
}

// expectation is what the page says a command prints: the output of the nth (from 0) run block containing
// command must match each of the regular expressions.
type expectation struct {
	command string
	nth     int
	match   []string
}

// TestGuideTryItLocally follows docs/guides/try-it-locally.md from a clone to a first apply against make sandbox
// and on through every control endpoint it shows.
func TestGuideTryItLocally(t *testing.T) {
	tt := requireTools(t)
	const pagePath = repoRoot + "/docs/guides/try-it-locally.md"
	page, blocks, err := guide.ReadPage(pagePath)
	if err != nil {
		t.Fatal(err)
	}
	checkControlTable(t, page, blocks)

	ctx := t.Context()
	if deadline, ok := t.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, deadline.Add(-30*time.Second))
		defer cancel()
	}
	home := filepath.Join(t.TempDir(), "home")
	clone := filepath.Join(home, "terraform-provider-codat")
	copyWorkingTree(t, clone)
	env := readerEnv(t, home, tt)
	sh := newSession(t, home, env)

	expectations := []expectation{
		{"terraform output\n", 0, []string{`connection_status = "PendingAuth"`, `"acme-current" = "pending"`, `link_url = "http://127\.0\.0\.1:\d+/`}},
		{`"$conn/authorize"`, 0, []string{`"status":"Linked"`}},
		{`"$conn/target-accounts"`, 0, []string{`"currency":"GBP"`}},
		{"terraform output accounts", 0, []string{`"acme-current" = "connected"`}},
		{`"$CODAT_BASE_URL/_sandbox/faults" -H`, 0, []string{`"faults":\{"503":1\}`}},
		{"terraform plan -detailed-exitcode", 0, []string{`No changes\.`}},
		{"terraform output accounts", 1, []string{`"acme-current" = "disconnected"`}},
		{"terraform destroy", 0, []string{`Destroy complete!`}},
		{"terraform destroy", 1, []string{`Destroy complete!`, `Warning: Xero integration left in Codat`}},
	}
	outputs := map[string][]string{} // run blocks' outputs, by the expectation's command
	var serve *process
	var serveStdout *watchedBuffer // the serve block's standard output, what the reader pastes
	ran := 0
	for _, b := range blocks {
		switch b.Directive {
		case "run":
			began := time.Now()
			out, err := sh.run(ctx, b)
			if err != nil {
				t.Fatalf("block at %s failed: %v\n--- block:\n%s--- output:\n%s", b, err, b.Body, ansiRE.ReplaceAllString(out, ""))
			}
			t.Logf("block at %s ran in %s", b, time.Since(began).Round(time.Second))
			ran++
			seen := map[string]bool{}
			for _, e := range expectations {
				if strings.Contains(b.Body, e.command) && !seen[e.command] {
					seen[e.command] = true
					outputs[e.command] = append(outputs[e.command], ansiRE.ReplaceAllString(out, ""))
				}
			}
		case "file":
			path := b.Arg
			if rest, ok := strings.CutPrefix(path, "~/"); ok {
				path = filepath.Join(home, rest)
			}
			if _, err := os.Stat(filepath.Dir(path)); err != nil {
				t.Fatalf("block at %s: the page saves %s before its folder exists: %v", b, b.Arg, err)
			}
			if err := os.WriteFile(path, []byte(b.Body), 0o644); err != nil {
				t.Fatal(err)
			}
		case "serve":
			if serve != nil {
				t.Fatalf("block at %s: a second serve block", b)
			}
			cmd := exec.Command("bash", "--noprofile", "--norc", "-euo", "pipefail", "-c", b.Body)
			cmd.Dir, cmd.Env = home, env
			serveStdout = newWatchedBuffer()
			cmd.Stdout = serveStdout
			serve = start(t, cmd)
			began := time.Now()
			err := serveStdout.waitFor(ctx, serve.exited, func(s string) bool { return len(exportNames(s)) > 0 })
			if err != nil {
				t.Fatalf("block at %s printed no export line: %v\n--- stdout:\n%s--- stderr:\n%s", b, err, serveStdout.String(), serve.out.String())
			}
			t.Logf("block at %s served after %s", b, time.Since(began).Round(time.Second))
			// The reader pastes all of it: nothing may run but exports (no make echo line starting a second sandbox).
			printed := serveStdout.String()
			for _, line := range strings.Split(strings.TrimSuffix(printed, "\n"), "\n") {
				if !pasteSafeLine.MatchString(line) {
					t.Errorf("block at %s printed a line that is neither a comment nor a plain export, unsafe to paste: %q", b, line)
				}
			}
		case "output of serve":
			if serve == nil {
				t.Fatalf("block at %s: a sample of the serve block's output before any serve block", b)
			}
			if got, want := exportNames(serveStdout.String()), exportNames(b.Body); !slices.Equal(got, want) {
				t.Errorf("block at %s: the page shows the exports %v, the sandbox printed %v", b, want, got)
			}
		case "patch":
			t.Fatalf("block at %s: this test does not apply patch blocks", b)
		}
	}
	if serve == nil || ran == 0 {
		t.Fatalf("the page has %d run blocks and no serve block", ran)
	}
	for _, e := range expectations {
		outs := outputs[e.command]
		if e.nth >= len(outs) {
			t.Errorf("the page no longer runs %q %d times", e.command, e.nth+1)
			continue
		}
		for _, re := range e.match {
			if !regexp.MustCompile(re).MatchString(outs[e.nth]) {
				t.Errorf("the block running %q (#%d) printed no match for %s:\n%s", e.command, e.nth+1, re, outs[e.nth])
			}
		}
	}

	// Ctrl-C in the second terminal stops the sandbox, and it takes the env file it told the reader to source.
	envFile := regexp.MustCompile(`(?m)^# or run: source (\S+)`).FindStringSubmatch(serveStdout.String())
	serve.stop(t)
	if envFile == nil {
		t.Errorf("make sandbox did not say which file to source:\n%s", serveStdout.String())
	} else if _, err := os.Stat(envFile[1]); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s is still there after the sandbox stopped: %v", envFile[1], err)
	}
}

var (
	controlRowRE      = regexp.MustCompile("(?m)^\\| `(GET|POST|PUT|PATCH|DELETE) (/_sandbox/[^`]*)` \\|")
	controlRegisterRE = regexp.MustCompile(`mux\.HandleFunc\("(GET|POST|PUT|PATCH|DELETE) ("\s*\+\s*conn\s*\+\s*")?([^"]*)"`)
	controlConnRE     = regexp.MustCompile(`const conn = "([^"]*)"`)
	curlRE            = regexp.MustCompile(`(?m)^curl .*?(?:\\\n.*)*$`)
	curlMethodRE      = regexp.MustCompile(`-X (GET|POST|PUT|PATCH|DELETE)`)
	curlURLRE         = regexp.MustCompile(`"(\$[A-Za-z_]+[^"\s]*)"`)
)

// checkControlTable checks that the page's table of control endpoints lists every endpoint the sandbox serves
// (internal/sandbox/control.go) and nothing else, and that a curl command of a run block calls each of them.
func checkControlTable(t *testing.T, page string, blocks []guide.Block) {
	t.Helper()
	src, err := os.ReadFile(repoRoot + "/internal/sandbox/control.go")
	if err != nil {
		t.Fatal(err)
	}
	conn := controlConnRE.FindSubmatch(src)
	registered := controlRegisterRE.FindAllSubmatch(src, -1)
	if conn == nil || len(registered) < 10 {
		t.Fatalf("found %d control endpoints in internal/sandbox/control.go (and conn: %v): update this test's reading of it", len(registered), conn != nil)
	}
	var served []string
	for _, m := range registered {
		p := string(m[3])
		if len(m[2]) > 0 {
			p = string(conn[1]) + p
		}
		served = append(served, string(m[1])+" "+p)
	}
	var listed []string
	for _, m := range controlRowRE.FindAllStringSubmatch(page, -1) {
		listed = append(listed, m[1]+" "+m[2])
	}
	slices.Sort(served)
	slices.Sort(listed)
	if !slices.Equal(served, listed) {
		t.Errorf("the page's table lists the control endpoints\n  %s\nthe sandbox serves\n  %s", strings.Join(listed, "\n  "), strings.Join(served, "\n  "))
	}

	// Each curl command of a run block, as the method and the URL it calls.
	var calls []string
	for _, b := range blocks {
		if b.Directive != "run" {
			continue
		}
		for _, c := range curlRE.FindAllString(b.Body, -1) {
			method := "GET"
			if m := curlMethodRE.FindStringSubmatch(c); m != nil {
				method = m[1]
			}
			if u := curlURLRE.FindStringSubmatch(c); u != nil {
				calls = append(calls, method+" "+u[1])
			}
		}
	}
	for _, endpoint := range listed {
		method, path, _ := strings.Cut(endpoint, " ")
		// The path after its last parameter, which a URL built from shell variables ends with.
		tail := path
		if i := strings.LastIndex(path, "}"); i >= 0 {
			tail = path[i+1:]
		}
		found := slices.ContainsFunc(calls, func(c string) bool {
			m, u, _ := strings.Cut(c, " ")
			return m == method && strings.HasSuffix(u, tail) && (tail != path || strings.HasSuffix(u, "$CODAT_BASE_URL"+path))
		})
		if !found {
			t.Errorf("no curl example on the page calls %s (curl calls: %v)", endpoint, calls)
		}
	}
}
