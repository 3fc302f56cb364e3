package acctest

import (
	"testing"

	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

// XeroSetUpInPortal sets up the Xero integration as a team does by hand in the Codat Portal, before Terraform:
// credentials XeroClientID and XeroSecret1, enabled.
func (e *Env) XeroSetUpInPortal(t testing.TB) {
	t.Helper()
	if err := e.Sandbox.SetIntegrationCredentials(sandbox.XeroPlatformKey, map[string]string{
		"clientId": XeroClientID, "clientSecret": XeroSecret1,
	}); err != nil {
		t.Fatal(err)
	}
	if err := e.Sandbox.SetIntegrationEnabled(sandbox.XeroPlatformKey, true); err != nil {
		t.Fatal(err)
	}
}
