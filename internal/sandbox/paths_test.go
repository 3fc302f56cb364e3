package sandbox_test

import (
	"net/http"
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
