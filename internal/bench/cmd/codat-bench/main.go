// Command codat-bench measures the provider against the Codat sandbox at several sizes and writes BENCHMARKS.md.
//
//	go run ./internal/bench/cmd/codat-bench -customers 10,100,500 -out BENCHMARKS.md
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/terraform-codat/terraform-provider-codat/internal/bench"
	"github.com/terraform-codat/terraform-provider-codat/internal/cmdmain"
)

func main() {
	bench.WrapIfRequested()
	cmdmain.Run("codat-bench", run)
}

func run(ctx context.Context) error {
	customers := flag.String("customers", "10,100,500", "comma-separated numbers of customers")
	shapes := flag.String("shapes", "module", "comma-separated configuration shapes measured against the sandbox")
	backend := flag.String("backend", "http", "state backend of the full runs: http (served by the bench) or local")
	compare := flag.String("compare", "", "stand-in only runs, comma-separated `shape@backend=N/N/...`, e.g. flat@http=10/100")
	repeat := flag.Int("repeat", 1, "run each full measurement this many times and report the median")
	repeatUpTo := flag.Int("repeat-up-to", 100, "repeat only sizes of at most this many customers")
	latency := flag.Duration("latency", 25*time.Millisecond, "latency the sandbox adds to every API call")
	parallelism := flag.Int("parallelism", 10, "terraform -parallelism")
	out := flag.String("out", "", "write the report (Markdown) to this file")
	work := flag.String("work", "", "keep configurations, state and logs in this directory (default: a temporary one)")
	profile := flag.String("profile", "", "build the provider with profiling and write its CPU and heap profiles here")
	realCodat := flag.String("real-codat", "", "comma-separated numbers of customers also applied and planned at Codat's limit of 1,000 requests a minute")
	partSize := flag.Int("part-size", 500, "split real-Codat runs into states of at most this many customers")
	flag.Parse()

	opts := bench.Options{
		Repeat:      *repeat,
		RepeatUpTo:  *repeatUpTo,
		Latency:     *latency,
		Parallelism: *parallelism,
		WorkDir:     *work,
		ProfileDir:  *profile,
		PartSize:    *partSize,
		Log:         os.Stderr,
	}
	for _, s := range splitList(*realCodat) {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return fmt.Errorf("-real-codat: %q is not a positive number", s)
		}
		opts.RealCodat = append(opts.RealCodat, n)
	}
	for _, s := range splitList(*customers) {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return fmt.Errorf("-customers: %q is not a positive number", s)
		}
		opts.Customers = append(opts.Customers, n)
	}
	var err error
	if opts.Shapes, err = parseShapes(*shapes); err != nil {
		return err
	}
	if opts.Backend, err = bench.ParseBackend(*backend); err != nil {
		return err
	}
	if opts.Comparisons, err = parseComparisons(*compare); err != nil {
		return err
	}
	report, err := bench.Run(ctx, opts)
	if err != nil {
		return err
	}
	if *out == "" {
		return report.WriteMarkdown(os.Stdout, commandLine())
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	if err := report.WriteMarkdown(f, commandLine()); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func parseShapes(list string) ([]bench.Shape, error) {
	var out []bench.Shape
	for _, name := range splitList(list) {
		s, err := bench.ShapeByName(name)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// parseComparisons reads shape@backend=N/N/... items.
func parseComparisons(list string) ([]bench.Comparison, error) {
	var out []bench.Comparison
	for _, item := range splitList(list) {
		spec, sizes, ok := strings.Cut(item, "=")
		name, backend, ok2 := strings.Cut(spec, "@")
		if !ok || !ok2 {
			return nil, fmt.Errorf("-compare: %q is not shape@backend=N/N", item)
		}
		var c bench.Comparison
		var err error
		if c.Shape, err = bench.ShapeByName(name); err != nil {
			return nil, err
		}
		if c.Backend, err = bench.ParseBackend(backend); err != nil {
			return nil, err
		}
		for _, s := range strings.Split(sizes, "/") {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 {
				return nil, fmt.Errorf("-compare: %q is not a positive number", s)
			}
			c.Customers = append(c.Customers, n)
		}
		out = append(out, c)
	}
	return out, nil
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// commandLine is how the report says it was made.
func commandLine() string {
	return "go run ./internal/bench/cmd/codat-bench " + strings.Join(os.Args[1:], " ")
}
