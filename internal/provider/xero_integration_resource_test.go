package provider_test

import (
	"fmt"
	"maps"
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

func TestAccXeroIntegrationResource_enabledAndAccess(t *testing.T) {
	t.Parallel()
	env := acctest.NewWithXeroApp(t)
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
				ConfigStateChecks: acctest.Attrs(xeroAddr, map[string]knownvalue.Check{
					"enabled": knownvalue.Bool(false),
					"access":  knownvalue.StringExact("one-off"),
				}),
				ConfigPlanChecks: acctest.Converges(),
				Check:            expectSandbox(false, true),
			},
			{
				// Neither setting touches the credentials.
				PreConfig:        resetCounts(env),
				Config:           continuous,
				ConfigPlanChecks: acctest.Converges(plancheck.ExpectResourceAction(xeroAddr, plancheck.ResourceActionUpdate)),
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
				ConfigPlanChecks: acctest.Converges(
					plancheck.ExpectResourceAction(xeroAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(xeroAddr, tfjsonpath.New("enabled"), knownvalue.Bool(true)),
					plancheck.ExpectKnownValue(xeroAddr, tfjsonpath.New("access"), knownvalue.StringExact("continuous")),
				),
				Check: expectSandbox(true, false),
			},
			{
				// Defaults: enabled and continuous.
				Config:           env.ProviderConfig() + xeroWriteOnly(1, acctest.XeroSecret1),
				ConfigPlanChecks: acctest.NoChange(),
			},
		},
	})
}

// An integration set up by hand in the Codat Portal is adopted by import; the first apply stores the configured
// secret once, and the plan after it is empty.
func TestAccXeroIntegrationResource_importExisting(t *testing.T) {
	t.Parallel()
	env := acctest.NewWithXeroApp(t)
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
				PreConfig:         resetCounts(env),
				Config:            cfg,
				ConfigPlanChecks:  acctest.Converges(plancheck.ExpectResourceAction(xeroAddr, plancheck.ResourceActionUpdate)),
				ConfigStateChecks: writeOnlyStateChecks(acctest.XeroSecret1),
				Check: resource.ComposeAggregateTestCheckFunc(
					expectRequests(t, env, "first apply after import", acctest.XeroRefresh, map[string]int{sandbox.RouteXeroToken: 1, sandbox.RoutePutCredentials: 1}),
					env.ExpectXeroCredentials(acctest.XeroSecret1),
				),
			},
		},
	})
}

// Codat masks the stored credentials in more than one style (CODAT-FACTS C2). For each, an unchanged configuration
// plans nothing after create, and a client id changed outside Terraform is found where the mask shows it.
func TestAccXeroIntegrationResource_maskStyles(t *testing.T) {
	t.Parallel()
	const otherApp = "0THERAPP0000000000000000000000Z9" // another Xero app's id: other last four characters
	for _, style := range []sandbox.MaskStyle{sandbox.MaskX, sandbox.MaskFixed, sandbox.MaskAsterisk} {
		t.Run(string(style), func(t *testing.T) {
			t.Parallel()
			env := acctest.NewWithXeroApp(t, func(o *sandbox.Options) { o.CredentialMask = style })
			cfg := env.ProviderConfig() + xeroWriteOnly(1, acctest.XeroSecret1)
			acctest.Test(t, resource.TestCase{
				CheckDestroy: env.CheckXeroIntegrationKept(true, acctest.XeroSecret1),
				Steps: []resource.TestStep{
					{
						Config:           cfg,
						ConfigPlanChecks: acctest.Converges(),
						Check:            env.ExpectXeroCredentials(acctest.XeroSecret1),
					},
					{
						// A plain refresh and plan: no request beyond the reads.
						PreConfig:        resetCounts(env),
						Config:           cfg,
						ConfigPlanChecks: acctest.NoChange(),
						Check:            expectRequests(t, env, "unchanged "+string(style)+"-masked integration", acctest.XeroRefresh),
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
						ConfigPlanChecks: acctest.Converges(
							plancheck.ExpectResourceAction(xeroAddr, plancheck.ResourceActionUpdate),
							plancheck.ExpectKnownValue(xeroAddr, tfjsonpath.New("client_id"), knownvalue.StringExact(acctest.XeroClientID)),
						),
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
			env := acctest.NewWithXeroApp(t)
			acctest.Test(t, resource.TestCase{
				CheckDestroy: tc.check(env),
				Steps: []resource.TestStep{{
					Config:           env.ProviderConfig() + xeroWriteOnly(1, acctest.XeroSecret1, tc.extra...),
					ConfigPlanChecks: acctest.Converges(),
				}},
			})
		})
	}
}

// The documentation example applies as written, with its variables set.
func TestAccXeroIntegrationResource_example(t *testing.T) {
	t.Parallel()
	env := acctest.NewWithXeroApp(t)
	acctest.Test(t, resource.TestCase{
		CheckDestroy: env.CheckXeroIntegrationKept(true, acctest.XeroSecret1),
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + acctest.Example(t, "resources/codat_xero_integration/resource.tf"),
			ConfigVariables: config.Variables{
				"xero_client_id":     config.StringVariable(acctest.XeroClientID),
				"xero_client_secret": config.StringVariable(acctest.XeroSecret1),
			},
			ConfigStateChecks: []statecheck.StateCheck{noSecretInState{acctest.XeroSecret1}},
			ConfigPlanChecks:  acctest.Converges(),
			Check:             env.ExpectXeroCredentials(acctest.XeroSecret1),
		}},
	})
}
