package provider_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
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

// pushTransactions writes bank transactions to a source account through Codat's create-bank-transactions
// operation of the sandbox, as the team's own systems do once a feed is live.
func pushTransactions(t *testing.T, env *acctest.Env, companyID, connectionID, accountID string, transactions ...map[string]any) {
	t.Helper()
	body, err := json.Marshal(map[string]any{"accountId": accountID, "transactions": transactions})
	if err != nil {
		t.Fatal(err)
	}
	url := fmt.Sprintf("%s/companies/%s/connections/%s/push/bankAccounts/%s/bankTransactions", env.URL, companyID, connectionID, accountID)
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(env.APIKey)))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("pushing transactions: %d %s", resp.StatusCode, answer)
	}
}

// connectAccount authorises the sandbox's only connection and has the SMB user map its only account.
func connectAccount(t *testing.T, env *acctest.Env) (companyID, connectionID, accountID string) {
	t.Helper()
	a, companyID, connectionID := sandboxAccount(t, env)
	if err := env.Sandbox.AuthorizeConnection(companyID, connectionID); err != nil {
		t.Fatal(err)
	}
	if err := env.Sandbox.MapAccount(companyID, connectionID, a.ID, "", time.Now().AddDate(0, 0, -7)); err != nil {
		t.Fatal(err)
	}
	return companyID, connectionID, a.ID
}

// Once a feed is live, pushed transactions move Codat's balance (CODAT-FACTS C7). balance is the configured
// opening balance and current_balance Codat's: plans stay empty and never try to write the balance back.
func TestAccBankFeedAccountResource_pushedTransactionsMoveBalance(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	const addr = "codat_bank_feed_account.test"
	config := accountConfig(env, "Business Current", "12345678", "1234.56")
	today := time.Now().UTC().Format("2006-01-02")
	noBalanceWrite := func(*terraform.State) error {
		if n := env.Sandbox.Count(sandbox.RouteUpdateSourceAccount); n != 0 {
			return fmt.Errorf("%d source-account updates sent to a connected account", n)
		}
		return nil
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		CheckDestroy:             checkSandboxEmpty(env),
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
					companyID, connectionID, accountID := connectAccount(t, env)
					pushTransactions(t, env, companyID, connectionID, accountID,
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
				Config: accountConfig(env, "Business Current", "12345678", "1500"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("balance"), knownvalue.NumberExact(decimal("1500"))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("current_balance"), knownvalue.NumberExact(decimal("2730"))),
				},
				Check: func(s *terraform.State) error {
					if a, _, _ := sandboxAccount(t, env); a.Balance != "2730" {
						return fmt.Errorf("Codat's balance %s, want 2730 (the last pushed transaction's)", a.Balance)
					}
					return noBalanceWrite(s)
				},
			},
			{
				// Disconnected, the account's balance is Codat's to update again: a configuration change is sent.
				PreConfig: func() {
					a, companyID, connectionID := sandboxAccount(t, env)
					if err := env.Sandbox.DisconnectAccount(companyID, connectionID, a.ID); err != nil {
						t.Fatal(err)
					}
				},
				Config: accountConfig(env, "Business Current", "12345678", "1600"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("disconnected")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("current_balance"), knownvalue.NumberExact(decimal("1600"))),
				},
				Check: func(*terraform.State) error {
					if a, _, _ := sandboxAccount(t, env); a.Balance != "1600" {
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

// The same through the terraform CLI, as a team runs it: once transactions have moved a connected account's
// balance, `terraform plan` succeeds twice in a row with no change; a new opening balance in the configuration
// plans an in-place update that warns it is recorded only.
func TestAccBankFeedAccountCLI_plansAfterPushedTransactions(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	tf := newTFCLI(t)
	tf.writeConfig(accountConfig(env, "Business Current", "12345678", "1234.56"))
	if run := tf.apply(); !run.ok() {
		t.Fatalf("apply: %s", run)
	}
	companyID, connectionID, accountID := connectAccount(t, env)
	pushTransactions(t, env, companyID, connectionID, accountID,
		map[string]any{"id": "t1", "date": time.Now().UTC().Format("2006-01-02"), "description": "Card payment",
			"amount": -234.56, "balance": 1000, "transactionType": "Debit"})
	for i := 1; i <= 2; i++ {
		if empty, run := tf.planIsEmpty(); !empty {
			t.Fatalf("plan %d after the push is not empty: %s", i, run)
		}
	}
	if objs := tf.state(); len(objs) != 3 {
		t.Fatalf("state holds %d objects", len(objs))
	}

	tf.writeConfig(accountConfig(env, "Business Current", "12345678", "1300"))
	empty, run := tf.planIsEmpty()
	if empty || !strings.Contains(run.output, "Opening balance recorded, not sent") ||
		!regexp.MustCompile(`~ balance\s+= 1234\.56 -> 1300`).MatchString(run.output) || strings.Contains(run.output, "forces replacement") {
		t.Fatalf("plan of a new opening balance: %s", run)
	}
	if n := env.Sandbox.Count(sandbox.RouteUpdateSourceAccount); n != 0 {
		t.Errorf("%d source-account updates sent", n)
	}
	if run := tf.destroy(); !run.ok() {
		t.Fatalf("destroy: %s", run)
	}
}
