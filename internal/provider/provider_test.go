package provider_test

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
	"github.com/terraform-codat/terraform-provider-codat/internal/provider"
	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

func TestAccProvider_configurationPlansAndApplies(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + `
data "codat_integration" "xero" {
  platform_key = "gbol"
}
`,
			ConfigStateChecks: acctest.Attrs("data.codat_integration.xero", map[string]knownvalue.Check{
				"name":           knownvalue.StringExact("Xero"),
				"source_type":    knownvalue.StringExact("Accounting"),
				"integration_id": knownvalue.StringRegexp(uuidPattern),
			}),
		}},
	})
	if n := env.Sandbox.Count(sandbox.RouteGetIntegration); n == 0 {
		t.Errorf("the data source never read the integration from the sandbox")
	}
}

// The API key is checked before any request: a missing key must fail the plan with an error on api_key
// and the sandbox must see no call at all.
func TestAccProvider_missingAPIKey(t *testing.T) {
	t.Setenv("CODAT_API_KEY", "")
	env := acctest.New(t)
	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config: `
provider "codat" {
  base_url = "` + env.URL + `"
}

data "codat_integration" "xero" {
  platform_key = "gbol"
}
`,
			ExpectError: acctest.ErrorRegexp(`Missing Codat API key`, `CODAT_API_KEY`),
		}},
	})
	if n := env.Sandbox.TotalCalls(); n != 0 {
		t.Errorf("sandbox saw %d API calls; a missing key must fail before any request", n)
	}
}

// Invalid provider settings fail at plan time with the attribute's path, before any request: every case starts
// from a working configuration (the sandbox's URL and key) and breaks one attribute.
func TestAccProvider_invalidConfiguration(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	cases := map[string]struct {
		attr, value, want string
	}{
		"base_url not a URL":         {"base_url", `"api.codat.io"`, `must be an absolute http\(s\) URL`},
		"base_url http to a host":    {"base_url", `"http://api.codat.io"`, `must use https://`},
		"xero_token_url not a URL":   {"xero_token_url", `"::"`, `must be an absolute http\(s\) URL`},
		"blank api_key":              {"api_key", `"  "`, `must not be blank`},
		"api_key with a line break":  {"api_key", `"k3y\n"`, `must not start or end with white space`},
		"base_url with a path":       {"base_url", `"https://api.codat.io/v2"`, `must have no path \(got "/v2"\)`},
		"base_url with a slash path": {"base_url", `"https://api.codat.io//"`, `must have no path`},
		"base_url blank":             {"base_url", `" "`, `must not be empty or blank`},
		"xero_token_url blank":       {"xero_token_url", `"\t"`, `must not be empty or blank`},
		"max_concurrent_requests 0":  {"max_concurrent_requests", `0`, `between 1 and 100`},
		"max_requests_per_minute 0":  {"max_requests_per_minute", `0`, `between 1 and 1000000`},
		"max_retries negative":       {"max_retries", `-1`, `between 0 and 20`},
		"request_timeout not a time": {"request_timeout", `"soon"`, `must be a duration`},
		"max_retry_wait too long":    {"max_retry_wait", `"48h"`, `must be between`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			attrs := map[string]string{
				"base_url": fmt.Sprintf("%q", env.URL),
				"api_key":  fmt.Sprintf("%q", env.APIKey),
			}
			attrs[tc.attr] = tc.value
			expectProviderError(t, attrs, acctest.ErrorRegexp(tc.attr, tc.want))
		})
	}
	if n := env.Sandbox.TotalCalls(); n != 0 {
		t.Errorf("sandbox saw %d API calls for invalid configurations", n)
	}
}

// Values taken from the environment meet the same rules as the attributes, at plan time and before any request,
// and the error says which variable holds the wrong value.
func TestAccProvider_environmentValuesAreChecked(t *testing.T) {
	env := acctest.New(t)
	cases := []struct {
		name, variable, value, attr, want string
	}{
		{"blank key", provider.EnvAPIKey, "   ", "api_key", `The API key \(from the CODAT_API_KEY environment variable, read as api_key is not set\) must not be blank`},
		{"tab key", provider.EnvAPIKey, "\t", "api_key", `CODAT_API_KEY environment variable, read as api_key is not set\) must not be blank`},
		{"key with a line break", provider.EnvAPIKey, env.APIKey + "\n", "api_key", `CODAT_API_KEY environment variable, read as api_key is not set\) must not start or end with white space`},
		{"key with a control character", provider.EnvAPIKey, "k\aey", "api_key", `CODAT_API_KEY environment variable, read as api_key is not set\) must not contain control characters`},
		{"blank base URL", provider.EnvBaseURL, "  ", "base_url", `\(from the CODAT_BASE_URL environment variable, read as base_url is not set\) must not be empty or blank`},
		{"base URL with a path", provider.EnvBaseURL, "https://api.codat.io/v2", "base_url", `CODAT_BASE_URL environment variable, read as base_url is not set\) must have no path`},
		{"sandbox URL with a path", provider.EnvBaseURL, env.URL + "/x", "base_url", `CODAT_BASE_URL environment variable, read as base_url is not set\) must have no path \(got "/x"\)`},
		{"blank token URL", provider.EnvXeroTokenURL, " ", "xero_token_url", `\(from the XERO_TOKEN_URL environment variable, read as xero_token_url is not set\) must not be empty or blank`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(tc.variable, tc.value)
			attrs := map[string]string{"base_url": strconv.Quote(env.URL), "api_key": strconv.Quote(env.APIKey),
				"xero_token_url": strconv.Quote(env.XeroTokenURL())}
			delete(attrs, tc.attr)
			expectProviderError(t, attrs, acctest.ErrorRegexp(tc.want))
		})
	}
	if n := env.Sandbox.TotalCalls(); n != 0 {
		t.Errorf("sandbox saw %d API calls for invalid environment values", n)
	}
}

// expectProviderError plans a data source with a provider block of attrs (HCL values) and expects the error.
func expectProviderError(t *testing.T, attrs map[string]string, want *regexp.Regexp) {
	t.Helper()
	var block strings.Builder
	for k, v := range attrs {
		fmt.Fprintf(&block, "  %s = %s\n", k, v)
	}
	acctest.UnitTest(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config: "provider \"codat\" {\n" + block.String() + "}\n" + `
data "codat_integration" "xero" {
  platform_key = "gbol"
}
`,
			ExpectError: want,
		}},
	})
}
