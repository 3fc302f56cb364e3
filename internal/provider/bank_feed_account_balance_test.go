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

// Once a feed is live, pushed transactions move Codat's balance (CODAT-FACTS C7). balance is the configured
// opening balance and current_balance Codat's: plans stay empty and never try to write the balance back.
func TestAccBankFeedAccountResource_pushedTransactionsMoveBalance(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	const addr = "codat_bank_feed_account.test"
	config := acctest.AccountConfig(env, "Business Current", "12345678", "1234.56")
	today := time.Now().UTC().Format("2006-01-02")
	noBalanceWrite := func(*terraform.State) error {
		if n := env.Sandbox.Count(sandbox.RouteUpdateSourceAccount); n != 0 {
			return fmt.Errorf("%d source-account updates sent to a connected account", n)
		}
		return nil
	}
	acctest.Test(t, resource.TestCase{
		CheckDestroy: env.CheckEmpty(),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("balance"), knownvalue.NumberExact(decimal("1234.56"))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("current_balance"), knownvalue.NumberExact(decimal("1234.56"))),
				},
			},
			{
				// The SMB user connects the account and the team writes its transactions: Codat's balance is
				// the last one's. The first plan after that is empty...
				PreConfig: func() {
					companyID, connectionID, accountID := env.ConnectAccount(t)
					env.PushTransactions(t, companyID, connectionID, accountID,
						map[string]any{"id": "t1", "date": today, "description": "Invoice 17", "amount": 1495.44, "balance": 2730, "transactionType": "Credit"})
					env.Sandbox.ResetCounts()
				},
				Config:   config,
				PlanOnly: true,
			},
			{
				// ...and so is the next one.
				Config:   config,
				PlanOnly: true,
			},
			{
				// An apply refreshes current_balance and writes nothing.
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("connected")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("balance"), knownvalue.NumberExact(decimal("1234.56"))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("current_balance"), knownvalue.NumberExact(decimal("2730"))),
				},
				Check: noBalanceWrite,
			},
			{
				// Importing the live account plans no replacement: the opening balance Codat no longer knows is
				// recorded in place, without a call.
				ResourceName:       addr,
				ImportState:        true,
				ImportStateKind:    resource.ImportBlockWithID,
				ExpectNonEmptyPlan: true,
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
			},
			{
				// A new opening balance in the configuration while connected changes Terraform's record only.
				Config:           acctest.AccountConfig(env, "Business Current", "12345678", "1500"),
				ConfigPlanChecks: acctest.Converges(plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("balance"), knownvalue.NumberExact(decimal("1500"))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("current_balance"), knownvalue.NumberExact(decimal("2730"))),
				},
				Check: func(s *terraform.State) error {
					if a, _, _ := env.OnlyAccount(t); a.Balance != "2730" {
						return fmt.Errorf("Codat's balance %s, want 2730 (the last pushed transaction's)", a.Balance)
					}
					return noBalanceWrite(s)
				},
			},
			{
				// Disconnected, the account's balance is Codat's to update again: a configuration change is sent.
				PreConfig: func() {
					a, companyID, connectionID := env.OnlyAccount(t)
					if err := env.Sandbox.DisconnectAccount(companyID, connectionID, a.ID); err != nil {
						t.Fatal(err)
					}
				},
				Config:           acctest.AccountConfig(env, "Business Current", "12345678", "1600"),
				ConfigPlanChecks: acctest.Converges(plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("disconnected")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("current_balance"), knownvalue.NumberExact(decimal("1600"))),
				},
				Check: func(*terraform.State) error {
					if a, _, _ := env.OnlyAccount(t); a.Balance != "1600" {
						return fmt.Errorf("Codat's balance %s, want 1600", a.Balance)
					}
					return nil
				},
			},
			{
				// And, its balance being the configured one, it imports into an empty plan.
				ResourceName:    addr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
			},
		},
	})
}
