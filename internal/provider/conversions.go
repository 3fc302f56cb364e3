package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-codat/terraform-provider-codat/internal/codat"
)

// optionalString maps an API string onto an optional attribute: Codat returns "" or omits a value the user never
// set, and Terraform needs null then. An empty string the user wrote stays empty.
func optionalString(prior types.String, api string) types.String {
	if api == "" && !prior.IsNull() && !prior.IsUnknown() && prior.ValueString() == "" {
		return prior
	}
	if api == "" {
		return types.StringNull()
	}
	return types.StringValue(api)
}

// optionalStringPtr is optionalString for values Codat sends as JSON null.
func optionalStringPtr(prior types.String, api *string) types.String {
	if api == nil {
		return optionalString(prior, "")
	}
	return optionalString(prior, *api)
}

// stringPtr returns nil for a null or unknown value, so an unset attribute is left out of a request body.
func stringPtr(v types.String) *string {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	s := v.ValueString()
	return &s
}

// stringMap converts a known map attribute to a Go map (nil when null or unknown).
func stringMap(ctx context.Context, v types.Map, diags *diag.Diagnostics) map[string]string {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	m := make(map[string]string, len(v.Elements()))
	diags.Append(v.ElementsAs(ctx, &m, false)...)
	return m
}

// stringSet converts a known set attribute to a Go slice (nil when null or unknown).
func stringSet(ctx context.Context, v types.Set, diags *diag.Diagnostics) []string {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	var s []string
	diags.Append(v.ElementsAs(ctx, &s, false)...)
	return s
}

// importIDParts gives the rule of each attribute that can be part of an import ID, the same check that validates the
// attribute in the configuration.
var importIDParts = map[string]func(string) string{
	"company_id":        checkCodatID,
	"connection_id":     checkCodatID,
	"account_id":        checkSourceAccountID,
	"source_account_id": checkSourceAccountID,
	// Codat's ids of webhook consumers are UUIDs (P #/components/schemas/WebhookConsumer).
	"webhook_consumer_id": checkCodatID,
}

// importPartRule is the rule of the import ID part (or identity attribute) with the given name: its attribute's
// rule, else that of any segment of a Codat URL path.
func importPartRule(name string) func(string) string {
	if check := importIDParts[name]; check != nil {
		return check
	}
	return codat.CheckPathSegment
}

// splitImportID splits an import ID of the form "a/b/c" into exactly the named parts, each of which must pass its
// attribute's rule: an ID that cannot address exactly one object is refused before any request.
func splitImportID(id string, names ...string) ([]string, error) {
	parts := strings.Split(id, "/")
	format := "<" + strings.Join(names, ">/<") + ">"
	if len(parts) != len(names) {
		return nil, fmt.Errorf("import ID %q is not in the format %s: it has %d %s separated by `/`, not %d",
			id, format, len(parts), pluralWord(len(parts), "part"), len(names))
	}
	for i, p := range parts {
		if msg := importPartRule(names[i])(p); msg != "" {
			return nil, fmt.Errorf("import ID %q (format %s): %s %q %s", id, format, names[i], p, msg)
		}
	}
	return parts, nil
}

func pluralWord(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// quotedList formats allowed values for a description: `a`, `b` or `c`.
func quotedList(values []string) string {
	var b strings.Builder
	for i, v := range values {
		switch {
		case i == 0:
		case i == len(values)-1:
			b.WriteString(" or ")
		default:
			b.WriteString(", ")
		}
		b.WriteString("`" + v + "`")
	}
	return b.String()
}

// numberJSON writes a Terraform number as the shortest decimal that reads back to the same value.
func numberJSON(v types.Number) json.Number {
	if v.IsNull() || v.IsUnknown() {
		return ""
	}
	return json.Number(v.ValueBigFloat().Text('f', -1))
}

// numberValue reads a decimal from Codat. It keeps the prior value when Codat reports the same number, so a
// value written as 10.50 does not show a diff against Codat's 10.5.
func numberValue(prior types.Number, n json.Number, diags *diag.Diagnostics) types.Number {
	if n == "" {
		return types.NumberNull()
	}
	f, _, err := big.ParseFloat(string(n), 10, 512, big.ToNearestEven)
	if err != nil {
		diags.AddError("Unexpected number from Codat", fmt.Sprintf("Codat returned %q where a number was expected: %v", n, err))
		return types.NumberNull()
	}
	if !prior.IsNull() && !prior.IsUnknown() && prior.ValueBigFloat().Cmp(f) == 0 {
		return prior
	}
	return types.NumberValue(f)
}

// dateOnly is the date of a Codat DateTime, which comes as a date ("2024-05-01": v2 source accounts' feedStartDate)
// or a date and time ("2023-01-09T14:56:43.773Z": v1 source accounts' feedStartDate, and the mapping list's feed
// start), for attributes configured and shown as a date.
func dateOnly(s string) string {
	if len(s) >= len(dateLayout) {
		if _, err := time.Parse(dateLayout, s[:len(dateLayout)]); err == nil {
			return s[:len(dateLayout)]
		}
	}
	return s
}
