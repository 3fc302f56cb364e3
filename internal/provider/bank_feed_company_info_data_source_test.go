package provider_test

import (
	"os"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

// authorizeOnly lets the SMB user of the sandbox's only company authorise its only connection.
func authorizeOnly(t *testing.T, env *acctest.Env) {
	t.Helper()
	c := onlyCompany(t, env)
	conns := env.Sandbox.Connections(c.ID)
	if len(conns) != 1 {
		t.Fatalf("company has %d connections, want 1", len(conns))
	}
	if err := env.Sandbox.AuthorizeConnection(c.ID, conns[0].ID); err != nil {
		t.Fatal(err)
	}
}

// Before the SMB user authorises Xero the read gives linked = false and null information (the warning is checked
// in TestAccBankFeedCompanyInfoDataSource_calls); after, the organisation's information.
func TestAccBankFeedCompanyInfoDataSource(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	const addr = "data.codat_bank_feed_company_info.test"
	cfg := env.ProviderConfig() + `
resource "codat_company" "test" {
  name = "Info Bakery Ltd"
}

resource "codat_connection" "test" {
  company_id = codat_company.test.id
}

data "codat_bank_feed_company_info" "test" {
  company_id    = codat_company.test.id
  connection_id = codat_connection.test.id
}
`
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		CheckDestroy:             checkSandboxEmpty(env),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("linked"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("company_name"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("base_currency"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("plan_type"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("multicurrency_enabled"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("currencies"), knownvalue.Null()),
				},
			},
			// Waiting for the customer is no change.
			{Config: cfg, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
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
				PreConfig: func() { authorizeOnly(t, env) },
				Config:    cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("linked"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("company_name"), knownvalue.StringExact("Info Bakery Ltd")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("base_currency"), knownvalue.StringExact("GBP")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("plan_type"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("multicurrency_enabled"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("currencies"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact("GBP"), knownvalue.StringExact("USD"),
					})),
				},
			},
			{Config: cfg, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
		},
	})
}

// The example of the docs, applied as a user would before and after the customer authorises Xero: the plan is
// empty both while waiting and once the information is there.
func TestAccBankFeedCompanyInfoDataSource_example(t *testing.T) {
	t.Parallel()
	example, err := os.ReadFile("../../examples/data-sources/codat_bank_feed_company_info/data-source.tf")
	if err != nil {
		t.Fatal(err)
	}
	env := acctest.New(t)
	cfg := env.ProviderConfig() + string(example)
	empty := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		CheckDestroy:             checkSandboxEmpty(env),
		Steps: []resource.TestStep{
			{Config: cfg, ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.codat_bank_feed_company_info.acme", tfjsonpath.New("linked"), knownvalue.Bool(false)),
			}},
			{Config: cfg, ConfigPlanChecks: empty},
			{
				PreConfig: func() { authorizeOnly(t, env) },
				Config:    cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("acme_xero_organisation", knownvalue.StringExact("Acme Bakery Ltd")),
				},
			},
			{Config: cfg, ConfigPlanChecks: empty},
		},
	})
}

// Each read costs one call when the connection is linked; while it is not, the warning needs the connection too. Codat's
// other 400 (a platform without bank-feed company information) keeps Codat's message, and an unknown connection
// is not found.
func TestAccBankFeedCompanyInfoDataSource_calls(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	tf := newTFCLI(t)
	tf.writeConfig(env.ProviderConfig() + `
resource "codat_company" "test" {
  name = "Calls Ltd"
}

resource "codat_connection" "xero" {
  company_id = codat_company.test.id
}

resource "codat_connection" "other" {
  company_id   = codat_company.test.id
  platform_key = "dfxm"
}
`)
	if run := tf.apply(); !run.ok() {
		t.Fatal(run)
	}
	state := tf.state()
	ids := map[string]string{}
	for _, o := range state {
		ids[o.Address] = o.attr("id")
	}
	companyID := ids["codat_company.test"]
	lookup := func(connectionID string) string {
		return env.ProviderConfig() + `
data "codat_bank_feed_company_info" "test" {
  company_id    = "` + companyID + `"
  connection_id = "` + connectionID + `"
}
`
	}
	read := func(connectionID string) tfRun {
		t.Helper()
		tf2 := newTFCLI(t)
		tf2.writeConfig(lookup(connectionID))
		env.Sandbox.ResetCounts()
		return tf2.run("plan", "-input=false", "-no-color")
	}

	run := read(ids["codat_connection.xero"])
	if !run.ok() || !regexp.MustCompile(`(?s)Warning: Codat connection [0-9a-f-]{36} is not linked: the SMB\s+user must authorise it first.*status is PendingAuth.*http://127\.0\.0\.1:\d+/link/companies/[0-9a-f-]{36}/connections/[0-9a-f-]{36}/start.*400 Bad Request.*correlation id`).MatchString(run.output) {
		t.Fatalf("unlinked: %s", run)
	}
	t.Logf("read of an unlinked connection: %v", env.Sandbox.Counts())
	if got := env.Sandbox.Counts(); len(got) != 2 || got[sandbox.RouteGetCompanyInformation] != 1 || got[sandbox.RouteGetConnection] != 1 {
		t.Errorf("read of an unlinked connection made %v; want the information and the connection, once each", got)
	}

	for _, id := range []string{ids["codat_connection.xero"], ids["codat_connection.other"]} {
		if err := env.Sandbox.AuthorizeConnection(companyID, id); err != nil {
			t.Fatal(err)
		}
	}
	if run := read(ids["codat_connection.xero"]); !run.ok() {
		t.Fatalf("linked: %s", run)
	}
	t.Logf("read of a linked connection: %v", env.Sandbox.Counts())
	if got := env.Sandbox.Counts(); len(got) != 1 || got[sandbox.RouteGetCompanyInformation] != 1 {
		t.Errorf("read of a linked connection made %v; want one %s", got, sandbox.RouteGetCompanyInformation)
	}

	run = read(ids["codat_connection.other"])
	if run.ok() || !regexp.MustCompile(`(?s)Bank feeds are not\s+supported`).MatchString(run.output) || regexp.MustCompile(`must\s+authorise`).MatchString(run.output) {
		t.Errorf("a linked connection of a platform without bank feeds: %s", run)
	}
	run = read("3fa85f64-5717-4562-b3fc-2c963f66afa6")
	if run.ok() || !regexp.MustCompile(`(?s)Codat connection .* not found`).MatchString(run.output) {
		t.Errorf("an unknown connection: %s", run)
	}
	if run := tf.destroy(); !run.ok() {
		t.Fatal(run)
	}
}
