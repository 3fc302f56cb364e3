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
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(debit, tfjsonpath.New("account_type"), knownvalue.StringExact("Debit")),
					statecheck.ExpectKnownValue(debit, tfjsonpath.New("status"), knownvalue.StringExact("pending")),
					statecheck.ExpectKnownValue(credit, tfjsonpath.New("account_type"), knownvalue.StringExact("Credit")),
					statecheck.ExpectKnownValue(credit, tfjsonpath.New("current_balance"), knownvalue.NumberExact(decimal("-120.5"))),
					statecheck.ExpectKnownValue(credit, tfjsonpath.New("routing_info"), knownvalue.Null()),
				},
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
				Config: v1AccountsConfig(env, "Renamed"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(debit, tfjsonpath.New("status"), knownvalue.StringExact("connected")),
					statecheck.ExpectKnownValue(debit, tfjsonpath.New("current_balance"), knownvalue.NumberExact(decimal("109.99"))),
					statecheck.ExpectKnownValue(debit, tfjsonpath.New("feed_start_date"), knownvalue.StringRegexp(datePattern)),
				},
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
