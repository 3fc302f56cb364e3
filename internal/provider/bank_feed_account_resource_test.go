package provider_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

func TestAccBankFeedAccountResource_lifecycle(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	const addr = "codat_bank_feed_account.test"
	acctest.Test(t, resource.TestCase{
		CheckDestroy: env.CheckEmpty(),
		Steps: []resource.TestStep{
			{
				Config: acctest.AccountConfig(env, "Business Current", "12345678", "1234.56"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("pending")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("balance"), knownvalue.NumberExact(decimal("1234.56"))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("routing_info").AtMapKey("type"), knownvalue.StringExact("sortcode")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("account_info").AtMapKey("description"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("feed_start_date"), knownvalue.Null()),
				},
				ConfigPlanChecks: acctest.Converges(),
				Check: func(s *terraform.State) error {
					a, companyID, connID := env.OnlyAccount(t)
					want := companyID + "/" + connID + "/acc-001"
					if got := s.RootModule().Resources[addr].Primary.ID; got != want {
						return fmt.Errorf("id %q, want %q", got, want)
					}
					if a.AccountName != "Business Current" || a.Balance != "1234.56" || a.SortCode == nil || *a.SortCode != "040004" {
						return fmt.Errorf("sandbox account %+v", a)
					}
					return nil
				},
			},
			{
				// Name and balance update in place.
				Config:           acctest.AccountConfig(env, "Business Current GBP", "12345678", "99.1"),
				ConfigPlanChecks: acctest.Converges(plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)),
				Check: func(*terraform.State) error {
					if a, _, _ := env.OnlyAccount(t); a.AccountName != "Business Current GBP" || a.Balance != "99.1" {
						return fmt.Errorf("sandbox account after update %+v", a)
					}
					return nil
				},
			},
			{
				// Codat cannot change an account number: replace.
				Config:           acctest.AccountConfig(env, "Business Current GBP", "87654321", "99.1"),
				ConfigPlanChecks: acctest.Converges(plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)),
				Check: func(*terraform.State) error {
					if a, _, _ := env.OnlyAccount(t); a.AccountNumber != "87654321" {
						return fmt.Errorf("sandbox account after replace %+v", a)
					}
					return nil
				},
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				// Deleted outside Terraform: re-created.
				PreConfig: func() {
					a, companyID, connID := env.OnlyAccount(t)
					if err := env.Sandbox.DeleteSourceAccount(companyID, connID, a.ID); err != nil {
						t.Fatal(err)
					}
				},
				Config:           acctest.AccountConfig(env, "Business Current GBP", "87654321", "99.1"),
				ConfigPlanChecks: acctest.Converges(plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)),
			},
			{
				// Once the SMB user connects the account, Codat refuses balance changes: a new opening balance is
				// recorded in the state only.
				PreConfig: func() {
					a, companyID, connID := env.OnlyAccount(t)
					if err := env.Sandbox.AuthorizeConnection(companyID, connID); err != nil {
						t.Fatal(err)
					}
					if err := env.Sandbox.MapAccount(companyID, connID, a.ID, "", time.Now().AddDate(0, -1, 0)); err != nil {
						t.Fatal(err)
					}
					env.Sandbox.ResetCounts()
				},
				Config:           acctest.AccountConfig(env, "Business Current GBP", "87654321", "150"),
				ConfigPlanChecks: acctest.Converges(plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("balance"), knownvalue.NumberExact(decimal("150"))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("current_balance"), knownvalue.NumberExact(decimal("99.1"))),
				},
			},
			{
				// The connected account's name still updates in place, and its status shows.
				PreConfig: func() {
					if n := env.Sandbox.Count(sandbox.RouteUpdateSourceAccount); n != 0 {
						t.Fatalf("a balance change of a connected account sent %d source-account updates", n)
					}
				},
				Config: acctest.AccountConfig(env, "Renamed while connected", "87654321", "99.1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("connected")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("feed_start_date"), knownvalue.NotNull()),
				},
			},
		},
	})
}
