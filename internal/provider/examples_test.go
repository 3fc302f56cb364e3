package provider_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
)

// The documentation examples are real configurations: each one applies against the sandbox and destroys
// cleanly, except the mapping example, which needs the customer to authorise Xero first and so is planned.
func TestAccExamples(t *testing.T) {
	t.Parallel()
	var examples []string
	for _, pattern := range []string{"../../examples/resources/*/resource.tf", "../../examples/data-sources/*/data-source.tf"} {
		matches, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		examples = append(examples, matches...)
	}
	if len(examples) < 8 {
		t.Fatalf("found only %d examples under examples/: %v", len(examples), examples)
	}
	planOnly := map[string]bool{"codat_bank_feed_account_mapping": true}
	// Data source examples that read an existing company get one made by a seed configuration.
	seed := acctest.CompanyWithConnection("seed", "seed", "Seed company")
	for _, path := range examples {
		name := filepath.Base(filepath.Dir(path))
		t.Run(filepath.Base(filepath.Dir(filepath.Dir(path)))+"/"+name, func(t *testing.T) {
			t.Parallel()
			body, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			env := acctest.New(t)
			example := string(body)
			companyID := lazyString(func() string {
				if cs := env.Sandbox.Companies(); len(cs) > 0 {
					return cs[0].ID
				}
				return ""
			})
			step := resource.TestStep{
				Config:          env.ProviderConfig() + seed + example,
				ConfigVariables: config.Variables{},
			}
			if strings.Contains(example, `variable "company_id"`) {
				step.ConfigVariables["company_id"] = companyID
			}
			if strings.Contains(example, `variable "xero_client_secret"`) {
				const clientID, secret = "C0FFEE0000000000000000000000A1B2", "example-secret-1"
				env.Sandbox.RegisterXeroApp(clientID, secret)
				step.ConfigVariables["xero_client_id"] = config.StringVariable(clientID)
				step.ConfigVariables["xero_client_secret"] = config.StringVariable(secret)
			}
			if planOnly[name] {
				step.PlanOnly = true
				step.ExpectNonEmptyPlan = true
			}
			acctest.Test(t, resource.TestCase{
				CheckDestroy: env.CheckEmpty(),
				Steps: []resource.TestStep{
					{Config: env.ProviderConfig() + seed},
					step,
				},
			})
		})
	}
}

// The provider example takes everything from the environment, as the docs recommend.
func TestAccExamples_provider(t *testing.T) {
	body := acctest.Example(t, "provider/provider.tf")
	env := acctest.New(t)
	t.Setenv("CODAT_API_KEY", env.APIKey)
	t.Setenv("CODAT_BASE_URL", env.URL)
	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config: body + `
data "codat_integration" "xero" {
  platform_key = "gbol"
}
`,
		}},
	})
	if env.Sandbox.TotalCalls() == 0 {
		t.Error("the provider configured from the environment made no call to the sandbox")
	}
}

// Every resource has the examples its docs page renders (the configuration, the import command and the import
// block), and every data source its configuration; TestAccExamples applies them.
func TestExamplesForEveryType(t *testing.T) {
	resources, dataSources := typeNames(t)
	want := map[string][]string{}
	for _, name := range resources {
		want["resources/"+name] = []string{"resource.tf", "import.sh", "import-by-string-id.tf"}
	}
	for _, name := range dataSources {
		want["data-sources/"+name] = []string{"data-source.tf"}
	}
	for dir, files := range want {
		for _, file := range files {
			if _, err := os.Stat(filepath.Join("../../examples", dir, file)); err != nil {
				t.Errorf("no example %s/%s: %v", dir, file, err)
			}
		}
	}
}
