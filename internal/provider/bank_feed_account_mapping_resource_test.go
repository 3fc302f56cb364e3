package provider_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

// twoAccounts is a company, its Xero connection and two GBP source accounts.
const twoAccounts = companyAndConnection + `
resource "codat_bank_feed_account" "current" {
  company_id     = codat_company.test.id
  connection_id  = codat_connection.test.id
  account_id     = "acc-current"
  account_name   = "Dave Current"
  account_type   = "checking"
  account_number = "11111111"
  sort_code      = "040004"
  currency       = "GBP"
  balance        = 100
}

resource "codat_bank_feed_account" "savings" {
  company_id     = codat_company.test.id
  connection_id  = codat_connection.test.id
  account_id     = "acc-savings"
  account_name   = "Dave Savings"
  account_type   = "savings"
  account_number = "22222222"
  sort_code      = "040004"
  currency       = "GBP"
  balance        = 2500
}
`

// authorizeOnlyConnection plays the SMB user authorising the sandbox's single connection.
func authorizeOnlyConnection(t *testing.T, env *acctest.Env) (companyID, connectionID string) {
	t.Helper()
	c := onlyCompany(t, env)
	conns := env.Sandbox.Connections(c.ID)
	if len(conns) != 1 {
		t.Fatalf("sandbox holds %d connections, want 1", len(conns))
	}
	if err := env.Sandbox.AuthorizeConnection(c.ID, conns[0].ID); err != nil {
		t.Fatal(err)
	}
	return c.ID, conns[0].ID
}

func targetNamed(t *testing.T, env *acctest.Env, companyID, connectionID, name string) sandbox.TargetAccount {
	t.Helper()
	for _, ta := range env.Sandbox.TargetAccounts(companyID, connectionID) {
		if ta.Name == name {
			return ta
		}
	}
	t.Fatalf("no Xero account named %q", name)
	return sandbox.TargetAccount{}
}

func TestAccBankFeedAccountMappingResource_lifecycle(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, func(o *sandbox.Options) { o.MappingDelay = 600 * time.Millisecond })
	const existing, created = "codat_bank_feed_account_mapping.current", "codat_bank_feed_account_mapping.savings"
	feedStart := time.Now().AddDate(0, -2, 0).Format("2006-01-02")
	var companyID, connectionID, targetID string
	vars := config.Variables{"target_id": lazyString(func() string { return targetID })}

	mappings := env.ProviderConfig() + twoAccounts + fmt.Sprintf(`
variable "target_id" {
  type = string
}

resource "codat_bank_feed_account_mapping" "current" {
  company_id        = codat_company.test.id
  connection_id     = codat_connection.test.id
  source_account_id = codat_bank_feed_account.current.account_id
  target_account_id = var.target_id
  feed_start_date   = %q
}

# No target: Xero gets a new bank account named after the source account.
resource "codat_bank_feed_account_mapping" "savings" {
  company_id        = codat_company.test.id
  connection_id     = codat_connection.test.id
  source_account_id = codat_bank_feed_account.savings.account_id

  timeouts {
    create = "2m"
  }
}
`, feedStart)

	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		CheckDestroy:             checkSandboxEmpty(env),
		Steps: []resource.TestStep{
			{Config: env.ProviderConfig() + twoAccounts},
			{
				// The SMB user authorised Xero; the API maps both accounts and waits until they are connected.
				PreConfig: func() {
					companyID, connectionID = authorizeOnlyConnection(t, env)
					targetID = targetNamed(t, env, companyID, connectionID, "Business Current Account").ID
				},
				Config:          mappings,
				ConfigVariables: vars,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(existing, tfjsonpath.New("status"), knownvalue.StringExact("connected")),
					statecheck.ExpectKnownValue(existing, tfjsonpath.New("target_account_name"), knownvalue.StringExact("Business Current Account")),
					statecheck.ExpectKnownValue(existing, tfjsonpath.New("feed_start_date"), knownvalue.StringExact(feedStart)),
					statecheck.ExpectKnownValue(created, tfjsonpath.New("status"), knownvalue.StringExact("connected")),
					statecheck.ExpectKnownValue(created, tfjsonpath.New("target_account_name"), knownvalue.StringExact("Dave Savings")),
					statecheck.ExpectKnownValue(created, tfjsonpath.New("target_account_id"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(created, tfjsonpath.New("feed_start_date"), knownvalue.NotNull()),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: func(*terraform.State) error {
					for _, a := range env.Sandbox.SourceAccounts(companyID, connectionID) {
						if a.Status != sandbox.AccountConnected {
							return fmt.Errorf("source account %s is %q in the sandbox", a.ID, a.Status)
						}
					}
					return nil
				},
			},
			{
				ResourceName:            existing,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
				ConfigVariables:         vars,
			},
			{
				ResourceName:            created,
				ImportState:             true,
				ImportStateIdFunc:       importID(created, "company_id", "connection_id", "source_account_id"),
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
				ConfigVariables:         vars,
			},
			{
				// The SMB user disconnects an account: the mapping is gone, and the next apply maps it again.
				PreConfig: func() {
					if err := env.Sandbox.DisconnectAccount(companyID, connectionID, "acc-current"); err != nil {
						t.Fatal(err)
					}
				},
				Config:          mappings,
				ConfigVariables: vars,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(existing, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// Another target account: replace (disconnect, then map again).
				PreConfig: func() {
					targetID = targetNamed(t, env, companyID, connectionID, "Business Savings Account").ID
				},
				Config:          mappings,
				ConfigVariables: vars,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(existing, plancheck.ResourceActionDestroyBeforeCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(existing, tfjsonpath.New("target_account_name"), knownvalue.StringExact("Business Savings Account")),
				},
			},
			{
				// Destroying a mapping disconnects the source account, Codat's only inverse of a mapping.
				Config: env.ProviderConfig() + twoAccounts,
				Check: func(*terraform.State) error {
					for _, a := range env.Sandbox.SourceAccounts(companyID, connectionID) {
						if a.Status != sandbox.AccountDisconnected {
							return fmt.Errorf("source account %s is %q after its mapping was destroyed", a.ID, a.Status)
						}
					}
					return nil
				},
			},
		},
	})
}

// Xero refuses bank feeds for organisations without them: the error explains what to switch on.
func TestAccBankFeedAccountMappingResource_bankFeedsUnsupported(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		CheckDestroy:             checkSandboxEmpty(env),
		Steps: []resource.TestStep{
			{Config: env.ProviderConfig() + twoAccounts},
			{
				PreConfig: func() {
					companyID, connectionID := authorizeOnlyConnection(t, env)
					if err := env.Sandbox.SetBankFeedsSupported(companyID, connectionID, false); err != nil {
						t.Fatal(err)
					}
				},
				Config: env.ProviderConfig() + twoAccounts + `
resource "codat_bank_feed_account_mapping" "savings" {
  company_id        = codat_company.test.id
  connection_id     = codat_connection.test.id
  source_account_id = codat_bank_feed_account.savings.account_id
}
`,
				ExpectError: acctest.ErrorRegexp(`does not support automated bank feeds`, `app-partner status`, `Bank Feeds switched on`, `invalid-organisation-bank-feeds`),
			},
		},
	})
}
