package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/terraform-codat/terraform-provider-codat/internal/syncbuf"
)

// stop cancels run's context and waits for run to return, without error.
func stop(t *testing.T, cancel context.CancelFunc, done <-chan error) {
	t.Helper()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after cancellation")
	}
}

func TestRun(t *testing.T) {
	urlFile := filepath.Join(t.TempDir(), "url")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncbuf.Buffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-api-key", "demo-key", "-url-file", urlFile, "-latency", "1ms", "-mapping-delay", "2s", "-v",
			"-xero-client-id", "DEMO0000000000000000000000000001", "-xero-client-secret", "demo-secret"}, &stdout, &stderr)
	}()

	var url string
	for deadline := time.Now().Add(10 * time.Second); url == ""; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no URL file; stderr: %s", stderr.String())
		}
		data, err := os.ReadFile(urlFile)
		if err == nil {
			url = strings.TrimSpace(string(data))
		}
	}
	want := "# Codat sandbox serving at " + url + " until Ctrl-C. In the shell where you run terraform, paste the lines below.\n" +
		"export CODAT_BASE_URL=" + url + "\nexport CODAT_API_KEY=demo-key\nexport XERO_TOKEN_URL=" + url + "/xero/connect/token\n" +
		"# A demo Xero app the sandbox's Xero token endpoint accepts, for var.xero_client_id and var.xero_client_secret:\n" +
		"export TF_VAR_xero_client_id=DEMO0000000000000000000000000001\nexport TF_VAR_xero_client_secret=demo-secret\n" +
		"# Open a connection's link_url in a browser to authorise Xero and map its bank accounts.\n"
	if got := stdout.String(); got != want {
		t.Errorf("stdout %q, want %q", got, want)
	}

	req, err := http.NewRequest(http.MethodGet, url+"/integrations/gbol", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("demo-key")))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("status %d", resp.StatusCode)
	}

	stop(t, cancel, done)
	if !strings.Contains(stderr.String(), "GET /integrations/gbol -> 200") {
		t.Errorf("-v did not log the request: %s", stderr.String())
	}
	if _, err := http.Get(url + "/integrations"); err == nil {
		t.Error("still serving after run returned")
	}
}

func TestRunRandomKey(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout syncbuf.Buffer
	if err := run(ctx, nil, &stdout, io.Discard); err != nil {
		t.Fatal(err)
	}
	var key string
	for _, line := range strings.Split(stdout.String(), "\n") {
		if v, ok := strings.CutPrefix(line, "export CODAT_API_KEY="); ok {
			key = v
		}
	}
	if len(key) != 40 {
		t.Errorf("random key %q", key)
	}
}

func TestRunBadArguments(t *testing.T) {
	ctx := context.Background()
	if err := run(ctx, []string{"-h"}, io.Discard, io.Discard); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v", err)
	}
	for _, args := range [][]string{{"-latency", "soon"}, {"extra"}, {"-addr", "256.0.0.1:0"}, {"-url-file", "/nonexistent-dir/url"}} {
		if err := run(ctx, args, io.Discard, io.Discard); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}

func TestRunQuotesForTheShell(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout syncbuf.Buffer
	if err := run(ctx, []string{"-api-key", "it's a key"}, &stdout, io.Discard); err != nil {
		t.Fatal(err)
	}
	if want := `export CODAT_API_KEY='it'\''s a key'` + "\n"; !strings.Contains(stdout.String(), want) {
		t.Errorf("stdout %q lacks %q", stdout.String(), want)
	}
	out, err := exec.Command("sh", "-c", stdout.String()+`printf %s "$CODAT_API_KEY"`).Output()
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != "it's a key" {
		t.Errorf("the shell read the key as %q", out)
	}
}

// firstWriteWriter records each write and, at the first, what the env file held: the printed lines must not
// appear before the file they tell the reader to source exists.
type firstWriteWriter struct {
	mu       sync.Mutex
	envFile  string
	writes   int
	buf      bytes.Buffer
	envAtOut string
	envErr   error
	ready    chan struct{}
}

func (w *firstWriteWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.writes++
	if w.writes == 1 {
		b, err := os.ReadFile(w.envFile)
		w.envAtOut, w.envErr = string(b), err
		defer close(w.ready)
	}
	return w.buf.Write(p)
}

// pasteSafeLine is what the sandbox may print: a comment, or an export of a shell word that expands nothing.
var pasteSafeLine = regexp.MustCompile(`^(#.*|export [A-Za-z_][A-Za-z0-9_]*=('[^']*'|[A-Za-z0-9_./:@%+=,-]+))$`)

// shellValues evaluates script in sh and returns the values it leaves in the variables named.
func shellValues(t *testing.T, script string, names []string) map[string]string {
	t.Helper()
	var b strings.Builder
	b.WriteString(script + "\n")
	for _, n := range names {
		fmt.Fprintf(&b, "printf '%%s\\0' \"$%s\"\n", n)
	}
	cmd := exec.Command("sh", "-c", b.String())
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("sh: %v", err)
	}
	values := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	if len(values) != len(names) {
		t.Fatalf("sh printed %q for %v", out, names)
	}
	m := map[string]string{}
	for i, n := range names {
		m[n] = values[i]
	}
	return m
}

// The output of make sandbox is meant to be pasted into, or sourced by, the shell that runs terraform: it prints
// only comments and export lines (pasting all of it starts nothing, no second sandbox), in one write, after the env
// file holding the same exports is in place; the printed demo Xero app is one the token endpoint accepts; the env
// file goes when the sandbox stops.
func TestRunOutputIsForTheShell(t *testing.T) {
	envFile := filepath.Join(t.TempDir(), "sandbox.env")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdout := &firstWriteWriter{envFile: envFile, ready: make(chan struct{})}
	var stderr syncbuf.Buffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"-env-file", envFile}, stdout, &stderr) }()
	select {
	case <-stdout.ready:
	case err := <-done:
		t.Fatalf("run returned before printing: %v; stderr: %s", err, stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatalf("nothing printed; stderr: %s", stderr.String())
	}

	stdout.mu.Lock()
	printed, envAtOut, envErr := stdout.buf.String(), stdout.envAtOut, stdout.envErr
	stdout.mu.Unlock()
	if envErr != nil {
		t.Fatalf("the env file was not there when the lines were printed: %v", envErr)
	}
	var exported []string
	for _, line := range strings.Split(strings.TrimSuffix(printed, "\n"), "\n") {
		if !pasteSafeLine.MatchString(line) {
			t.Errorf("printed line is neither a comment nor an export of a plain value: %q", line)
		}
		if name, ok := strings.CutPrefix(line, "export "); ok {
			name, _, _ = strings.Cut(name, "=")
			exported = append(exported, name)
		}
	}
	if want := "CODAT_BASE_URL CODAT_API_KEY XERO_TOKEN_URL TF_VAR_xero_client_id TF_VAR_xero_client_secret"; strings.Join(exported, " ") != want {
		t.Errorf("exports %v, want %s", exported, want)
	}
	if !strings.Contains(printed, "source "+envFile+" ") {
		t.Errorf("the output does not say how to source %s:\n%s", envFile, printed)
	}

	pasted := shellValues(t, printed, exported)
	sourced := shellValues(t, ". "+envFile, exported)
	if fmt.Sprint(pasted) != fmt.Sprint(sourced) {
		t.Errorf("pasting sets %v, sourcing the env file %v", pasted, sourced)
	}
	if !regexp.MustCompile(`^[0-9A-F]{32}$`).MatchString(pasted["TF_VAR_xero_client_id"]) || len(pasted["TF_VAR_xero_client_secret"]) != 48 {
		t.Errorf("demo Xero app %q / %q is not shaped like a Xero client id and secret", pasted["TF_VAR_xero_client_id"], pasted["TF_VAR_xero_client_secret"])
	}
	if b, err := os.ReadFile(envFile); err != nil || string(b) != envAtOut {
		t.Errorf("env file changed while serving: %q, %v", b, err)
	}

	// Xero's token endpoint answers unauthorized_client for a standard app's genuine credentials, which the
	// provider's credential check accepts, and invalid_client for a wrong secret.
	for secret, wantErr := range map[string]string{pasted["TF_VAR_xero_client_secret"]: "unauthorized_client", "wrong": "invalid_client"} {
		form := url.Values{"grant_type": {"client_credentials"}, "client_id": {pasted["TF_VAR_xero_client_id"]}, "client_secret": {secret}}
		resp, err := http.PostForm(pasted["XERO_TOKEN_URL"], form)
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			Error string `json:"error"`
		}
		err = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if err != nil || body.Error != wantErr {
			t.Errorf("token endpoint with secret %q: %d %q (%v), want %s", secret, resp.StatusCode, body.Error, err, wantErr)
		}
	}

	stop(t, cancel, done)
	if _, err := os.Stat(envFile); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("env file left behind after the sandbox stopped: %v", err)
	}
	if stdout.writes != 1 {
		t.Errorf("printed in %d writes, want 1", stdout.writes)
	}
}

// A second sandbox started with the same env file owns it: the first one leaves it in place when it stops.
func TestRunLeavesAnotherSandboxsEnvFile(t *testing.T) {
	envFile := filepath.Join(t.TempDir(), "sandbox.env")
	ctx, cancel := context.WithCancel(context.Background())
	stdout := &firstWriteWriter{envFile: envFile, ready: make(chan struct{})}
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"-env-file", envFile}, stdout, io.Discard) }()
	select {
	case <-stdout.ready:
	case err := <-done:
		t.Fatalf("run returned before printing: %v", err)
	}
	const other = "export CODAT_BASE_URL=http://127.0.0.1:1\n"
	if err := os.WriteFile(envFile, []byte(other), 0o600); err != nil {
		t.Fatal(err)
	}
	stop(t, cancel, done)
	if b, err := os.ReadFile(envFile); err != nil || string(b) != other {
		t.Errorf("the other sandbox's env file: %q, %v", b, err)
	}
}
