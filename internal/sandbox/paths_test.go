package sandbox_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

// A path with dot segments is served at the path they resolve to, as servers following RFC 3986 do; nothing is
// redirected. A DELETE of source account ".." is a DELETE of the connection's connectionInfo, which names no
// operation: the account stays.
func TestDotSegmentsAreResolvedNotRedirected(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	c, conn := e.xeroConnection()
	e.createAccount(c.ID, conn.ID, gbpAccount("acc-1"))
	accounts := accountsPath(c.ID, conn.ID)
	for _, p := range []string{accounts + "/..", accounts + "/%2E%2E", accounts + "/.%2e", accounts + "/acc-1/../.."} {
		got := e.call(http.MethodDelete, p, nil)
		if got.status >= 300 && got.status < 400 {
			t.Fatalf("DELETE %s answered %d (Location %q), want no redirect", p, got.status, got.header.Get("Location"))
		}
		body := got.apiError(t, http.StatusNotFound)
		want := "/companies/" + c.ID + "/connections/" + conn.ID + "/connectionInfo/" // "a/b/.." resolves to "a/"
		if body.Error != "No API operation matches "+want {
			t.Errorf("DELETE %s: %q, want the 404 of %s", p, body.Error, want)
		}
	}
	if n := len(e.sb.SourceAccounts(c.ID, conn.ID)); n != 1 {
		t.Errorf("%d source accounts left, want the one created", n)
	}
	// A dot segment that resolves to an operation's path reaches that operation.
	e.call(http.MethodGet, "/companies/"+c.ID+"/connections/./"+conn.ID+"/x/..", nil).expect(t, http.StatusOK)
	e.call(http.MethodDelete, accounts+"/./acc-1", nil).expect(t, http.StatusNoContent)
	if n := len(e.sb.SourceAccounts(c.ID, conn.ID)); n != 0 {
		t.Errorf("%d source accounts left after DELETE %s/./acc-1", n, accounts)
	}
}

// A path that names no operation, such as one behind a path prefix, gets a 404 in Codat's error shape whose
// message names the path, not an object.
func TestUnknownRouteIsACodatShaped404NamingThePath(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	c := e.createCompany("Acme")
	for _, p := range []string{"/v2/companies/" + c.ID, "/x/companies", "/companies/" + c.ID + "/nothing"} {
		body := e.call(http.MethodGet, p, nil).apiError(t, http.StatusNotFound)
		if body.Error != "No API operation matches "+p {
			t.Errorf("GET %s: %q", p, body.Error)
		}
	}
	if n := e.sb.TotalCalls(); n != 1 {
		t.Errorf("TotalCalls = %d, want only the create counted", n)
	}
}

// Every not-found answer names the missing object by the id the path gave, as Codat's documented ones do ("Data
// connection <id> not found", "No company was found with ID <id>": P and BF components.responses.Not-Found):
// whichever path parameter names nothing, for every operation.
func TestEveryNotFoundNamesTheMissingObject(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	c, conn := e.linkedXero()
	e.createAccount(c.ID, conn.ID, gbpAccount("acc-1"))
	existing := map[string]string{
		"companyId": c.ID, "connectionId": conn.ID, "accountId": "acc-1", "platformKey": sandbox.XeroPlatformKey,
		"productIdentifier": "bank-feeds", "integrationId": conn.IntegrationID,
	}
	missing := map[string]string{
		"companyId": "0d8c3e2e-37b6-4b58-a9f0-0f5b1a5e2b8e", "connectionId": "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d",
		"accountId": "acc-404", "platformKey": "zzzz", "productIdentifier": "no-such-product",
		"integrationId": "1e0f3c7a-2b4d-4e6f-8a9b-0c1d2e3f4a5b",
	}
	checked := 0
	for _, route := range e.sb.Routes() {
		method, template, _ := strings.Cut(route, " ")
		segs := strings.Split(template, "/")
		for i, seg := range segs {
			name, ok := strings.CutPrefix(seg, "{")
			if !ok {
				continue
			}
			name = strings.TrimSuffix(name, "}")
			// The parameter at i names nothing; those before it exist.
			path := make([]string, len(segs))
			for k, s := range segs {
				p, isParam := strings.CutPrefix(s, "{")
				p = strings.TrimSuffix(p, "}")
				switch {
				case !isParam:
					path[k] = s
				case k < i:
					path[k] = existing[p]
				default:
					path[k] = missing[p]
				}
			}
			got := e.call(method, strings.Join(path, "/"), map[string]any{})
			if got.status != http.StatusNotFound {
				continue // the operation checks the body before it looks the object up
			}
			checked++
			body := got.apiError(t, http.StatusNotFound)
			if !namesWord(body.Error, missing[name]) {
				t.Errorf("%s with %s %q unknown: %q does not name it", route, name, missing[name], body.Error)
			}
		}
	}
	t.Logf("checked %d not-found answers", checked)
	if checked < 15 {
		t.Errorf("only %d not-found answers checked", checked)
	}
}

// namesWord reports whether text holds word delimited by white space, quotes or sentence punctuation.
func namesWord(text, word string) bool {
	for _, f := range strings.FieldsFunc(text, func(r rune) bool { return strings.ContainsRune(" \t\n\"'`()[],;:!?", r) }) {
		if strings.TrimSuffix(f, ".") == word {
			return true
		}
	}
	return false
}
