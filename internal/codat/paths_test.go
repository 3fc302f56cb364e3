package codat

import (
	"context"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// pathLiteral is a string literal that is a request path or a part of one: "/companies/%s/connections", "/batch".
var pathLiteral = regexp.MustCompile(`^(/[A-Za-z0-9%]+)+$`)

// apiWords must hold exactly the fixed segments of the paths the client builds: a missing word would be taken
// for an identifier, a stale one hides nothing but misleads.
func TestAPIWordsCoverEveryPath(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	used := map[string]bool{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		// A path, or the part of one that is added to another (`+ "/batch"`), is a string literal starting with a
		// slash, wherever it is written: pathf's format, or a literal given to do, call, callInto or listAll.
		ast.Inspect(f, func(n ast.Node) bool {
			b, ok := n.(*ast.BasicLit)
			if !ok || b.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(b.Value)
			if err != nil || !pathLiteral.MatchString(s) {
				return true
			}
			for _, seg := range strings.Split(s, "/") {
				if seg != "" && !strings.Contains(seg, "%") {
					used[seg] = true
				}
			}
			return true
		})
	}
	for word := range used {
		if !slices.Contains(apiWords, word) {
			t.Errorf("the path segment %q is missing from apiWords", word)
		}
	}
	for _, word := range apiWords {
		if !used[word] {
			t.Errorf("apiWords holds %q, which no path uses", word)
		}
	}
	if len(used) == 0 {
		t.Fatal("found no path literal: the test no longer sees how paths are built")
	}
}

// badSegments are identifiers that cannot address exactly one object in a URL path, with what the error says.
var badSegments = map[string]string{
	"":         "must not be empty",
	" ":        "must not be blank",
	"\t\n":     "must not be blank",
	".":        "must not be `.` or `..`",
	"..":       "must not be `.` or `..`",
	"a/b":      "must not contain a slash",
	`a\b`:      "must not contain a backslash",
	" acc":     "must not start or end with white space",
	"acc\n":    "must not start or end with white space",
	"a\nb":     "must not contain control characters",
	"a\x00b":   "must not contain control characters",
	"a\u0085b": "must not contain control characters",
}

func TestCheckPathSegment(t *testing.T) {
	for s, want := range badSegments {
		if got := CheckPathSegment(s); !strings.Contains(got, want) {
			t.Errorf("CheckPathSegment(%q) = %q, want it to say %q", s, got, want)
		}
	}
	for _, s := range []string{"acc-001", "a.b", "...", "a b", "A?b#c;d,e", "é", "%2e%2e", "credentials", "8a210b68-6988-11ed-a1eb-0242ac120002"} {
		if got := CheckPathSegment(s); got != "" {
			t.Errorf("CheckPathSegment(%q) = %q, want it accepted", s, got)
		}
	}
}

// No request leaves the client with an identifier that cannot address one object, whichever method and position.
func TestBadIdentifiersSendNothing(t *testing.T) {
	rec := newRecorder(t, reply(http.StatusNoContent, ""))
	c := newTestClient(t, rec.srv)
	ctx := context.Background()
	const ok = "8a210b68-6988-11ed-a1eb-0242ac120002"
	calls := map[string]func(id string) error{
		"GetCompany":            func(id string) error { _, err := c.GetCompany(ctx, id); return err },
		"DeleteCompany":         func(id string) error { return c.DeleteCompany(ctx, id) },
		"RemoveProduct":         func(id string) error { return c.RemoveProduct(ctx, ok, id) },
		"ListConnections":       func(id string) error { _, err := c.ListConnections(ctx, id, ListOptions{}); return err },
		"GetConnection company": func(id string) error { _, err := c.GetConnection(ctx, id, ok); return err },
		"DeleteConnection":      func(id string) error { return c.DeleteConnection(ctx, ok, id) },
		"ListSourceAccounts":    func(id string) error { _, err := c.ListSourceAccounts(ctx, ok, id); return err },
		"UpdateSourceAccount": func(id string) error {
			_, err := c.UpdateSourceAccount(ctx, ok, ok, id, SourceAccountUpdate{})
			return err
		},
		"DeleteSourceAccount": func(id string) error { return c.DeleteSourceAccount(ctx, ok, ok, id) },
		"CreateBankAccountMapping": func(id string) error {
			_, err := c.CreateBankAccountMapping(ctx, id, ok, BankFeedAccountMapping{})
			return err
		},
		"GetIntegrationSettings":    func(id string) error { _, err := c.GetIntegrationSettings(ctx, id); return err },
		"DeleteIntegrationCredents": func(id string) error { return c.DeleteIntegrationCredentials(ctx, id) },
	}
	for name, call := range calls {
		for id, want := range badSegments {
			err := call(id)
			var reqErr *RequestError
			if !errors.As(err, &reqErr) || !strings.Contains(err.Error(), want) {
				t.Errorf("%s(%q) error = %v, want a *RequestError saying %q", name, id, err, want)
			}
		}
	}
	if n := rec.count(); n != 0 {
		t.Errorf("%d requests sent, want none: %+v", n, rec.all())
	}
}

// A 404 counts as a missing object only when it is Codat's not-found answer naming the object, or the company or
// connection it belongs to; every other 404 is an error that names the URL and points at base_url.
func TestNotFoundIsCodatsAnswerForTheObject(t *testing.T) {
	const (
		company    = "846ed55c-974b-4392-a1f1-87b6fdbf3c5e"
		connection = "a22dd66b-564a-4832-9b37-7b3ce4aeb7de"
		account    = "acc-1"
	)
	codat := func(msg string) string {
		return `{"statusCode":404,"service":"PublicApi","error":` + strconv.Quote(msg) +
			`,"correlationId":"8fa2b5f4794970a4ee73758f612e8df0","canBeRetried":"Unknown","detailedErrorCode":0}`
	}
	getConnection := func(c *Client) error {
		_, err := c.GetConnection(context.Background(), company, connection)
		return err
	}
	deleteAccount := func(c *Client) error {
		return c.DeleteSourceAccount(context.Background(), company, connection, account)
	}
	createConnection := func(c *Client) error {
		_, err := c.CreateConnection(context.Background(), company, "xero")
		return err
	}
	createAccounts := func(c *Client) error {
		_, err := c.CreateSourceAccounts(context.Background(), company, connection, []SourceAccount{{ID: account}})
		return err
	}
	tests := map[string]struct {
		call   func(*Client) error
		body   string
		wantID string // "" when the 404 must not count as a missing object
	}{
		"Codat: the connection":                 {getConnection, codat("Data connection " + connection + " not found"), connection},
		"Codat: its company":                    {getConnection, codat("No company was found with ID " + company + "."), company},
		"Codat: upper-case id":                  {getConnection, codat("No company was found with ID " + strings.ToUpper(company)), company},
		"Codat: quoted id":                      {deleteAccount, codat(`Source account 'acc-1' not found`), account},
		"Codat: account of the connection":      {deleteAccount, codat("Source account acc-1 not found for data connection " + connection), account},
		"Codat: the platform key of the body":   {createConnection, codat("Integration with platform key xero was not found"), "xero"},
		"Codat: the company of a create":        {createConnection, codat("No company was found with ID " + company), company},
		"Codat: another platform key":           {createConnection, codat("Integration with platform key qhyg was not found"), ""},
		"Codat: another object":                 {getConnection, codat("Data connection 0d8c3e2e-37b6-4b58-a9f0-0f5b1a5e2b8e not found"), ""},
		"Codat: an id that merely starts alike": {deleteAccount, codat("Source account acc-10 not found"), ""},
		"Codat: unsupported data type":          {getConnection, codat("Datatype bankAccounts not supported by platform(s) Xero"), ""},
		"Codat: a fixed word of the path":       {createAccounts, codat("Batch creation is not available for this connection"), ""},
		"Codat shape, a route not an object":    {getConnection, codat("No API operation matches /v2/companies/" + company + "/connections/" + connection), ""},
		"Codat shape without statusCode":        {getConnection, `{"error":"Data connection ` + connection + ` not found"}`, ""},
		"Go's default":                          {getConnection, "404 page not found\n", ""},
		"empty":                                 {getConnection, "", ""},
		"HTML":                                  {getConnection, "<html><body><h1>Not Found</h1><p>" + connection + "</p></body></html>", ""},
		"gateway JSON":                          {getConnection, `{"statusCode":404,"message":"Resource not found"}`, ""},
		"framework JSON":                        {getConnection, `{"statusCode":404,"error":"Not Found","message":"Cannot GET /x/companies/` + company + `"}`, ""},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			rec := newRecorder(t, reply(http.StatusNotFound, tt.body, "Content-Type", "application/json"))
			err := tt.call(newTestClient(t, rec.srv))
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error = %#v, want *APIError", err)
			}
			if got := IsNotFound(err); got != (tt.wantID != "") || apiErr.NotFoundID != tt.wantID {
				t.Errorf("IsNotFound = %v, NotFoundID = %q; want NotFoundID %q", got, apiErr.NotFoundID, tt.wantID)
			}
			hint := strings.Contains(err.Error(), rec.srv.URL+apiErr.Path) && strings.Contains(err.Error(), "check base_url")
			if hint == (tt.wantID != "") {
				t.Errorf("error %q: want the URL and base_url named exactly when the 404 is not Codat's", err)
			}
		})
	}
}

// A redirect is never followed, whatever the method: it is reported with the place it pointed to.
func TestRedirectsAreNotFollowed(t *testing.T) {
	var followed atomic.Int32
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		followed.Add(1)
		w.WriteHeader(http.StatusNotFound)
	}))
	t.Cleanup(elsewhere.Close)
	for _, status := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		for _, location := range []string{elsewhere.URL + "/companies", "/companies/8a210b68-6988-11ed-a1eb-0242ac120002/connections"} {
			rec := newRecorder(t, reply(status, "", "Location", location))
			c := newTestClient(t, rec.srv)
			ctx := context.Background()
			const id = "8a210b68-6988-11ed-a1eb-0242ac120002"
			errs := []error{
				c.DeleteSourceAccount(ctx, id, id, "acc-1"),
				func() error { _, err := c.GetCompany(ctx, id); return err }(),
				func() error { _, err := c.CreateCompany(ctx, CompanyRequest{Name: "A"}); return err }(),
			}
			want := location
			if strings.HasPrefix(location, "/") {
				want = rec.srv.URL + location
			}
			for _, err := range errs {
				var redirect *RedirectError
				if !errors.As(err, &redirect) || redirect.StatusCode != status || redirect.Location != want ||
					!strings.Contains(err.Error(), "redirecting to "+want) || IsNotFound(err) {
					t.Errorf("%d to %s: error = %v, want a *RedirectError naming the location", status, location, err)
				}
			}
			if rec.count() != len(errs) {
				t.Errorf("%d requests to the redirecting server, want %d (one each, no retry)", rec.count(), len(errs))
			}
		}
	}
	if n := followed.Load(); n != 0 {
		t.Errorf("the redirect target got %d requests", n)
	}
}

// Codat's API has no path prefix: a base URL with a path is refused.
func TestBaseURLHasNoPath(t *testing.T) {
	for _, base := range []string{"https://api.codat.io/v2", "https://api.codat.io/v2/", "http://127.0.0.1:8080/x", "https://api.codat.io//"} {
		if _, err := NewClient(Config{BaseURL: base, APIKey: "k"}); err == nil || !strings.Contains(err.Error(), "must have no path") {
			t.Errorf("NewClient(%q) error = %v, want the path refused", base, err)
		}
	}
	for _, base := range []string{"https://api.codat.io", "https://api.codat.io/", "http://127.0.0.1:8080"} {
		if _, err := NewClient(Config{BaseURL: base, APIKey: "k"}); err != nil {
			t.Errorf("NewClient(%q) = %v", base, err)
		}
	}
}
