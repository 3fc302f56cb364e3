// Command codat-sandbox serves the Codat API emulator until it is interrupted.
//
// It prints the settings the provider reads from the environment, as lines a shell can paste
// or eval, and where the SMB user's pages are:
//
//	export CODAT_BASE_URL=http://127.0.0.1:41234
//	export CODAT_API_KEY=...
//	export XERO_TOKEN_URL=http://127.0.0.1:41234/xero/connect/token
//	# Open a connection's link_url in a browser to authorise Xero and map its bank accounts. Ctrl-C stops the sandbox.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
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
	srv, err := sandbox.Start(opts)
	if err != nil {
		return err
	}
	defer srv.Close()

	for _, kv := range [][2]string{
		{"CODAT_BASE_URL", srv.URL},
		{"CODAT_API_KEY", srv.APIKey()},
		{"XERO_TOKEN_URL", srv.URL + "/xero/connect/token"},
	} {
		fmt.Fprintf(stdout, "export %s=%s\n", kv[0], shellQuote(kv[1]))
	}
	fmt.Fprintln(stdout, "# Open a connection's link_url in a browser to authorise Xero and map its bank accounts. Ctrl-C stops the sandbox.")
	if *urlFile != "" {
		if err := writeFileAtomic(*urlFile, srv.URL+"\n"); err != nil {
			return err
		}
	}
	<-ctx.Done()
	return nil
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
// never reads half a URL.
func writeFileAtomic(path, content string) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), 0o600); err != nil {
		return fmt.Errorf("write URL file: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write URL file: %w", err)
	}
	return nil
}
