package acctest

import (
	"fmt"
	"maps"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

// A Xero app's credentials as Xero Developer generates them; each test registers the ones its Xero app accepts.
const (
	XeroClientID = "C0FFEE0000000000000000000000A1B2"
	XeroSecret1  = "xs1-9fK2mQ7vTzR4wL8pN3bH6cJ0dY5eA1sU"
	XeroSecret2  = "xs2-Lr5tG8kW2qZ7nC4vB9mX1pH6jD3fS0aE"
)

// NewWithXeroApp is New with the Xero app the tests use registered: Xero accepts XeroClientID with XeroSecret1.
func NewWithXeroApp(t testing.TB, opts ...func(*sandbox.Options)) *Env {
	t.Helper()
	env := New(t, opts...)
	env.Sandbox.RegisterXeroApp(XeroClientID, XeroSecret1)
	return env
}

// XeroRefresh are the requests of one refresh of codat_xero_integration: integration, masked credentials, settings.
var XeroRefresh = map[string]int{sandbox.RouteGetIntegration: 1, sandbox.RouteGetCredentials: 1, sandbox.RouteGetIntegrationSettings: 1}

// XeroStoredSecret is a codat_xero_integration "test" with XeroClientID and a client secret kept in the state.
func XeroStoredSecret(secret string) string {
	return fmt.Sprintf(`
resource "codat_xero_integration" "test" {
  client_id     = %q
  client_secret = %q
}
`, XeroClientID, secret)
}

// ExpectXeroCredentials checks what the sandbox stores, unmasked: XeroClientID and secret.
func (e *Env) ExpectXeroCredentials(secret string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		want := map[string]string{"clientId": XeroClientID, "clientSecret": secret}
		if got := e.Sandbox.XeroCredentials(); !maps.Equal(got, want) {
			return fmt.Errorf("sandbox stores Xero credentials %q, want %q", got, want)
		}
		return nil
	}
}

// CheckXeroIntegrationKept is the CheckDestroy of a configuration without disable_on_destroy and
// delete_credentials_on_destroy: destroy left the integration as it was, enabled or not, with its credentials.
func (e *Env) CheckXeroIntegrationKept(enabled bool, secret string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if err := e.ExpectXeroCredentials(secret)(nil); err != nil {
			return fmt.Errorf("after destroy: %w", err)
		}
		if got := e.Sandbox.IntegrationEnabled(sandbox.XeroPlatformKey); got != enabled {
			return fmt.Errorf("after destroy the Xero integration is enabled = %v, want it left at %v", got, enabled)
		}
		return nil
	}
}
