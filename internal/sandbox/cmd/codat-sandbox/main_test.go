package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"flag"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is written by run's goroutine and read by the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestRun(t *testing.T) {
	urlFile := filepath.Join(t.TempDir(), "url")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-api-key", "demo-key", "-url-file", urlFile, "-latency", "1ms", "-mapping-delay", "2s", "-v"}, &stdout, &stderr)
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
	want := "export CODAT_BASE_URL=" + url + "\nexport CODAT_API_KEY=demo-key\nexport XERO_TOKEN_URL=" + url + "/xero/connect/token\n" +
		"# Open a connection's link_url in a browser to authorise Xero and map its bank accounts. Ctrl-C stops the sandbox.\n"
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

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after cancellation")
	}
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
	var stdout syncBuffer
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
	var stdout syncBuffer
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
