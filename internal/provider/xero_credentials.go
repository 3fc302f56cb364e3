package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/terraform-codat/terraform-provider-codat/internal/xerocheck"
)

// verifyXeroCredentials runs the credential check for a resource and reports its outcome: an error on client_id
// when Xero rejects the pair (the caller must then stop before storing anything), a warning when Xero cannot
// be asked. secretAttr names the attribute that holds the secret, for the message.
func (d *providerData) verifyXeroCredentials(ctx context.Context, clientID, clientSecret, secretAttr string, diags *diag.Diagnostics) bool {
	verdict, err := xerocheck.Check(ctx, d.xeroTokenURL, clientID, clientSecret)
	tflog.Debug(ctx, "checked Xero app credentials", map[string]any{
		"client_id": clientID, "token_url": d.xeroTokenURL, "verdict": verdict.String(),
	})
	switch verdict {
	case xerocheck.Rejected:
		diags.AddAttributeError(path.Root("client_id"), "Xero rejected the client id and secret",
			fmt.Sprintf("Xero's token endpoint (%s) answered %s for client_id %q and the secret in %s: Xero does "+
				"not know this client id and secret together, so Codat could not connect any customer with them.\n\n"+
				"Check client_id for a typo, and whether the secret was regenerated in Xero Developer (My Apps > "+
				"your app > Configuration): a newly generated secret replaces the old one. Copy the current secret "+
				"and, for client_secret_wo, increase client_secret_wo_version.\n\nNothing was stored in Codat. "+
				"Set verify_credentials = false only if the check itself is wrong.\n\nXero said: %s",
				d.xeroTokenURL, xerocheck.InvalidClient, clientID, secretAttr, err))
		return false
	case xerocheck.Unverified:
		diags.AddWarning("Xero credentials not verified",
			fmt.Sprintf("The provider could not ask Xero's token endpoint (%s) whether client_id %q and the secret "+
				"in %s belong together, so they were stored in Codat unchecked: %s\n\nIf they are wrong, your "+
				"customers' Xero authorisation will fail. The next change of the credentials checks them again.",
				d.xeroTokenURL, clientID, secretAttr, err))
	}
	return true
}
