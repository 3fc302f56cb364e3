package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/terraform-codat/terraform-provider-codat/internal/codat"
)

// apiErrorDetail explains a failed Codat call: Codat's own message, its validation errors and the correlation id
// that Codat support asks for; for a used-up rate limit when to try again; for anything else the error text.
func apiErrorDetail(err error) string {
	var rateErr *codat.RateLimitError
	if errors.As(err, &rateErr) {
		switch {
		case rateErr.Repeat:
			// The first failure of this provider process explains; the others only point to it.
			return err.Error()
		case rateErr.DailyQuota:
			return fmt.Sprintf("%s\n\nCodat allows 1,000 requests a day plus 1,000 for each company with an active "+
				"connection, counted from 00:00 UTC. The provider waits out a Retry-After of at most max_retry_wait "+
				"(now %s), so it sends nothing more until the reset. Run Terraform again after %s: what was created "+
				"before the limit was reached is recorded in the state.",
				err, rateErr.MaxRetryAfter, rateErr.ResetAt.Format(time.RFC3339))
		}
		return fmt.Sprintf("%s\n\nThe provider waits out a Retry-After of at most max_retry_wait (now %s). Raise "+
			"max_retry_wait to at least %s, or run Terraform again.", err, rateErr.MaxRetryAfter, rateErr.RetryAfter)
	}
	var apiErr *codat.APIError
	if errors.As(err, &apiErr) {
		return err.Error() + "\n\nQuote the correlation id when you contact Codat support."
	}
	return err.Error()
}

// addAPIError reports a failed Codat call under a summary that names the action and the object.
func addAPIError(diags *diag.Diagnostics, summary string, err error) {
	diags.AddError(summary, apiErrorDetail(err))
}

// addAPIAttributeError is addAPIError for a failure caused by one attribute's value.
func addAPIAttributeError(diags *diag.Diagnostics, p path.Path, summary string, err error) {
	diags.AddAttributeError(p, summary, apiErrorDetail(err))
}

// readFailed settles the error of a resource's Read: when Codat no longer has the object (isNotFound), the resource
// leaves the state and Terraform plans to create it again; any other error is reported under summary. It reports
// whether err ended the read.
func readFailed(ctx context.Context, resp *resource.ReadResponse, err error, summary string) bool {
	if isNotFound(err) {
		resp.State.RemoveResource(ctx)
		return true
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, summary, err)
		return true
	}
	return false
}

// addReadError reports the failed read of the object that a data source's attribute at p names: Codat's answer
// that it does not exist on that attribute, under notFound; any other error under summary.
func addReadError(diags *diag.Diagnostics, err error, p path.Path, notFound, summary string) {
	if codat.IsNotFound(err) {
		addAPIAttributeError(diags, p, notFound, err)
		return
	}
	addAPIError(diags, summary, err)
}
