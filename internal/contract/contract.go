// Package contract validates HTTP traffic against Codat's own OpenAPI files: every request the
// provider sends and every response the sandbox returns is checked for its route, security,
// parameters, body and documented status code. The files are patched in memory for the quirks
// listed in ../shared/codat-openapi/README.md, never on disk.
package contract

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// EnvSpecDir overrides where SpecDir looks for the OpenAPI files.
const EnvSpecDir = "CODAT_OPENAPI_DIR"

// specFiles are tried in this order when routing a request: the Platform file owns companies,
// connections, products and integrations, which the Bank Feeds file repeats. The Partners file
// describes the integration credentials, and the legacy file (written from the models of Codat's
// deprecated API description, see its info.description) the integration's enabled switch and
// settings, which no current Codat file covers.
var specFiles = []string{
	"codat-docs/static/oas/Codat-Platform.json",
	"codat-docs/static/oas/Codat-Bank-Feeds.json",
	"codat-docs/static/oas/Codat-Partners.json",
	"legacy/Codat-Legacy-Integration-Settings.json",
}

// skippedPrefixes serve the sandbox's own pages and fakes, which are no part of Codat's API.
var skippedPrefixes = []string{"/link/", "/xero/", "/_sandbox/"}

// Violation is one way an exchange departs from Codat's OpenAPI files.
type Violation struct {
	Method  string
	Path    string // the request path as sent
	Route   string // the path template of the operation, empty when none matched
	Status  int    // the response status; 0 for request and route violations
	Phase   string // "request", "response" or "route"
	Message string
}

func (v Violation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s", v.Phase, v.Method, v.Path)
	if v.Route != "" && v.Route != v.Path {
		fmt.Fprintf(&b, " (%s)", v.Route)
	}
	if v.Status != 0 {
		fmt.Fprintf(&b, " -> %d", v.Status)
	}
	return b.String() + ": " + v.Message
}

// Checker validates exchanges and records what it found. The loaded documents are shared and
// read-only; violations and counts belong to each Checker.
type Checker struct {
	routers []routers.Router // in the order of specFiles
	options *openapi3filter.Options

	mu         sync.Mutex
	violations []Violation
	checked    map[string]int
}

// SpecDir locates the folder of Codat's OpenAPI files: $CODAT_OPENAPI_DIR if set, else
// ../shared/codat-openapi beside the module root (the directory holding go.mod, found by walking up
// from the working directory).
func SpecDir() (string, error) {
	if dir := os.Getenv(EnvSpecDir); dir != "" {
		if !hasSpecs(dir) {
			return "", fmt.Errorf("%s=%s does not hold %s", EnvSpecDir, dir, specFiles[0])
		}
		return dir, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("locating the Codat OpenAPI files: %w", err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			specDir := filepath.Join(filepath.Dir(dir), "shared", "codat-openapi")
			if !hasSpecs(specDir) {
				return "", fmt.Errorf("no Codat OpenAPI files: %s does not hold %s (set %s to their folder)",
					specDir, specFiles[0], EnvSpecDir)
			}
			return specDir, nil
		}
		if filepath.Dir(dir) == dir {
			return "", fmt.Errorf("no Codat OpenAPI files: no go.mod in %s or above it to find them from (set %s to their folder)",
				wd, EnvSpecDir)
		}
	}
}

func hasSpecs(dir string) bool {
	info, err := os.Stat(filepath.Join(dir, specFiles[0]))
	return err == nil && !info.IsDir()
}

// Load reads Codat's OpenAPI files under dir, patches their quirks in memory and builds the
// routers. It takes a few hundred milliseconds; tests share one load through ForTest.
func Load(dir string) (*Checker, error) {
	return load(dir)
}

func load(dir string, skip ...string) (*Checker, error) {
	c := &Checker{options: validationOptions(), checked: map[string]int{}}
	for _, name := range specFiles {
		tree, err := readSpec(dir, name)
		if err != nil {
			return nil, err
		}
		if err := patchDocument(tree, skip...); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		doc, err := buildSpec(tree)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		router, err := gorillamux.NewRouter(doc)
		if err != nil {
			return nil, fmt.Errorf("%s: routing: %w", name, err)
		}
		c.routers = append(c.routers, router)
	}
	return c, nil
}

// readSpec decodes one OpenAPI file into a JSON tree, keeping numbers as written.
func readSpec(dir, name string) (map[string]any, error) {
	raw, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var tree map[string]any
	if err := dec.Decode(&tree); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return tree, nil
}

// buildSpec loads a patched tree with kin-openapi and validates it.
func buildSpec(tree map[string]any) (*openapi3.T, error) {
	patched, err := json.Marshal(tree)
	if err != nil {
		return nil, err
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(patched)
	if err != nil {
		return nil, err
	}
	// Examples are documentation, and some of Codat's are wrong (a 402 example with statusCode
	// 429): they do not decide what traffic is valid.
	if err := doc.Validate(loader.Context, openapi3.DisableExamplesValidation()); err != nil {
		return nil, fmt.Errorf("invalid after patching: %w", err)
	}
	// The servers name api.codat.io; the router must match the sandbox's host as well.
	doc.Servers = nil
	return doc, nil
}

// Formats the files use that kin-openapi does not define. "decimal" (a number format) needs no
// entry: unknown number formats pass.
var (
	uuidPattern    = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	iso4217Pattern = regexp.MustCompile(`^[A-Z]{3}$`)
)

func stringFormats() map[string]openapi3.StringFormatValidator {
	return map[string]openapi3.StringFormatValidator{
		"uuid":    openapi3.NewRegexpFormatValidator(uuidPattern.String()),
		"ISO4217": openapi3.NewRegexpFormatValidator(iso4217Pattern.String()),
		"uri": openapi3.NewCallbackValidator(func(s string) error {
			u, err := url.Parse(s)
			if err != nil {
				return err
			}
			if !u.IsAbs() {
				return errors.New("not an absolute URI")
			}
			return nil
		}),
		"uri-reference": openapi3.NewCallbackValidator(func(s string) error {
			_, err := url.Parse(s)
			return err
		}),
	}
}

func validationOptions() *openapi3filter.Options {
	o := &openapi3filter.Options{
		MultiError:            true,
		IncludeResponseStatus: true,
		SkipSettingDefaults:   true,
		// A body where the operation defines none is something Codat does not document.
		RejectWhenRequestBodyNotSpecified: true,
		AuthenticationFunc:                authenticate,
		SchemaValidationOptions: []openapi3.SchemaValidationOption{
			openapi3.WithStringFormatValidators(stringFormats()),
		},
	}
	o.WithCustomSchemaErrorFunc(schemaMessage)
	return o
}

// schemaMessage keeps a schema error to one line: where, what, and the offending value when it is
// short, instead of kin-openapi's dump of the whole schema and value.
//
// Errors come from two validators. Those of the JSON Schema 2020-12 validator carry the location
// in their Reason (`error at "/a/a": at '/a': ...`), quote the value, and nest one
// "validation failed due to" per schema they passed through. Those of kin-openapi's own
// validator carry the location in their path and explain a failed format or composition in their
// Origin.
func schemaMessage(err *openapi3.SchemaError) string {
	jsonSchema2020 := strings.HasPrefix(err.Reason, "error at ")
	msg := err.Reason
	if err.Origin != nil {
		msg = err.Origin.Error()
		for {
			rest, ok := strings.CutPrefix(msg, "validation failed due to: ")
			if !ok {
				break
			}
			msg = rest
		}
	} else if _, rest, ok := strings.Cut(msg, ": "); ok && jsonSchema2020 {
		msg = rest
	}
	if jsonSchema2020 || err.Origin != nil && strings.HasPrefix(msg, "at '") {
		return msg
	}
	if msg == "" {
		msg = "does not match schema keyword " + strconv.Quote(err.SchemaField)
	}
	if p := err.JSONPointer(); len(p) > 0 {
		msg = "at /" + strings.Join(p, "/") + ": " + msg
	}
	if err.Origin != nil {
		return msg
	}
	switch v := err.Value.(type) {
	case string:
		if len(v) <= 80 {
			msg += " (got " + strconv.Quote(v) + ")"
		}
	case bool, json.Number, float64, nil:
		msg += fmt.Sprintf(" (got %v)", v)
	}
	return msg
}

// authenticate checks the apiKey header the files declare (Authorization) the way Codat reads it:
// "Basic " followed by the base64 of the API key. The value itself never reaches a message.
func authenticate(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	s := in.SecurityScheme
	if s.Type != "apiKey" || s.In != "header" {
		return in.NewError(fmt.Errorf("security scheme %q: only an apiKey header is supported", in.SecuritySchemeName))
	}
	value := in.RequestValidationInput.Request.Header.Get(s.Name)
	if value == "" {
		return in.NewError(fmt.Errorf("header %s is missing", s.Name))
	}
	scheme, credentials, _ := strings.Cut(value, " ")
	if scheme != "Basic" {
		return in.NewError(fmt.Errorf("header %s is not \"Basic <base64>\"", s.Name))
	}
	if key, err := base64.StdEncoding.DecodeString(credentials); err != nil || len(key) == 0 {
		return in.NewError(fmt.Errorf("header %s: the credentials after \"Basic \" are not base64", s.Name))
	}
	return nil
}

// Violations returns the violations recorded so far, in the order they were found.
func (c *Checker) Violations() []Violation {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.violations)
}

// Checked returns how many exchanges were validated per operation ("METHOD /path/template").
func (c *Checker) Checked() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.checked)
}

// Reset forgets the violations and counts recorded so far.
func (c *Checker) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.violations = nil
	c.checked = map[string]int{}
}

func (c *Checker) record(v Violation) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.violations = append(c.violations, v)
}

func (c *Checker) count(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.checked[key]++
}

// view is a Checker sharing c's loaded documents with its own violations and counts.
func (c *Checker) view() *Checker {
	return &Checker{routers: c.routers, options: c.options, checked: map[string]int{}}
}

var shared struct {
	once    sync.Once
	dirErr  error
	loadErr error
	checker *Checker
}

// loadShared loads the files once per process, remembering why it could not.
func loadShared() {
	shared.once.Do(func() {
		dir, err := SpecDir()
		if err != nil {
			shared.dirErr = err
			return
		}
		shared.checker, shared.loadErr = Load(dir)
	})
}

// ForTest returns a Checker for one test: the files are loaded once per process, the returned
// Checker has its own violations and counts, and each violation fails the test at cleanup. The
// test is skipped, saying why, when the files cannot be found.
func ForTest(t testing.TB) *Checker {
	t.Helper()
	loadShared()
	return forTest(t, shared.checker, shared.dirErr, shared.loadErr)
}

func forTest(t testing.TB, loaded *Checker, dirErr, loadErr error) *Checker {
	t.Helper()
	if dirErr != nil {
		t.Skipf("contract check skipped: %v", dirErr)
	}
	if loadErr != nil {
		t.Fatalf("loading Codat's OpenAPI files: %v", loadErr)
	}
	c := loaded.view()
	t.Cleanup(func() {
		for _, v := range c.Violations() {
			t.Errorf("contract violation: %s", v)
		}
	})
	return c
}
