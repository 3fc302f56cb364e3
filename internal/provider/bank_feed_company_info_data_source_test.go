package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
)

// Before the SMB user authorises Xero the read gives linked = false and null information (the warning is checked
// in TestAccBankFeedCompanyInfoDataSource_calls); after, the organisation's information.
func TestAccBankFeedCompanyInfoDataSource(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	const addr = "data.codat_bank_feed_company_info.test"
	cfg := env.ProviderConfig() + acctest.CompanyWithConnection("test", "test", "Info Bakery Ltd") + `
data "codat_bank_feed_company_info" "test" {
  company_id    = codat_company.test.id
  connection_id = codat_connection.test.id
}
`
	acctest.Test(t, resource.TestCase{
		CheckDestroy: env.CheckEmpty(),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: acctest.Attrs(addr, map[string]knownvalue.Check{
					"linked":                knownvalue.Bool(false),
					"company_name":          knownvalue.Null(),
					"base_currency":         knownvalue.Null(),
					"plan_type":             knownvalue.Null(),
					"multicurrency_enabled": knownvalue.Null(),
					"currencies":            knownvalue.Null(),
				}),
			},
			// Waiting for the customer is no change.
			{Config: cfg, ConfigPlanChecks: acctest.NoChange()},
			{
				// A configuration that needs the information now says so with an error.
				Config: cfg + `
data "codat_bank_feed_company_info" "required" {
  company_id    = codat_company.test.id
  connection_id = codat_connection.test.id
  lifecycle {
    postcondition {
      condition     = self.linked
      error_message = "Send the customer their link_url."
    }
  }
}
`,
				ExpectError: acctest.ErrorRegexp(`Send the customer their link_url`),
			},
			{
				PreConfig: func() { env.AuthorizeOnlyConnection(t) },
				Config:    cfg,
				ConfigStateChecks: acctest.Attrs(addr, map[string]knownvalue.Check{
					"linked":                knownvalue.Bool(true),
					"company_name":          knownvalue.StringExact("Info Bakery Ltd"),
					"base_currency":         knownvalue.StringExact("GBP"),
					"plan_type":             knownvalue.NotNull(),
					"multicurrency_enabled": knownvalue.Bool(true),
					"currencies":            knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("GBP"), knownvalue.StringExact("USD")}),
				}),
			},
			{Config: cfg, ConfigPlanChecks: acctest.NoChange()},
		},
	})
}

// The example of the docs, applied as a user would before and after the customer authorises Xero: the plan is
// empty both while waiting and once the information is there.
func TestAccBankFeedCompanyInfoDataSource_example(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	cfg := env.ProviderConfig() + acctest.Example(t, "data-sources/codat_bank_feed_company_info/data-source.tf")
	acctest.Test(t, resource.TestCase{
		CheckDestroy: env.CheckEmpty(),
		Steps: []resource.TestStep{
			{Config: cfg, ConfigStateChecks: acctest.Attrs("data.codat_bank_feed_company_info.acme", map[string]knownvalue.Check{
				"linked": knownvalue.Bool(false),
			})},
			{Config: cfg, ConfigPlanChecks: acctest.NoChange()},
			{
				PreConfig: func() { env.AuthorizeOnlyConnection(t) },
				Config:    cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("acme_xero_organisation", knownvalue.StringExact("Acme Bakery Ltd")),
				},
			},
			{Config: cfg, ConfigPlanChecks: acctest.NoChange()},
		},
	})
}
