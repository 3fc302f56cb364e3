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

// codat_bank_feed_account_mapping when Codat refuses or cannot be sure: its rules on targets, a remap it refuses,
// a platform without bank feeds, and a create whose answer is lost.

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
				Config: env.ProviderConfig() + twoAccounts + acctest.Mapping("savings", ""),
				// The prerequisites as Codat documents them (C9): no Portal switch, Bank Feeds enabled by Codat.
				ExpectError: acctest.ErrorRegexp(`does not support automated bank feeds`, `Xero App Partner`, `Xero Bank Feeds API`,
					`enabled for your Codat client by Codat`, `account manager`, `invalid-organisation-bank-feeds`),
			},
		},
	})
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
			cfg := env.ProviderConfig("max_retries = 0") + twoAccounts + savingsMapping(time.Now().Format(time.DateOnly))
			acctest.Test(t, resource.TestCase{
				CheckDestroy: env.CheckEmpty(),
				Steps: []resource.TestStep{
					{Config: env.ProviderConfig("max_retries = 0") + twoAccounts},
					{
						PreConfig: func() {
							companyID, connectionID = env.AuthorizeOnlyConnection(t)
							env.Sandbox.ResetCounts()
							env.Sandbox.InjectFault(sandbox.RouteCreateMapping, tc.fault, tc.count)
						},
						Config: cfg,
						ConfigStateChecks: acctest.Attrs(addr, map[string]knownvalue.Check{
							"status":              knownvalue.StringExact("connected"),
							"target_account_name": knownvalue.StringExact("Dave Savings"),
						}),
						ConfigPlanChecks: acctest.Converges(),
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

// Codat's rules on targets reach the user as clear errors at apply (C10): a Xero account that already takes a feed
// under another company using the same Xero app is refused with Codat's 400 and its remedy; the read-back offers
// each account only Xero accounts of its currency and type, and none that another company's feed uses.
func TestAccBankFeedAccountMappingResource_targetRules(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	const ds = "data.codat_bank_feed_mapping.test"
	cfg := env.ProviderConfig() + twoAccounts + acctest.Account{Resource: "card", ID: "acc-card", Name: "Dave Card",
		Type: "creditCard", Number: "33333333", SortCode: "040004", Currency: "GBP", Balance: "-50"}.HCL() +
		acctest.MappingRead("codat_bank_feed_account.current", "codat_bank_feed_account.savings", "codat_bank_feed_account.card") +
		// Another company of the same Codat client, so of the same Xero app.
		acctest.CompanyWithConnection("other", "other", "Other practice client") +
		acctest.Account{Resource: "other", Parent: "other", ID: "other-current", Name: "Other current", Type: "checking",
			Number: "44444444", SortCode: "040004", Currency: "GBP", Balance: "10"}.HCL()
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
` + acctest.Mapping("current", "  target_account_id = var.fed\n"),
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
		return env.ProviderConfig("max_retries = 0") + twoAccounts + savingsMapping(start)
	}
	acctest.Test(t, resource.TestCase{
		CheckDestroy: env.CheckEmpty(),
		Steps: []resource.TestStep{
			{Config: env.ProviderConfig("max_retries = 0") + twoAccounts},
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
				Config:           cfg(second),
				ConfigPlanChecks: acctest.Converges(plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)),
				ConfigStateChecks: acctest.Attrs(addr, map[string]knownvalue.Check{
					"status":            knownvalue.StringExact("connected"),
					"feed_start_date":   knownvalue.StringExact(second),
					"target_account_id": lazyExact(func() string { return targetID }),
				}),
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
