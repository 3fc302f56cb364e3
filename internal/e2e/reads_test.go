package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"sync"
	"testing"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
	"github.com/terraform-codat/terraform-provider-codat/internal/codat"
	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
	"github.com/terraform-codat/terraform-provider-codat/internal/tfdriver"
)

// A read is one list call, whatever the number of accounts; a connection without accounts gives an empty list;
// an unknown connection fails with Codat's message on connection_id.
func TestAccBankFeedAccountsDataSource_callsAndErrors(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	companyID, connectionID := env.ScriptedConnection(t)
	emptyID := env.CreateConnection(t, companyID)
	tf := acctest.NewCLI(t)
	tf.WriteConfig(env.ProviderConfig() + fmt.Sprintf(`
data "codat_bank_feed_accounts" "three" {
  company_id    = %q
  connection_id = %q
}

data "codat_bank_feed_accounts" "none" {
  company_id    = %[1]q
  connection_id = %[3]q
}

output "ids" {
  value = [for a in data.codat_bank_feed_accounts.three.accounts : a.account_id]
}

output "none" {
  value = data.codat_bank_feed_accounts.none.accounts
}
`, companyID, connectionID, emptyID))
	env.Sandbox.ResetCounts()
	if run := tf.Apply(); !run.OK() {
		t.Fatal(run)
	}
	if n, total := env.Sandbox.Count(sandbox.RouteListSourceAccounts), env.Sandbox.TotalCalls(); n != 2 || total != 2 {
		t.Errorf("two reads made %d list calls and %d calls in all, want 2 and 2: %v", n, total, env.Sandbox.Counts())
	}
	compact := func(output string) string {
		var v json.RawMessage
		tf.Output(output, &v)
		var b bytes.Buffer
		if err := json.Compact(&b, v); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	if got := compact("ids"); got != `["eur-1","gbp-1","gbp-2"]` {
		t.Errorf("ids = %s", got)
	}
	if got := compact("none"); got != `[]` {
		t.Errorf("a connection without accounts lists %s, want []", got)
	}

	tf.WriteConfig(env.ProviderConfig() + fmt.Sprintf(`
data "codat_bank_feed_accounts" "gone" {
  company_id    = %q
  connection_id = "8a210b68-6988-11ed-a1eb-0242ac120002"
}
`, companyID))
	run := tf.Run("plan", "-no-color")
	if run.OK() || !acctest.ErrorRegexp(`with data.codat_bank_feed_accounts.gone`, `connection_id`, `not found`).MatchString(run.Output) {
		t.Errorf("an unknown connection: %s", run)
	}
}

// Each read costs one call when the connection is linked; while it is not, the warning needs the connection too. Codat's
// other 400 (a platform without bank-feed company information) keeps Codat's message, and an unknown connection
// is not found.
func TestAccBankFeedCompanyInfoDataSource_calls(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	tf := acctest.NewCLI(t)
	tf.WriteConfig(env.ProviderConfig() + acctest.CompanyWithConnection("test", "xero", "Calls Ltd") + `
resource "codat_connection" "other" {
  company_id   = codat_company.test.id
  platform_key = "dfxm"
}
`)
	if run := tf.Apply(); !run.OK() {
		t.Fatal(run)
	}
	state := tf.State()
	ids := map[string]string{}
	for _, o := range state {
		ids[o.Address] = o.Attr("id")
	}
	companyID := ids["codat_company.test"]
	lookup := func(connectionID string) string {
		return env.ProviderConfig() + `
data "codat_bank_feed_company_info" "test" {
  company_id    = "` + companyID + `"
  connection_id = "` + connectionID + `"
}
`
	}
	read := func(connectionID string) tfdriver.Result {
		t.Helper()
		tf2 := acctest.NewCLI(t)
		tf2.WriteConfig(lookup(connectionID))
		env.Sandbox.ResetCounts()
		return tf2.Run("plan", "-input=false", "-no-color")
	}

	run := read(ids["codat_connection.xero"])
	if !run.OK() || !regexp.MustCompile(`(?s)Warning: Codat connection [0-9a-f-]{36} is not linked: the SMB\s+user must authorise it first.*status is PendingAuth.*http://127\.0\.0\.1:\d+/link/companies/[0-9a-f-]{36}/connections/[0-9a-f-]{36}/start.*400 Bad Request.*correlation id`).MatchString(run.Output) {
		t.Fatalf("unlinked: %s", run)
	}
	t.Logf("read of an unlinked connection: %v", env.Sandbox.Counts())
	if got := env.Sandbox.Counts(); len(got) != 2 || got[sandbox.RouteGetCompanyInformation] != 1 || got[sandbox.RouteGetConnection] != 1 {
		t.Errorf("read of an unlinked connection made %v; want the information and the connection, once each", got)
	}

	for _, id := range []string{ids["codat_connection.xero"], ids["codat_connection.other"]} {
		if err := env.Sandbox.AuthorizeConnection(companyID, id); err != nil {
			t.Fatal(err)
		}
	}
	if run := read(ids["codat_connection.xero"]); !run.OK() {
		t.Fatalf("linked: %s", run)
	}
	t.Logf("read of a linked connection: %v", env.Sandbox.Counts())
	if got := env.Sandbox.Counts(); len(got) != 1 || got[sandbox.RouteGetCompanyInformation] != 1 {
		t.Errorf("read of a linked connection made %v; want one %s", got, sandbox.RouteGetCompanyInformation)
	}

	run = read(ids["codat_connection.other"])
	if run.OK() || !regexp.MustCompile(`(?s)Bank feeds are not\s+supported`).MatchString(run.Output) || regexp.MustCompile(`must\s+authorise`).MatchString(run.Output) {
		t.Errorf("a linked connection of a platform without bank feeds: %s", run)
	}
	run = read("3fa85f64-5717-4562-b3fc-2c963f66afa6")
	if run.OK() || !regexp.MustCompile(`(?s)Codat connection .* not found`).MatchString(run.Output) {
		t.Errorf("an unknown connection: %s", run)
	}
	if run := tf.Destroy(); !run.OK() {
		t.Fatal(run)
	}
}

// The calls a read makes, from the sandbox's counters: 2,050 companies are two GET /companies (the provider asks
// for pages of 5,000 and Codat serves 2,000), with no call per company; when Codat leaves integrationKey out, one
// GET /integrations/gbol more.
func TestAccCompaniesDataSource_readsEveryPage(t *testing.T) {
	t.Parallel()
	// Making 2,050 companies takes more than the 1,000 requests a day of a client without linked companies.
	env := acctest.New(t, func(o *sandbox.Options) { o.DailyQuota = 10_000 })
	client := env.Client(t)
	const total = 2050
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, total)
	sem := make(chan struct{}, 8)
	for i := range total {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			tags := map[string]string{"batch": "adopt"}
			if i%2 == 1 {
				tags["batch"] = "other"
			}
			c, err := client.CreateCompany(ctx, codat.CompanyRequest{Name: fmt.Sprintf("Customer %04d", i), Tags: tags})
			if err == nil && i < 3 {
				_, err = client.CreateConnection(ctx, c.ID, "gbol")
			}
			if err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	tf := acctest.NewCLI(t)
	tf.WriteConfig(env.ProviderConfig() + `
data "codat_companies" "all" {}

data "codat_companies" "adopt" {
  tags = { batch = "adopt" }
}

output "all" {
  value = length(data.codat_companies.all.companies)
}

output "adopt" {
  value = length(data.codat_companies.adopt.companies)
}

output "connections" {
  value = flatten([for c in data.codat_companies.all.companies : [for k in c.connections : k.platform_key]])
}
`)
	outputs := func() map[string]any {
		t.Helper()
		values := map[string]any{}
		for _, name := range []string{"all", "adopt", "connections"} {
			var v any
			tf.Output(name, &v)
			values[name] = v
		}
		return values
	}
	for _, omitted := range []bool{false, true} {
		env.Sandbox.SetIntegrationKeyOmitted(omitted)
		env.Sandbox.ResetCounts()
		if run := tf.Apply(); !run.OK() {
			t.Fatal(run)
		}
		counts := env.Sandbox.Counts()
		t.Logf("integrationKey omitted %v: two reads (all %d companies; tag filter) made %v", omitted, total, counts)
		// Two data sources: all companies in 2 pages, the tag-filtered half (1,025) in 1.
		if counts[sandbox.RouteListCompanies] != 3 {
			t.Errorf("%d GET /companies for 2,050 and 1,025 companies; want 3", counts[sandbox.RouteListCompanies])
		}
		wantIntegrationCalls := 0
		if omitted {
			wantIntegrationCalls = 1
		}
		if got := env.Sandbox.TotalCalls() - counts[sandbox.RouteListCompanies]; got != wantIntegrationCalls || counts[sandbox.RouteGetIntegration] != wantIntegrationCalls {
			t.Errorf("%d calls besides the lists (%v); want %d", got, counts, wantIntegrationCalls)
		}
		out := outputs()
		if out["all"] != float64(total) || out["adopt"] != float64(total/2) || fmt.Sprint(out["connections"]) != "[gbol gbol gbol]" {
			t.Errorf("outputs %v", out)
		}
	}
}

// Refreshing any number of consumers costs one GET /webhooks: measured on a plan of 5 consumers, and on a plan
// with none in the state, which lists nothing.
func TestAccWebhookConsumerResource_oneListPerPlan(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	tf := acctest.NewCLI(t)
	tf.WriteConfig(env.ProviderConfig() + `
resource "codat_webhook_consumer" "test" {
  count       = 5
  url         = "https://hooks.example.com/codat/${count.index}"
  event_types = ["connection.connected"]
}
`)
	if run := tf.Apply(); !run.OK() {
		t.Fatal(run)
	}
	if n := env.Sandbox.Count(sandbox.RouteCreateWebhookConsumer); n != 5 || env.Sandbox.Count(sandbox.RouteListWebhookConsumers) != 0 {
		t.Fatalf("apply of 5 consumers: %v", env.Sandbox.Counts())
	}
	env.Sandbox.ResetCounts()
	if empty, run := tf.PlanIsEmpty(); !empty {
		t.Fatalf("plan after apply is not empty: %s", run)
	}
	t.Logf("plan of 5 webhook consumers: %v", env.Sandbox.Counts())
	if got := env.Sandbox.Counts(); len(got) != 1 || got[sandbox.RouteListWebhookConsumers] != 1 {
		t.Errorf("plan of 5 consumers made %v; want one %s", got, sandbox.RouteListWebhookConsumers)
	}
	if run := tf.Destroy(); !run.OK() {
		t.Fatal(run)
	}
	if n := len(env.Sandbox.WebhookConsumers()); n != 0 {
		t.Errorf("%d consumers left after destroy", n)
	}
}
