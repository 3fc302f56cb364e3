package provider_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

// The whole flow: Terraform sets up a customer; the data source reports what the SMB user has done so far.
func TestAccBankFeedMappingDataSource_endToEnd(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	const ds = "data.codat_bank_feed_mapping.test"
	cfg := env.ProviderConfig() + acctest.CompanyAndConnection + `
locals {
  accounts = ["Dave Current", "Dave Savings", "Dave Reserve"]
}

# count rather than for_each: terraform-plugin-testing's destroy check cannot read for_each addresses.
resource "codat_bank_feed_account" "test" {
  count          = length(local.accounts)
  company_id     = codat_company.test.id
  connection_id  = codat_connection.test.id
  account_id     = "acc-${count.index + 1}"
  account_name   = local.accounts[count.index]
  account_type   = "checking"
  account_number = "1000${count.index + 1}"
  sort_code      = "040004"
  currency       = "GBP"
  balance        = 10
}
` + acctest.MappingRead("codat_bank_feed_account.test") + `
check "all_connected" {
  assert {
    condition     = data.codat_bank_feed_mapping.test.all_connected
    error_message = "Not every bank account feeds Xero yet: send the customer ${data.codat_bank_feed_mapping.test.link_url}"
  }
}
`
	account := func(i int) tfjsonpath.Path { return tfjsonpath.New("accounts").AtSliceIndex(i) }
	acctest.Test(t, resource.TestCase{
		CheckDestroy: env.CheckEmpty(),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: append(acctest.Attrs(ds, map[string]knownvalue.Check{
					"connection_status": knownvalue.StringExact("PendingAuth"),
					"pending_count":     knownvalue.Int64Exact(3),
					"connected_count":   knownvalue.Int64Exact(0),
					"all_connected":     knownvalue.Bool(false),
				}),
					statecheck.CompareValuePairs(ds, tfjsonpath.New("link_url"), "codat_connection.test", tfjsonpath.New("link_url"), compareEqual),
					statecheck.ExpectKnownValue(ds, account(0).AtMapKey("source_account_id"), knownvalue.StringExact("acc-1")),
					statecheck.ExpectKnownValue(ds, account(1).AtMapKey("source_account_id"), knownvalue.StringExact("acc-2")),
					statecheck.ExpectKnownValue(ds, account(2).AtMapKey("source_account_id"), knownvalue.StringExact("acc-3")),
					statecheck.ExpectKnownValue(ds, account(0).AtMapKey("status"), knownvalue.StringExact("pending")),
					statecheck.ExpectKnownValue(ds, account(0).AtMapKey("target_account_id"), knownvalue.Null()),
				),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{expectCheckStatus("check.all_connected", "fail")},
				},
			},
			{
				// The SMB user authorises Xero and connects two accounts: one to an existing Xero account, one to a
				// new one. A refresh shows it; the check still warns because the third account is not connected.
				PreConfig: func() {
					companyID, connectionID := env.AuthorizeOnlyConnection(t)
					existing := env.TargetNamed(t, companyID, connectionID, "Business Current Account").ID
					start := time.Now().AddDate(0, -1, 0)
					if err := env.Sandbox.MapAccount(companyID, connectionID, "acc-1", existing, start); err != nil {
						t.Fatal(err)
					}
					if err := env.Sandbox.MapAccount(companyID, connectionID, "acc-2", "", start); err != nil {
						t.Fatal(err)
					}
				},
				Config:           cfg,
				ConfigPlanChecks: acctest.Converges(expectCheckStatus("check.all_connected", "fail")),
				ConfigStateChecks: append(acctest.Attrs(ds, map[string]knownvalue.Check{
					"connection_status": knownvalue.StringExact("Linked"),
					"connected_count":   knownvalue.Int64Exact(2),
					"pending_count":     knownvalue.Int64Exact(1),
					"all_connected":     knownvalue.Bool(false),
				}),
					statecheck.ExpectKnownValue(ds, account(0).AtMapKey("target_account_name"), knownvalue.StringExact("Business Current Account")),
					statecheck.ExpectKnownValue(ds, account(1).AtMapKey("target_account_name"), knownvalue.StringExact("Dave Savings")),
					statecheck.ExpectKnownValue(ds, account(1).AtMapKey("status"), knownvalue.StringExact("connected")),
					statecheck.ExpectKnownValue(ds, account(1).AtMapKey("feed_start_date"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(ds, account(2).AtMapKey("status"), knownvalue.StringExact("pending")),
					// Of Xero's three accounts only the GBP one not fed yet is offered to the GBP account still pending.
					statecheck.ExpectKnownValue(ds, account(2).AtMapKey("target_account_options"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": knownvalue.StringExact("Business Savings Account")}),
					})),
					statecheck.ExpectKnownValue("codat_connection.test", tfjsonpath.New("status"), knownvalue.StringExact("Linked")),
					statecheck.ExpectKnownValue("codat_bank_feed_account.test[0]", tfjsonpath.New("status"), knownvalue.StringExact("connected")),
				),
			},
			{
				// With the last account connected the check passes.
				PreConfig: func() {
					c := env.OnlyCompany(t)
					conn := env.Sandbox.Connections(c.ID)[0]
					if err := env.Sandbox.MapAccount(c.ID, conn.ID, "acc-3", "", time.Now()); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{expectCheckStatus("check.all_connected", "pass")},
				},
				ConfigStateChecks: acctest.Attrs(ds, map[string]knownvalue.Check{
					"all_connected": knownvalue.Bool(true),
				}),
			},
		},
	})
}

// No source accounts is not "all connected".
func TestAccBankFeedMappingDataSource_noAccounts(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	const ds = "data.codat_bank_feed_mapping.test"
	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + acctest.CompanyAndConnection + acctest.MappingRead(),
			ConfigStateChecks: acctest.Attrs(ds, map[string]knownvalue.Check{
				"accounts":      knownvalue.ListSizeExact(0),
				"all_connected": knownvalue.Bool(false),
				"pending_count": knownvalue.Int64Exact(0),
			}),
		}},
	})
}

// expectCheckStatus asserts the result of a check block in the plan: "fail" is the warning Terraform prints.
func expectCheckStatus(address, status string) plancheck.PlanCheck {
	return checkStatus{address: address, status: status}
}

type checkStatus struct{ address, status string }

func (c checkStatus) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, r := range req.Plan.Checks {
		if r.Address.ToDisplay == c.address {
			if string(r.Status) != c.status {
				resp.Error = fmt.Errorf("%s is %q, want %q", c.address, r.Status, c.status)
			}
			return
		}
	}
	resp.Error = fmt.Errorf("plan has no result for %s", c.address)
}

// A mapping read-back that depends on the mappings it reports on is read after them in the same apply: it shows
// them connected at once, not pending until one more run. Within one provider process, each mapping's write makes
// the next read of the connection's list fetch it afresh.
func TestAccBankFeedMappingDataSource_readAfterMappings(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, func(o *sandbox.Options) { o.MappingDelay = 300 * time.Millisecond })
	const ds = "data.codat_bank_feed_mapping.test"
	readBack := acctest.MappingRead("codat_bank_feed_account.current", "codat_bank_feed_account.savings",
		"codat_bank_feed_account_mapping.current", "codat_bank_feed_account_mapping.savings")
	mappings := acctest.Mapping("current", "") + acctest.Mapping("savings", "")
	account := func(i int) tfjsonpath.Path { return tfjsonpath.New("accounts").AtSliceIndex(i) }
	acctest.Test(t, resource.TestCase{
		CheckDestroy: env.CheckEmpty(),
		Steps: []resource.TestStep{
			{
				Config: env.ProviderConfig() + twoAccounts + strings.Replace(readBack, ", codat_bank_feed_account_mapping.current, codat_bank_feed_account_mapping.savings", "", 1),
				ConfigStateChecks: acctest.Attrs(ds, map[string]knownvalue.Check{
					"pending_count": knownvalue.Int64Exact(2),
				}),
			},
			{
				PreConfig: func() { env.AuthorizeOnlyConnection(t) },
				Config:    env.ProviderConfig() + twoAccounts + mappings + readBack,
				ConfigStateChecks: append(acctest.Attrs(ds, map[string]knownvalue.Check{
					"all_connected":   knownvalue.Bool(true),
					"connected_count": knownvalue.Int64Exact(2),
					"pending_count":   knownvalue.Int64Exact(0),
				}),
					statecheck.ExpectKnownValue(ds, account(0).AtMapKey("status"), knownvalue.StringExact("connected")),
					statecheck.ExpectKnownValue(ds, account(1).AtMapKey("target_account_name"), knownvalue.StringExact("Dave Savings")),
					statecheck.CompareValuePairs(ds, account(1).AtMapKey("target_account_id"),
						"codat_bank_feed_account_mapping.savings", tfjsonpath.New("target_account_id"), compareEqual),
				),
				ConfigPlanChecks: acctest.Converges(),
			},
		},
	})
}
