package provider_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io/fs"
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

// codat_xero_integration keeps the client secret out of the state and the logs: write-only or stored, rotated,
// and the rules between the secret attributes.

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
	env := acctest.NewWithXeroApp(t)

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
				ConfigPlanChecks: acctest.Converges(),
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
				PreConfig:        resetCounts(env),
				Config:           env.ProviderConfig() + xeroWriteOnly(1, acctest.XeroSecret2),
				ConfigPlanChecks: acctest.NoChange(),
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
				ConfigPlanChecks: acctest.Converges(
					plancheck.ExpectResourceAction(xeroAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(xeroAddr, tfjsonpath.New("client_secret_wo"), knownvalue.Null()),
				),
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
				ConfigPlanChecks: acctest.Converges(
					plancheck.ExpectResourceAction(xeroAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(xeroAddr, tfjsonpath.New("client_id"), knownvalue.StringExact(acctest.XeroClientID)),
				),
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
				Config:           env.ProviderConfig() + xeroWriteOnly(2, acctest.XeroSecret2),
				ConfigPlanChecks: acctest.Converges(plancheck.ExpectResourceAction(xeroAddr, plancheck.ResourceActionUpdate)),
				Check:            env.ExpectXeroCredentials(acctest.XeroSecret2),
			},
		},
	})
}

// client_secret, for Terraform before 1.11: stored in state, hidden in plan output.
func TestAccXeroIntegrationResource_clientSecret(t *testing.T) {
	t.Parallel()
	env := acctest.NewWithXeroApp(t)

	acctest.Test(t, resource.TestCase{
		CheckDestroy: env.CheckXeroIntegrationKept(true, acctest.XeroSecret2),
		Steps: []resource.TestStep{
			{
				Config:           env.ProviderConfig() + acctest.XeroStoredSecret(acctest.XeroSecret1),
				ConfigPlanChecks: acctest.Converges(plancheck.ExpectSensitiveValue(xeroAddr, tfjsonpath.New("client_secret"))),
				ConfigStateChecks: acctest.Attrs(xeroAddr, map[string]knownvalue.Check{
					"client_secret":            knownvalue.StringExact(acctest.XeroSecret1),
					"client_secret_wo_version": knownvalue.Null(),
				}),
				Check: env.ExpectXeroCredentials(acctest.XeroSecret1),
			},
			{
				// A changed secret is sent once.
				PreConfig: func() {
					env.Sandbox.RegisterXeroApp(acctest.XeroClientID, acctest.XeroSecret2)
					env.Sandbox.ResetCounts()
				},
				Config: env.ProviderConfig() + acctest.XeroStoredSecret(acctest.XeroSecret2),
				ConfigPlanChecks: acctest.Converges(
					plancheck.ExpectResourceAction(xeroAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectSensitiveValue(xeroAddr, tfjsonpath.New("client_secret")),
				),
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
				Config:           env.ProviderConfig() + acctest.XeroStoredSecret(acctest.XeroSecret2),
				ConfigPlanChecks: acctest.Converges(plancheck.ExpectResourceAction(xeroAddr, plancheck.ResourceActionUpdate)),
				Check:            env.ExpectXeroCredentials(acctest.XeroSecret2),
			},
			{
				// Moving to the write-only form sends the secret once more and drops it from state.
				Config:            env.ProviderConfig() + xeroWriteOnly(1, acctest.XeroSecret2),
				ConfigPlanChecks:  acctest.Converges(plancheck.ExpectResourceAction(xeroAddr, plancheck.ResourceActionUpdate)),
				ConfigStateChecks: writeOnlyStateChecks(acctest.XeroSecret1, acctest.XeroSecret2),
				Check:             env.ExpectXeroCredentials(acctest.XeroSecret2),
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
	cases := map[string]badInput{
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
	expectRefusedAtPlan(t, env, cases)
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

	env := acctest.NewWithXeroApp(t)
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
