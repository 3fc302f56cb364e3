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
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-codat/terraform-provider-codat/internal/codat"
)

var (
	_ resource.ResourceWithImportState = (*bankFeedAccountMappingResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*bankFeedAccountMappingResource)(nil)
)

const (
	defaultMappingTimeout = 10 * time.Minute
	mappingPollFirst      = 250 * time.Millisecond
	mappingPollMax        = 5 * time.Second
	// problemTypeNoBankFeeds is the problem type Xero answers for an organisation without bank feeds.
	problemTypeNoBankFeeds = "invalid-organisation-bank-feeds"

	// The source account's feed statuses Codat documents besides connected and disconnected (BF SourceAccount.status).
	statusPending    = "pending"
	statusConnecting = "connecting"
	// mappingRequestFailed is the status of a refused mapping request (BF BankFeedAccountMappingResponse example).
	mappingRequestFailed = "Failed"
)

type bankFeedAccountMappingResource struct{ resourceBase }

type bankFeedAccountMappingModel struct {
	ID types.String `tfsdk:"id"`
	connectionRef
	SourceAccountID   types.String   `tfsdk:"source_account_id"`
	TargetAccountID   types.String   `tfsdk:"target_account_id"`
	FeedStartDate     types.String   `tfsdk:"feed_start_date"`
	Status            types.String   `tfsdk:"status"`
	TargetAccountName types.String   `tfsdk:"target_account_name"`
	Timeouts          timeouts.Value `tfsdk:"timeouts"`
}

func (r *bankFeedAccountMappingResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Maps a source bank account to a Xero bank account through the API " +
			"(`POST .../bankFeedAccounts/mapping`), doing what the SMB user otherwise does in the connection's " +
			"`link_url` page. The connection must be `Linked` (the SMB user has authorised Xero).\n\n" +
			"~> **Warning:** Codat has no endpoint to delete a mapping: destroy **disconnects the source account** " +
			"(its status becomes `disconnected` and Xero stops receiving its transactions), which is the only inverse " +
			"Codat offers. The Xero account itself stays in Xero.\n\n" +
			"Create posts the mapping, records it, and waits (up to `timeouts.create`) until the account is " +
			"`connected`, polling `GET .../bankFeedAccounts/mapping`.\n\n" +
			"Without `target_account_id` the mapping feeds the Xero account named after the source account: an " +
			"existing one that no other feed uses (for instance the one an earlier mapping created), or else a new " +
			"one that Codat creates. Changing `feed_start_date` or `target_account_id`, and mapping again an account " +
			"that was disconnected outside Terraform or whose source account was re-created, update the mapping in " +
			"place: the provider disconnects the feed if needed and maps the account to the Xero account it fed " +
			"before (or the one configured), so a Xero organisation never gets a second account for one source " +
			"account. After an error that leaves unknown whether Codat made the mapping (a `5xx` answer or no " +
			"answer), the provider reads the mapping list and adopts what Codat made before it asks again.\n\n" +
			"Bank feeds into Xero need a Xero App Partner app with the Xero Bank Feeds API enabled by Xero, the " +
			"Xero integration set up and enabled in Codat, and Bank Feeds enabled for your Codat client by Codat " +
			"(your account manager; there is no API or Portal switch for it). Otherwise Xero refuses the mapping " +
			"with `invalid-organisation-bank-feeds` (\"The organisation does not support automated bank feeds\"), " +
			"and the error says so. Since 2026-06-24 Codat refuses (`400`) a Xero account that already takes a feed " +
			"under another company using the same Xero app.\n\n" +
			"Import ID: `<company_id>/<connection_id>/<source_account_id>`; the account must be mapped.",
		Attributes: map[string]schema.Attribute{
			"id":            setOnCreate("`<company_id>/<connection_id>/<source_account_id>`."),
			"company_id":    parentCodatID("Id of the company", "mapping"),
			"connection_id": parentCodatID("Id of the company's Xero connection", "mapping"),
			"source_account_id": schema.StringAttribute{
				MarkdownDescription: "`account_id` of the source account to map: " + sourceAccountIDRule + ". Changing it replaces the mapping.",
				Required:            true,
				Validators:          []validator.String{sourceAccountID()},
				PlanModifiers:       replace,
			},
			"target_account_id": optionalChosenByCodat("Id of the Xero bank account to feed: one of the `target_account_options` of the "+
				"`codat_bank_feed_mapping` data source, which Codat filters by the source account's currency and "+
				"type (a `creditCard`, `loan` or v1 `Credit` account feeds a Xero credit-card account, the others a "+
				"Xero bank account). Omit it to feed the Xero account named after the source account, which Codat creates "+
				"when there is none; its id is then reported here. Changing it disconnects the feed and maps the "+
				"account to the new target in place. While the feed is `disconnected` or `pending`, this is the "+
				"Xero account the next apply maps the account to again.", targetAccountID()),
			"feed_start_date": optionalChosenByCodat("First day whose transactions are fed, `YYYY-MM-DD`. Codat does not validate it; "+
				"the provider refuses, at plan time, a date more than one year back when the mapping is created or "+
				"the date is changed, because Xero's API refuses transactions more than a year old. Omit it for "+
				"Codat's default (the day of mapping). Changing it disconnects the feed and maps the account again, "+
				"to the same Xero account, from the new date.", date()),
			"status": schema.StringAttribute{
				MarkdownDescription: "Status of the source account's feed as `GET .../bankFeedAccounts/mapping` reports " +
					"it: `pending`, `connecting`, `connected`, `disconnected` or `unknown`. `connecting` until Codat " +
					"reports the feed connected, including when the wait for it ended early (interrupted or " +
					"`timeouts`); the next refresh reads it again. A `disconnected` or `pending` feed is mapped again by " +
					"the next apply (an in-place update).",
				Computed: true,
			},
			"target_account_name": schema.StringAttribute{
				MarkdownDescription: "Name of the Xero bank account the source account feeds.",
				Computed:            true,
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true,
				CreateDescription: "How long to wait, once Codat has accepted the mapping, for the feed to become `connected` (default `10m`). " +
					"When the wait runs out the mapping is recorded with the status last read (`connecting` until Codat reports " +
					"it connected) and the apply warns; it does not fail.",
				UpdateDescription: "The same for an update that maps the account again (default `10m`).",
			}),
		},
	}
}

// ModifyPlan checks the feed start date when a mapping is created or its start date changes, and plans an update
// that maps the account again when the feed is not connected or connecting (disconnected outside Terraform, or its
// source account re-created).
func (r *bankFeedAccountMappingResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan bankFeedAccountMappingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var state *bankFeedAccountMappingModel
	if !req.State.Raw.IsNull() && len(resp.RequiresReplace) == 0 {
		state = &bankFeedAccountMappingModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	start := plan.FeedStartDate
	if !start.IsNull() && !start.IsUnknown() && (state == nil || !start.Equal(state.FeedStartDate)) {
		if msg := checkFeedStartDate(start.ValueString(), time.Now()); msg != "" {
			resp.Diagnostics.AddAttributeError(path.Root("feed_start_date"), "Invalid feed start date",
				fmt.Sprintf("Attribute feed_start_date %s, got: %q", msg, start.ValueString()))
		}
	}
	if state != nil && remapNeeded(&plan, state) {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("status"), types.StringUnknown())...)
		if !plan.TargetAccountID.Equal(state.TargetAccountID) {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("target_account_name"), types.StringUnknown())...)
		}
	}
}

// remapNeeded reports whether an update has to map the account again: the feed is not on its way (disconnected or
// pending), or the target or the start date the configuration asks for differ from the state.
func remapNeeded(plan, state *bankFeedAccountMappingModel) bool {
	if status := state.Status.ValueString(); status == statusDisconnected || status == statusPending {
		return true
	}
	changed := func(p, s types.String) bool { return !p.IsUnknown() && !p.IsNull() && !p.Equal(s) }
	return changed(plan.TargetAccountID, state.TargetAccountID) || changed(plan.FeedStartDate, state.FeedStartDate)
}

func (r *bankFeedAccountMappingResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer bankFeedAccountMappingIdentity.afterCreate(ctx, resp)
	var plan bankFeedAccountMappingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultMappingTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.mapPlan(ctx, req.Config, &plan, nil, timeout, &resp.State, &resp.Diagnostics)
}

// mapPlan makes the planned mapping true, waiting up to timeout for the feed to connect, and records it in state.
// prior is the state of an update, nil on create.
func (r *bankFeedAccountMappingResource) mapPlan(ctx context.Context, config tfsdk.Config, plan, prior *bankFeedAccountMappingModel,
	timeout time.Duration, state *tfsdk.State, diags *diag.Diagnostics) {
	var configured types.String
	diags.Append(config.GetAttribute(ctx, path.Root("target_account_id"), &configured)...)
	if diags.HasError() {
		return
	}
	m := r.newMapper(plan, timeout)
	defer r.data.invalidateConnection(m.key)
	m.connect(ctx, configured, prior, state, diags)
}

func (r *bankFeedAccountMappingResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer bankFeedAccountMappingIdentity.afterRead(ctx, req, resp)
	var state bankFeedAccountMappingModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	key := state.key()
	source := state.SourceAccountID.ValueString()
	mapping, err := r.data.findMapping(ctx, key, source)
	// A source account or connection that is gone takes its mapping with it.
	if readFailed(ctx, resp, err, fmt.Sprintf("Unable to read the mapping of source account %q of Codat connection %s/%s",
		source, key.companyID, key.connectionID)) {
		return
	}
	if state.Status.IsNull() && !isMapped(mapping) {
		// Import of an account that feeds nothing: there is no mapping to manage.
		resp.State.RemoveResource(ctx)
		return
	}
	// A feed disconnected outside Terraform, or whose source account was re-created, stays in the state with its
	// status and the Xero account it fed: the plan maps it again, to that account.
	setMappingState(&state, key, mapping)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *bankFeedAccountMappingResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer bankFeedAccountMappingIdentity.afterUpdate(ctx, resp)
	var plan, state bankFeedAccountMappingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !remapNeeded(&plan, &state) {
		// Only timeouts changed.
		state.Timeouts = plan.Timeouts
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, defaultMappingTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if plan.TargetAccountID.IsUnknown() {
		plan.TargetAccountID = state.TargetAccountID
	}
	if plan.FeedStartDate.IsUnknown() {
		plan.FeedStartDate = state.FeedStartDate
	}
	r.mapPlan(ctx, req.Config, &plan, &state, timeout, &resp.State, &resp.Diagnostics)
}

func (r *bankFeedAccountMappingResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state bankFeedAccountMappingModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	key := state.key()
	defer r.data.invalidateConnection(key)
	if err := r.disconnect(ctx, key, state.SourceAccountID.ValueString()); err != nil && !codat.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to disconnect source account %q of Codat connection %s/%s",
			state.SourceAccountID.ValueString(), key.companyID, key.connectionID), err)
	}
}

// disconnect ends the source account's feed, Codat's only inverse of a mapping (BF update-source-account: status
// may only be updated to "disconnected").
func (r *bankFeedAccountMappingResource) disconnect(ctx context.Context, key connectionKey, source string) error {
	disconnected := statusDisconnected
	_, err := r.data.client.UpdateSourceAccount(ctx, key.companyID, key.connectionID, source,
		codat.SourceAccountUpdate{Status: &disconnected})
	return err
}

func (r *bankFeedAccountMappingResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if parts := bankFeedAccountMappingIdentity.importState(ctx, req, resp); parts != nil {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), strings.Join(parts, "/"))...)
	}
}

// isFed reports whether a status is a feed on its way or in place.
func isFed(status string) bool {
	status = strings.ToLower(status)
	return status == statusConnecting || status == statusConnected
}

// isMapped reports whether a source account feeds a target account; a disconnected or never-mapped account
// has no mapping for Terraform to manage.
func isMapped(m *codat.BankFeedMapping) bool {
	return m.TargetAccountID != "" && isFed(m.Status)
}

// setMappingState records what the mapping list says of the source account. What it leaves out (the target and the
// start date of a feed that was disconnected) keeps its recorded value: it is what the next mapping uses again.
func setMappingState(m *bankFeedAccountMappingModel, key connectionKey, mapping *codat.BankFeedMapping) {
	m.ID = types.StringValue(key.companyID + "/" + key.connectionID + "/" + mapping.SourceAccountID)
	m.connectionRef = key.ref()
	m.SourceAccountID = types.StringValue(mapping.SourceAccountID)
	m.TargetAccountID = keepUnlessSet(m.TargetAccountID, mapping.TargetAccountID)
	m.TargetAccountName = keepUnlessSet(m.TargetAccountName, mapping.TargetAccountName)
	m.FeedStartDate = keepUnlessSet(m.FeedStartDate, dateOnly(mapping.FeedStartDate))
	m.Status = types.StringValue(strings.ToLower(mapping.Status))
}

// keepUnlessSet is v when Codat reports one, else the recorded value (null when there is none or it is unknown).
func keepUnlessSet(recorded types.String, v string) types.String {
	if v != "" {
		return types.StringValue(v)
	}
	if recorded.IsUnknown() {
		return types.StringNull()
	}
	return recorded
}

// addMappingError explains Xero's refusal of bank feeds, which otherwise reads as a bare 403.
func addMappingError(diags *diag.Diagnostics, summary string, err error) {
	var apiErr *codat.APIError
	if errors.As(err, &apiErr) && apiErr.ProblemType == problemTypeNoBankFeeds {
		diags.AddError(summary, fmt.Sprintf("Xero refused the bank feed: %s.\n\n"+
			"Bank feeds into Xero need all of these (Codat's Xero bank feeds set-up documentation):\n"+
			"- your Xero app is a Xero App Partner app, and Xero has enabled the Xero Bank Feeds API for it (ask Xero);\n"+
			"- Bank Feeds is enabled for your Codat client by Codat: ask your Codat account manager (there is no API or "+
			"Codat Portal switch for it);\n"+
			"- the Xero integration is set up and enabled in Codat (codat_xero_integration).\n"+
			"The SMB user's Xero organisation must also be able to receive automated bank feeds (Xero's demo company "+
			"cannot).\n\n%s", strings.TrimSuffix(apiErr.Detail, "."), apiErr.Error()))
		return
	}
	addAPIError(diags, summary, err)
}
