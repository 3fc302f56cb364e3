package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
)

func connectionConfig(env *acctest.Env, platform string) string {
	return env.ProviderConfig() + fmt.Sprintf(`
resource "codat_company" "test" {
  name = "Connection test"
}

resource "codat_connection" "test" {
  company_id   = codat_company.test.id
  platform_key = %q
}
`, platform)
}

func TestAccConnectionResource_lifecycle(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	const addr = "codat_connection.test"
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		CheckDestroy:             checkSandboxEmpty(env),
		Steps: []resource.TestStep{
			{
				Config: env.ProviderConfig() + `
resource "codat_company" "test" {
  name = "Connection test"
}

resource "codat_connection" "test" {
  company_id = codat_company.test.id
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringRegexp(uuidPattern)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("platform_key"), knownvalue.StringExact("gbol")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("PendingAuth")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("platform_name"), knownvalue.StringExact("Xero")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("source_type"), knownvalue.StringExact("Accounting")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("link_url"), knownvalue.StringRegexp(linkURLPattern)),
					statecheck.CompareValuePairs(addr, tfjsonpath.New("company_id"), "codat_company.test", tfjsonpath.New("id"), compareEqual),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// The same configuration written with the default spelled out plans nothing.
				Config:           connectionConfig(env, "gbol"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// Codat cannot move a connection to another platform: replace.
				Config: connectionConfig(env, "qhyg"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("platform_name"), knownvalue.StringExact("QuickBooks Online")),
				},
				Check: func(*terraform.State) error {
					if conns := env.Sandbox.Connections(onlyCompany(t, env).ID); len(conns) != 1 || conns[0].PlatformKey != "qhyg" {
						return fmt.Errorf("sandbox connections after replace: %+v", conns)
					}
					return nil
				},
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateIdFunc: importID(addr, "company_id", "id"),
				ImportStateVerify: true,
			},
			{
				// The SMB user authorises the connection: status follows, and nothing is planned.
				PreConfig: func() {
					c := onlyCompany(t, env)
					if err := env.Sandbox.AuthorizeConnection(c.ID, env.Sandbox.Connections(c.ID)[0].ID); err != nil {
						t.Fatal(err)
					}
				},
				Config:           connectionConfig(env, "qhyg"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("Linked")),
				},
			},
			{
				// Deleted outside Terraform: re-created.
				PreConfig: func() {
					c := onlyCompany(t, env)
					if err := env.Sandbox.DeleteConnection(c.ID, env.Sandbox.Connections(c.ID)[0].ID); err != nil {
						t.Fatal(err)
					}
				},
				Config: connectionConfig(env, "qhyg"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}
