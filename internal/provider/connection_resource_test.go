package provider_test

import (
	"fmt"
	"testing"

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

func connectionConfig(env *acctest.Env, platform string) string {
	return env.ProviderConfig() + acctest.Company("test", `name = "Connection test"`) + fmt.Sprintf(`
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
	acctest.Test(t, resource.TestCase{
		CheckDestroy: env.CheckEmpty(),
		Steps: []resource.TestStep{
			{
				Config: env.ProviderConfig() + acctest.CompanyWithConnection("test", "test", "Connection test"),
				ConfigStateChecks: append(acctest.Attrs(addr, map[string]knownvalue.Check{
					"id":            knownvalue.StringRegexp(uuidPattern),
					"platform_key":  knownvalue.StringExact("gbol"),
					"status":        knownvalue.StringExact("PendingAuth"),
					"platform_name": knownvalue.StringExact("Xero"),
					"source_type":   knownvalue.StringExact("Accounting"),
					"link_url":      knownvalue.StringRegexp(linkURLPattern),
				}),
					statecheck.CompareValuePairs(addr, tfjsonpath.New("company_id"), "codat_company.test", tfjsonpath.New("id"), compareEqual),
				),
				ConfigPlanChecks: acctest.Converges(),
			},
			{
				// The same configuration written with the default spelled out plans nothing.
				Config:           connectionConfig(env, "gbol"),
				ConfigPlanChecks: acctest.NoChange(),
			},
			{
				// Codat cannot move a connection to another platform: replace.
				Config:           connectionConfig(env, "qhyg"),
				ConfigPlanChecks: acctest.Converges(plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)),
				ConfigStateChecks: acctest.Attrs(addr, map[string]knownvalue.Check{
					"platform_name": knownvalue.StringExact("QuickBooks Online"),
				}),
				Check: func(*terraform.State) error {
					if conns := env.Sandbox.Connections(env.OnlyCompany(t).ID); len(conns) != 1 || conns[0].PlatformKey != "qhyg" {
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
					c := env.OnlyCompany(t)
					if err := env.Sandbox.AuthorizeConnection(c.ID, env.Sandbox.Connections(c.ID)[0].ID); err != nil {
						t.Fatal(err)
					}
				},
				Config:           connectionConfig(env, "qhyg"),
				ConfigPlanChecks: acctest.NoChange(),
				ConfigStateChecks: acctest.Attrs(addr, map[string]knownvalue.Check{
					"status": knownvalue.StringExact("Linked"),
				}),
			},
			{
				// Deleted outside Terraform: re-created.
				PreConfig: func() {
					c := env.OnlyCompany(t)
					if err := env.Sandbox.DeleteConnection(c.ID, env.Sandbox.Connections(c.ID)[0].ID); err != nil {
						t.Fatal(err)
					}
				},
				Config:           connectionConfig(env, "qhyg"),
				ConfigPlanChecks: acctest.Converges(plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)),
			},
		},
	})
}

// Codat no longer has to send integrationKey (it left Connection's required properties on 2026-04-15). Without it a
// connection still creates, refreshes, imports and is found by the data source with empty plans, for Xero and for
// another platform, and the key is resolved from integrationId.
func TestAccConnectionResource_withoutIntegrationKey(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, func(o *sandbox.Options) { o.OmitIntegrationKey = true })
	config := func(platform string) string {
		return connectionConfig(env, platform) + fmt.Sprintf(`
data "codat_connection" "by_platform" {
  company_id   = codat_company.test.id
  platform_key = %[1]q
  depends_on   = [codat_connection.test]
}

data "codat_connection" "by_id" {
  company_id = codat_company.test.id
  id         = codat_connection.test.id
}
`, platform)
	}
	const addr = "codat_connection.test"
	keyChecks := func(platform string) []statecheck.StateCheck {
		return []statecheck.StateCheck{
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("platform_key"), knownvalue.StringExact(platform)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("integration_key"), knownvalue.StringExact(platform)),
			statecheck.CompareValuePairs("data.codat_connection.by_platform", tfjsonpath.New("id"), addr, tfjsonpath.New("id"), compareEqual),
			statecheck.ExpectKnownValue("data.codat_connection.by_platform", tfjsonpath.New("integration_key"), knownvalue.StringExact(platform)),
			statecheck.ExpectKnownValue("data.codat_connection.by_id", tfjsonpath.New("platform_key"), knownvalue.StringExact(platform)),
			statecheck.ExpectKnownValue("data.codat_connection.by_id", tfjsonpath.New("integration_key"), knownvalue.StringExact(platform)),
		}
	}
	acctest.Test(t, resource.TestCase{
		CheckDestroy: env.CheckEmpty(),
		Steps: []resource.TestStep{
			{
				Config:            config("gbol"),
				ConfigStateChecks: keyChecks("gbol"),
				ConfigPlanChecks:  acctest.Converges(),
				Check: func(*terraform.State) error {
					// Xero's key is confirmed with GET /integrations/gbol; the catalogue is never listed for it.
					if n := env.Sandbox.Count(sandbox.RouteListIntegrations); n != 0 {
						return fmt.Errorf("the integrations were listed %d times to resolve Xero's key", n)
					}
					return nil
				},
			},
			{Config: config("gbol"), ResourceName: addr, ImportState: true, ImportStateIdFunc: importID(addr, "company_id", "id"), ImportStateVerify: true},
			{Config: config("gbol"), ResourceName: addr, ImportState: true, ImportStateIdFunc: importID(addr, "company_id", "id"), ImportStateKind: resource.ImportBlockWithID},
			{
				Config:            config("qhyg"),
				ConfigStateChecks: keyChecks("qhyg"),
				ConfigPlanChecks:  acctest.Converges(plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)),
			},
			{Config: config("qhyg"), ResourceName: addr, ImportState: true, ImportStateIdFunc: importID(addr, "company_id", "id"), ImportStateVerify: true},
			{Config: config("qhyg"), ResourceName: addr, ImportState: true, ImportStateIdFunc: importID(addr, "company_id", "id"), ImportStateKind: resource.ImportBlockWithID},
			{
				// Codat starts sending the key again: nothing changes.
				PreConfig:        func() { env.Sandbox.SetIntegrationKeyOmitted(false) },
				Config:           config("qhyg"),
				ConfigPlanChecks: acctest.NoChange(),
			},
			{
				// And stops again, under a connection created while it was sent.
				PreConfig:        func() { env.Sandbox.SetIntegrationKeyOmitted(true) },
				Config:           config("qhyg"),
				ConfigPlanChecks: acctest.NoChange(),
			},
			{
				Config: connectionConfig(env, "qhyg") + `
data "codat_connection" "unknown" {
  company_id   = codat_company.test.id
  platform_key = "xero"
}
`,
				ExpectError: acctest.ErrorRegexp(`platform_key`, `no integration with platform key "xero"`),
			},
		},
	})
}

// A 404 names the object that is missing: an unknown platform key is not reported as a missing company, and a
// missing company is not reported as an unknown platform key.
func TestAccConnectionResource_notFoundNamesTheMissingObject(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	var companyID string
	acctest.Test(t, resource.TestCase{
		CheckDestroy: env.CheckEmpty(),
		Steps: []resource.TestStep{
			{
				Config:      connectionConfig(env, "xero"),
				ExpectError: acctest.ErrorRegexp(`Unknown platform key "xero"`, `platform_key = "xero"`, `no integration with platform key "xero"`),
			},
			{
				// The company exists (created in the step above) and stays: the error was about the platform.
				Config: env.ProviderConfig() + acctest.Company("test", `name = "Connection test"`),
				Check: func(*terraform.State) error {
					companyID = env.OnlyCompany(t).ID
					return nil
				},
			},
			{
				PreConfig: func() {
					if err := env.Sandbox.DeleteCompany(companyID); err != nil {
						t.Fatal(err)
					}
				},
				Config: env.ProviderConfig() + `
resource "codat_connection" "orphan" {
  company_id = var.company_id
}

variable "company_id" {
  type = string
}
`,
				ConfigVariables: config.Variables{"company_id": lazyString(func() string { return companyID })},
				ExpectError:     acctest.ErrorRegexp(`Codat company [0-9a-f-]{36} not found`, `company_id = var.company_id`, `No company was found`),
			},
		},
	})
	if n := env.Sandbox.Count(sandbox.RouteCreateConnection); n != 2 {
		t.Errorf("%d connection creates, want 2 (one per failing step)", n)
	}
}
