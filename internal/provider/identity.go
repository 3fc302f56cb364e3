package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Resource identity (Terraform 1.12 and later) names the Codat object behind a resource for its whole life, next to
// the state: an import block can give it instead of an import ID, and terraform query lists it. Every identity
// attribute has the name of the state attribute holding the same value, and none changes while the object exists
// (ids Codat issues, and the configured ids whose change replaces the resource).
//
// The framework requires an identity after every create, read and update without errors, whatever the Terraform
// version: Terraform before 1.12 sends no identity and ignores the one returned, but the check still runs. So each
// of those methods records the identity from the state it returns (deferred, so that no return path misses it),
// and a read that removes the resource records it from the state it started from.

var companyIdentity = resourceIdentity{
	{name: "id", part: "company_id", description: "Codat's id of the company (a UUID): the resource's `id`."},
}

var connectionIdentity = resourceIdentity{
	{name: "company_id", part: "company_id", description: "Codat's id of the company the connection belongs to."},
	{name: "id", part: "connection_id", description: "Codat's id of the connection (a UUID): the resource's `id`."},
}

var bankFeedAccountIdentity = resourceIdentity{
	{name: "company_id", part: "company_id", description: "Codat's id of the company."},
	{name: "connection_id", part: "connection_id", description: "Codat's id of the connection the account feeds."},
	{name: "account_id", part: "account_id", description: "Your own id of the source account (`account_id`)."},
}

var bankFeedAccountMappingIdentity = resourceIdentity{
	{name: "company_id", part: "company_id", description: "Codat's id of the company."},
	{name: "connection_id", part: "connection_id", description: "Codat's id of the connection."},
	{name: "source_account_id", part: "source_account_id", description: "`account_id` of the mapped source account."},
}

// xeroIntegrationIdentity is the singleton's: its only value is Xero's platform key, so an import block may leave it
// out (`identity = {}`).
var xeroIntegrationIdentity = resourceIdentity{
	{name: "id", part: "id", fallback: xeroPlatformKey, rule: checkXeroIntegrationID,
		description: fmt.Sprintf("Always `%s`, Xero's platform key: the resource's `id`. May be left out of an import block's `identity`.", xeroPlatformKey)},
}

var webhookConsumerIdentity = resourceIdentity{
	{name: "id", part: "webhook_consumer_id", rule: checkCodatID,
		description: "Codat's id of the webhook consumer (a UUID): the resource's `id`."},
}

func checkXeroIntegrationID(s string) string {
	if s != xeroPlatformKey {
		return fmt.Sprintf("must be %q: codat_xero_integration holds the single Xero integration of your Codat client, "+
			"whose id is Xero's platform key", xeroPlatformKey)
	}
	return ""
}

// resourceIdentity lists a resource's identity attributes, in the order of its import ID's parts.
type resourceIdentity []identityAttribute

type identityAttribute struct {
	// name is the attribute's name in the identity and in the state.
	name string
	// part is the attribute's name in the import ID format; it chooses the rule (importPartRule) unless rule is set.
	part        string
	rule        func(string) string
	description string
	// fallback, when set, makes the attribute optional in an import block's identity, and is its value when left out.
	fallback string
}

func (ri resourceIdentity) schema() identityschema.Schema {
	attrs := make(map[string]identityschema.Attribute, len(ri))
	for _, a := range ri {
		attrs[a.name] = identityschema.StringAttribute{
			Description:       a.description,
			RequiredForImport: a.fallback == "",
			OptionalForImport: a.fallback != "",
		}
	}
	return identityschema.Schema{Attributes: attrs}
}

func (ri resourceIdentity) parts() []string {
	parts := make([]string, len(ri))
	for i, a := range ri {
		parts[i] = a.part
	}
	return parts
}

// record copies the identity attributes of state into identity; a null state records nothing.
func (ri resourceIdentity) record(ctx context.Context, state tfsdk.State, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	if identity == nil || state.Raw.IsNull() {
		return
	}
	for _, a := range ri {
		var v types.String
		diags.Append(state.GetAttribute(ctx, path.Root(a.name), &v)...)
		if v.IsNull() || v.IsUnknown() {
			continue
		}
		diags.Append(identity.SetAttribute(ctx, path.Root(a.name), v)...)
	}
}

// afterCreate records the identity of the created object; deferred at the start of Create.
func (ri resourceIdentity) afterCreate(ctx context.Context, resp *resource.CreateResponse) {
	ri.record(ctx, resp.State, resp.Identity, &resp.Diagnostics)
}

// afterUpdate records the identity of the updated object (the same as before: none of its attributes can change
// in place); deferred at the start of Update.
func (ri resourceIdentity) afterUpdate(ctx context.Context, resp *resource.UpdateResponse) {
	ri.record(ctx, resp.State, resp.Identity, &resp.Diagnostics)
}

// afterRead records the identity of the object read, or, when the read removed the resource because the object is
// gone, that of the state the read started from; deferred at the start of Read.
func (ri resourceIdentity) afterRead(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state := resp.State
	if state.Raw.IsNull() {
		state = req.State
	}
	ri.record(ctx, state, resp.Identity, &resp.Diagnostics)
}

// importState imports by import ID or by identity: it checks every value with the rule of its attribute before any
// request, sets the identity attributes in the state and the identity, and returns the values in import ID order
// (nil after an error).
func (ri resourceIdentity) importState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) []string {
	values := ri.importedValues(ctx, req, &resp.Diagnostics)
	if values == nil {
		return nil
	}
	for i, a := range ri {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(a.name), values[i])...)
		if resp.Identity != nil {
			resp.Diagnostics.Append(resp.Identity.SetAttribute(ctx, path.Root(a.name), values[i])...)
		}
	}
	return values
}

func (ri resourceIdentity) importedValues(ctx context.Context, req resource.ImportStateRequest, diags *diag.Diagnostics) []string {
	if !importByIdentity(req) {
		parts, err := splitImportID(req.ID, ri.parts()...)
		if err != nil {
			diags.AddError("Invalid import ID", err.Error())
			return nil
		}
		return parts
	}
	values := make([]string, len(ri))
	for i, a := range ri {
		var v types.String
		diags.Append(req.Identity.GetAttribute(ctx, path.Root(a.name), &v)...)
		values[i] = v.ValueString()
		if v.IsNull() && a.fallback != "" {
			values[i] = a.fallback
		}
		rule := a.rule
		if rule == nil {
			rule = importPartRule(a.part)
		}
		if msg := rule(values[i]); msg != "" {
			diags.AddError("Invalid import identity", fmt.Sprintf("Identity attribute %s %s, got: %q", a.name, msg, values[i]))
		}
	}
	if diags.HasError() {
		return nil
	}
	return values
}

// importByIdentity reports whether an import names its object by identity (an import block's identity) rather
// than by import ID.
func importByIdentity(req resource.ImportStateRequest) bool {
	return req.ID == "" && req.Identity != nil && !req.Identity.Raw.IsNull()
}
