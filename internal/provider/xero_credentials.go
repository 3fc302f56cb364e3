package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/terraform-codat/terraform-provider-codat/internal/codat"
)

// xeroVerdict is what Xero's token endpoint said about a client id and secret.
type xeroVerdict int

const (
	// xeroGenuine: Xero knows the pair. It issued a token (a custom connection) or refused only the grant
	// (unauthorized_client: a standard web app, the kind Codat uses, may not use client credentials).
	xeroGenuine xeroVerdict = iota
	// xeroRejected: Xero answered invalid_client, so it does not know this id and secret together.
	xeroRejected
	// xeroUnverified: the endpoint could not be reached or gave no verdict on the credentials.
	xeroUnverified
)

// xeroTokenTimeout bounds the whole credential check, so an unreachable Xero delays an apply only briefly.
const xeroTokenTimeout = 15 * time.Second

// OAuth2 error codes (RFC 6749, section 5.2) that decide the verdict.
const (
	oauthInvalidClient      = "invalid_client"
	oauthUnauthorizedClient = "unauthorized_client"
)

// checkXeroCredentials asks Xero's OAuth2 token endpoint for a client-credentials token with the given pair,
// once, without retries. The token itself is discarded. The returned error explains an xeroRejected or
// xeroUnverified verdict and never contains the secret.
func checkXeroCredentials(ctx context.Context, tokenURL, clientID, clientSecret string) (xeroVerdict, error) {
	ctx, cancel := context.WithTimeout(ctx, xeroTokenTimeout)
	defer cancel()
	ctx = context.WithValue(ctx, oauth2.HTTPClient, cleanhttp.DefaultClient())
	cfg := clientcredentials.Config{
		ClientID:     clientID,
		ClientSecret: clientSecret,
		TokenURL:     tokenURL,
		// Xero takes the pair as HTTP Basic credentials; auto-detection would repeat a refused request.
		AuthStyle: oauth2.AuthStyleInHeader,
	}
	_, err := cfg.Token(ctx)
	if err == nil {
		return xeroGenuine, nil
	}
	err = redactedError{err: err, forms: codat.ClientCredentialForms(clientID, clientSecret)}
	var retrieveErr *oauth2.RetrieveError
	if errors.As(err, &retrieveErr) {
		switch retrieveErr.ErrorCode {
		case oauthInvalidClient:
			return xeroRejected, err
		case oauthUnauthorizedClient:
			return xeroGenuine, nil
		}
	}
	return xeroUnverified, err
}

// redactedError hides a secret that an error text might echo (say, a token endpoint repeating the request) in every
// form the request carried it: the token request sends the client id and secret form-encoded inside HTTP Basic
// credentials (RFC 6749 section 2.3.1), and an echo may show them encoded or decoded.
type redactedError struct {
	err   error
	forms []string // longest first
}

func (e redactedError) Error() string {
	msg := e.err.Error()
	for _, f := range e.forms {
		msg = strings.ReplaceAll(msg, f, "[REDACTED]")
	}
	return msg
}

func (e redactedError) Unwrap() error { return e.err }

// verifyXeroCredentials runs the credential check for a resource and reports its outcome: an error on client_id
// when Xero rejects the pair (the caller must then stop before storing anything), a warning when Xero cannot
// be asked. secretAttr names the attribute that holds the secret, for the message.
func (d *providerData) verifyXeroCredentials(ctx context.Context, clientID, clientSecret, secretAttr string, diags *diag.Diagnostics) bool {
	verdict, err := checkXeroCredentials(ctx, d.xeroTokenURL, clientID, clientSecret)
	tflog.Debug(ctx, "checked Xero app credentials", map[string]any{
		"client_id": clientID, "token_url": d.xeroTokenURL, "verdict": verdict.String(),
	})
	switch verdict {
	case xeroRejected:
		diags.AddAttributeError(path.Root("client_id"), "Xero rejected the client id and secret",
			fmt.Sprintf("Xero's token endpoint (%s) answered %s for client_id %q and the secret in %s: Xero does "+
				"not know this client id and secret together, so Codat could not connect any customer with them.\n\n"+
				"Check client_id for a typo, and whether the secret was regenerated in Xero Developer (My Apps > "+
				"your app > Configuration): a newly generated secret replaces the old one. Copy the current secret "+
				"and, for client_secret_wo, increase client_secret_wo_version.\n\nNothing was stored in Codat. "+
				"Set verify_credentials = false only if the check itself is wrong.\n\nXero said: %s",
				d.xeroTokenURL, oauthInvalidClient, clientID, secretAttr, err))
		return false
	case xeroUnverified:
		diags.AddWarning("Xero credentials not verified",
			fmt.Sprintf("The provider could not ask Xero's token endpoint (%s) whether client_id %q and the secret "+
				"in %s belong together, so they were stored in Codat unchecked: %s\n\nIf they are wrong, your "+
				"customers' Xero authorisation will fail. The next change of the credentials checks them again.",
				d.xeroTokenURL, clientID, secretAttr, err))
	}
	return true
}

func (v xeroVerdict) String() string {
	switch v {
	case xeroGenuine:
		return "genuine"
	case xeroRejected:
		return "rejected"
	default:
		return "unverified"
	}
}
