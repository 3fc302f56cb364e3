// Package xerocheck asks Xero's OAuth2 token endpoint whether a Xero app's client id and secret belong together,
// so that wrong credentials are refused before they are stored in Codat. It requests a client-credentials token
// once (RFC 6749 section 4.4), reads the verdict from the answer, and keeps the secret out of the error it
// returns in every form the request carried it.
package xerocheck

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/terraform-codat/terraform-provider-codat/internal/codat"
)

// Verdict is what Xero's token endpoint said about a client id and secret.
type Verdict int

const (
	// Genuine: Xero knows the pair. It issued a token (a custom connection) or refused only the grant
	// (unauthorized_client: a standard web app, the kind Codat uses, may not use client credentials).
	Genuine Verdict = iota
	// Rejected: Xero answered invalid_client, so it does not know this id and secret together.
	Rejected
	// Unverified: the endpoint could not be reached or gave no verdict on the credentials.
	Unverified
)

func (v Verdict) String() string {
	switch v {
	case Genuine:
		return "genuine"
	case Rejected:
		return "rejected"
	default:
		return "unverified"
	}
}

// timeout bounds the whole check, so an unreachable Xero delays an apply only briefly.
const timeout = 15 * time.Second

// OAuth2 error codes (RFC 6749, section 5.2) that decide the verdict.
const (
	// InvalidClient is the error code of a Rejected pair.
	InvalidClient      = "invalid_client"
	unauthorizedClient = "unauthorized_client"
)

// Check asks Xero's OAuth2 token endpoint at tokenURL for a client-credentials token with the given pair, once,
// without retries. The token itself is discarded. The returned error explains a Rejected or Unverified verdict and
// never contains the secret.
func Check(ctx context.Context, tokenURL, clientID, clientSecret string) (Verdict, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
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
		return Genuine, nil
	}
	err = redactedError{err: err, forms: codat.ClientCredentialForms(clientID, clientSecret)}
	var retrieveErr *oauth2.RetrieveError
	if errors.As(err, &retrieveErr) {
		switch retrieveErr.ErrorCode {
		case InvalidClient:
			return Rejected, err
		case unauthorizedClient:
			return Genuine, nil
		}
	}
	return Unverified, err
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
