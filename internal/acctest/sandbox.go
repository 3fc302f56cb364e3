package acctest

// Shortcuts to the test's sandbox: its single objects, the SMB user's steps, and requests sent through Codat's API
// as another program of the same Codat client would send them.

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/terraform-codat/terraform-provider-codat/internal/codat"
	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

// ProductsProgramme makes the sandbox's Codat client a participant of Codat's development programme, the only
// clients the alpha product endpoints serve.
func ProductsProgramme(o *sandbox.Options) { o.ProductsProgramme = true }

// CheckEmpty is a CheckDestroy: after destroy the sandbox holds no company (and so no connection or account).
func (e *Env) CheckEmpty() resource.TestCheckFunc {
	return func(*terraform.State) error {
		if cs := e.Sandbox.Companies(); len(cs) != 0 {
			return fmt.Errorf("sandbox still holds %d companies after destroy: %+v", len(cs), cs)
		}
		return nil
	}
}

// OnlyCompany is the sandbox's single company; the test fails unless there is exactly one.
func (e *Env) OnlyCompany(t testing.TB) sandbox.Company {
	t.Helper()
	cs := e.Sandbox.Companies()
	if len(cs) != 1 {
		t.Fatalf("sandbox holds %d companies, want 1", len(cs))
	}
	return cs[0]
}

// OnlyConnection is the single connection of the sandbox's single company.
func (e *Env) OnlyConnection(t testing.TB) (companyID string, conn sandbox.Connection) {
	t.Helper()
	c := e.OnlyCompany(t)
	conns := e.Sandbox.Connections(c.ID)
	if len(conns) != 1 {
		t.Fatalf("sandbox holds %d connections, want 1", len(conns))
	}
	return c.ID, conns[0]
}

// OnlyAccount is the single source account of the sandbox's single company and connection.
func (e *Env) OnlyAccount(t testing.TB) (a sandbox.SourceAccount, companyID, connectionID string) {
	t.Helper()
	companyID, conn := e.OnlyConnection(t)
	accounts := e.Sandbox.SourceAccounts(companyID, conn.ID)
	if len(accounts) != 1 {
		t.Fatalf("sandbox holds %d source accounts, want 1", len(accounts))
	}
	return accounts[0], companyID, conn.ID
}

// AuthorizeOnlyConnection lets the SMB user of the sandbox's single company authorise its single connection.
func (e *Env) AuthorizeOnlyConnection(t testing.TB) (companyID, connectionID string) {
	t.Helper()
	companyID, conn := e.OnlyConnection(t)
	if err := e.Sandbox.AuthorizeConnection(companyID, conn.ID); err != nil {
		t.Fatal(err)
	}
	return companyID, conn.ID
}

// ConnectAccount authorises the sandbox's only connection and has the SMB user map its only account, with a feed
// from a week back.
func (e *Env) ConnectAccount(t testing.TB) (companyID, connectionID, accountID string) {
	t.Helper()
	a, companyID, connectionID := e.OnlyAccount(t)
	if err := e.Sandbox.AuthorizeConnection(companyID, connectionID); err != nil {
		t.Fatal(err)
	}
	if err := e.Sandbox.MapAccount(companyID, connectionID, a.ID, "", time.Now().AddDate(0, 0, -7)); err != nil {
		t.Fatal(err)
	}
	return companyID, connectionID, a.ID
}

// TargetNamed is the connection's target (Xero) account with the given name; the test fails when there is none.
func (e *Env) TargetNamed(t testing.TB, companyID, connectionID, name string) sandbox.TargetAccount {
	t.Helper()
	for _, ta := range e.Sandbox.TargetAccounts(companyID, connectionID) {
		if ta.Name == name {
			return ta
		}
	}
	t.Fatalf("no Xero account named %q", name)
	return sandbox.TargetAccount{}
}

// TargetsNamed counts the connection's target accounts with the given name.
func (e *Env) TargetsNamed(companyID, connectionID, name string) int {
	n := 0
	for _, ta := range e.Sandbox.TargetAccounts(companyID, connectionID) {
		if ta.Name == name {
			n++
		}
	}
	return n
}

// Client is a Codat client of the sandbox, for setting up objects as a team's own scripts would.
func (e *Env) Client(t testing.TB) *codat.Client {
	t.Helper()
	c, err := codat.NewClient(codat.Config{BaseURL: e.URL, APIKey: e.APIKey})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Call sends one API request to the sandbox as another Codat client of the same tenant would, and decodes the
// answer into out when out is not nil; an answer other than 2xx fails the test.
func (e *Env) Call(t testing.TB, method, path string, body, out any) {
	t.Helper()
	var buf bytes.Buffer
	if body != nil {
		if err := json.NewEncoder(&buf).Encode(body); err != nil {
			t.Fatal(err)
		}
	}
	req, err := http.NewRequest(method, e.URL+path, &buf)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(e.APIKey)))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode >= 300 {
		t.Fatalf("%s %s: status %d: %s", method, path, resp.StatusCode, answer)
	}
	if out != nil {
		if err := json.Unmarshal(answer, out); err != nil {
			t.Fatal(err)
		}
	}
}

// CreateCompany creates a company through the API and returns its id.
func (e *Env) CreateCompany(t testing.TB, name string) string {
	t.Helper()
	var c struct{ ID string }
	e.Call(t, http.MethodPost, "/companies", map[string]string{"name": name}, &c)
	return c.ID
}

// CreateConnection creates a Xero connection of a company through the API and returns its id.
func (e *Env) CreateConnection(t testing.TB, companyID string) string {
	t.Helper()
	var c struct{ ID string }
	e.Call(t, http.MethodPost, "/companies/"+companyID+"/connections", map[string]string{"platformKey": "gbol"}, &c)
	return c.ID
}

// PushTransactions writes bank transactions to a source account through Codat's create-bank-transactions operation,
// as the team's own systems do once a feed is live.
func (e *Env) PushTransactions(t testing.TB, companyID, connectionID, accountID string, transactions ...map[string]any) {
	t.Helper()
	e.Call(t, http.MethodPost, fmt.Sprintf("/companies/%s/connections/%s/push/bankAccounts/%s/bankTransactions", companyID,
		connectionID, accountID), map[string]any{"accountId": accountID, "transactions": transactions}, nil)
}
