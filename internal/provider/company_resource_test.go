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

func TestAccCompanyResource_lifecycle(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	const addr = "codat_company.test"

	full := env.ProviderConfig() + `
resource "codat_company" "test" {
  name        = "Bank of Dave"
  description = "customer 42"
  tags = {
    region = "uk"
    tier   = "gold"
  }
  products = ["bank-feeds"]
}
`
	changed := env.ProviderConfig() + `
resource "codat_company" "test" {
  name = "Bank of Dave & Sons"
  tags = {
    region = "eu"
  }
  products = ["bank-feeds", "lending"]
}
`
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		CheckDestroy:             checkSandboxEmpty(env),
		Steps: []resource.TestStep{
			{
				Config: full,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringRegexp(uuidPattern)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact("Bank of Dave")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("description"), knownvalue.StringExact("customer 42")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("tags"), knownvalue.MapExact(map[string]knownvalue.Check{
						"region": knownvalue.StringExact("uk"), "tier": knownvalue.StringExact("gold"),
					})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("products"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact("bank-feeds"),
					})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("redirect"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("created"), knownvalue.NotNull()),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: func(*terraform.State) error {
					c := onlyCompany(t, env)
					if c.Name != "Bank of Dave" || c.Description != "customer 42" || len(c.Tags) != 2 || len(c.Products) != 1 {
						return fmt.Errorf("sandbox holds %+v", c)
					}
					return nil
				},
			},
			{
				// Name, tags and products update in place; the removed description is cleared in Codat.
				Config: changed,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact("Bank of Dave & Sons")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("description"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("products"), knownvalue.SetSizeExact(2)),
				},
				Check: func(*terraform.State) error {
					c := onlyCompany(t, env)
					if c.Description != "" || len(c.Tags) != 1 || c.Tags["region"] != "eu" || len(c.Products) != 2 {
						return fmt.Errorf("sandbox holds %+v", c)
					}
					return nil
				},
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				ResourceName:    addr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
			},
			{
				// Deleted outside Terraform: the next plan creates it again.
				PreConfig: func() {
					if err := env.Sandbox.DeleteCompany(onlyCompany(t, env).ID); err != nil {
						t.Fatal(err)
					}
				},
				Config: changed,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// Renamed outside Terraform: the plan puts the configured name back in place.
				PreConfig: func() {
					if err := env.Sandbox.SetCompanyName(onlyCompany(t, env).ID, "Someone Else"); err != nil {
						t.Fatal(err)
					}
				},
				Config: changed,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				Check: func(*terraform.State) error {
					if c := onlyCompany(t, env); c.Name != "Bank of Dave & Sons" {
						return fmt.Errorf("sandbox company name %q after repair", c.Name)
					}
					return nil
				},
			},
		},
	})
}

// Products left out of the configuration are reported, not managed.
func TestAccCompanyResource_productsUnmanaged(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	const addr = "codat_company.test"
	config := env.ProviderConfig() + `
resource "codat_company" "test" {
  name = "Toft stores"
}
`
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
		CheckDestroy:             checkSandboxEmpty(env),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("products"), knownvalue.SetSizeExact(0)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("description"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("tags"), knownvalue.Null()),
				},
			},
			{
				PreConfig: func() {
					if err := env.Sandbox.UpdateCompany(onlyCompany(t, env).ID, func(c *sandboxCompany) {
						c.Products = []string{"lending"}
					}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("products"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact("lending"),
					})),
				},
			},
		},
	})
}
