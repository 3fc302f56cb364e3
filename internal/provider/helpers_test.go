package provider_test

import (
	"encoding/json"
	"fmt"
	"math/big"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

type sandboxCompany = sandbox.Company

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

var linkURLPattern = regexp.MustCompile(`^http://127\.0\.0\.1:\d+/link/companies/[0-9a-f-]{36}/connections/[0-9a-f-]{36}/start$`)

var compareEqual = compare.ValuesSame()

// importID builds an import ID from attributes of a resource in state, joined with "/".
func importID(addr string, attrs ...string) resource.ImportStateIdFunc {
	return func(s *terraform.State) (string, error) {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return "", fmt.Errorf("%s not in state", addr)
		}
		parts := make([]string, len(attrs))
		for i, a := range attrs {
			parts[i] = rs.Primary.Attributes[a]
			if parts[i] == "" {
				return "", fmt.Errorf("%s has no %s", addr, a)
			}
		}
		return strings.Join(parts, "/"), nil
	}
}

// decimal parses a number the way Terraform does (512-bit precision), for NumberExact checks.
func decimal(s string) *big.Float {
	f, _, err := big.ParseFloat(s, 10, 512, big.ToNearestEven)
	if err != nil {
		panic(err)
	}
	return f
}

// lazyString is a configuration variable whose value is known only once earlier steps ran (say, an id the
// sandbox chose); terraform-plugin-testing marshals variables when it runs the step.
type lazyString func() string

func (f lazyString) MarshalJSON() ([]byte, error) { return json.Marshal(f()) }

// lazyExact checks a string known only once an earlier step has run.
type lazyExact func() string

func (f lazyExact) CheckValue(v any) error { return knownvalue.StringExact(f()).CheckValue(v) }
func (f lazyExact) String() string         { return f() }

// badInput is an invalid configuration (what follows the provider block) and the fragments its error must show: the
// attribute path, then the rule.
type badInput struct {
	config string
	want   []string
}

// expectRefusedAtPlan plans each configuration after env's provider block and expects its error, then checks that
// none of them reached the API.
func expectRefusedAtPlan(t *testing.T, env *acctest.Env, cases map[string]badInput) {
	t.Helper()
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			acctest.UnitTest(t, resource.TestCase{
				Steps: []resource.TestStep{{Config: env.ProviderConfig() + tc.config, PlanOnly: true, ExpectError: acctest.ErrorRegexp(tc.want...)}},
			})
		})
	}
	if n := env.Sandbox.TotalCalls(); n != 0 {
		t.Errorf("invalid configurations made %d API calls: %v", n, env.Sandbox.Counts())
	}
}
