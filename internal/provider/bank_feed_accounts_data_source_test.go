package provider_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
)

// Each account the data source lists is what an import of it records: resources configured from the list import
// with no change, the live account's balance moved by bank transactions included, and plan empty afterwards.
func TestAccBankFeedAccountsDataSource_importsWithoutChange(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	companyID, connectionID := env.ScriptedConnection(t)
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
	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config:            cfg,
			ConfigPlanChecks:  acctest.Converges(noChange...),
			ConfigStateChecks: checks,
		}},
	})
}
