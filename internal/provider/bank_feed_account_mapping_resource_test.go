package provider_test

import (
	"fmt"
	"regexp"
	"strings"
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
const twoAccounts = acctest.CompanyAndConnection + `
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

	acctest.Test(t, resource.TestCase{
		CheckDestroy: env.CheckEmpty(),
		Steps: []resource.TestStep{
			{Config: env.ProviderConfig() + twoAccounts},
			{
				// The SMB user authorised Xero; the API maps both accounts and waits until they are connected.
				PreConfig: func() {
					companyID, connectionID = env.AuthorizeOnlyConnection(t)
					targetID = env.TargetNamed(t, companyID, connectionID, "Business Current Account").ID
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
					statecheck.ExpectKnownValue(existing, tfjsonpath.New("status"), documentedStatus()),
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
				// The SMB user disconnects an account: refresh records it as disconnected, and the next apply maps it
				// again, to the same Xero account.
				PreConfig: func() {
					if err := env.Sandbox.DisconnectAccount(companyID, connectionID, "acc-current"); err != nil {
						t.Fatal(err)
					}
				},
				Config:          mappings,
				ConfigVariables: vars,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(existing, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(existing, tfjsonpath.New("status"), knownvalue.StringExact("connected")),
					statecheck.ExpectKnownValue(existing, tfjsonpath.New("target_account_id"), lazyExact(func() string { return targetID })),
				},
			},
			{
				// Another target account: updated in place (disconnect, then map to the new target).
				PreConfig: func() {
					targetID = env.TargetNamed(t, companyID, connectionID, "Business Savings Account").ID
				},
				Config:          mappings,
				ConfigVariables: vars,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(existing, plancheck.ResourceActionUpdate)},
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
	acctest.Test(t, resource.TestCase{
		CheckDestroy: env.CheckEmpty(),
		Steps: []resource.TestStep{
			{Config: env.ProviderConfig() + twoAccounts},
			{
				PreConfig: func() {
					companyID, connectionID := env.AuthorizeOnlyConnection(t)
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
				// The prerequisites as Codat documents them (C9): no Portal switch, Bank Feeds enabled by Codat.
				ExpectError: acctest.ErrorRegexp(`does not support automated bank feeds`, `Xero App Partner`, `Xero Bank Feeds API`,
					`enabled for your Codat client by Codat`, `account manager`, `invalid-organisation-bank-feeds`),
			},
		},
	})
}

// mappingStatuses are the statuses Codat documents for a source account's feed (BF SourceAccount.status): the
// only values a mapping's status may hold. The answer to the mapping POST carries the request's status, which
// is none of these (C16).
var mappingStatuses = []string{"pending", "connecting", "connected", "disconnected", "unknown"}

func documentedStatus() knownvalue.Check {
	checks := make([]knownvalue.Check, len(mappingStatuses))
	for i, s := range mappingStatuses {
		checks[i] = knownvalue.StringExact(s)
	}
	return anyOf(checks)
}

// anyOf passes when one of the checks passes.
type anyOf []knownvalue.Check

func (a anyOf) CheckValue(v any) error {
	var errs []string
	for _, c := range a {
		err := c.CheckValue(v)
		if err == nil {
			return nil
		}
		errs = append(errs, err.Error())
	}
	return fmt.Errorf("none of: %s", strings.Join(errs, "; "))
}

func (a anyOf) String() string { return fmt.Sprintf("any of %d values", len(a)) }

// savingsMapping maps acc-savings without a target account ("create a new Xero account") from the given day.
func savingsMapping(feedStart string) string {
	return fmt.Sprintf(`
resource "codat_bank_feed_account_mapping" "savings" {
  company_id        = codat_company.test.id
  connection_id     = codat_connection.test.id
  source_account_id = codat_bank_feed_account.savings.account_id
  feed_start_date   = %q
}
`, feedStart)
}

// A mapping that made a new Xero account, then a new feed start date: the mapping is updated in place and fed
// into the same Xero account, not replaced by a mapping that makes a second account named after the source.
func TestAccBankFeedAccountMappingResource_feedStartDateChange(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	const addr = "codat_bank_feed_account_mapping.savings"
	first, second := time.Now().AddDate(0, -2, 0).Format(time.DateOnly), time.Now().AddDate(0, -1, 0).Format(time.DateOnly)
	var companyID, connectionID, targetID string
	oneXeroAccount := func(*terraform.State) error {
		if n := env.TargetsNamed(companyID, connectionID, "Dave Savings"); n != 1 {
			return fmt.Errorf("the Xero organisation holds %d accounts named after the source account, want 1", n)
		}
		a, _ := env.Sandbox.SourceAccount(companyID, connectionID, "acc-savings")
		if a.Status != sandbox.AccountConnected || a.TargetAccountID != targetID {
			return fmt.Errorf("the source account is %s into %s, want connected into %s", a.Status, a.TargetAccountID, targetID)
		}
		return nil
	}
	acctest.Test(t, resource.TestCase{
		CheckDestroy: env.CheckEmpty(),
		Steps: []resource.TestStep{
			{Config: env.ProviderConfig() + twoAccounts},
			{
				PreConfig: func() { companyID, connectionID = env.AuthorizeOnlyConnection(t) },
				Config:    env.ProviderConfig() + twoAccounts + savingsMapping(first),
				Check: func(*terraform.State) error {
					targetID = env.TargetNamed(t, companyID, connectionID, "Dave Savings").ID
					return oneXeroAccount(nil)
				},
			},
			{
				Config: env.ProviderConfig() + twoAccounts + savingsMapping(second),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("feed_start_date"), knownvalue.StringExact(second)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("connected")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("target_account_id"), lazyExact(func() string { return targetID })),
				},
				Check: func(s *terraform.State) error {
					if err := oneXeroAccount(s); err != nil {
						return err
					}
					if a, _ := env.Sandbox.SourceAccount(companyID, connectionID, "acc-savings"); a.FeedStartDate.Format(time.DateOnly) != second {
						return fmt.Errorf("Codat feeds from %s, want %s", a.FeedStartDate.Format(time.DateOnly), second)
					}
					return nil
				},
			},
		},
	})
}

// The other ways a mapping could be made again: the SMB user disconnects the feed outside Terraform, the source
// account is replaced (Codat drops its mapping) and the mapping with it (replace_triggered_by). Each time the
// account is fed into the Xero account it fed before; no second account is created.
func TestAccBankFeedAccountMappingResource_remapKeepsXeroAccount(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	const addr = "codat_bank_feed_account_mapping.savings"
	feedStart := time.Now().AddDate(0, -2, 0).Format(time.DateOnly)
	var companyID, connectionID, targetID string
	accounts := func(number string) string {
		return strings.Replace(twoAccounts, `"22222222"`, fmt.Sprintf("%q", number), 1)
	}
	// replaceTriggered ties the mapping to the source account: replacing one replaces the other.
	replaceTriggered := strings.Replace(savingsMapping(feedStart), "  feed_start_date", `
  lifecycle {
    replace_triggered_by = [codat_bank_feed_account.savings]
  }

  feed_start_date`, 1)
	fedIntoSameAccount := func(*terraform.State) error {
		if n := env.TargetsNamed(companyID, connectionID, "Dave Savings"); n != 1 {
			return fmt.Errorf("the Xero organisation holds %d accounts named after the source account, want 1", n)
		}
		if a, _ := env.Sandbox.SourceAccount(companyID, connectionID, "acc-savings"); a.Status != sandbox.AccountConnected || a.TargetAccountID != targetID {
			return fmt.Errorf("the source account is %s into %q, want connected into %s", a.Status, a.TargetAccountID, targetID)
		}
		return nil
	}
	stateChecks := []statecheck.StateCheck{
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("connected")),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("target_account_id"), lazyExact(func() string { return targetID })),
	}
	acctest.Test(t, resource.TestCase{
		CheckDestroy: env.CheckEmpty(),
		Steps: []resource.TestStep{
			{Config: env.ProviderConfig() + accounts("22222222")},
			{
				PreConfig: func() { companyID, connectionID = env.AuthorizeOnlyConnection(t) },
				Config:    env.ProviderConfig() + accounts("22222222") + savingsMapping(feedStart),
				Check: func(*terraform.State) error {
					targetID = env.TargetNamed(t, companyID, connectionID, "Dave Savings").ID
					return nil
				},
			},
			{
				// Disconnected outside Terraform: refresh records it, the plan updates the mapping in place.
				PreConfig: func() {
					if err := env.Sandbox.DisconnectAccount(companyID, connectionID, "acc-savings"); err != nil {
						t.Fatal(err)
					}
				},
				Config: env.ProviderConfig() + accounts("22222222") + savingsMapping(feedStart),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: stateChecks,
				Check:             fedIntoSameAccount,
			},
			{
				// The source account is replaced (a new account number), and the mapping with it.
				Config: env.ProviderConfig() + accounts("22222223") + replaceTriggered,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("codat_bank_feed_account.savings", plancheck.ResourceActionDestroyBeforeCreate),
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: stateChecks,
				Check:             fedIntoSameAccount,
			},
			{
				// Replaced without the mapping: the next run finds the account unmapped and maps it again.
				Config:             env.ProviderConfig() + accounts("22222224") + savingsMapping(feedStart),
				ExpectNonEmptyPlan: true,
			},
			{
				Config: env.ProviderConfig() + accounts("22222224") + savingsMapping(feedStart),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: stateChecks,
				Check:             fedIntoSameAccount,
			},
		},
	})
}

// providerConfigNoRetries is the sandbox's provider block with retries off, so that one injected fault reaches
// the resource whatever the client's retry policy.
func providerConfigNoRetries(t *testing.T, env *acctest.Env) string {
	t.Helper()
	cfg := env.ProviderConfig()
	out := regexp.MustCompile(`(?m)^(\s*max_retries\s*=\s*)\d+`).ReplaceAllString(cfg, "${1}0")
	if out == cfg {
		t.Fatalf("no max_retries to turn off in:\n%s", cfg)
	}
	return out
}

// A 5xx answer, or no answer at all, to the mapping POST: Codat may or may not have made the mapping, and
// replays a 5xx for the same Idempotency-Key (C4). The provider reads the mapping list: it adopts a mapping
// Codat made, and asks again (a new request, with a new key) only when there is none, so the Xero organisation
// never gets a second account named after the source.
func TestAccBankFeedAccountMappingResource_uncertainCreate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		fault sandbox.FaultKind
		// count is how many requests suffer the fault. Go's HTTP transport sends a request with an
		// Idempotency-Key again by itself when a reused connection drops: the second drop-after makes sure that
		// the provider, not the transport, sees the dropped connection.
		count int
		// posts bounds the mapping POSTs that reach the sandbox: after a 500 the provider asks once more (a new
		// request: the first made nothing); a mapping Codat made is adopted, not asked for again.
		minPosts, maxPosts int
	}{
		{sandbox.Fault500, 1, 2, 2},
		{sandbox.FaultDropAfter, 2, 1, 2},
	} {
		t.Run(string(tc.fault), func(t *testing.T) {
			t.Parallel()
			env := acctest.New(t)
			const addr = "codat_bank_feed_account_mapping.savings"
			var companyID, connectionID string
			cfg := providerConfigNoRetries(t, env) + twoAccounts + savingsMapping(time.Now().Format(time.DateOnly))
			acctest.Test(t, resource.TestCase{
				CheckDestroy: env.CheckEmpty(),
				Steps: []resource.TestStep{
					{Config: providerConfigNoRetries(t, env) + twoAccounts},
					{
						PreConfig: func() {
							companyID, connectionID = env.AuthorizeOnlyConnection(t)
							env.Sandbox.ResetCounts()
							env.Sandbox.InjectFault(sandbox.RouteCreateMapping, tc.fault, tc.count)
						},
						Config: cfg,
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("connected")),
							statecheck.ExpectKnownValue(addr, tfjsonpath.New("target_account_name"), knownvalue.StringExact("Dave Savings")),
						},
						ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
						Check: func(*terraform.State) error {
							if n := env.TargetsNamed(companyID, connectionID, "Dave Savings"); n != 1 {
								return fmt.Errorf("the Xero organisation holds %d accounts named after the source account, want 1", n)
							}
							if got := env.Sandbox.Count(sandbox.RouteCreateMapping); got < tc.minPosts || got > tc.maxPosts {
								return fmt.Errorf("%d mapping POSTs, want %d to %d", got, tc.minPosts, tc.maxPosts)
							}
							if got := env.Sandbox.FaultCounts()[tc.fault]; got < 1 {
								return fmt.Errorf("no %s fault was injected", tc.fault)
							}
							return nil
						},
					},
				},
			})
		})
	}
}

// lazyExact checks a string known only once an earlier step has run.
type lazyExact func() string

func (f lazyExact) CheckValue(v any) error { return knownvalue.StringExact(f()).CheckValue(v) }
func (f lazyExact) String() string         { return f() }

// Codat's rules on targets reach the user as clear errors at apply (C10): a Xero account that already takes a feed
// under another company using the same Xero app is refused with Codat's 400 and its remedy; the read-back offers
// each account only Xero accounts of its currency and type, and none that another company's feed uses.
func TestAccBankFeedAccountMappingResource_targetRules(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	const ds = "data.codat_bank_feed_mapping.test"
	cfg := env.ProviderConfig() + twoAccounts + `
resource "codat_bank_feed_account" "card" {
  company_id     = codat_company.test.id
  connection_id  = codat_connection.test.id
  account_id     = "acc-card"
  account_name   = "Dave Card"
  account_type   = "creditCard"
  account_number = "33333333"
  sort_code      = "040004"
  currency       = "GBP"
  balance        = -50
}

data "codat_bank_feed_mapping" "test" {
  company_id    = codat_company.test.id
  connection_id = codat_connection.test.id
  depends_on    = [codat_bank_feed_account.current, codat_bank_feed_account.savings, codat_bank_feed_account.card]
}

# Another company of the same Codat client, so of the same Xero app.
resource "codat_company" "other" {
  name = "Other practice client"
}

resource "codat_connection" "other" {
  company_id = codat_company.other.id
}

resource "codat_bank_feed_account" "other" {
  company_id     = codat_company.other.id
  connection_id  = codat_connection.other.id
  account_id     = "other-current"
  account_name   = "Other current"
  account_type   = "checking"
  account_number = "44444444"
  sort_code      = "040004"
  currency       = "GBP"
  balance        = 10
}
`
	options := func(names ...string) knownvalue.Check {
		checks := make([]knownvalue.Check, len(names))
		for i, n := range names {
			checks[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": knownvalue.StringExact(n)})
		}
		return knownvalue.ListExact(checks)
	}
	account := func(i int) tfjsonpath.Path { return tfjsonpath.New("accounts").AtSliceIndex(i) }
	var fedTarget string
	acctest.Test(t, resource.TestCase{
		CheckDestroy: env.CheckEmpty(),
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				// The other company's SMB user authorises the same Xero organisation and feeds its "Business Current
				// Account" from the other company's account.
				PreConfig: func() {
					var companyID, connectionID, otherID, otherConn string
					for _, c := range env.Sandbox.Companies() {
						conn := env.Sandbox.Connections(c.ID)[0]
						if c.Name == "Other practice client" {
							otherID, otherConn = c.ID, conn.ID
						} else {
							companyID, connectionID = c.ID, conn.ID
						}
					}
					if err := env.Sandbox.AuthorizeConnection(companyID, connectionID); err != nil {
						t.Fatal(err)
					}
					if err := env.Sandbox.LinkSameOrganisation(otherID, otherConn, companyID, connectionID); err != nil {
						t.Fatal(err)
					}
					fedTarget = env.TargetNamed(t, companyID, connectionID, "Business Current Account").ID
					if err := env.Sandbox.MapAccount(otherID, otherConn, "other-current", fedTarget, time.Now()); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					// acc-card, acc-current, acc-savings in id order.
					statecheck.ExpectKnownValue(ds, account(0).AtMapKey("target_account_options"), options("Business Credit Card")),
					statecheck.ExpectKnownValue(ds, account(1).AtMapKey("target_account_options"), options("Business Savings Account")),
				},
			},
			{
				Config: cfg + `
variable "fed" {
  type = string
}

resource "codat_bank_feed_account_mapping" "current" {
  company_id        = codat_company.test.id
  connection_id     = codat_connection.test.id
  source_account_id = codat_bank_feed_account.current.account_id
  target_account_id = var.fed
}
`,
				ConfigVariables: config.Variables{"fed": lazyString(func() string { return fedTarget })},
				ExpectError: acctest.ErrorRegexp(`Unable to map source account "acc-current"`, `400`,
					`already connected to a bank feed under another company using the same Xero app`, `Remove that bank feed connection first`),
			},
		},
	})
}

// An update that disconnected the feed and then could not map it again records the feed as disconnected, so the
// state stays true; the next apply maps it again, into the same Xero account.
func TestAccBankFeedAccountMappingResource_remapFails(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	const addr = "codat_bank_feed_account_mapping.savings"
	first, second := time.Now().AddDate(0, -2, 0).Format(time.DateOnly), time.Now().AddDate(0, -1, 0).Format(time.DateOnly)
	var companyID, connectionID, targetID string
	cfg := func(start string) string {
		return providerConfigNoRetries(t, env) + twoAccounts + savingsMapping(start)
	}
	acctest.Test(t, resource.TestCase{
		CheckDestroy: env.CheckEmpty(),
		Steps: []resource.TestStep{
			{Config: providerConfigNoRetries(t, env) + twoAccounts},
			{
				PreConfig: func() { companyID, connectionID = env.AuthorizeOnlyConnection(t) },
				Config:    cfg(first),
				Check: func(*terraform.State) error {
					targetID = env.TargetNamed(t, companyID, connectionID, "Dave Savings").ID
					return nil
				},
			},
			{
				// Codat is down for the mapping, before and after the provider checks what it made.
				PreConfig:   func() { env.Sandbox.InjectFault(sandbox.RouteCreateMapping, sandbox.Fault503, 2) },
				Config:      cfg(second),
				ExpectError: acctest.ErrorRegexp(`Unable to map source account "acc-savings"`, `503`),
			},
			{
				// What the failed update left: the truth, and what the next mapping needs.
				RefreshState: true,
				Check: func(s *terraform.State) error {
					return resource.ComposeAggregateTestCheckFunc(
						resource.TestCheckResourceAttr(addr, "status", "disconnected"),
						resource.TestCheckResourceAttr(addr, "target_account_id", targetID),
						resource.TestCheckResourceAttr(addr, "feed_start_date", first),
					)(s)
				},
				ExpectNonEmptyPlan: true,
			},
			{
				Config: cfg(second),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("connected")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("feed_start_date"), knownvalue.StringExact(second)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("target_account_id"), lazyExact(func() string { return targetID })),
				},
				Check: func(*terraform.State) error {
					if n := env.TargetsNamed(companyID, connectionID, "Dave Savings"); n != 1 {
						return fmt.Errorf("the Xero organisation holds %d accounts named after the source account, want 1", n)
					}
					return nil
				},
			},
		},
	})
}
