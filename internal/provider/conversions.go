package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
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

// optionalStringMap maps an API map onto an optional map attribute: empty becomes null unless the user wrote {}.
func optionalStringMap(ctx context.Context, prior types.Map, api map[string]string, diags *diag.Diagnostics) types.Map {
	if len(api) == 0 {
		if !prior.IsNull() && !prior.IsUnknown() && len(prior.Elements()) == 0 {
			return prior
		}
		return types.MapNull(types.StringType)
	}
	m, d := types.MapValueFrom(ctx, types.StringType, api)
	diags.Append(d...)
	return m
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

// splitImportID splits an import ID of the form "a/b/c" into exactly the named parts, none empty.
func splitImportID(id string, names ...string) ([]string, error) {
	parts := strings.Split(id, "/")
	format := "<" + strings.Join(names, ">/<") + ">"
	if len(parts) != len(names) {
		return nil, fmt.Errorf("import ID %q is not in the format %s", id, format)
	}
	for i, p := range parts {
		if strings.TrimSpace(p) == "" {
			return nil, fmt.Errorf("import ID %q has an empty %s; the format is %s", id, names[i], format)
		}
	}
	return parts, nil
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
