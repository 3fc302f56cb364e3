package provider_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
	"github.com/terraform-codat/terraform-provider-codat/internal/codat"
	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

// apiConnectionWithAccounts makes, through Codat's API, a company with a Xero connection and three source accounts
// that a script could have made: EUR with routing and account information and no sort code, GBP savings with
// account information, and GBP checking whose feed is live and whose balance pushed bank transactions moved.
func apiConnectionWithAccounts(t *testing.T, env *acctest.Env) (companyID, connectionID string) {
	t.Helper()
	ctx := context.Background()
	client, err := codat.NewClient(codat.Config{BaseURL: env.URL, APIKey: env.APIKey})
	if err != nil {
		t.Fatal(err)
	}
	company, err := client.CreateCompany(ctx, codat.CompanyRequest{Name: "Scripted Customer Ltd"})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := client.CreateConnection(ctx, company.ID, "gbol")
	if err != nil {
		t.Fatal(err)
	}
	sortCode := "040004"
	for _, a := range []codat.SourceAccount{
		// Created out of order: the data source lists them by id.
		{ID: "gbp-2", AccountName: "Current", AccountType: "checking", AccountNumber: "12345678", SortCode: &sortCode,
			Currency: "GBP", Balance: "1234.56"},
		{ID: "eur-1", AccountName: "Euro", AccountType: "checking", AccountNumber: "DE89370400440532013000", Currency: "EUR",
			Balance: "0", RoutingInfo: &codat.RoutingInfo{BankCode: "DEUTDEFF", Type: "swift"},
			AccountInfo: &codat.AccountInfo{Description: "Euro collections", AvailableBalance: "120.50"}},
		{ID: "gbp-1", AccountName: "Savings", AccountType: "savings", AccountNumber: "87654321", SortCode: &sortCode,
			Currency: "GBP", Balance: "10.50", AccountInfo: &codat.AccountInfo{Nickname: "Rainy day", AccountOpenDate: "2021-03-01"}},
	} {
		if _, err := client.CreateSourceAccount(ctx, company.ID, conn.ID, a); err != nil {
			t.Fatal(err)
		}
	}
	if err := env.Sandbox.AuthorizeConnection(company.ID, conn.ID); err != nil {
		t.Fatal(err)
	}
	if err := env.Sandbox.MapAccount(company.ID, conn.ID, "gbp-2", "", time.Now().AddDate(0, 0, -7)); err != nil {
		t.Fatal(err)
	}
	pushTransactions(t, env, company.ID, conn.ID, "gbp-2", map[string]any{"id": "t1",
		"date": time.Now().UTC().Format("2006-01-02"), "description": "Invoice 17", "amount": 1495.44, "balance": 2730,
		"transactionType": "Credit"})
	return company.ID, conn.ID
}

// Each account the data source lists is what an import of it records: resources configured from the list import
// with no change, the live account's balance moved by bank transactions included, and plan empty afterwards.
func TestAccBankFeedAccountsDataSource_importsWithoutChange(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	companyID, connectionID := apiConnectionWithAccounts(t, env)
	const ds = "data.codat_bank_feed_accounts.test"
	cfg := env.ProviderConfig() + fmt.Sprintf(`
data "codat_bank_feed_accounts" "test" {
  company_id    = %q
  connection_id = %q
}

locals {
  accounts = data.codat_bank_feed_accounts.test.accounts
}

# count rather than for_each: terraform-plugin-testing's state checks cannot read for_each addresses.
import {
  for_each = { for i, a in local.accounts : a.id => i }
  to       = codat_bank_feed_account.test[each.value]
  id       = each.key
}

resource "codat_bank_feed_account" "test" {
  count          = length(local.accounts)
  company_id     = local.accounts[count.index].company_id
  connection_id  = local.accounts[count.index].connection_id
  account_id     = local.accounts[count.index].account_id
  account_name   = local.accounts[count.index].account_name
  account_type   = local.accounts[count.index].account_type
  account_number = local.accounts[count.index].account_number
  sort_code      = local.accounts[count.index].sort_code
  routing_info   = local.accounts[count.index].routing_info
  currency       = local.accounts[count.index].currency
  balance        = local.accounts[count.index].balance
  account_info   = local.accounts[count.index].account_info
}
`, companyID, connectionID)
	account := func(i int) tfjsonpath.Path { return tfjsonpath.New("accounts").AtSliceIndex(i) }
	var noChange []plancheck.PlanCheck
	var sameAsImported []statecheck.StateCheck
	for i := range 3 {
		addr := fmt.Sprintf("codat_bank_feed_account.test[%d]", i)
		noChange = append(noChange, plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop))
		for _, attr := range []string{"id", "account_name", "sort_code", "routing_info", "balance", "current_balance",
			"account_info", "status", "feed_start_date", "modified_date"} {
			sameAsImported = append(sameAsImported, statecheck.CompareValuePairs(ds, account(i).AtMapKey(attr),
				addr, tfjsonpath.New(attr), compareEqual))
		}
	}
	checks := append(sameAsImported,
		statecheck.ExpectKnownValue(ds, account(0).AtMapKey("account_id"), knownvalue.StringExact("eur-1")),
		statecheck.ExpectKnownValue(ds, account(0).AtMapKey("sort_code"), knownvalue.Null()),
		statecheck.ExpectKnownValue(ds, account(0).AtMapKey("routing_info"), knownvalue.ObjectExact(map[string]knownvalue.Check{
			"bank_code": knownvalue.StringExact("DEUTDEFF"), "type": knownvalue.StringExact("swift"),
		})),
		statecheck.ExpectKnownValue(ds, account(0).AtMapKey("account_info"), knownvalue.ObjectExact(map[string]knownvalue.Check{
			"description": knownvalue.StringExact("Euro collections"), "nickname": knownvalue.Null(),
			"account_open_date": knownvalue.Null(), "available_balance": knownvalue.NumberExact(decimal("120.5")),
		})),
		statecheck.ExpectKnownValue(ds, account(1).AtMapKey("account_id"), knownvalue.StringExact("gbp-1")),
		statecheck.ExpectKnownValue(ds, account(1).AtMapKey("routing_info"), knownvalue.Null()),
		statecheck.ExpectKnownValue(ds, account(1).AtMapKey("balance"), knownvalue.NumberExact(decimal("10.5"))),
		statecheck.ExpectKnownValue(ds, account(1).AtMapKey("feed_start_date"), knownvalue.Null()),
		statecheck.ExpectKnownValue(ds, account(2).AtMapKey("account_id"), knownvalue.StringExact("gbp-2")),
		statecheck.ExpectKnownValue(ds, account(2).AtMapKey("status"), knownvalue.StringExact("connected")),
		statecheck.ExpectKnownValue(ds, account(2).AtMapKey("balance"), knownvalue.NumberExact(decimal("2730"))),
		statecheck.ExpectKnownValue(ds, account(2).AtMapKey("current_balance"), knownvalue.NumberExact(decimal("2730"))),
		statecheck.ExpectKnownValue(ds, account(2).AtMapKey("account_info"), knownvalue.Null()),
		statecheck.ExpectKnownValue(ds, account(2).AtMapKey("feed_start_date"),
			knownvalue.StringExact(time.Now().AddDate(0, 0, -7).UTC().Format("2006-01-02"))),
	)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             noChange,
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: checks,
		}},
	})
}

// A read is one list call, whatever the number of accounts; a connection without accounts gives an empty list;
// an unknown connection fails with Codat's message on connection_id.
func TestAccBankFeedAccountsDataSource_callsAndErrors(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	companyID, connectionID := apiConnectionWithAccounts(t, env)
	client, err := codat.NewClient(codat.Config{BaseURL: env.URL, APIKey: env.APIKey})
	if err != nil {
		t.Fatal(err)
	}
	empty, err := client.CreateConnection(context.Background(), companyID, "gbol")
	if err != nil {
		t.Fatal(err)
	}
	tf := newTFCLI(t)
	tf.writeConfig(env.ProviderConfig() + fmt.Sprintf(`
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
`, companyID, connectionID, empty.ID))
	env.Sandbox.ResetCounts()
	if run := tf.apply(); !run.ok() {
		t.Fatal(run)
	}
	if n, total := env.Sandbox.Count(sandbox.RouteListSourceAccounts), env.Sandbox.TotalCalls(); n != 2 || total != 2 {
		t.Errorf("two reads made %d list calls and %d calls in all, want 2 and 2: %v", n, total, env.Sandbox.Counts())
	}
	run := tf.run("output", "-json")
	var outputs map[string]struct{ Value json.RawMessage }
	if err := json.Unmarshal([]byte(run.output), &outputs); err != nil {
		t.Fatalf("terraform output -json: %v\n%s", err, run.output)
	}
	compact := func(v json.RawMessage) string {
		var b bytes.Buffer
		if err := json.Compact(&b, v); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	if got := compact(outputs["ids"].Value); got != `["eur-1","gbp-1","gbp-2"]` {
		t.Errorf("ids = %s", got)
	}
	if got := compact(outputs["none"].Value); got != `[]` {
		t.Errorf("a connection without accounts lists %s, want []", got)
	}

	tf.writeConfig(env.ProviderConfig() + fmt.Sprintf(`
data "codat_bank_feed_accounts" "gone" {
  company_id    = %q
  connection_id = "8a210b68-6988-11ed-a1eb-0242ac120002"
}
`, companyID))
	run = tf.run("plan", "-no-color")
	if run.ok() || !acctest.ErrorRegexp(`with data.codat_bank_feed_accounts.gone`, `connection_id`, `not found`).MatchString(run.output) {
		t.Errorf("an unknown connection: %s", run)
	}
}
