// Command codat-sandbox serves the Codat API emulator until it is interrupted.
//
// Once listening it prints the settings the provider and a configuration read from the environment, in one
// write, as lines a shell can paste or source: only export lines and comments, so that pasting all of the
// output runs nothing else (no second sandbox):
//
//	# Codat sandbox serving at http://127.0.0.1:41234 until Ctrl-C. ...
//	export CODAT_BASE_URL=http://127.0.0.1:41234
//	export CODAT_API_KEY=...
//	export XERO_TOKEN_URL=http://127.0.0.1:41234/xero/connect/token
//	# A demo Xero app ...
//	export TF_VAR_xero_client_id=...
//	export TF_VAR_xero_client_secret=...
//	# Open a connection's link_url in a browser ...
//
// The demo Xero app is registered with the sandbox's fake Xero token endpoint, so a codat_xero_integration
// configured with var.xero_client_id and var.xero_client_secret passes the provider's credential check. With
// -env-file the same lines are written to a file (before they are printed, and removed when the sandbox
// stops), for a shell in another terminal to source.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "codat-sandbox:", err)
		os.Exit(1)
	}
}

// run serves until ctx is done.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("codat-sandbox", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:0", "address to listen on")
	apiKey := fs.String("api-key", "", "API key clients must use (default: random)")
	latency := fs.Duration("latency", 0, "delay added to every API request, e.g. 50ms")
	mappingDelay := fs.Duration("mapping-delay", 0, "how long a mapped account stays connecting before it is connected")
	omitKey := fs.Bool("omit-integration-key", false, "leave integrationKey out of connections, as Codat may")
	programme := fs.Bool("products-programme", false, "serve the alpha product endpoints (Codat's development programme); otherwise they answer 403")
	dailyQuota := fs.Int("daily-quota", 0, "API requests allowed per UTC day (default: Codat's 1,000 × (1 + companies with a Linked connection))")
	perMinute := fs.Int("requests-per-minute", 0, "API requests one IP address may make within 60 seconds (default: Codat's 1,000; negative: no limit)")
	urlFile := fs.String("url-file", "", "write the base URL to this file once listening")
	envFile := fs.String("env-file", "", "write the export lines to this file once listening, and remove it on exit")
	xeroClientID := fs.String("xero-client-id", "", "client id of the demo Xero app registered at start (default: random)")
	xeroSecret := fs.String("xero-client-secret", "", "client secret of the demo Xero app (default: random)")
	verbose := fs.Bool("v", false, "log every API request to stderr")
	integratedOn := fs.String("integrated-on", "", "date the Codat client integrated Bank Feeds, e.g. 2024-03-01; before 2024-08-01 source accounts use Codat's v1 shape")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}

	opts := sandbox.Options{
		Addr:         *addr,
		APIKey:       *apiKey,
		Latency:      *latency,
		MappingDelay: *mappingDelay,
		DailyQuota:   *dailyQuota,

		RequestsPerMinute: *perMinute,

		OmitIntegrationKey: *omitKey,
		ProductsProgramme:  *programme,
	}
	if *integratedOn != "" {
		t, err := time.Parse("2006-01-02", *integratedOn)
		if err != nil {
			return fmt.Errorf("-integrated-on: %w", err)
		}
		opts.IntegratedOn = t
	}
	if *verbose {
		opts.Logf = log.New(stderr, "codat-sandbox: ", log.LstdFlags).Printf
	}
	// A Xero client id is 32 upper-case hexadecimal characters; a secret 48 characters.
	if *xeroClientID == "" {
		*xeroClientID = strings.ToUpper(randomHex(16))
	}
	if *xeroSecret == "" {
		*xeroSecret = randomHex(24)
	}
	srv, err := sandbox.Start(opts)
	if err != nil {
		return err
	}
	defer srv.Close()
	// A standard Xero app: the token endpoint answers unauthorized_client for it, which is how Xero tells
	// genuine credentials of a web app from wrong ones (see sandbox.RegisterXeroApp).
	srv.RegisterXeroApp(*xeroClientID, *xeroSecret)

	exports := exportLines([][2]string{
		{"CODAT_BASE_URL", srv.URL},
		{"CODAT_API_KEY", srv.APIKey()},
		{"XERO_TOKEN_URL", srv.URL + "/xero/connect/token"},
	}) + "# A demo Xero app the sandbox's Xero token endpoint accepts, for var.xero_client_id and var.xero_client_secret:\n" +
		exportLines([][2]string{
			{"TF_VAR_xero_client_id", *xeroClientID},
			{"TF_VAR_xero_client_secret", *xeroSecret},
		})
	var out strings.Builder
	fmt.Fprintf(&out, "# Codat sandbox serving at %s until Ctrl-C. In the shell where you run terraform, paste the lines below", srv.URL)
	if *envFile != "" {
		abs, err := filepath.Abs(*envFile)
		if err != nil {
			return fmt.Errorf("-env-file: %w", err)
		}
		*envFile = abs
		fmt.Fprintf(&out, "\n# or run: source %s (removed when the sandbox stops)", shellQuote(abs))
	}
	out.WriteString(".\n")
	out.WriteString(exports)
	out.WriteString("# Open a connection's link_url in a browser to authorise Xero and map its bank accounts.\n")

	// The env file first: whoever sees the printed lines may source it at once.
	if *envFile != "" {
		content := "# Written by codat-sandbox serving at " + srv.URL + "; removed when it stops.\n" + exports
		if err := writeFileAtomic(*envFile, content); err != nil {
			return err
		}
		defer removeIfUnchanged(*envFile, content)
	}
	// One write, so that a reader never sees part of the lines.
	if _, err := io.WriteString(stdout, out.String()); err != nil {
		return err
	}
	if *urlFile != "" {
		if err := writeFileAtomic(*urlFile, srv.URL+"\n"); err != nil {
			return err
		}
	}
	<-ctx.Done()
	return nil
}

// exportLines renders each name and value as a shell export line.
func exportLines(kvs [][2]string) string {
	var b strings.Builder
	for _, kv := range kvs {
		fmt.Fprintf(&b, "export %s=%s\n", kv[0], shellQuote(kv[1]))
	}
	return b.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// removeIfUnchanged removes the env file unless another sandbox has replaced it since.
func removeIfUnchanged(path, content string) {
	if b, err := os.ReadFile(path); err == nil && string(b) == content {
		_ = os.Remove(path)
	}
}

// shellQuote returns s as one shell word: unchanged when it needs no quoting, single-quoted
// otherwise.
func shellQuote(s string) string {
	safe := s != "" && strings.IndexFunc(s, func(r rune) bool {
		return (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9') && !strings.ContainsRune("-_./:@%+=,", r)
	}) < 0
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// writeFileAtomic renames a complete file into place, so that a script polling for the file
// never reads half of it.
func writeFileAtomic(path, content string) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), 0o600); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
