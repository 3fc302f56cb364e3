package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
)

func TestAccCompanyAndConnectionDataSources(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	managed := env.ProviderConfig() + `
resource "codat_company" "test" {
  name        = "Lookup Ltd"
  description = "looked up"
  tags        = { crm = "7" }
}

resource "codat_connection" "test" {
  company_id = codat_company.test.id
}
`
	acctest.Test(t, resource.TestCase{
		CheckDestroy: env.CheckEmpty(),
		Steps: []resource.TestStep{
			{
				Config: managed + `
data "codat_company" "test" {
  id = codat_company.test.id
}

data "codat_connection" "by_platform" {
  company_id   = codat_company.test.id
  platform_key = "gbol"
  depends_on   = [codat_connection.test]
}

data "codat_connection" "by_id" {
  company_id = codat_company.test.id
  id         = codat_connection.test.id
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.codat_company.test", tfjsonpath.New("name"), knownvalue.StringExact("Lookup Ltd")),
					statecheck.ExpectKnownValue("data.codat_company.test", tfjsonpath.New("description"), knownvalue.StringExact("looked up")),
					statecheck.ExpectKnownValue("data.codat_company.test", tfjsonpath.New("tags").AtMapKey("crm"), knownvalue.StringExact("7")),
					statecheck.CompareValuePairs("data.codat_connection.by_platform", tfjsonpath.New("id"), "codat_connection.test", tfjsonpath.New("id"), compareEqual),
					statecheck.CompareValuePairs("data.codat_connection.by_platform", tfjsonpath.New("link_url"), "codat_connection.test", tfjsonpath.New("link_url"), compareEqual),
					statecheck.ExpectKnownValue("data.codat_connection.by_id", tfjsonpath.New("platform_key"), knownvalue.StringExact("gbol")),
					statecheck.ExpectKnownValue("data.codat_connection.by_id", tfjsonpath.New("status"), knownvalue.StringExact("PendingAuth")),
				},
			},
			{
				Config: managed + `
data "codat_connection" "none" {
  company_id   = codat_company.test.id
  platform_key = "qhyg"
}
`,
				ExpectError: acctest.ErrorRegexp(`Codat connection not found`, `no connection to platform "qhyg"`),
			},
			{
				Config: managed + `
data "codat_connection" "both" {
  company_id   = codat_company.test.id
  id           = codat_connection.test.id
  platform_key = "gbol"
}
`,
				ExpectError: acctest.ErrorRegexp(`Invalid Attribute Combination`),
			},
		},
	})
}
