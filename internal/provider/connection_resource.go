package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-codat/terraform-provider-codat/internal/codat"
)

var _ resource.ResourceWithImportState = (*connectionResource)(nil)

type connectionResource struct{ resourceBase }

type connectionModel struct {
	ID             types.String `tfsdk:"id"`
	CompanyID      types.String `tfsdk:"company_id"`
	PlatformKey    types.String `tfsdk:"platform_key"`
	Status         types.String `tfsdk:"status"`
	LinkURL        types.String `tfsdk:"link_url"`
	IntegrationID  types.String `tfsdk:"integration_id"`
	IntegrationKey types.String `tfsdk:"integration_key"`
	SourceType     types.String `tfsdk:"source_type"`
	PlatformName   types.String `tfsdk:"platform_name"`
	Created        types.String `tfsdk:"created"`
}

func (r *connectionResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	unchanging := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A company's data connection to an accounting platform, Xero (`gbol`) by default. " +
			"The SMB user opens `link_url` to authorise Xero and map their bank accounts; until then `status` is " +
			"`PendingAuth`.\n\nCodat cannot move a connection to another company or platform, so changing " +
			"`company_id` or `platform_key` replaces it.\n\n" +
			"~> **Warning:** Destroying a connection, or replacing it, revokes and deletes it in Codat " +
			"(`DELETE /companies/{companyId}/connections/{connectionId}`, irreversible) with its source accounts: " +
			"their bank feeds stop, and the SMB user has to authorise Xero and map the accounts again on a new " +
			"connection.\n\n" +
			"Import ID: `<company_id>/<connection_id>`.",
		Attributes: map[string]schema.Attribute{
			"id":         setOnCreate("Codat's id of the connection (a UUID)."),
			"company_id": parentCodatID("Id of the company the connection belongs to", "connection"),
			"platform_key": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Platform key of the integration, %s. Defaults to `%s` (Xero). "+
					"Changing it replaces the connection. A key Codat has no integration for fails the apply with an "+
					"error on this attribute (`GET /integrations` lists the keys; the provider does not call the API "+
					"while planning).", platformKeyRule, xeroPlatformKey),
				Optional:      true,
				Computed:      true,
				Default:       stringdefault.StaticString(xeroPlatformKey),
				Validators:    []validator.String{platformKey()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "Status of the connection: `PendingAuth` (waiting for the SMB user), `Linked`, " +
					"`Unlinked` or `Deauthorized`. Changes outside Terraform as the SMB user acts.",
				Computed: true,
			},
			"link_url":       setOnCreate("URL the SMB user opens to authorise the connection and map their bank accounts."),
			"integration_id": setOnCreate("Codat's id of the integration behind the connection."),
			"integration_key": schema.StringAttribute{
				MarkdownDescription: "Platform key of the connection's integration: Codat's `integrationKey`, or, " +
					"when Codat leaves it out of a connection (it is optional since April 2026), the key of the " +
					"integration whose id is `integration_id`. Always set, equal to `platform_key`.",
				Computed:      true,
				PlanModifiers: unchanging,
			},
			"source_type":   setOnCreate("Kind of platform, such as `Accounting`."),
			"platform_name": setOnCreate("Name of the platform, such as `Xero`."),
			"created":       setOnCreate("When the connection was created (RFC 3339)."),
		},
	}
}

func (r *connectionResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer connectionIdentity.afterCreate(ctx, resp)
	var plan connectionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	companyID, key := plan.CompanyID.ValueString(), plan.PlatformKey.ValueString()
	r.data.companies.changedCompany(companyID)
	conn, err := r.data.createConnection(ctx, companyID, key)
	if codat.IsNotFound(err) {
		r.data.explainConnectionNotFound(ctx, &resp.Diagnostics, companyID, key, err)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to create a connection for Codat company %s", companyID), err)
		return
	}
	r.data.connections.remember(companyID, conn)
	// Codat created the connection for the key it was asked for, whether or not its answer repeats the key.
	if conn.IntegrationKey == "" {
		r.data.integrationKeys.learn(key, conn.IntegrationID)
	}
	setConnectionState(&plan, companyID, conn, key)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// explainConnectionNotFound reports Codat's 404 to POST /companies/{companyId}/connections, which names either the
// company or the platform key: it asks Codat which of the two exists, and puts the error on the attribute that
// names the missing one.
func (d *providerData) explainConnectionNotFound(ctx context.Context, diags *diag.Diagnostics, companyID, key string, err error) {
	id, lookupErr := d.integrationID(ctx, key)
	if lookupErr == nil && id == "" {
		addUnknownPlatformKey(diags, key, err)
		return
	}
	_, companyErr := d.client.GetCompany(ctx, companyID)
	if codat.IsNotFound(companyErr) {
		addAPIAttributeError(diags, path.Root("company_id"), fmt.Sprintf("Codat company %s not found", companyID), err)
		return
	}
	addAPIError(diags, fmt.Sprintf("Unable to create a connection to %q for Codat company %s", key, companyID), err)
}

func (r *connectionResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer connectionIdentity.afterRead(ctx, req, resp)
	var state connectionModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	companyID, id := state.CompanyID.ValueString(), state.ID.ValueString()
	conn, err := r.data.companies.connection(ctx, companyID, id)
	if isNotFound(err) {
		r.data.connections.forget(connectionKey{companyID, id})
	}
	if readFailed(ctx, resp, err, fmt.Sprintf("Unable to read Codat connection %s/%s", companyID, id)) {
		return
	}
	r.data.connections.remember(companyID, conn)
	// Without Codat's integrationKey, the key in state (none after an import: Xero's is the likely one) is checked
	// against the connection's integrationId.
	known := state.PlatformKey.ValueString()
	if known == "" {
		known = xeroPlatformKey
	}
	key, err := r.data.platformKeyOf(ctx, conn, known)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read Codat connection %s/%s", companyID, id), err)
		return
	}
	setConnectionState(&state, companyID, conn, key)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update has nothing to send: every configurable attribute requires replacement, so the prior state stands.
func (r *connectionResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer connectionIdentity.afterUpdate(ctx, resp)
	resp.State.Raw = req.State.Raw
}

func (r *connectionResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state connectionModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	companyID, id := state.CompanyID.ValueString(), state.ID.ValueString()
	r.data.connections.forget(connectionKey{companyID, id})
	r.data.companies.changedCompany(companyID)
	err := r.data.client.DeleteConnection(ctx, companyID, id)
	if err != nil && !codat.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to delete Codat connection %s/%s", companyID, id), err)
	}
}

func (r *connectionResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	connectionIdentity.importState(ctx, req, resp)
}

// setConnectionState copies a connection into the model; platformKey is its key as platformKeyOf resolved it.
func setConnectionState(m *connectionModel, companyID string, c *codat.Connection, platformKey string) {
	m.ID = types.StringValue(c.ID)
	m.CompanyID = types.StringValue(companyID)
	m.PlatformKey = types.StringValue(platformKey)
	m.Status = types.StringValue(c.Status)
	m.LinkURL = types.StringValue(c.LinkURL)
	m.IntegrationID = types.StringValue(c.IntegrationID)
	m.IntegrationKey = types.StringValue(platformKey)
	m.SourceType = types.StringValue(c.SourceType)
	m.PlatformName = types.StringValue(c.PlatformName)
	m.Created = types.StringValue(c.Created)
}
