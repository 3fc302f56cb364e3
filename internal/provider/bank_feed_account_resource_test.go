package provider_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

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
				ConfigStateChecks: acctest.Attrs(addr, map[string]knownvalue.Check{
					"status":          knownvalue.StringExact("pending"),
					"balance":         knownvalue.NumberExact(decimal("1234.56")),
					"routing_info":    knownvalue.ObjectPartial(map[string]knownvalue.Check{"type": knownvalue.StringExact("sortcode")}),
					"account_info":    knownvalue.ObjectPartial(map[string]knownvalue.Check{"description": knownvalue.Null()}),
					"feed_start_date": knownvalue.Null(),
				}),
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
				ConfigStateChecks: acctest.Attrs(addr, map[string]knownvalue.Check{
					"balance":         knownvalue.NumberExact(decimal("150")),
					"current_balance": knownvalue.NumberExact(decimal("99.1")),
				}),
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
				ConfigStateChecks: acctest.Attrs(addr, map[string]knownvalue.Check{
					"status":          knownvalue.StringExact("connected"),
					"feed_start_date": knownvalue.NotNull(),
				}),
			},
		},
	})
}

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
				ConfigStateChecks: acctest.Attrs(addr, map[string]knownvalue.Check{
					"balance":         knownvalue.NumberExact(decimal("1234.56")),
					"current_balance": knownvalue.NumberExact(decimal("1234.56")),
				}),
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
				Config:           config,
				ConfigPlanChecks: acctest.NoChange(),
				ConfigStateChecks: acctest.Attrs(addr, map[string]knownvalue.Check{
					"status":          knownvalue.StringExact("connected"),
					"balance":         knownvalue.NumberExact(decimal("1234.56")),
					"current_balance": knownvalue.NumberExact(decimal("2730")),
				}),
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
				ConfigStateChecks: acctest.Attrs(addr, map[string]knownvalue.Check{
					"balance":         knownvalue.NumberExact(decimal("1500")),
					"current_balance": knownvalue.NumberExact(decimal("2730")),
				}),
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
				ConfigStateChecks: acctest.Attrs(addr, map[string]knownvalue.Check{
					"status":          knownvalue.StringExact("disconnected"),
					"current_balance": knownvalue.NumberExact(decimal("1600")),
				}),
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

// integratedBeforeV2 makes the sandbox a Codat client integrated before 2024-08-01, which speaks v1 source accounts.
func integratedBeforeV2(o *sandbox.Options) {
	o.IntegratedOn = time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
}

func v1AccountsConfig(env *acctest.Env, debitName string) string {
	return env.ProviderConfig() + acctest.CompanyAndConnection +
		acctest.Account{Resource: "debit", ID: "acc-debit", Name: debitName, Type: "Debit", Number: "12345670",
			SortCode: "123456", Currency: "GBP", Balance: "99.99"}.HCL() +
		acctest.Account{Resource: "credit", ID: "acc-credit", Name: "Company card", Type: "Credit", Number: "5500",
			Currency: "USD", Balance: "-120.50"}.HCL()
}

// A Codat client integrated before 2024-08-01 gets v1 source accounts (CODAT-FACTS C6): account_type "Debit" (a
// Xero bank account) or "Credit" (a Xero credit-card account), created, read, imported and updated in v1 bodies.
func TestAccBankFeedAccountResource_v1Accounts(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, integratedBeforeV2)
	const debit, credit = "codat_bank_feed_account.debit", "codat_bank_feed_account.credit"
	today := time.Now().UTC().Format("2006-01-02")
	acctest.Test(t, resource.TestCase{
		CheckDestroy: env.CheckEmpty(),
		Steps: []resource.TestStep{
			{
				Config: v1AccountsConfig(env, "Business account"),
				ConfigStateChecks: append(acctest.Attrs(debit, map[string]knownvalue.Check{
					"account_type": knownvalue.StringExact("Debit"),
					"status":       knownvalue.StringExact("pending"),
				}), acctest.Attrs(credit, map[string]knownvalue.Check{
					"account_type":    knownvalue.StringExact("Credit"),
					"current_balance": knownvalue.NumberExact(decimal("-120.5")),
					"routing_info":    knownvalue.Null(),
				})...),
				ConfigPlanChecks: acctest.Converges(),
				Check: func(*terraform.State) error {
					c := env.OnlyCompany(t)
					conn := env.Sandbox.Connections(c.ID)[0]
					types := map[string]string{}
					for _, a := range env.Sandbox.SourceAccounts(c.ID, conn.ID) {
						types[a.ID] = a.AccountType
					}
					if len(types) != 2 || types["acc-debit"] != "Debit" || types["acc-credit"] != "Credit" {
						return fmt.Errorf("sandbox account types %v", types)
					}
					return nil
				},
			},
			{ResourceName: debit, ImportState: true, ImportStateKind: resource.ImportBlockWithID},
			{ResourceName: credit, ImportState: true, ImportStateKind: resource.ImportBlockWithID},
			{
				// The name updates in place (the update body is v1 for every client).
				Config:           v1AccountsConfig(env, "Renamed"),
				ConfigPlanChecks: acctest.Converges(plancheck.ExpectResourceAction(debit, plancheck.ResourceActionUpdate)),
			},
			{
				// Mapped and fed, the v1 account keeps an empty plan while its balance moves.
				PreConfig: func() {
					c := env.OnlyCompany(t)
					conn := env.Sandbox.Connections(c.ID)[0]
					if err := env.Sandbox.AuthorizeConnection(c.ID, conn.ID); err != nil {
						t.Fatal(err)
					}
					if err := env.Sandbox.MapAccount(c.ID, conn.ID, "acc-debit", "", time.Now().AddDate(0, 0, -3)); err != nil {
						t.Fatal(err)
					}
					env.PushTransactions(t, c.ID, conn.ID, "acc-debit",
						map[string]any{"id": "t1", "date": today, "description": "Sale", "amount": 10, "balance": 109.99, "transactionType": "Credit"})
				},
				Config:           v1AccountsConfig(env, "Renamed"),
				ConfigPlanChecks: acctest.NoChange(),
				ConfigStateChecks: acctest.Attrs(debit, map[string]knownvalue.Check{
					"status":          knownvalue.StringExact("connected"),
					"current_balance": knownvalue.NumberExact(decimal("109.99")),
					"feed_start_date": knownvalue.StringRegexp(datePattern),
				}),
			},
		},
	})
}

// A v1 account type sent to a client that speaks v2 is refused by Codat; the error says why.
func TestAccBankFeedAccountResource_v1TypeOnV2Client(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	acctest.Test(t, resource.TestCase{
		CheckDestroy: env.CheckEmpty(),
		Steps: []resource.TestStep{{
			Config:      v1AccountsConfig(env, "Business account"),
			ExpectError: acctest.ErrorRegexp(`Unable to create source account`, `accountType`, `Debit and Credit are account types of`, `v1`, `before 2024-08-01`),
		}},
	})
}
