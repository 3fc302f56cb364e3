package provider_test

import (
	"fmt"
	"maps"
	"net"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

// codat_xero_integration checks the client id and secret with Xero before it stores them in Codat.

// A wrong secret stops the apply with Xero's verdict before anything reaches Codat.
func TestAccXeroIntegrationResource_wrongSecret(t *testing.T) {
	t.Parallel()
	env := acctest.NewWithXeroApp(t)
	rejected := acctest.ErrorRegexp(`Xero rejected the client id and secret`, `client_id`, `answered invalid_client`,
		`regenerated in Xero Developer`, `Nothing was stored in Codat`)

	acctest.Test(t, resource.TestCase{
		CheckDestroy: env.CheckXeroIntegrationKept(true, acctest.XeroSecret1),
		Steps: []resource.TestStep{
			{
				// On create: the token endpoint is the only request.
				PreConfig:   resetCounts(env),
				Config:      env.ProviderConfig() + xeroWriteOnly(1, acctest.XeroSecret2),
				ExpectError: rejected,
			},
			{
				PreConfig: func() {
					if got := env.Sandbox.Counts(); !maps.Equal(got, map[string]int{sandbox.RouteXeroToken: 1}) {
						t.Fatalf("a rejected create made requests %v", got)
					}
					if creds := env.Sandbox.XeroCredentials(); len(creds) != 0 {
						t.Fatalf("a rejected create stored credentials")
					}
				},
				Config: env.ProviderConfig() + xeroWriteOnly(1, acctest.XeroSecret1),
				Check:  env.ExpectXeroCredentials(acctest.XeroSecret1),
			},
			{
				// On update: the stored credentials stay as they were.
				PreConfig:   resetCounts(env),
				Config:      env.ProviderConfig() + xeroWriteOnly(2, acctest.XeroSecret2),
				ExpectError: rejected,
			},
			{
				PreConfig: func() {
					if n := env.Sandbox.Count(sandbox.RoutePutCredentials); n != 0 {
						t.Fatalf("a rejected update sent the credentials %d times", n)
					}
					if n := env.Sandbox.Count(sandbox.RouteXeroToken); n != 1 {
						t.Fatalf("a rejected update asked the token endpoint %d times", n)
					}
					if err := env.ExpectXeroCredentials(acctest.XeroSecret1)(nil); err != nil {
						t.Fatal(err)
					}
				},
				// The failed update left the state as it was: the old configuration plans nothing.
				Config:   env.ProviderConfig() + xeroWriteOnly(1, acctest.XeroSecret1),
				PlanOnly: true,
			},
		},
	})
}

// An update that fails part-way keeps what it achieved: the next apply does not send the secret again.
func TestAccXeroIntegrationResource_partialUpdate(t *testing.T) {
	t.Parallel()
	env := acctest.NewWithXeroApp(t)
	noRetries := env.ProviderConfig("max_retries = 0")
	rotatedAndDisabled := noRetries + xeroWriteOnly(2, acctest.XeroSecret2, `  enabled = false`)

	acctest.Test(t, resource.TestCase{
		CheckDestroy: env.CheckXeroIntegrationKept(false, acctest.XeroSecret2),
		Steps: []resource.TestStep{
			{Config: noRetries + xeroWriteOnly(1, acctest.XeroSecret1)},
			{
				PreConfig: func() {
					env.Sandbox.RegisterXeroApp(acctest.XeroClientID, acctest.XeroSecret2)
					// The legacy route documents no 5xx; a dropped connection fails the step as well.
					env.Sandbox.InjectFault(sandbox.RouteSetIntegrationEnabled, sandbox.FaultDropBefore, 1)
				},
				Config:      rotatedAndDisabled,
				ExpectError: acctest.ErrorRegexp(`Unable to enable or disable the Codat Xero integration`),
			},
			{
				PreConfig: func() {
					if err := env.ExpectXeroCredentials(acctest.XeroSecret2)(nil); err != nil {
						t.Fatal(err)
					}
					env.Sandbox.ResetCounts()
				},
				Config: rotatedAndDisabled,
				ConfigPlanChecks: acctest.Converges(
					plancheck.ExpectResourceAction(xeroAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(xeroAddr, tfjsonpath.New("enabled"), knownvalue.Bool(false)),
				),
				Check: expectRequests(t, env, "finish a failed update", acctest.XeroRefresh, map[string]int{sandbox.RouteSetIntegrationEnabled: 1}),
			},
		},
	})
}

// When Xero cannot be asked, the credentials are stored anyway (with a warning).
func TestAccXeroIntegrationResource_tokenEndpointUnreachable(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String() + "/connect/token"
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	providerConfig := env.ProviderConfig(fmt.Sprintf("xero_token_url = %q", closed), "max_retries = null")

	acctest.Test(t, resource.TestCase{
		CheckDestroy: env.CheckXeroIntegrationKept(true, acctest.XeroSecret1),
		Steps: []resource.TestStep{{
			PreConfig: resetCounts(env),
			Config:    providerConfig + xeroWriteOnly(1, acctest.XeroSecret1),
			Check: resource.ComposeAggregateTestCheckFunc(
				env.ExpectXeroCredentials(acctest.XeroSecret1),
				expectRequests(t, env, "create, Xero unreachable", map[string]int{
					sandbox.RoutePutCredentials: 1, sandbox.RouteSetIntegrationEnabled: 1, sandbox.RoutePatchIntegrationSettings: 1,
				}),
			),
		}},
	})
}

// verify_credentials = false skips the token endpoint.
func TestAccXeroIntegrationResource_verifyDisabled(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	acctest.Test(t, resource.TestCase{
		CheckDestroy: env.CheckXeroIntegrationKept(true, acctest.XeroSecret1),
		Steps: []resource.TestStep{{
			PreConfig: resetCounts(env),
			Config:    env.ProviderConfig() + xeroWriteOnly(1, acctest.XeroSecret1, `  verify_credentials = false`),
			Check: resource.ComposeAggregateTestCheckFunc(
				env.ExpectXeroCredentials(acctest.XeroSecret1),
				expectRequests(t, env, "create unverified", map[string]int{
					sandbox.RoutePutCredentials: 1, sandbox.RouteSetIntegrationEnabled: 1, sandbox.RoutePatchIntegrationSettings: 1,
				}),
			),
			ConfigPlanChecks: acctest.Converges(),
		}},
	})
}
