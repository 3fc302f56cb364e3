package provider_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
)

func TestAccCompanyResource_lifecycle(t *testing.T) {
	t.Parallel()
	env := acctest.New(t, acctest.ProductsProgramme)
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
	acctest.Test(t, resource.TestCase{
		CheckDestroy: env.CheckEmpty(),
		Steps: []resource.TestStep{
			{
				Config: full,
				ConfigStateChecks: acctest.Attrs(addr, map[string]knownvalue.Check{
					"id":          knownvalue.StringRegexp(uuidPattern),
					"name":        knownvalue.StringExact("Bank of Dave"),
					"description": knownvalue.StringExact("customer 42"),
					"tags": knownvalue.MapExact(map[string]knownvalue.Check{
						"region": knownvalue.StringExact("uk"), "tier": knownvalue.StringExact("gold"),
					}),
					"products": knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("bank-feeds")}),
					"redirect": knownvalue.NotNull(),
					"created":  knownvalue.NotNull(),
				}),
				ConfigPlanChecks: acctest.Converges(),
				Check: func(*terraform.State) error {
					c := env.OnlyCompany(t)
					if c.Name != "Bank of Dave" || c.Description != "customer 42" || len(c.Tags) != 2 || len(c.Products) != 1 {
						return fmt.Errorf("sandbox holds %+v", c)
					}
					return nil
				},
			},
			{
				// Name, tags and products update in place; the removed description is cleared in Codat.
				Config:           changed,
				ConfigPlanChecks: acctest.Converges(plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)),
				ConfigStateChecks: acctest.Attrs(addr, map[string]knownvalue.Check{
					"name":        knownvalue.StringExact("Bank of Dave & Sons"),
					"description": knownvalue.Null(),
					"products":    knownvalue.SetSizeExact(2),
				}),
				Check: func(*terraform.State) error {
					c := env.OnlyCompany(t)
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
					if err := env.Sandbox.DeleteCompany(env.OnlyCompany(t).ID); err != nil {
						t.Fatal(err)
					}
				},
				Config:           changed,
				ConfigPlanChecks: acctest.Converges(plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)),
			},
			{
				// Renamed outside Terraform: the plan puts the configured name back in place.
				PreConfig: func() {
					if err := env.Sandbox.SetCompanyName(env.OnlyCompany(t).ID, "Someone Else"); err != nil {
						t.Fatal(err)
					}
				},
				Config: changed,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				Check: func(*terraform.State) error {
					if c := env.OnlyCompany(t); c.Name != "Bank of Dave & Sons" {
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
	config := env.ProviderConfig() + acctest.Company("test", `name = "Toft stores"`)
	acctest.Test(t, resource.TestCase{
		CheckDestroy: env.CheckEmpty(),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: acctest.Attrs(addr, map[string]knownvalue.Check{
					"products":    knownvalue.SetSizeExact(0),
					"description": knownvalue.Null(),
					"tags":        knownvalue.MapSizeExact(0),
				}),
			},
			{
				PreConfig: func() {
					if err := env.Sandbox.UpdateCompany(env.OnlyCompany(t).ID, func(c *sandboxCompany) {
						c.Products = []string{"lending"}
					}); err != nil {
						t.Fatal(err)
					}
				},
				Config:           config,
				ConfigPlanChecks: acctest.NoChange(),
				ConfigStateChecks: acctest.Attrs(addr, map[string]knownvalue.Check{
					"products": knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("lending")}),
				}),
			},
		},
	})
}

// Every configuration the resource accepts imports into an empty plan: Terraform's import then plan proposes no
// change (and certainly no replacement) whether description, tags and products are set, empty or left out.
func TestAccCompanyResource_importEveryConfiguration(t *testing.T) {
	t.Parallel()
	configs := map[string]string{
		"name only":      `name = "Toft stores"`,
		"description":    "name = \"Toft stores\"\ndescription = \"CRM 7\"",
		"empty tags":     "name = \"Toft stores\"\ntags = {}",
		"tags":           "name = \"Toft stores\"\ntags = { crm = \"7\", \"ünï\" = \"çödé\" }",
		"empty products": "name = \"Toft stores\"\nproducts = []",
		"products":       "name = \"Toft stores\"\nproducts = [\"bank-feeds\", \"lending\"]",
		"everything":     "name = \"Toft stores\"\ndescription = \"d\"\ntags = { a = \"\" }\nproducts = [\"lending\"]",
	}
	for name, attrs := range configs {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := acctest.New(t, acctest.ProductsProgramme)
			config := env.ProviderConfig() + acctest.Company("test", attrs)
			acctest.Test(t, resource.TestCase{
				CheckDestroy: env.CheckEmpty(),
				Steps: []resource.TestStep{
					{
						Config:           config,
						ConfigPlanChecks: acctest.Converges(),
					},
					{Config: config, ResourceName: "codat_company.test", ImportState: true, ImportStateVerify: true},
					{Config: config, ResourceName: "codat_company.test", ImportState: true, ImportStateKind: resource.ImportBlockWithID},
				},
			})
		})
	}
}

// Lengths are counted in characters, as JSON Schema counts them, not in bytes; a tag key may not hold a line break.
func TestAccCompanyResource_tagLengthsInCharacters(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	const addr = "codat_company.test"
	key, value := strings.Repeat("é", 27), strings.Repeat("ü", 100)
	acctest.Test(t, resource.TestCase{
		CheckDestroy: env.CheckEmpty(),
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + fmt.Sprintf(`
resource "codat_company" "test" {
  name = "Cafe owners"
  tags = { %q = %q, short = "line\nbreak in a value" }
}
`, key, value),
			ConfigStateChecks: acctest.Attrs(addr, map[string]knownvalue.Check{
				"tags": knownvalue.MapPartial(map[string]knownvalue.Check{key: knownvalue.StringExact(value)}),
			}),
			ConfigPlanChecks: acctest.Converges(),
		}},
	})
}

// Values Codat would refuse, rewrite or store uselessly are refused at plan time, with the attribute and the rule,
// before any API call.
func TestAccCompanyResource_badInputFailsAtPlan(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	company := func(attrs string) string { return acctest.Company("bad", attrs) }
	cases := map[string]badInput{
		"blank name":                {company(`name = "   "`), []string{`name`, `must not be blank`}},
		"name of tabs and newlines": {company(`name = "\t\n"`), []string{`name`, `must not be blank`}},
		"blank description":         {company("name = \"A\"\ndescription = \" \""), []string{`description`, `must not be blank`}},
		"empty description":         {company("name = \"A\"\ndescription = \"\""), []string{`description`, `must not be blank`}},
		"tag key with a line feed":  {company("name = \"A\"\ntags = { \"a\\nb\" = \"v\" }"), []string{`tags`, `line break`}},
		"tag key with a CR":         {company("name = \"A\"\ntags = { \"a\\rb\" = \"v\" }"), []string{`tags`, `line break`}},
		"tag key with U+2028":       {company("name = \"A\"\ntags = { \"a\\u2028b\" = \"v\" }"), []string{`tags`, `line break`}},
		"blank tag key":             {company("name = \"A\"\ntags = { \" \" = \"v\" }"), []string{`tags`, `must not be blank`}},
		"tag key of 28 characters":  {company("name = \"A\"\ntags = { \"" + strings.Repeat("é", 28) + "\" = \"v\" }"), []string{`tags`, `between 1 and 27`}},
		"tag value of 101 characters": {company("name = \"A\"\ntags = { k = \"" + strings.Repeat("é", 101) + "\" }"),
			[]string{`tags`, `at most 100`}},
		"misspelt product":    {company("name = \"A\"\nproducts = [\"bank-feedz\"]"), []string{`products`, `bank-feeds`}},
		"product in capitals": {company("name = \"A\"\nproducts = [\"Bank-Feeds\"]"), []string{`products`, `bank-feeds`}},
	}
	expectRefusedAtPlan(t, env, cases)
}

// A Codat client outside the development programme gets 403 from the alpha product endpoints. The company that was
// created before the product step stays in the state, untainted; the next plan updates it in place (never replaces
// it) and the error explains the programme.
func TestAccCompanyResource_productsOutsideProgramme(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	const addr = "codat_company.test"
	config := env.ProviderConfig() + acctest.Company("test", `name = "Toft stores"`, `products = ["bank-feeds"]`)
	var companyID string
	acctest.Test(t, resource.TestCase{
		CheckDestroy: env.CheckEmpty(),
		Steps: []resource.TestStep{
			{
				Config:             config,
				ExpectNonEmptyPlan: true,
				Check: func(*terraform.State) error {
					companyID = env.OnlyCompany(t).ID
					return nil
				},
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				ExpectError: acctest.ErrorRegexp(`Unable to enable product "bank-feeds"`, `development programme`, `403`),
			},
			{
				// Dropping products from the configuration settles it.
				Config:           env.ProviderConfig() + acctest.Company("test", `name = "Toft stores"`),
				ConfigPlanChecks: acctest.Converges(),
				Check: func(*terraform.State) error {
					if c := env.OnlyCompany(t); c.ID != companyID {
						return fmt.Errorf("the company was replaced: %s, first %s", c.ID, companyID)
					}
					return nil
				},
			},
		},
	})
}
