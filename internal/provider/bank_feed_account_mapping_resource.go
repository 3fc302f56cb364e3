package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-codat/terraform-provider-codat/internal/codat"
)

var (
	_ resource.Resource                = (*bankFeedAccountMappingResource)(nil)
	_ resource.ResourceWithConfigure   = (*bankFeedAccountMappingResource)(nil)
	_ resource.ResourceWithImportState = (*bankFeedAccountMappingResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*bankFeedAccountMappingResource)(nil)
)

const (
	defaultMappingCreateTimeout = 10 * time.Minute
	mappingPollFirst            = 250 * time.Millisecond
	mappingPollMax              = 5 * time.Second
	// problemTypeNoBankFeeds is the problem type Xero answers for an organisation without bank feeds.
	problemTypeNoBankFeeds = "invalid-organisation-bank-feeds"
)

func newBankFeedAccountMappingResource() resource.Resource {
	return &bankFeedAccountMappingResource{now: time.Now}
}

type bankFeedAccountMappingResource struct {
	data *providerData
	now  func() time.Time
}

type bankFeedAccountMappingModel struct {
	ID                types.String   `tfsdk:"id"`
	CompanyID         types.String   `tfsdk:"company_id"`
	ConnectionID      types.String   `tfsdk:"connection_id"`
	SourceAccountID   types.String   `tfsdk:"source_account_id"`
	TargetAccountID   types.String   `tfsdk:"target_account_id"`
	FeedStartDate     types.String   `tfsdk:"feed_start_date"`
	Status            types.String   `tfsdk:"status"`
	TargetAccountName types.String   `tfsdk:"target_account_name"`
	Timeouts          timeouts.Value `tfsdk:"timeouts"`
}

func (r *bankFeedAccountMappingResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_bank_feed_account_mapping"
}

func (r *bankFeedAccountMappingResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Maps a source bank account to a Xero bank account through the API, doing what the " +
			"SMB user otherwise does in the connection's `link_url` page. The connection must be `Linked` (the SMB " +
			"user has authorised Xero).\n\n" +
			"~> **Warning:** Codat has no endpoint to delete a mapping: destroy **disconnects the source account** " +
			"(its status becomes `disconnected` and Xero stops receiving its transactions), which is the only inverse " +
			"Codat offers. The Xero account itself stays in Xero.\n\n" +
			"Create posts the mapping and waits until the account is `connected`.\n\n" +
			"Bank feeds need Xero app-partner status with the Xero Bank Feeds API enabled for your Xero app, and " +
			"Bank Feeds switched on for the Xero integration in the Codat Portal; otherwise Xero refuses the mapping " +
			"because the organisation does not support automated bank feeds.\n\n" +
			"Import ID: `<company_id>/<connection_id>/<source_account_id>`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<company_id>/<connection_id>/<source_account_id>`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"company_id": schema.StringAttribute{
				MarkdownDescription: "Id of the company, " + codatIDRule + ".",
				Required:            true,
				Validators:          []validator.String{codatID()},
				PlanModifiers:       replace,
			},
			"connection_id": schema.StringAttribute{
				MarkdownDescription: "Id of the company's Xero connection, " + codatIDRule + ".",
				Required:            true,
				Validators:          []validator.String{codatID()},
				PlanModifiers:       replace,
			},
			"source_account_id": schema.StringAttribute{
				MarkdownDescription: "`account_id` of the source account to map: " + sourceAccountIDRule + ".",
				Required:            true,
				Validators:          []validator.String{sourceAccountID()},
				PlanModifiers:       replace,
			},
			"target_account_id": schema.StringAttribute{
				MarkdownDescription: "Id of the Xero bank account to feed (one of the `target_account_options` of the " +
					"`codat_bank_feed_mapping` data source, same currency as the source account). Omit it to have a new " +
					"Xero bank account created, named after the source account; its id is then reported here.",
				Optional:      true,
				Computed:      true,
				Validators:    []validator.String{targetAccountID()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
			},
			"feed_start_date": schema.StringAttribute{
				MarkdownDescription: "First day whose transactions are fed, `YYYY-MM-DD`: not in the future and at most " +
					"one year back (Xero refuses older data), checked when the mapping is created. Omit it for Codat's default.",
				Optional:      true,
				Computed:      true,
				Validators:    []validator.String{date()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "Status of the source account's feed, `connected` once the mapping is done.",
				Computed:            true,
			},
			"target_account_name": schema.StringAttribute{
				MarkdownDescription: "Name of the Xero bank account the source account feeds.",
				Computed:            true,
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true}),
		},
	}
}

func (r *bankFeedAccountMappingResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan checks the feed start date against today when a mapping is about to be created, the only time
// Xero's one-year window applies.
func (r *bankFeedAccountMappingResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || (!req.State.Raw.IsNull() && len(resp.RequiresReplace) == 0) {
		return
	}
	var start types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("feed_start_date"), &start)...)
	if start.IsNull() || start.IsUnknown() {
		return
	}
	if msg := checkFeedStartDate(start.ValueString(), r.now()); msg != "" {
		resp.Diagnostics.AddAttributeError(path.Root("feed_start_date"), "Invalid feed start date",
			fmt.Sprintf("Attribute feed_start_date %s, got: %q", msg, start.ValueString()))
	}
}

func (r *bankFeedAccountMappingResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan bankFeedAccountMappingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultMappingCreateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	opCtx := ctx
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	key := connectionKey{plan.CompanyID.ValueString(), plan.ConnectionID.ValueString()}
	source := plan.SourceAccountID.ValueString()
	defer r.data.invalidateConnection(key)
	what := fmt.Sprintf("source account %q of Codat connection %s/%s", source, key.companyID, key.connectionID)

	result, err := r.data.client.CreateBankAccountMapping(ctx, key.companyID, key.connectionID, codat.BankFeedAccountMapping{
		SourceAccountID: source,
		TargetAccountID: stringPtr(plan.TargetAccountID),
		FeedStartDate:   plan.FeedStartDate.ValueString(),
	})
	if err != nil {
		addMappingError(&resp.Diagnostics, "Unable to map "+what, err)
		return
	}
	if strings.EqualFold(result.Status, "Failed") {
		resp.Diagnostics.AddError("Unable to map "+what, fmt.Sprintf("Codat answered that the mapping failed: %s", result.Error))
		return
	}

	mapping, err := r.waitConnected(ctx, key, source)
	if err != nil && opCtx.Err() != nil && errors.Is(err, context.Canceled) {
		// Terraform was interrupted after Codat accepted the mapping. Recorded, the mapping is not lost and the
		// next run does not map the account again (which Codat refuses, or which would create a second Xero
		// account); Read follows its progress.
		if mapping == nil {
			mapping = &codat.BankFeedMapping{SourceAccountID: source, TargetAccountID: result.TargetAccountID,
				Status: result.Status, FeedStartDate: plan.FeedStartDate.ValueString()}
			if !plan.TargetAccountID.IsUnknown() {
				mapping.TargetAccountID = plan.TargetAccountID.ValueString()
			}
		}
		setMappingState(&plan, key, mapping)
		resp.Diagnostics.AddWarning("Stopped waiting for the mapping of "+what,
			fmt.Sprintf("Terraform was interrupted after Codat accepted the mapping. It is recorded in the state with "+
				"status %q; the next plan reads its progress.", plan.Status.ValueString()))
		resp.Diagnostics.Append(resp.State.Set(opCtx, &plan)...)
		return
	}
	if err != nil {
		detail := apiErrorDetail(err)
		if errors.Is(err, context.DeadlineExceeded) {
			detail = fmt.Sprintf("The mapping was accepted but the account was not connected within %s; raise "+
				"timeouts.create or check the connection in the Codat Portal. Last error: %v", timeout, err)
		}
		resp.Diagnostics.AddError("Mapping of "+what+" did not complete", detail)
		return
	}
	setMappingState(&plan, key, mapping)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// waitConnected polls the connection's mappings until the source account is connected, backing off up to
// mappingPollMax. Every poll reads afresh: the shared list would hide the change being waited for. When the wait
// fails, the mapping is the source account's as last read (nil if none was).
func (r *bankFeedAccountMappingResource) waitConnected(ctx context.Context, key connectionKey, source string) (*codat.BankFeedMapping, error) {
	var last *codat.BankFeedMapping
	wait := mappingPollFirst
	for {
		mappings, err := r.data.client.GetBankAccountMapping(ctx, key.companyID, key.connectionID)
		if err != nil {
			return last, err
		}
		for i := range mappings {
			if m := &mappings[i]; m.SourceAccountID == source {
				if strings.EqualFold(m.Status, statusConnected) {
					return m, nil
				}
				last = m
			}
		}
		select {
		case <-ctx.Done():
			return last, ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, mappingPollMax)
	}
}

func (r *bankFeedAccountMappingResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state bankFeedAccountMappingModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	key := connectionKey{state.CompanyID.ValueString(), state.ConnectionID.ValueString()}
	source := state.SourceAccountID.ValueString()
	mapping, err := r.data.findMapping(ctx, key, source)
	if isNotFound(err) || (err == nil && !isMapped(mapping)) {
		// The account, its connection or its mapping is gone (deleted, or disconnected outside Terraform).
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read the mapping of source account %q of Codat connection %s/%s",
			source, key.companyID, key.connectionID), err)
		return
	}
	setMappingState(&state, key, mapping)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update has nothing to send: every configurable attribute requires replacement; timeouts changes are kept.
func (r *bankFeedAccountMappingResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state bankFeedAccountMappingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	state.Timeouts = plan.Timeouts
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *bankFeedAccountMappingResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state bankFeedAccountMappingModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	key := connectionKey{state.CompanyID.ValueString(), state.ConnectionID.ValueString()}
	defer r.data.invalidateConnection(key)
	disconnected := statusDisconnected
	_, err := r.data.client.UpdateSourceAccount(ctx, key.companyID, key.connectionID, state.SourceAccountID.ValueString(),
		codat.SourceAccountUpdate{Status: &disconnected})
	if err != nil && !codat.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to disconnect source account %q of Codat connection %s/%s",
			state.SourceAccountID.ValueString(), key.companyID, key.connectionID), err)
	}
}

func (r *bankFeedAccountMappingResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	parts, err := splitImportID(req.ID, "company_id", "connection_id", "source_account_id")
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("company_id"), parts[0])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("connection_id"), parts[1])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("source_account_id"), parts[2])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
}

// isMapped reports whether a source account feeds a target account; a disconnected or never-mapped account
// has no mapping for Terraform to manage.
func isMapped(m *codat.BankFeedMapping) bool {
	status := strings.ToLower(m.Status)
	return m.TargetAccountID != "" && status != statusDisconnected && status != "pending"
}

func setMappingState(m *bankFeedAccountMappingModel, key connectionKey, mapping *codat.BankFeedMapping) {
	m.ID = types.StringValue(key.companyID + "/" + key.connectionID + "/" + mapping.SourceAccountID)
	m.CompanyID = types.StringValue(key.companyID)
	m.ConnectionID = types.StringValue(key.connectionID)
	m.SourceAccountID = types.StringValue(mapping.SourceAccountID)
	m.TargetAccountID = types.StringValue(mapping.TargetAccountID)
	m.TargetAccountName = types.StringValue(mapping.TargetAccountName)
	m.Status = types.StringValue(strings.ToLower(mapping.Status))
	m.FeedStartDate = types.StringValue(dateOnly(mapping.FeedStartDate))
}

// dateOnly keeps the date of a Codat date-time ("2024-05-01T00:00:00Z" -> "2024-05-01"): the mapping list
// reports the feed start as a date-time while it is configured as a date.
func dateOnly(s string) string {
	if len(s) >= len(dateLayout) {
		if _, err := time.Parse(dateLayout, s[:len(dateLayout)]); err == nil {
			return s[:len(dateLayout)]
		}
	}
	return s
}

// addMappingError explains Xero's refusal of bank feeds, which otherwise reads as a bare 403.
func addMappingError(diags *diag.Diagnostics, summary string, err error) {
	var apiErr *codat.APIError
	if errors.As(err, &apiErr) && apiErr.ProblemType == problemTypeNoBankFeeds {
		diags.AddError(summary, fmt.Sprintf("Xero refused the bank feed: %s.\n\n"+
			"Bank feeds into Xero need all of: Xero app-partner status with the Xero Bank Feeds API enabled for "+
			"your Xero app (ask Xero), and Bank Feeds switched on for the Xero integration in the Codat Portal "+
			"(Settings > Integrations > Accounting > Xero). The SMB user's Xero organisation must also be able to "+
			"receive automated bank feeds.\n\n%s", strings.TrimSuffix(apiErr.Detail, "."), apiErr.Error()))
		return
	}
	addAPIError(diags, summary, err)
}
