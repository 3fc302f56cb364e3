package provider

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// stringCheck adapts a plain check function to a schema string validator, so the same rule serves both the
// schema (plan time) and Configure (values that come from environment variables).
type stringCheck struct {
	description string
	check       func(string) string
}

func (v stringCheck) Description(context.Context) string         { return v.description }
func (v stringCheck) MarkdownDescription(context.Context) string { return v.description }

func (v stringCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if msg := v.check(req.ConfigValue.ValueString()); msg != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Attribute Value",
			fmt.Sprintf("Attribute %s %s, got: %q", req.Path, msg, req.ConfigValue.ValueString()))
	}
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

func checkAPIURL(raw string) string {
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
