package e2e_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
	"github.com/terraform-codat/terraform-provider-codat/internal/codat"
	"github.com/terraform-codat/terraform-provider-codat/internal/tfdriver"
)

// everyKindConfig holds one of every resource and data source, against baseURL. The resources name each other by
// literal ids, so that Terraform destroys them independently and every resource's Delete meets the wrong server.
func everyKindConfig(env *acctest.Env, baseURL string, ids objectIDs) string {
	return acctest.ProviderBlock(fmt.Sprintf("base_url = %q", baseURL), fmt.Sprintf("api_key = %q", env.APIKey),
		fmt.Sprintf("xero_token_url = %q", env.XeroTokenURL()), "max_retries = 1") + fmt.Sprintf(`
# Opted in, so that its destroy has requests to send, which the wrong servers must fail.
resource "codat_xero_integration" "this" {
  client_id                     = "A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6"
  client_secret                 = "xero-secret-1"
  verify_credentials            = false
  disable_on_destroy            = true
  delete_credentials_on_destroy = true
}

import {
  to = codat_company.this
  id = %[1]q
}

resource "codat_company" "this" {
  name = "Base URL test"
}

import {
  to = codat_connection.this
  id = "%[1]s/%[2]s"
}

resource "codat_connection" "this" {
  company_id = %[1]q
}

import {
  to = codat_bank_feed_account.this
  id = "%[1]s/%[2]s/acc-1"
}

resource "codat_bank_feed_account" "this" {
  company_id     = %[1]q
  connection_id  = %[2]q
  account_id     = "acc-1"
  account_name   = "Current"
  account_type   = "checking"
  account_number = "12345678"
  sort_code      = "040004"
  currency       = "GBP"
  balance        = 10
}

resource "codat_bank_feed_account_mapping" "this" {
  company_id        = %[1]q
  connection_id     = %[2]q
  source_account_id = "acc-1"
}

data "codat_integration" "xero" {
  platform_key = "gbol"
}

data "codat_company" "this" {
  id = %[1]q
}

data "codat_connection" "this" {
  company_id   = %[1]q
  platform_key = "gbol"
}

data "codat_bank_feed_mapping" "this" {
  company_id    = %[1]q
  connection_id = %[2]q
  depends_on    = [codat_bank_feed_account_mapping.this]
}
`, ids.company, ids.connection)
}

type objectIDs struct{ company, connection string }

// authorisedAccount creates, through Codat's API, a company whose Xero connection the SMB user has authorised and
// one source account "acc-1" on it.
func authorisedAccount(t *testing.T, env *acctest.Env) objectIDs {
	t.Helper()
	sortCode := "040004"
	company, conn := env.ScriptedCompany(t, "Base URL test", codat.SourceAccount{ID: "acc-1", AccountName: "Current",
		AccountType: "checking", AccountNumber: "12345678", SortCode: &sortCode, Currency: "GBP", Balance: "10"})
	return objectIDs{company, conn}
}

// A base_url that reaches something other than Codat's API never makes the provider take objects for deleted:
// refresh and destroy fail with an error that names the URL, the state keeps every object, Codat keeps every
// object, and with the right base_url the plan is empty (nothing to re-create, so nothing duplicated). A redirect
// is reported, not followed. Each wrong server is one a user can reach by mistake: a reverse proxy that serves the
// API under a path prefix (its 404s are Codat's, naming the prefixed path), a server that is not Codat's, and a
// server that redirects.
func TestAccBaseURL_wrongServerNeverEmptiesTheState(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	tf := acctest.NewCLI(t)
	ids := authorisedAccount(t, env)
	tf.WriteConfig(everyKindConfig(env, env.URL, ids))
	if run := tf.Apply(); !run.OK() {
		t.Fatalf("apply: %s", run)
	}
	if empty, run := tf.PlanIsEmpty(); !empty {
		t.Fatalf("plan after apply is not empty: %s", run)
	}
	want := stateAddresses(tf.State())
	if len(want) != 5 {
		t.Fatalf("state holds %v, want one object of each of the 5 resource types", want)
	}
	before := takeInventory(env.Sandbox, tf.State())
	before.check(t, "after apply")

	// The sandbox unwrapped by the contract check, which would rightly flag the prefixed paths as no operation.
	direct := httptest.NewServer(env.Sandbox.Handler())
	t.Cleanup(direct.Close)
	target, _ := url.Parse(direct.URL)
	prefixProxy := httptest.NewServer(&httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(target)
		r.Out.URL.Path = "/x" + r.In.URL.Path
		r.Out.URL.RawPath = "/x" + r.In.URL.EscapedPath()
	}})
	t.Cleanup(prefixProxy.Close)
	notCodat := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(notCodat.Close)
	redirecting := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, env.URL+r.URL.RequestURI(), http.StatusTemporaryRedirect)
	}))
	t.Cleanup(redirecting.Close)

	wrong := []struct {
		name, url string
		want      []string // in the error, white space aside
	}{
		{"reverse proxy with a path prefix", prefixProxy.URL, []string{prefixProxy.URL + "/companies/", "check base_url"}},
		{"server that is not Codat", notCodat.URL, []string{notCodat.URL + "/companies/", "check base_url"}},
		{"redirecting server", redirecting.URL, []string{"307 Temporary Redirect, redirecting to " + env.URL + "/", "does not follow redirects"}},
	}
	for _, w := range wrong {
		env.Sandbox.ResetCounts()
		tf.WriteConfig(everyKindConfig(env, w.url, ids))
		for _, args := range [][]string{
			{"apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color"},
			{"plan", "-input=false", "-no-color"},
			{"destroy", "-refresh=false", "-auto-approve", "-input=false", "-no-color"},
		} {
			run := tf.Run(args...)
			t.Logf("%s: %s", w.name, run)
			if run.OK() {
				t.Errorf("%s: terraform %s succeeded, want it to fail: %s", w.name, args[0], run)
			}
			out := strings.Join(strings.Fields(run.Output), " ")
			for _, s := range w.want {
				if !strings.Contains(out, s) {
					t.Errorf("%s: terraform %s output does not say %q: %s", w.name, args[0], s, run)
				}
			}
			if got := stateAddresses(tf.State()); !slices.Equal(got, want) {
				t.Errorf("%s: after terraform %s the state holds %v, want %v", w.name, args[0], got, want)
			}
			takeInventory(env.Sandbox, tf.State()).check(t, w.name+": after terraform "+args[0])
		}
		if n := env.Sandbox.TotalCalls(); n != 0 {
			t.Errorf("%s: the sandbox answered %d API calls through the wrong base_url: %v", w.name, n, env.Sandbox.Counts())
		}
	}

	// Back on the right base URL nothing is missing, so nothing would be created twice.
	tf.WriteConfig(everyKindConfig(env, env.URL, ids))
	if run := tf.Run("apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color"); !run.OK() {
		t.Fatalf("refresh through the right base_url: %s", run)
	}
	empty, run := tf.PlanIsEmpty()
	if !empty {
		t.Errorf("plan after the wrong base_urls is not empty: %s", run)
	}
	if got := stateAddresses(tf.State()); !slices.Equal(got, want) {
		t.Errorf("the state holds %v, want %v", got, want)
	}
	takeInventory(env.Sandbox, tf.State()).check(t, "back on the right base_url")
	if run := tf.Destroy(); !run.OK() {
		t.Fatalf("destroy: %s", run)
	}
}

func stateAddresses(objects []tfdriver.StateObject) []string {
	var out []string
	for _, o := range objects {
		out = append(out, o.Address)
	}
	slices.Sort(out)
	return out
}
