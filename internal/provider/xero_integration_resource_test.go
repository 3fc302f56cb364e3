package provider_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"net"
	"os"
	"path/filepath"
	"strings"
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

const xeroAddr = "codat_xero_integration.test"

func xeroWriteOnly(version int, secret string, extra ...string) string {
	return fmt.Sprintf(`
resource "codat_xero_integration" "test" {
  client_id                = %q
  client_secret_wo         = %q
  client_secret_wo_version = %d
%s
}
`, acctest.XeroClientID, secret, version, strings.Join(extra, "\n"))
}

// expectRequests checks that the step's plan and apply (since the PreConfig that called ResetCounts) made exactly
// the requests in want, and logs them for the record.
func expectRequests(t *testing.T, env *acctest.Env, label string, want ...map[string]int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got := env.Sandbox.Counts()
		t.Logf("requests for %s: %v", label, got)
		all := map[string]int{}
		for _, w := range want {
			for k, v := range w {
				all[k] += v
			}
		}
		if !maps.Equal(got, all) {
			return fmt.Errorf("%s made requests %v, want %v", label, got, all)
		}
		return nil
	}
}

func resetCounts(env *acctest.Env) func() { return env.Sandbox.ResetCounts }

// checkXeroIntegrationDestroyed is the CheckDestroy of a configuration that opts in to both destroy actions: destroy
// disabled the integration and removed the credentials.
func checkXeroIntegrationDestroyed(env *acctest.Env) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if creds := env.Sandbox.XeroCredentials(); len(creds) != 0 {
			return fmt.Errorf("sandbox still stores Xero credentials after destroy (%d keys)", len(creds))
		}
		if env.Sandbox.IntegrationEnabled(sandbox.XeroPlatformKey) {
			return fmt.Errorf("the Xero integration is still enabled after destroy")
		}
		return nil
	}
}

// noSecretInState fails when the state, as `terraform show -json` prints it, contains any of the secrets.
type noSecretInState []string

func (secrets noSecretInState) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	raw, err := json.Marshal(req.State)
	if err != nil {
		resp.Error = err
		return
	}
	if !bytes.Contains(raw, []byte("codat_xero_integration")) {
		resp.Error = fmt.Errorf("the state holds no codat_xero_integration: %s", raw)
		return
	}
	for _, s := range secrets {
		if bytes.Contains(raw, []byte(s)) {
			resp.Error = fmt.Errorf("the state JSON contains the client secret %.4s…", s)
			return
		}
	}
}

// secretForms are the ways a secret could show up in a file: as is, and inside a Basic authorization header.
func secretForms(clientID, secret string) []string {
	return []string{secret, base64.StdEncoding.EncodeToString([]byte(clientID + ":" + secret))}
}

func writeOnlyStateChecks(secrets ...string) []statecheck.StateCheck {
	return []statecheck.StateCheck{
		noSecretInState(secrets),
		statecheck.ExpectKnownValue(xeroAddr, tfjsonpath.New("client_secret_wo"), knownvalue.Null()),
		statecheck.ExpectKnownValue(xeroAddr, tfjsonpath.New("client_secret"), knownvalue.Null()),
	}
}

func TestAccXeroIntegrationResource_writeOnly(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.Sandbox.RegisterXeroApp(acctest.XeroClientID, acctest.XeroSecret1)

	acctest.Test(t, resource.TestCase{
		CheckDestroy: env.CheckXeroIntegrationKept(true, acctest.XeroSecret2),
		Steps: []resource.TestStep{
			{
				PreConfig: resetCounts(env),
				Config:    env.ProviderConfig() + xeroWriteOnly(1, acctest.XeroSecret1),
				ConfigStateChecks: append(writeOnlyStateChecks(acctest.XeroSecret1),
					statecheck.ExpectKnownValue(xeroAddr, tfjsonpath.New("id"), knownvalue.StringExact("gbol")),
					statecheck.ExpectKnownValue(xeroAddr, tfjsonpath.New("client_id"), knownvalue.StringExact(acctest.XeroClientID)),
					statecheck.ExpectKnownValue(xeroAddr, tfjsonpath.New("client_secret_wo_version"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(xeroAddr, tfjsonpath.New("enabled"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(xeroAddr, tfjsonpath.New("access"), knownvalue.StringExact("continuous")),
					statecheck.ExpectKnownValue(xeroAddr, tfjsonpath.New("verify_credentials"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(xeroAddr, tfjsonpath.New("integration_id"), knownvalue.StringRegexp(uuidPattern)),
					statecheck.ExpectKnownValue(xeroAddr, tfjsonpath.New("name"), knownvalue.StringExact("Xero")),
				),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: resource.ComposeAggregateTestCheckFunc(
					expectRequests(t, env, "create", map[string]int{
						sandbox.RouteXeroToken: 1, sandbox.RoutePutCredentials: 1, sandbox.RouteSetIntegrationEnabled: 1, sandbox.RoutePatchIntegrationSettings: 1,
					}),
					env.ExpectXeroCredentials(acctest.XeroSecret1),
					func(*terraform.State) error {
						if !env.Sandbox.IntegrationEnabled(sandbox.XeroPlatformKey) {
							return fmt.Errorf("the Xero integration is not enabled")
						}
						return nil
					},
				),
			},
			{
				// The version did not change, so a different secret in the configuration is not sent: Terraform
				// cannot compare write-only values, the version stands for them.
				PreConfig: resetCounts(env),
				Config:    env.ProviderConfig() + xeroWriteOnly(1, acctest.XeroSecret2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					expectRequests(t, env, "no-op apply", acctest.XeroRefresh),
					env.ExpectXeroCredentials(acctest.XeroSecret1),
				),
			},
			{
				// Rotation: a new secret generated in Xero Developer replaces the old one there; bumping the
				// version sends it to Codat exactly once.
				PreConfig: func() {
					env.Sandbox.RegisterXeroApp(acctest.XeroClientID, acctest.XeroSecret2)
					env.Sandbox.ResetCounts()
				},
				Config: env.ProviderConfig() + xeroWriteOnly(2, acctest.XeroSecret2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(xeroAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(xeroAddr, tfjsonpath.New("client_secret_wo"), knownvalue.Null()),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: append(writeOnlyStateChecks(acctest.XeroSecret1, acctest.XeroSecret2),
					statecheck.ExpectKnownValue(xeroAddr, tfjsonpath.New("client_secret_wo_version"), knownvalue.Int64Exact(2)),
				),
				Check: resource.ComposeAggregateTestCheckFunc(
					expectRequests(t, env, "rotate", acctest.XeroRefresh, map[string]int{sandbox.RouteXeroToken: 1, sandbox.RoutePutCredentials: 1}),
					env.ExpectXeroCredentials(acctest.XeroSecret2),
				),
			},
			{
				// The secret cannot be read back and the client id only masked: both are left out of the
				// comparison, and the imported client id must be the mask of the real one.
				ResourceName:            xeroAddr,
				ImportState:             true,
				ImportStateId:           "gbol",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"client_id", "client_secret_wo_version"},
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 {
						return fmt.Errorf("import gave %d instances", len(states))
					}
					attrs := states[0].Attributes
					if want := strings.Repeat("X", len(acctest.XeroClientID)-4) + acctest.XeroClientID[len(acctest.XeroClientID)-4:]; attrs["client_id"] != want {
						return fmt.Errorf("imported client_id %q, want the masked %q", attrs["client_id"], want)
					}
					if v, ok := attrs["client_secret_wo_version"]; ok && v != "" {
						return fmt.Errorf("imported client_secret_wo_version %q, want null", v)
					}
					return nil
				},
			},
			{
				// With an import block, the plan is the import plus the one update that stores the secret.
				ResourceName:       xeroAddr,
				ImportState:        true,
				ImportStateKind:    resource.ImportBlockWithID,
				ExpectNonEmptyPlan: true,
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(xeroAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(xeroAddr, tfjsonpath.New("client_id"), knownvalue.StringExact(acctest.XeroClientID)),
					plancheck.ExpectKnownValue(xeroAddr, tfjsonpath.New("client_secret_wo_version"), knownvalue.Int64Exact(2)),
				}},
			},
			{
				ResourceName:  xeroAddr,
				ImportState:   true,
				ImportStateId: "xero",
				ExpectError:   acctest.ErrorRegexp(`Invalid import ID`, `import it with the ID "gbol"`),
			},
			{
				// Credentials removed outside Terraform: the plan stores them again.
				PreConfig: func() {
					if err := env.Sandbox.SetIntegrationCredentials(sandbox.XeroPlatformKey, map[string]string{}); err != nil {
						t.Fatal(err)
					}
					env.Sandbox.ResetCounts()
				},
				Config: env.ProviderConfig() + xeroWriteOnly(2, acctest.XeroSecret2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(xeroAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(xeroAddr, tfjsonpath.New("client_id"), knownvalue.StringExact(acctest.XeroClientID)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					expectRequests(t, env, "repair removed credentials", acctest.XeroRefresh, map[string]int{sandbox.RouteXeroToken: 1, sandbox.RoutePutCredentials: 1}),
					env.ExpectXeroCredentials(acctest.XeroSecret2),
				),
			},
			{
				// Another client id stored outside Terraform: its mask cannot be the configured id, so the plan
				// puts the configured credentials back.
				PreConfig: func() {
					if err := env.Sandbox.SetIntegrationCredentials(sandbox.XeroPlatformKey, map[string]string{
						"clientId": "OTHERAPP000000000000000000000000", "clientSecret": "someone-elses-secret",
					}); err != nil {
						t.Fatal(err)
					}
				},
				Config: env.ProviderConfig() + xeroWriteOnly(2, acctest.XeroSecret2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(xeroAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: env.ExpectXeroCredentials(acctest.XeroSecret2),
			},
		},
	})
}

// A wrong secret stops the apply with Xero's verdict before anything reaches Codat.
func TestAccXeroIntegrationResource_wrongSecret(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.Sandbox.RegisterXeroApp(acctest.XeroClientID, acctest.XeroSecret1)
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

func TestAccXeroIntegrationResource_enabledAndAccess(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.Sandbox.RegisterXeroApp(acctest.XeroClientID, acctest.XeroSecret1)
	integrationID := func() string {
		i, _ := env.Sandbox.Integration(sandbox.XeroPlatformKey)
		return i.IntegrationID
	}
	expectSandbox := func(enabled, oneTimeSync bool) resource.TestCheckFunc {
		return func(*terraform.State) error {
			gotSync, ok := env.Sandbox.IntegrationSettings(integrationID())
			if got := env.Sandbox.IntegrationEnabled(sandbox.XeroPlatformKey); got != enabled || !ok || gotSync != oneTimeSync {
				return fmt.Errorf("sandbox: enabled %v, oneTimeSync %v; want %v, %v", got, gotSync, enabled, oneTimeSync)
			}
			return nil
		}
	}
	oneOff := env.ProviderConfig() + xeroWriteOnly(1, acctest.XeroSecret1, `  enabled = false`, `  access  = "one-off"`)
	continuous := env.ProviderConfig() + xeroWriteOnly(1, acctest.XeroSecret1, `  enabled = true`, `  access  = "continuous"`)

	acctest.Test(t, resource.TestCase{
		CheckDestroy: env.CheckXeroIntegrationKept(true, acctest.XeroSecret1),
		Steps: []resource.TestStep{
			{
				Config: oneOff,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(xeroAddr, tfjsonpath.New("enabled"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(xeroAddr, tfjsonpath.New("access"), knownvalue.StringExact("one-off")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            expectSandbox(false, true),
			},
			{
				// Neither setting touches the credentials.
				PreConfig: resetCounts(env),
				Config:    continuous,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(xeroAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					expectSandbox(true, false),
					expectRequests(t, env, "enable and switch to continuous", acctest.XeroRefresh, map[string]int{sandbox.RouteSetIntegrationEnabled: 1, sandbox.RoutePatchIntegrationSettings: 1}),
				),
			},
			{
				// Changed in the Codat Portal: the plan puts both back.
				PreConfig: func() {
					if err := env.Sandbox.SetIntegrationEnabled(sandbox.XeroPlatformKey, false); err != nil {
						t.Fatal(err)
					}
					if err := env.Sandbox.SetIntegrationOneTimeSync(sandbox.XeroPlatformKey, true); err != nil {
						t.Fatal(err)
					}
				},
				Config: continuous,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(xeroAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(xeroAddr, tfjsonpath.New("enabled"), knownvalue.Bool(true)),
						plancheck.ExpectKnownValue(xeroAddr, tfjsonpath.New("access"), knownvalue.StringExact("continuous")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: expectSandbox(true, false),
			},
			{
				// Defaults: enabled and continuous.
				Config:           env.ProviderConfig() + xeroWriteOnly(1, acctest.XeroSecret1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// client_secret, for Terraform before 1.11: stored in state, hidden in plan output.
func TestAccXeroIntegrationResource_clientSecret(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.Sandbox.RegisterXeroApp(acctest.XeroClientID, acctest.XeroSecret1)

	acctest.Test(t, resource.TestCase{
		CheckDestroy: env.CheckXeroIntegrationKept(true, acctest.XeroSecret2),
		Steps: []resource.TestStep{
			{
				Config: env.ProviderConfig() + acctest.XeroStoredSecret(acctest.XeroSecret1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectSensitiveValue(xeroAddr, tfjsonpath.New("client_secret"))},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(xeroAddr, tfjsonpath.New("client_secret"), knownvalue.StringExact(acctest.XeroSecret1)),
					statecheck.ExpectKnownValue(xeroAddr, tfjsonpath.New("client_secret_wo_version"), knownvalue.Null()),
				},
				Check: env.ExpectXeroCredentials(acctest.XeroSecret1),
			},
			{
				// A changed secret is sent once.
				PreConfig: func() {
					env.Sandbox.RegisterXeroApp(acctest.XeroClientID, acctest.XeroSecret2)
					env.Sandbox.ResetCounts()
				},
				Config: env.ProviderConfig() + acctest.XeroStoredSecret(acctest.XeroSecret2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(xeroAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectSensitiveValue(xeroAddr, tfjsonpath.New("client_secret")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					expectRequests(t, env, "change client_secret", acctest.XeroRefresh, map[string]int{sandbox.RouteXeroToken: 1, sandbox.RoutePutCredentials: 1}),
					env.ExpectXeroCredentials(acctest.XeroSecret2),
				),
			},
			{
				// Changed outside Terraform: the mask no longer fits the stored secret, so the plan sends it again.
				PreConfig: func() {
					if err := env.Sandbox.SetIntegrationCredentials(sandbox.XeroPlatformKey, map[string]string{
						"clientId": acctest.XeroClientID, "clientSecret": "short-other",
					}); err != nil {
						t.Fatal(err)
					}
				},
				Config: env.ProviderConfig() + acctest.XeroStoredSecret(acctest.XeroSecret2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(xeroAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: env.ExpectXeroCredentials(acctest.XeroSecret2),
			},
			{
				// Moving to the write-only form sends the secret once more and drops it from state.
				Config: env.ProviderConfig() + xeroWriteOnly(1, acctest.XeroSecret2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(xeroAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: writeOnlyStateChecks(acctest.XeroSecret1, acctest.XeroSecret2),
				Check:             env.ExpectXeroCredentials(acctest.XeroSecret2),
			},
		},
	})
}

// An update that fails part-way keeps what it achieved: the next apply does not send the secret again.
func TestAccXeroIntegrationResource_partialUpdate(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.Sandbox.RegisterXeroApp(acctest.XeroClientID, acctest.XeroSecret1)
	noRetries := fmt.Sprintf(`
provider "codat" {
  base_url       = %q
  api_key        = %q
  xero_token_url = %q
  max_retries    = 0
}
`, env.URL, env.APIKey, env.XeroTokenURL())
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
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(xeroAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(xeroAddr, tfjsonpath.New("enabled"), knownvalue.Bool(false)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
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
	providerConfig := fmt.Sprintf(`
provider "codat" {
  base_url       = %q
  api_key        = %q
  xero_token_url = %q
}
`, env.URL, env.APIKey, closed)

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
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		}},
	})
}

// An integration set up by hand in the Codat Portal is adopted by import; the first apply stores the configured
// secret once, and the plan after it is empty.
func TestAccXeroIntegrationResource_importExisting(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	env.Sandbox.RegisterXeroApp(acctest.XeroClientID, acctest.XeroSecret1)
	if err := env.Sandbox.SetIntegrationCredentials(sandbox.XeroPlatformKey, map[string]string{
		"clientId": acctest.XeroClientID, "clientSecret": acctest.XeroSecret1,
	}); err != nil {
		t.Fatal(err)
	}
	if err := env.Sandbox.SetIntegrationEnabled(sandbox.XeroPlatformKey, true); err != nil {
		t.Fatal(err)
	}
	cfg := env.ProviderConfig() + xeroWriteOnly(1, acctest.XeroSecret1)

	acctest.Test(t, resource.TestCase{
		CheckDestroy: env.CheckXeroIntegrationKept(true, acctest.XeroSecret1),
		Steps: []resource.TestStep{
			{
				Config:             cfg,
				ResourceName:       xeroAddr,
				ImportState:        true,
				ImportStateId:      "gbol",
				ImportStatePersist: true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					a := states[0].Attributes
					if a["enabled"] != "true" || a["access"] != "continuous" || a["verify_credentials"] != "true" || a["name"] != "Xero" {
						return fmt.Errorf("imported %v", a)
					}
					return nil
				},
			},
			{
				PreConfig: resetCounts(env),
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(xeroAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: writeOnlyStateChecks(acctest.XeroSecret1),
				Check: resource.ComposeAggregateTestCheckFunc(
					expectRequests(t, env, "first apply after import", acctest.XeroRefresh, map[string]int{sandbox.RouteXeroToken: 1, sandbox.RoutePutCredentials: 1}),
					env.ExpectXeroCredentials(acctest.XeroSecret1),
				),
			},
		},
	})
}

// The rules between the secret attributes fail at plan time, name the attributes, and cost no request.
func TestAccXeroIntegrationResource_invalidConfig(t *testing.T) {
	t.Parallel()
	env := acctest.New(t)
	resourceWith := func(attrs ...string) string {
		return "resource \"codat_xero_integration\" \"bad\" {\n  " + strings.Join(attrs, "\n  ") + "\n}\n"
	}
	id := fmt.Sprintf("client_id = %q", acctest.XeroClientID)
	cases := map[string]struct {
		config string
		want   []string
	}{
		"no secret": {resourceWith(id),
			[]string{`No attribute specified when one \(and only one\) of`, `client_secret_wo,client_secret`}},
		"both secrets": {resourceWith(id, `client_secret_wo = "a"`, `client_secret_wo_version = 1`, `client_secret = "b"`),
			[]string{`client_secret_wo`, `2 attributes specified when one \(and only one\) of`, `client_secret_wo,client_secret`}},
		"write-only secret without version": {resourceWith(id, `client_secret_wo = "a"`),
			[]string{`Attribute "client_secret_wo_version" must be specified when "client_secret_wo" is specified`}},
		"version without write-only secret": {resourceWith(id, `client_secret = "b"`, `client_secret_wo_version = 1`),
			[]string{`client_secret_wo_version`, `Attribute "client_secret_wo" must be specified when`, `"client_secret_wo_version" is specified`}},
		"access": {resourceWith(id, `client_secret = "b"`, `access = "once"`),
			[]string{`access`, `value must be one of`, `continuous`, `one-off`}},
		"blank client id": {resourceWith(`client_id = " "`, `client_secret = "b"`),
			[]string{`client_id`, `must not be empty`}},
		"empty secret": {resourceWith(id, `client_secret = ""`),
			[]string{`client_secret`, `must not be empty`}},
		// Masked values as Codat shows stored credentials (CODAT-FACTS C2) are never sent.
		"X-masked client id": {resourceWith(`client_id = "XXXXXXXXXXXXXXXXXXXXXXXXXXXXA1B2"`, `client_secret = "b"`),
			[]string{`Masked Xero credential`, `client_id`, `Codat never returns the real value`}},
		"fixed-masked client id": {resourceWith(`client_id = "********A1B2"`, `client_secret = "b"`),
			[]string{`Masked Xero credential`, `client_id has the form of a masked credential`}},
		"asterisk-masked client id": {resourceWith(`client_id = "****************************A1B2"`, `client_secret = "b"`),
			[]string{`Masked Xero credential`, `client_id has the form of a masked credential`}},
		"masked client secret": {resourceWith(id, `client_secret = "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXwxyz"`),
			[]string{`Masked Xero credential`, `client_secret has the form of a masked credential`}},
		"masked write-only secret": {resourceWith(id, `client_secret_wo = "********wxyz"`, `client_secret_wo_version = 1`),
			[]string{`Masked Xero credential`, `client_secret_wo has the form of a masked credential`}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			acctest.UnitTest(t, resource.TestCase{
				Steps: []resource.TestStep{{
					Config:      env.ProviderConfig() + tc.config,
					PlanOnly:    true,
					ExpectError: acctest.ErrorRegexp(tc.want...),
				}},
			})
		})
	}
	if n := env.Sandbox.TotalCalls(); n != 0 {
		t.Errorf("invalid configurations made %d requests: %v", n, env.Sandbox.Counts())
	}
}

// Codat masks the stored credentials in more than one style (CODAT-FACTS C2). For each, an unchanged configuration
// plans nothing after create, and a client id changed outside Terraform is found where the mask shows it.
func TestAccXeroIntegrationResource_maskStyles(t *testing.T) {
	t.Parallel()
	const otherApp = "0THERAPP0000000000000000000000Z9" // another Xero app's id: other last four characters
	for _, style := range []sandbox.MaskStyle{sandbox.MaskX, sandbox.MaskFixed, sandbox.MaskAsterisk} {
		t.Run(string(style), func(t *testing.T) {
			t.Parallel()
			env := acctest.New(t, func(o *sandbox.Options) { o.CredentialMask = style })
			env.Sandbox.RegisterXeroApp(acctest.XeroClientID, acctest.XeroSecret1)
			cfg := env.ProviderConfig() + xeroWriteOnly(1, acctest.XeroSecret1)
			acctest.Test(t, resource.TestCase{
				CheckDestroy: env.CheckXeroIntegrationKept(true, acctest.XeroSecret1),
				Steps: []resource.TestStep{
					{
						Config:           cfg,
						ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
						Check:            env.ExpectXeroCredentials(acctest.XeroSecret1),
					},
					{
						// A plain refresh and plan: no request beyond the reads.
						PreConfig: resetCounts(env),
						Config:    cfg,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						Check: expectRequests(t, env, "unchanged "+string(style)+"-masked integration", acctest.XeroRefresh),
					},
					{
						// Another app's id stored outside Terraform: its mask shows other last four characters.
						PreConfig: func() {
							if err := env.Sandbox.SetIntegrationCredentials(sandbox.XeroPlatformKey, map[string]string{
								"clientId": otherApp, "clientSecret": "someone-elses-secret",
							}); err != nil {
								t.Fatal(err)
							}
						},
						Config: cfg,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{
								plancheck.ExpectResourceAction(xeroAddr, plancheck.ResourceActionUpdate),
								plancheck.ExpectKnownValue(xeroAddr, tfjsonpath.New("client_id"), knownvalue.StringExact(acctest.XeroClientID)),
							},
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						Check: env.ExpectXeroCredentials(acctest.XeroSecret1),
					},
				},
			})
		})
	}
}

// By default destroy leaves the integration, enabled, with its credentials (a warning says so: see the CLI test);
// disable_on_destroy and delete_credentials_on_destroy each opt in to one destroy action.
func TestAccXeroIntegrationResource_destroyOptIn(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		extra []string
		check func(*acctest.Env) resource.TestCheckFunc
	}{
		"default": {nil, func(env *acctest.Env) resource.TestCheckFunc {
			return env.CheckXeroIntegrationKept(true, acctest.XeroSecret1)
		}},
		"both": {[]string{"  disable_on_destroy = true", "  delete_credentials_on_destroy = true"}, checkXeroIntegrationDestroyed},
		"disable only": {[]string{"  disable_on_destroy = true"}, func(env *acctest.Env) resource.TestCheckFunc {
			return env.CheckXeroIntegrationKept(false, acctest.XeroSecret1)
		}},
		"delete credentials only": {[]string{"  delete_credentials_on_destroy = true"}, func(env *acctest.Env) resource.TestCheckFunc {
			return func(*terraform.State) error {
				if creds := env.Sandbox.XeroCredentials(); len(creds) != 0 {
					return fmt.Errorf("credentials still stored after destroy")
				}
				if !env.Sandbox.IntegrationEnabled(sandbox.XeroPlatformKey) {
					return fmt.Errorf("destroy disabled the integration without disable_on_destroy")
				}
				return nil
			}
		}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := acctest.New(t)
			env.Sandbox.RegisterXeroApp(acctest.XeroClientID, acctest.XeroSecret1)
			acctest.Test(t, resource.TestCase{
				CheckDestroy: tc.check(env),
				Steps: []resource.TestStep{{
					Config:           env.ProviderConfig() + xeroWriteOnly(1, acctest.XeroSecret1, tc.extra...),
					ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				}},
			})
		})
	}
}

// The documentation example applies as written, with its variables set.
func TestAccXeroIntegrationResource_example(t *testing.T) {
	t.Parallel()
	body, err := os.ReadFile("../../examples/resources/codat_xero_integration/resource.tf")
	if err != nil {
		t.Fatal(err)
	}
	env := acctest.New(t)
	env.Sandbox.RegisterXeroApp(acctest.XeroClientID, acctest.XeroSecret1)
	acctest.Test(t, resource.TestCase{
		CheckDestroy: env.CheckXeroIntegrationKept(true, acctest.XeroSecret1),
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + string(body),
			ConfigVariables: config.Variables{
				"xero_client_id":     config.StringVariable(acctest.XeroClientID),
				"xero_client_secret": config.StringVariable(acctest.XeroSecret1),
			},
			ConfigStateChecks: []statecheck.StateCheck{noSecretInState{acctest.XeroSecret1}},
			ConfigPlanChecks:  resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			Check:             env.ExpectXeroCredentials(acctest.XeroSecret1),
		}},
	})
}

// Neither the state files Terraform writes nor a TF_LOG=trace log of create, rotate and destroy contains the
// secret. Not parallel: it sets process-wide environment variables.
func TestAccXeroIntegrationResource_secretNotInStateOrLogs(t *testing.T) {
	tmp := t.TempDir()
	workDirs := filepath.Join(tmp, "work")
	if err := os.Mkdir(workDirs, 0o700); err != nil {
		t.Fatal(err)
	}
	logFile := filepath.Join(tmp, "trace.log")
	t.Setenv("TF_ACC_TEMP_DIR", workDirs)
	t.Setenv("TF_ACC_LOG", "TRACE")      // Terraform core, through terraform-plugin-testing
	t.Setenv("TF_ACC_LOG_PATH", logFile) // core and the in-process provider
	t.Setenv("TF_LOG", "TRACE")          // the in-process provider's level
	t.Setenv("TF_LOG_PATH", logFile)

	env := acctest.New(t)
	env.Sandbox.RegisterXeroApp(acctest.XeroClientID, acctest.XeroSecret1)
	forbidden := append(secretForms(acctest.XeroClientID, acctest.XeroSecret1), secretForms(acctest.XeroClientID, acctest.XeroSecret2)...)

	stateFiles := func(*terraform.State) error {
		found := 0
		err := filepath.WalkDir(workDirs, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.Contains(d.Name(), ".tfstate") {
				return err
			}
			raw, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if bytes.Contains(raw, []byte("codat_xero_integration")) {
				found++
			}
			for _, s := range forbidden {
				if bytes.Contains(raw, []byte(s)) {
					return fmt.Errorf("%s contains the client secret", p)
				}
			}
			return nil
		})
		if err == nil && found == 0 {
			err = fmt.Errorf("no state file with the resource under %s", workDirs)
		}
		return err
	}

	// The secret comes in through an ephemeral variable, as in real use: the test harness logs the
	// configuration text it writes, and a literal there would be found in the log for that reason alone.
	cfg := env.ProviderConfig() + fmt.Sprintf(`
variable "secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "secret_version" {
  type = number
}

resource "codat_xero_integration" "test" {
  client_id                = %q
  client_secret_wo         = var.secret
  client_secret_wo_version = var.secret_version
}
`, acctest.XeroClientID)
	acctest.Test(t, resource.TestCase{
		CheckDestroy: env.CheckXeroIntegrationKept(true, acctest.XeroSecret2),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigVariables: config.Variables{
					"secret": config.StringVariable(acctest.XeroSecret1), "secret_version": config.IntegerVariable(1),
				},
				ConfigStateChecks: []statecheck.StateCheck{noSecretInState(forbidden)},
				Check:             resource.ComposeAggregateTestCheckFunc(stateFiles, env.ExpectXeroCredentials(acctest.XeroSecret1)),
			},
			{
				PreConfig: func() { env.Sandbox.RegisterXeroApp(acctest.XeroClientID, acctest.XeroSecret2) },
				Config:    cfg,
				ConfigVariables: config.Variables{
					"secret": config.StringVariable(acctest.XeroSecret2), "secret_version": config.IntegerVariable(2),
				},
				ConfigStateChecks: []statecheck.StateCheck{noSecretInState(forbidden)},
				Check:             resource.ComposeAggregateTestCheckFunc(stateFiles, env.ExpectXeroCredentials(acctest.XeroSecret2)),
			},
		},
	})

	raw, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	// The log must really hold trace output of Terraform and of the provider, or the search below proves nothing.
	for _, want := range []string{"[TRACE]", "/integrations/credentials/gbol", "checked Xero app credentials"} {
		if !bytes.Contains(raw, []byte(want)) {
			t.Fatalf("the TF_LOG=trace log (%d bytes) lacks %q", len(raw), want)
		}
	}
	for _, line := range bytes.Split(raw, []byte("\n")) {
		for _, s := range forbidden {
			if bytes.Contains(line, []byte(s)) {
				t.Fatalf("a TF_LOG=trace log line contains the client secret: %.200s…", line)
			}
		}
	}
	t.Logf("searched %d bytes of trace log", len(raw))
}
