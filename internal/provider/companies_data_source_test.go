package provider_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

const companiesFixture = `
resource "codat_company" "uk" {
  name        = "Bakery UK"
  description = "first"
  tags        = { region = "uk", owner = "Ann Smith" }
}

resource "codat_company" "uk2" {
  name       = "Florist UK"
  tags       = { region = "uk", tier = "Gold" }
  depends_on = [codat_company.uk]
}

resource "codat_company" "us" {
  name       = "Bakery US"
  tags       = { region = "us", owner = "ann smith", tier = "gold" }
  depends_on = [codat_company.uk2]
}

resource "codat_connection" "uk" {
  company_id = codat_company.uk.id
}
`

const companiesLookups = `
data "codat_companies" "uk" {
  tags       = { region = "uk" }
  depends_on = [codat_connection.uk, codat_company.uk2, codat_company.us]
}

data "codat_companies" "by_name" {
  name       = "Bakery US"
  depends_on = [codat_company.us]
}

data "codat_companies" "name_is_exact" {
  name       = "bakery us"
  depends_on = [codat_company.us]
}

data "codat_companies" "tag_with_space" {
  tags       = { owner = "Ann Smith" }
  depends_on = [codat_connection.uk, codat_company.us]
}

data "codat_companies" "query_and_tags" {
  query      = "name~Bakery"
  tags       = { region = "uk" }
  depends_on = [codat_connection.uk, codat_company.uk2, codat_company.us]
}

data "codat_companies" "grouped_query" {
  query      = "{name=Bakery UK || name=Florist UK} && created>2000-01-01"
  depends_on = [codat_connection.uk, codat_company.uk2, codat_company.us]
}

# Sent to Codat, whose filter ignores case; the provider keeps the exact value.
data "codat_companies" "tier" {
  tags       = { tier = "Gold" }
  depends_on = [codat_company.uk2, codat_company.us]
}

data "codat_companies" "all" {
  depends_on = [codat_connection.uk, codat_company.uk2, codat_company.us]
}
`

// Companies found by tags (Codat's filter, then exact values), by exact name, by query and combinations, with their
// connections from the same list; the platform key still right when Codat leaves integrationKey out (C3).
func TestAccCompaniesDataSource(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	cfg := env.ProviderConfig() + companiesFixture + companiesLookups
	names := func(addr string, want ...string) statecheck.StateCheck {
		checks := make([]knownvalue.Check, len(want))
		for i, n := range want {
			checks[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": knownvalue.StringExact(n)})
		}
		return statecheck.ExpectKnownValue(addr, tfjsonpath.New("companies"), knownvalue.ListExact(checks))
	}
	ukConnection := func(status string) statecheck.StateCheck {
		return statecheck.ExpectKnownValue("data.codat_companies.uk", tfjsonpath.New("companies").AtSliceIndex(0).AtMapKey("connections"),
			knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectExact(map[string]knownvalue.Check{
				"id":           knownvalue.StringRegexp(uuidPattern),
				"platform_key": knownvalue.StringExact("gbol"),
				"status":       knownvalue.StringExact(status),
				"link_url":     knownvalue.StringRegexp(linkURLPattern),
			})}))
	}
	acctest.Test(t, resource.TestCase{
		CheckDestroy: env.CheckEmpty(),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					names("data.codat_companies.uk", "Bakery UK", "Florist UK"),
					names("data.codat_companies.by_name", "Bakery US"),
					names("data.codat_companies.name_is_exact"),
					names("data.codat_companies.tag_with_space", "Bakery UK"),
					names("data.codat_companies.query_and_tags", "Bakery UK"),
					names("data.codat_companies.tier", "Florist UK"),
					names("data.codat_companies.grouped_query", "Bakery UK", "Florist UK"),
					names("data.codat_companies.all", "Bakery UK", "Florist UK", "Bakery US"),
					statecheck.CompareValuePairs("data.codat_companies.uk", tfjsonpath.New("companies").AtSliceIndex(0).AtMapKey("id"),
						"codat_company.uk", tfjsonpath.New("id"), compareEqual),
					statecheck.CompareValuePairs("data.codat_companies.uk", tfjsonpath.New("companies").AtSliceIndex(0).AtMapKey("connections").AtSliceIndex(0).AtMapKey("id"),
						"codat_connection.uk", tfjsonpath.New("id"), compareEqual),
					statecheck.CompareValuePairs("data.codat_companies.uk", tfjsonpath.New("companies").AtSliceIndex(0).AtMapKey("created"),
						"codat_company.uk", tfjsonpath.New("created"), compareEqual),
					statecheck.ExpectKnownValue("data.codat_companies.uk", tfjsonpath.New("companies").AtSliceIndex(0), knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"description": knownvalue.StringExact("first"),
						"tags":        knownvalue.MapExact(map[string]knownvalue.Check{"region": knownvalue.StringExact("uk"), "owner": knownvalue.StringExact("Ann Smith")}),
					})),
					statecheck.ExpectKnownValue("data.codat_companies.uk", tfjsonpath.New("companies").AtSliceIndex(1), knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"description": knownvalue.Null(),
						"connections": knownvalue.ListSizeExact(0),
					})),
					ukConnection("PendingAuth"),
				},
			},
			{
				// The customer authorises Xero, and Codat stops sending integrationKey.
				PreConfig: func() {
					c := env.Sandbox.Companies()[0]
					if err := env.Sandbox.AuthorizeConnection(c.ID, env.Sandbox.Connections(c.ID)[0].ID); err != nil {
						t.Fatal(err)
					}
					env.Sandbox.SetIntegrationKeyOmitted(true)
				},
				Config:            cfg,
				ConfigStateChecks: []statecheck.StateCheck{ukConnection("Linked")},
			},
		},
	})
}

// Bad filters fail at plan time with the attribute path and cost no call; a query whose form is right but
// which Codat refuses fails with Codat's message on query.
func TestAccCompaniesDataSource_badInput(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	lookup := func(attrs string) string { return "data \"codat_companies\" \"bad\" {\n  " + attrs + "\n}\n" }
	eleven := make([]string, 11)
	for i := range eleven {
		eleven[i] = fmt.Sprintf("k%d = \"v\"", i)
	}
	cases := map[string]badInput{
		"blank query":           {lookup(`query = " "`), []string{`query`, `must not be blank`}},
		"unbalanced braces":     {lookup(`query = "{name=a || name=b"`), []string{`query`, `has a { without its }`}},
		"closing brace first":   {lookup(`query = "name=a}"`), []string{`query`, `has a } without its {`}},
		"condition without op":  {lookup(`query = "name"`), []string{`query`, `has no operator`}},
		"empty condition":       {lookup(`query = "name=a &&"`), []string{`query`, `empty condition`}},
		"no value":              {lookup(`query = "name="`), []string{`query`, `has no value`}},
		"no property":           {lookup(`query = "=Acme"`), []string{`query`, `property name`}},
		"query too long":        {lookup(`query = "name=` + strings.Repeat("a", 2048) + `"`), []string{`query`, `under 2048 characters`}},
		"empty name":            {lookup(`name = ""`), []string{`name`, `at least 1`}},
		"tag key too long":      {lookup(`tags = { ` + strings.Repeat("k", 28) + ` = "v" }`), []string{`tags`, `between 1 and 27`}},
		"tag value too long":    {lookup(`tags = { k = "` + strings.Repeat("é", 101) + `" }`), []string{`tags`, `at most 100`}},
		"eleven tags":           {lookup(`tags = { ` + strings.Join(eleven, ", ") + ` }`), []string{`tags`, `at most 10`}},
		"company id empty":      {"data \"codat_bank_feed_company_info\" \"bad\" {\n  company_id = \"\"\n  connection_id = \"x\"\n}\n", []string{`company_id`, `must not be empty`}},
		"connection id missing": {"data \"codat_bank_feed_company_info\" \"bad\" {\n  company_id = \"c\"\n}\n", []string{`connection_id`, `is required`}},
	}
	expectRefusedAtPlan(t, env, cases)

	acctest.UnitTest(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config:      env.ProviderConfig() + lookup(`query = "colour=red"`),
			ExpectError: acctest.ErrorRegexp(`Codat refused the query`, `query = "colour=red"`, `Could not resolve property colour`, `correlation id`),
		}},
	})
	if n := env.Sandbox.Count(sandbox.RouteListCompanies); n != 1 {
		t.Errorf("the refused query made %d list calls, want 1 (a 400 is not retried)", n)
	}
}
