package provider_test

import (
	"fmt"
	"slices"
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
var twoAccounts = acctest.CompanyAndConnection +
	acctest.Account{Resource: "current", ID: "acc-current", Name: "Dave Current", Type: "checking", Number: "11111111",
		SortCode: "040004", Currency: "GBP", Balance: "100"}.HCL() +
	acctest.Account{Resource: "savings", ID: "acc-savings", Name: "Dave Savings", Type: "savings", Number: "22222222",
		SortCode: "040004", Currency: "GBP", Balance: "2500"}.HCL()

func TestAccBankFeedAccountMappingResource_lifecycle(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, func(o *sandbox.Options) { o.MappingDelay = 600 * time.Millisecond })
	const existing, created = "codat_bank_feed_account_mapping.current", "codat_bank_feed_account_mapping.savings"
	feedStart := time.Now().AddDate(0, -2, 0).Format("2006-01-02")
	var companyID, connectionID, targetID string
	vars := config.Variables{"target_id": lazyString(func() string { return targetID })}

	mappings := env.ProviderConfig() + twoAccounts + `
variable "target_id" {
  type = string
}
` + acctest.Mapping("current", fmt.Sprintf("  target_account_id = var.target_id\n  feed_start_date   = %q\n", feedStart)) +
		// No target: Xero gets a new bank account named after the source account.
		acctest.Mapping("savings", `
  timeouts {
    create = "2m"
  }
`)

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
				ConfigStateChecks: slices.Concat(acctest.Attrs(existing, map[string]knownvalue.Check{
					"status":              knownvalue.StringExact("connected"),
					"target_account_name": knownvalue.StringExact("Business Current Account"),
					"feed_start_date":     knownvalue.StringExact(feedStart),
				}), acctest.Attrs(created, map[string]knownvalue.Check{
					"status":              knownvalue.StringExact("connected"),
					"target_account_name": knownvalue.StringExact("Dave Savings"),
					"target_account_id":   knownvalue.NotNull(),
					"feed_start_date":     knownvalue.NotNull(),
				}), []statecheck.StateCheck{
					statecheck.ExpectKnownValue(existing, tfjsonpath.New("status"), documentedStatus()),
				}),
				ConfigPlanChecks: acctest.Converges(),
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
				Config:           mappings,
				ConfigVariables:  vars,
				ConfigPlanChecks: acctest.Converges(plancheck.ExpectResourceAction(existing, plancheck.ResourceActionUpdate)),
				ConfigStateChecks: acctest.Attrs(existing, map[string]knownvalue.Check{
					"status":            knownvalue.StringExact("connected"),
					"target_account_id": lazyExact(func() string { return targetID }),
				}),
			},
			{
				// Another target account: updated in place (disconnect, then map to the new target).
				PreConfig: func() {
					targetID = env.TargetNamed(t, companyID, connectionID, "Business Savings Account").ID
				},
				Config:           mappings,
				ConfigVariables:  vars,
				ConfigPlanChecks: acctest.Converges(plancheck.ExpectResourceAction(existing, plancheck.ResourceActionUpdate)),
				ConfigStateChecks: acctest.Attrs(existing, map[string]knownvalue.Check{
					"target_account_name": knownvalue.StringExact("Business Savings Account"),
				}),
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
	return acctest.Mapping("savings", fmt.Sprintf("  feed_start_date   = %q\n", feedStart))
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
				Config:           env.ProviderConfig() + twoAccounts + savingsMapping(second),
				ConfigPlanChecks: acctest.Converges(plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)),
				ConfigStateChecks: acctest.Attrs(addr, map[string]knownvalue.Check{
					"feed_start_date":   knownvalue.StringExact(second),
					"status":            knownvalue.StringExact("connected"),
					"target_account_id": lazyExact(func() string { return targetID }),
				}),
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
	stateChecks := acctest.Attrs(addr, map[string]knownvalue.Check{
		"status":            knownvalue.StringExact("connected"),
		"target_account_id": lazyExact(func() string { return targetID }),
	})
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
				Config:            env.ProviderConfig() + accounts("22222222") + savingsMapping(feedStart),
				ConfigPlanChecks:  acctest.Converges(plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)),
				ConfigStateChecks: stateChecks,
				Check:             fedIntoSameAccount,
			},
			{
				// The source account is replaced (a new account number), and the mapping with it.
				Config: env.ProviderConfig() + accounts("22222223") + replaceTriggered,
				ConfigPlanChecks: acctest.Converges(
					plancheck.ExpectResourceAction("codat_bank_feed_account.savings", plancheck.ResourceActionDestroyBeforeCreate),
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
				),
				ConfigStateChecks: stateChecks,
				Check:             fedIntoSameAccount,
			},
			{
				// Replaced without the mapping: the next run finds the account unmapped and maps it again.
				Config:             env.ProviderConfig() + accounts("22222224") + savingsMapping(feedStart),
				ExpectNonEmptyPlan: true,
			},
			{
				Config:            env.ProviderConfig() + accounts("22222224") + savingsMapping(feedStart),
				ConfigPlanChecks:  acctest.Converges(plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)),
				ConfigStateChecks: stateChecks,
				Check:             fedIntoSameAccount,
			},
		},
	})
}
