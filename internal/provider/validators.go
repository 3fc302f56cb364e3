package provider

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/terraform-codat/terraform-provider-codat/internal/codat"
)

// stringCheck adapts a plain check function to a schema string validator, so the same rule serves both the
// schema (plan time) and Configure (values that come from environment variables).
type stringCheck struct {
	description string
	check       func(string) string
	// secret keeps the value out of the error message.
	secret bool
}

func (v stringCheck) Description(context.Context) string         { return v.description }
func (v stringCheck) MarkdownDescription(context.Context) string { return v.description }

func (v stringCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if msg := v.check(req.ConfigValue.ValueString()); msg != "" {
		detail := fmt.Sprintf("Attribute %s %s, got: %q", req.Path, msg, req.ConfigValue.ValueString())
		if v.secret {
			detail = fmt.Sprintf("Attribute %s %s.", req.Path, msg)
		}
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Attribute Value", detail)
	}
}

// platformKey checks a Codat platform key (platformKeyRule).
func platformKey() validator.String {
	return stringvalidator.RegexMatches(platformKeyPattern, "must be "+platformKeyRule)
}

// codatID accepts the ids Codat issues for companies and connections.
func codatID() validator.String {
	return stringCheck{description: "must be " + codatIDRule, check: checkCodatID}
}

func checkCodatID(s string) string {
	if msg := codat.CheckPathSegment(s); msg != "" {
		return msg
	}
	if !codatIDPattern.MatchString(s) {
		return "must be " + codatIDRule
	}
	return ""
}

// sourceAccountID accepts the user's own source account ids.
func sourceAccountID() validator.String {
	return stringCheck{description: "must be " + sourceAccountIDRule, check: checkSourceAccountID}
}

func checkSourceAccountID(s string) string {
	if msg := codat.CheckPathSegment(s); msg != "" {
		return msg
	}
	if s == bankFeedCredentialsSegment {
		return "must not be `" + bankFeedCredentialsSegment + "`: its URL is that of Codat's operation that deletes " +
			"the connection's bank-feed credentials"
	}
	return ""
}

// targetAccountID accepts the accounting platform's account ids.
func targetAccountID() validator.String {
	return stringCheck{description: "must be " + targetAccountIDRule, check: codat.CheckIdentifier}
}

// apiKey accepts a Codat API key; the error never shows the value.
func apiKey() validator.String {
	return stringCheck{description: "a Codat API key", check: checkAPIKey, secret: true}
}

// checkAPIKey refuses a key that cannot be one: Codat's keys are single tokens, so white space around one is a
// copy mistake (a line break read from a file, say) that Codat would answer with 401.
func checkAPIKey(s string) string {
	return codat.CheckIdentifier(s)
}

// notBlank rejects empty and whitespace-only strings.
func notBlank() validator.String {
	return stringCheck{
		description: "must not be empty",
		check: func(s string) string {
			if strings.TrimSpace(s) == "" {
				return "must not be empty or blank"
			}
			return ""
		},
	}
}

// apiURL accepts absolute https URLs, and http URLs whose host is a loopback address (a local sandbox): anything
// else would send the API key in clear text.
func apiURL() validator.String {
	return stringCheck{description: "an absolute https:// URL (http:// only to a loopback host)", check: checkAPIURL}
}

// baseURL accepts what apiURL does, without a path.
func baseURL() validator.String {
	return stringCheck{description: "an absolute https:// URL without a path (http:// only to a loopback host)", check: checkBaseURL}
}

// checkBaseURL refuses a path: Codat's API is served from the root of its host (every server in P and BF is
// https://api.codat.io), and a path such as /v2 would make every request miss Codat's operations.
func checkBaseURL(raw string) string {
	if msg := checkAPIURL(raw); msg != "" {
		return msg
	}
	if u, _ := url.Parse(raw); u.Path != "" && u.Path != "/" {
		return fmt.Sprintf("must have no path (got %q): Codat's API is served from the root of its host, such as %s",
			u.Path, codat.DefaultBaseURL)
	}
	return ""
}

func checkAPIURL(raw string) string {
	if strings.TrimSpace(raw) == "" {
		return "must not be empty or blank"
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return "must be an absolute http(s) URL such as https://api.codat.io"
	}
	if u.User != nil {
		return "must not carry user information; set api_key instead"
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "must not have a query or fragment"
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return "must use https:// (http:// is accepted only for a loopback host such as 127.0.0.1, where a local sandbox runs)"
	}
	return ""
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// duration accepts Go duration strings between min and max inclusive.
func duration(minimum, maximum time.Duration) validator.String {
	return stringCheck{
		description: fmt.Sprintf("a Go duration between %s and %s, such as `30s` or `2m`", minimum, maximum),
		check: func(s string) string {
			d, err := time.ParseDuration(s)
			if err != nil {
				return "must be a duration such as 30s or 2m"
			}
			if d < minimum || d > maximum {
				return fmt.Sprintf("must be between %s and %s", minimum, maximum)
			}
			return ""
		},
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// date accepts calendar dates written as YYYY-MM-DD.
func date() validator.String {
	return stringCheck{description: "a date written as YYYY-MM-DD", check: checkDate}
}

func checkDate(s string) string {
	if _, err := time.Parse(dateLayout, s); err != nil {
		return "must be a valid date written as YYYY-MM-DD, such as 2025-01-31"
	}
	return ""
}

// checkFeedStartDate is this provider's own guard on the first fed day: at most one year back. Codat does not
// validate the feed start date (CODAT-FACTS C8), but Xero's API refuses transactions more than a year old, so an
// older start promises a history Xero will not take. It is checked when a mapping is created or its start date
// changes, not later: a date valid on the day the feed started must not turn the configuration invalid a year on.
func checkFeedStartDate(s string, now time.Time) string {
	if msg := checkDate(s); msg != "" {
		return msg
	}
	d, _ := time.Parse(dateLayout, s)
	if earliest := now.UTC().Truncate(24*time.Hour).AddDate(-1, 0, 0); d.Before(earliest) {
		return fmt.Sprintf("must be at most one year back (on or after %s): Codat does not check the date, but this "+
			"provider refuses older ones because Xero's API refuses transactions more than a year old", earliest.Format(dateLayout))
	}
	return ""
}
