package provider_test

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

// bigQuota lets a test make thousands of objects through the API, beyond Codat's daily quota and per-minute limit.
func bigQuota(o *sandbox.Options) { o.DailyQuota, o.RequestsPerMinute = 100_000, 100_000 }

// createCompanies makes n companies through the API, named prefix and a number, with tags, eight at a time.
func createCompanies(t *testing.T, env *acctest.Env, n int, prefix string, tags map[string]string) []string {
	t.Helper()
	ids := make([]string, n)
	var wg sync.WaitGroup
	next := make(chan int)
	// A failed request ends the test (t.Fatal) in its own goroutine only; the others drain next, so nothing waits
	// forever for a worker that has gone.
	for range 8 {
		wg.Go(func() {
			defer func() {
				for range next {
				}
			}()
			for i := range next {
				body := map[string]any{"name": fmt.Sprintf("%s %d", prefix, i)}
				if tags != nil {
					body["tags"] = tags
				}
				var c struct{ ID string }
				env.Call(t, http.MethodPost, "/companies", body, &c)
				ids[i] = c.ID
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	return ids
}

func identityValues(results []listed, attr string) []string {
	var out []string
	for _, r := range results {
		out = append(out, r.identity[attr])
	}
	slices.Sort(out)
	return out
}

// list "codat_company" reads every page of GET /companies at the largest page size Codat serves, one call per
// 2,000 companies, and filters by tags and name; what it lists is what an import by the listed identity reads,
// and its generated configuration plans no change.
func TestProtocolList_companies(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, bigQuota)
	plain := createCompanies(t, env, 2040, "Customer", nil)
	retail := createCompanies(t, env, 3, "Retailer", map[string]string{"segment": "retail", "region": "uk"})
	createCompanies(t, env, 2, "Wholesaler", map[string]string{"segment": "wholesale", "region": "uk"})
	named := env.CreateCompany(t, "Bakery Ltd")
	p := newProtoServer(t, env)

	env.Sandbox.ResetCounts()
	all, diags := p.list("codat_company", nil, false, 10_000)
	if len(diags) != 0 {
		t.Fatalf("list: %s", diagText(diags))
	}
	var want []string
	for _, c := range env.Sandbox.Companies() {
		want = append(want, c.ID)
	}
	slices.Sort(want)
	if got := identityValues(all, "id"); !slices.Equal(got, want) || len(want) != 2046 || !slices.Contains(want, named) || !slices.Contains(want, plain[0]) {
		t.Errorf("listed %d companies, want the sandbox's %d, each once", len(got), len(want))
	}
	// 2,046 companies: two pages of at most 2,000.
	if counts := env.Sandbox.Counts(); counts[sandbox.RouteListCompanies] != 2 || env.Sandbox.TotalCalls() != 2 {
		t.Errorf("listing 2,046 companies made %v, want 2 GET /companies", counts)
	}

	env.Sandbox.ResetCounts()
	tagged, _ := p.list("codat_company", map[string]any{"tags": map[string]string{"segment": "retail", "region": "uk"}}, true, 100)
	if got, want := identityValues(tagged, "id"), slices.Sorted(slices.Values(retail)); !slices.Equal(got, want) {
		t.Errorf("companies tagged segment=retail and region=uk: %v, want %v", got, want)
	}
	if n := env.Sandbox.TotalCalls(); n > 2 {
		t.Errorf("a tags filter made %d calls, more than the pages of every company", n)
	}
	for _, l := range tagged {
		if !strings.HasPrefix(l.display, "Retailer ") {
			t.Errorf("display name %q, want the company name", l.display)
		}
		p.adopt("codat_company", l)
	}

	byName, _ := p.list("codat_company", map[string]any{"name": "Bakery Ltd"}, true, 100)
	if len(byName) != 1 || byName[0].identity["id"] != named {
		t.Errorf("companies named Bakery Ltd: %+v, want only %s", byName, named)
	}
	none, _ := p.list("codat_company", map[string]any{"name": "Bakery", "tags": map[string]string{"segment": "retail"}}, false, 100)
	if len(none) != 0 {
		t.Errorf("filters that match no company listed %d", len(none))
	}

	limited, _ := p.list("codat_company", nil, false, 7)
	if len(limited) != 7 {
		t.Errorf("a list limited to 7 gave %d results", len(limited))
	}
}

// list "codat_connection" takes the connections from the companies Codat lists (dataConnections): one call for a
// company, the pages of GET /companies for all; platform keys Codat leaves out are found with at most two
// integration calls; a company or platform key that does not exist is an error.
func TestProtocolList_connections(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, bigQuota)
	companies := createCompanies(t, env, 3, "Customer", nil)
	xero := map[string]string{}
	for _, c := range companies {
		xero[env.CreateConnection(t, c)] = c
	}
	var quickBooks string
	env.Call(t, http.MethodPost, "/companies/"+companies[0]+"/connections", map[string]string{"platformKey": "qhyg"}, &struct{ ID *string }{&quickBooks})
	p := newProtoServer(t, env)

	env.Sandbox.ResetCounts()
	all, diags := p.list("codat_connection", nil, true, 100)
	if len(diags) != 0 {
		t.Fatalf("list: %s", diagText(diags))
	}
	want := slices.Sorted(maps.Keys(xero))
	if got := identityValues(all, "id"); !slices.Equal(got, slices.Sorted(slices.Values(append(want, quickBooks)))) {
		t.Errorf("listed connections %v, want %v and %s", got, want, quickBooks)
	}
	if counts := env.Sandbox.Counts(); counts[sandbox.RouteListCompanies] != 1 || env.Sandbox.TotalCalls() != 1 {
		t.Errorf("listing every connection made %v, want one GET /companies", counts)
	}
	for _, l := range all {
		if l.identity["id"] == quickBooks {
			if company := l.identity["company_id"]; company != companies[0] {
				t.Errorf("QuickBooks connection listed under company %s, want %s", company, companies[0])
			}
			continue
		}
		if company := l.identity["company_id"]; company != xero[l.identity["id"]] {
			t.Errorf("connection %s listed under company %s, want %s", l.identity["id"], company, xero[l.identity["id"]])
		}
		if !strings.Contains(l.display, "Xero connection (PendingAuth)") {
			t.Errorf("display name %q", l.display)
		}
		p.adopt("codat_connection", l)
	}

	// Codat may leave integrationKey out (CODAT-FACTS C3): the keys come from the integration list.
	env.Sandbox.SetIntegrationKeyOmitted(true)
	p = newProtoServer(t, env)
	env.Sandbox.ResetCounts()
	onlyXero, _ := p.list("codat_connection", map[string]any{"platform_key": "gbol"}, true, 100)
	if got := identityValues(onlyXero, "id"); !slices.Equal(got, want) {
		t.Errorf("Xero connections without integrationKey: %v, want %v", got, want)
	}
	for _, l := range onlyXero {
		if key := stringAttrs(t, l.resource)["platform_key"]; key != "gbol" {
			t.Errorf("connection %s listed with platform_key %q", l.identity["id"], key)
		}
	}
	counts := env.Sandbox.Counts()
	if counts[sandbox.RouteListCompanies] != 1 || counts[sandbox.RouteListIntegrations]+counts[sandbox.RouteGetIntegration] > 2 {
		t.Errorf("listing Xero connections without integrationKey made %v, want one GET /companies and at most two integration calls", counts)
	}
	quickBooksOnly, _ := p.list("codat_connection", map[string]any{"platform_key": "qhyg"}, true, 100)
	if len(quickBooksOnly) != 1 || quickBooksOnly[0].identity["id"] != quickBooks || stringAttrs(t, quickBooksOnly[0].resource)["platform_key"] != "qhyg" {
		t.Errorf("QuickBooks connections: %+v, want only %s", quickBooksOnly, quickBooks)
	}
	env.Sandbox.SetIntegrationKeyOmitted(false)

	env.Sandbox.ResetCounts()
	ofOne, _ := p.list("codat_connection", map[string]any{"company_id": companies[1]}, false, 100)
	if len(ofOne) != 1 || ofOne[0].identity["company_id"] != companies[1] {
		t.Errorf("connections of company %s: %+v", companies[1], ofOne)
	}
	if counts := env.Sandbox.Counts(); counts[sandbox.RouteGetCompany] != 1 || env.Sandbox.TotalCalls() != 1 {
		t.Errorf("listing one company's connections made %v, want one GET /companies/{companyId}", counts)
	}

	_, diags = p.list("codat_connection", map[string]any{"company_id": acctest.TestCompanyID}, false, 100)
	if !slices.ContainsFunc(diags, func(d *tfprotov6.Diagnostic) bool {
		return d.Severity == tfprotov6.DiagnosticSeverityError && d.Summary == "Codat company "+acctest.TestCompanyID+" not found"
	}) {
		t.Errorf("connections of a company that does not exist: %s", diagText(diags))
	}
	_, diags = p.list("codat_connection", map[string]any{"platform_key": "zzzz"}, false, 100)
	if !slices.ContainsFunc(diags, func(d *tfprotov6.Diagnostic) bool { return d.Summary == `Unknown platform key "zzzz"` }) {
		t.Errorf("connections to a platform Codat does not have: %s", diagText(diags))
	}
}

// list "codat_bank_feed_account" reads one source-account list per connection, ten at a time, and stops calling
// Codat when Terraform has the results it asked for.
func TestProtocolList_bankFeedAccounts(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, bigQuota)
	companies := createCompanies(t, env, 15, "Customer", nil)
	type account struct{ company, connection, id string }
	var accounts []account
	for i, c := range companies {
		conn := env.CreateConnection(t, c)
		for j := range 1 + i%2 {
			id := fmt.Sprintf("acc-%d-%d", i, j)
			env.Call(t, http.MethodPost, "/companies/"+c+"/connections/"+conn+"/connectionInfo/bankFeedAccounts",
				map[string]any{"id": id, "accountName": "Account " + id, "accountType": "checking", "accountNumber": "1234" + id,
					"currency": "GBP", "sortCode": "400000", "balance": 10.5 + float64(j)}, nil)
			accounts = append(accounts, account{c, conn, id})
		}
	}
	p := newProtoServer(t, env)

	env.Sandbox.ResetCounts()
	all, diags := p.list("codat_bank_feed_account", nil, true, 1000)
	if len(diags) != 0 {
		t.Fatalf("list: %s", diagText(diags))
	}
	if len(all) != len(accounts) {
		t.Errorf("listed %d accounts, want %d", len(all), len(accounts))
	}
	for _, a := range accounts {
		if !slices.ContainsFunc(all, func(l listed) bool {
			return maps.Equal(l.identity, map[string]string{"company_id": a.company, "connection_id": a.connection, "account_id": a.id})
		}) {
			t.Errorf("account %+v not listed", a)
		}
	}
	counts := env.Sandbox.Counts()
	if counts[sandbox.RouteListCompanies] != 1 || counts[sandbox.RouteListSourceAccounts] != len(companies) || env.Sandbox.TotalCalls() != 1+len(companies) {
		t.Errorf("listing every account of %d connections made %v, want one GET /companies and one list per connection", len(companies), counts)
	}
	for _, l := range all[:4] {
		if !strings.HasPrefix(l.display, "Account acc-") || !strings.HasSuffix(l.display, "(checking, GBP)") {
			t.Errorf("display name %q", l.display)
		}
		p.adopt("codat_bank_feed_account", l)
	}

	// Each terraform query is a new provider process, which has read nothing yet.
	p = newProtoServer(t, env)
	env.Sandbox.ResetCounts()
	ofCompany, _ := p.list("codat_bank_feed_account", map[string]any{"company_id": companies[1]}, false, 100)
	if got := identityValues(ofCompany, "account_id"); !slices.Equal(got, []string{"acc-1-0", "acc-1-1"}) {
		t.Errorf("accounts of company 1: %v", got)
	}
	if counts := env.Sandbox.Counts(); counts[sandbox.RouteGetCompany] != 1 || counts[sandbox.RouteListSourceAccounts] != 1 || env.Sandbox.TotalCalls() != 2 {
		t.Errorf("listing one company's accounts made %v, want its company and one list", counts)
	}

	p = newProtoServer(t, env)
	env.Sandbox.ResetCounts()
	ofConnection, _ := p.list("codat_bank_feed_account", map[string]any{"company_id": companies[3], "connection_id": accounts[4].connection}, false, 100)
	if got := identityValues(ofConnection, "account_id"); !slices.Equal(got, []string{"acc-3-0", "acc-3-1"}) {
		t.Errorf("accounts of connection 3: %v", got)
	}
	if counts := env.Sandbox.Counts(); counts[sandbox.RouteListSourceAccounts] != 1 || env.Sandbox.TotalCalls() != 1 {
		t.Errorf("listing one connection's accounts made %v, want one list", counts)
	}

	// Terraform wants one result: the lists of at most ten connections have started by then, not fifteen.
	p = newProtoServer(t, env)
	env.Sandbox.ResetCounts()
	one, _ := p.list("codat_bank_feed_account", nil, false, 1)
	if len(one) != 1 {
		t.Errorf("a list limited to 1 gave %d results", len(one))
	}
	if n := env.Sandbox.Count(sandbox.RouteListSourceAccounts); n > 10 {
		t.Errorf("a list limited to 1 listed the accounts of %d connections", n)
	}

	_, diags = p.list("codat_bank_feed_account", map[string]any{"company_id": companies[0], "connection_id": acctest.TestConnectionID}, false, 100)
	if !slices.ContainsFunc(diags, func(d *tfprotov6.Diagnostic) bool {
		return d.Severity == tfprotov6.DiagnosticSeverityError && strings.HasPrefix(d.Summary, "Unable to list the source accounts")
	}) {
		t.Errorf("accounts of a connection that does not exist: %s", diagText(diags))
	}
}

// A list block's filters are checked before any request, as a resource's attributes are.
func TestProtocolList_validation(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	p := newProtoServer(t, env)
	elevenTags := map[string]string{}
	for i := range 11 {
		elevenTags[fmt.Sprintf("k%d", i)] = "v"
	}
	cases := []struct {
		typeName string
		config   map[string]any
		want     string // "" for a valid configuration
	}{
		{"codat_company", nil, ""},
		{"codat_company", map[string]any{"tags": map[string]string{"segment": "retail"}, "name": "Bakery Ltd"}, ""},
		{"codat_company", map[string]any{"tags": elevenTags}, "map must contain at most 10 elements"},
		{"codat_company", map[string]any{"tags": map[string]string{strings.Repeat("k", 28): "v"}}, "character count must be between 1 and 27"},
		{"codat_company", map[string]any{"name": ""}, "string length must be at least 1"},
		{"codat_connection", map[string]any{"company_id": acctest.TestCompanyID, "platform_key": "gbol"}, ""},
		{"codat_connection", map[string]any{"company_id": "acme"}, "must be a UUID as Codat issues it"},
		{"codat_connection", map[string]any{"platform_key": "Xero"}, "must be four lowercase letters"},
		{"codat_bank_feed_account", map[string]any{"company_id": acctest.TestCompanyID, "connection_id": acctest.TestConnectionID}, ""},
		{"codat_bank_feed_account", map[string]any{"connection_id": acctest.TestConnectionID}, `"company_id" must be specified when "connection_id" is specified`},
		{"codat_bank_feed_account", map[string]any{"company_id": acctest.TestCompanyID, "connection_id": "../x"}, "must not contain a slash"},
	}
	for _, c := range cases {
		diags := p.validateList(c.typeName, c.config)
		if c.want == "" {
			if len(diags) != 0 {
				t.Errorf("%s %v: %s", c.typeName, c.config, diagText(diags))
			}
			continue
		}
		if !slices.ContainsFunc(diags, func(d *tfprotov6.Diagnostic) bool {
			return d.Severity == tfprotov6.DiagnosticSeverityError && strings.Contains(d.Detail, c.want)
		}) {
			t.Errorf("%s %v: want an error %q, got %s", c.typeName, c.config, c.want, diagText(diags))
		}
	}
	if n := env.Sandbox.TotalCalls(); n != 0 {
		t.Errorf("validating list configurations made %d API calls", n)
	}
}
