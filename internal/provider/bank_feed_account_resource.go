package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-codat/terraform-provider-codat/internal/codat"
)

var (
	_ resource.Resource                   = (*bankFeedAccountResource)(nil)
	_ resource.ResourceWithConfigure      = (*bankFeedAccountResource)(nil)
	_ resource.ResourceWithImportState    = (*bankFeedAccountResource)(nil)
	_ resource.ResourceWithValidateConfig = (*bankFeedAccountResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*bankFeedAccountResource)(nil)
)

func newBankFeedAccountResource() resource.Resource {
	return &bankFeedAccountResource{}
}

type bankFeedAccountResource struct {
	data *providerData
}

type bankFeedAccountModel struct {
	ID            types.String      `tfsdk:"id"`
	CompanyID     types.String      `tfsdk:"company_id"`
	ConnectionID  types.String      `tfsdk:"connection_id"`
	AccountID     types.String      `tfsdk:"account_id"`
	AccountName   types.String      `tfsdk:"account_name"`
	AccountType   types.String      `tfsdk:"account_type"`
	AccountNumber types.String      `tfsdk:"account_number"`
	SortCode      types.String      `tfsdk:"sort_code"`
	RoutingInfo   *routingInfoModel `tfsdk:"routing_info"`
	Currency      types.String      `tfsdk:"currency"`
	Balance       types.Number      `tfsdk:"balance"`
	AccountInfo   *accountInfoModel `tfsdk:"account_info"`
	Status        types.String      `tfsdk:"status"`
	FeedStartDate types.String      `tfsdk:"feed_start_date"`
	ModifiedDate  types.String      `tfsdk:"modified_date"`
}

type routingInfoModel struct {
	BankCode types.String `tfsdk:"bank_code"`
	Type     types.String `tfsdk:"type"`
}

type accountInfoModel struct {
	Description      types.String `tfsdk:"description"`
	Nickname         types.String `tfsdk:"nickname"`
	AccountOpenDate  types.String `tfsdk:"account_open_date"`
	AvailableBalance types.Number `tfsdk:"available_balance"`
}

func (r *bankFeedAccountResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_bank_feed_account"
}

func (r *bankFeedAccountResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A source bank account (Codat's v2 shape) that you feed into the SMB user's Xero " +
			"organisation through a connection. The SMB user maps it to a Xero bank account in the connection's " +
			"`link_url` page, or `codat_bank_feed_account_mapping` maps it through the API.\n\n" +
			"Codat updates only `account_name` and, while the account is not `connected`, `balance`; changing " +
			"anything else replaces the account.\n\nCodat has no endpoint to read one source account: the provider " +
			"lists a connection's accounts once per operation and shares the list among all of its accounts.\n\n" +
			"Import ID: `<company_id>/<connection_id>/<account_id>`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<company_id>/<connection_id>/<account_id>`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"company_id": schema.StringAttribute{
				MarkdownDescription: "Id of the company. Changing it replaces the account.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers:       replace,
			},
			"connection_id": schema.StringAttribute{
				MarkdownDescription: "Id of the company's connection the account feeds. Changing it replaces the account.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers:       replace,
			},
			"account_id": schema.StringAttribute{
				MarkdownDescription: "Your own unique id of the bank account. Changing it replaces the account.",
				Required:            true,
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					stringvalidator.RegexMatches(noSlashPattern, "must not contain a slash (it separates the parts of the import ID)"),
					// The API path of account "credentials" is the bank-feed credentials endpoint.
					stringvalidator.NoneOf("credentials"),
				},
				PlanModifiers: replace,
			},
			"account_name": schema.StringAttribute{
				MarkdownDescription: "Name of the bank account; the Xero account created for it takes this name. Updates in place.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"account_type": schema.StringAttribute{
				MarkdownDescription: "Type of the account: " + quotedList(accountTypes) + ". Changing it replaces the account.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.OneOf(accountTypes...)},
				PlanModifiers:       replace,
			},
			"account_number": schema.StringAttribute{
				MarkdownDescription: "The account number. Changing it replaces the account.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers:       replace,
			},
			"sort_code": schema.StringAttribute{
				MarkdownDescription: "The sort code; required when `currency` is `GBP`. Changing it replaces the account.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers:       replace,
			},
			"routing_info": schema.SingleNestedAttribute{
				MarkdownDescription: "The bank's routing number (not the account number). Changing it replaces the account.",
				Optional:            true,
				PlanModifiers:       []planmodifier.Object{objectplanmodifier.RequiresReplace()},
				Attributes: map[string]schema.Attribute{
					"bank_code": schema.StringAttribute{
						MarkdownDescription: "The routing number.",
						Required:            true,
						Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
					},
					"type": schema.StringAttribute{
						MarkdownDescription: "Type of routing number: " + quotedList(routingTypes) + ". Defaults to `" + defaultRoutingType + "`.",
						Optional:            true,
						Computed:            true,
						Default:             stringdefault.StaticString(defaultRoutingType),
						Validators:          []validator.String{stringvalidator.OneOf(routingTypes...)},
					},
				},
			},
			"currency": schema.StringAttribute{
				MarkdownDescription: "ISO 4217 currency code of the account, such as `GBP`. Changing it replaces the account.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.OneOf(currencyCodes...)},
				PlanModifiers:       replace,
			},
			"balance": schema.NumberAttribute{
				MarkdownDescription: "Latest balance of the account. Updates in place while the account is not " +
					"`connected`; Codat refuses balance changes on a connected account, so such a plan fails.",
				Required: true,
			},
			"account_info": schema.SingleNestedAttribute{
				MarkdownDescription: "Descriptive information about the account. Changing it replaces the account.",
				Optional:            true,
				PlanModifiers:       []planmodifier.Object{objectplanmodifier.RequiresReplace()},
				Attributes: map[string]schema.Attribute{
					"description": schema.StringAttribute{
						MarkdownDescription: "Description of the account.",
						Optional:            true,
					},
					"nickname": schema.StringAttribute{
						MarkdownDescription: "Name the account holder gave the account, shown in account pickers.",
						Optional:            true,
					},
					"account_open_date": schema.StringAttribute{
						MarkdownDescription: "Date the account was opened, `YYYY-MM-DD`.",
						Optional:            true,
						Validators:          []validator.String{date()},
					},
					"available_balance": schema.NumberAttribute{
						MarkdownDescription: "Funds available for use, including pending activity.",
						Optional:            true,
					},
				},
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "Status of the account: `pending` (not mapped yet), `connecting`, `connected`, " +
					"`disconnected` or `unknown`. Changes as the SMB user maps and disconnects the account.",
				Computed: true,
			},
			"feed_start_date": schema.StringAttribute{
				MarkdownDescription: "First day fed into the accounting platform, set when the account is mapped.",
				Computed:            true,
			},
			"modified_date": schema.StringAttribute{
				MarkdownDescription: "When Codat last modified the account.",
				Computed:            true,
			},
		},
	}
}

func (r *bankFeedAccountResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *bankFeedAccountResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var currency, sortCode types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("currency"), &currency)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("sort_code"), &sortCode)...)
	if currency.IsUnknown() || sortCode.IsUnknown() {
		return
	}
	if currency.ValueString() == "GBP" && sortCode.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("sort_code"), "Missing sort code",
			"sort_code is required when currency is \"GBP\": Xero matches UK bank accounts by sort code and account number.")
	}
}

func (r *bankFeedAccountResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var status types.String
	var planned, prior types.Number
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("status"), &status)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("balance"), &prior)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("balance"), &planned)...)
	if resp.Diagnostics.HasError() || planned.IsUnknown() || planned.Equal(prior) {
		return
	}
	if status.ValueString() == statusConnected && len(resp.RequiresReplace) == 0 {
		resp.Diagnostics.AddAttributeError(path.Root("balance"), "Balance cannot change while the account is connected",
			fmt.Sprintf("Codat updates the balance of a source account only while it is not %q; this account is %q. "+
				"Keep balance at %s, or disconnect the account first.", statusConnected, statusConnected, prior.ValueBigFloat().Text('f', -1)))
	}
}

func (r *bankFeedAccountResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan bankFeedAccountModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	key := connectionKey{plan.CompanyID.ValueString(), plan.ConnectionID.ValueString()}
	defer r.data.invalidateConnection(key)

	account, err := r.data.createSourceAccount(ctx, key, sourceAccountBody(plan))
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to create source account %q on Codat connection %s/%s",
			plan.AccountID.ValueString(), key.companyID, key.connectionID), err)
		return
	}
	setBankFeedAccountState(&plan, key, account, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *bankFeedAccountResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state bankFeedAccountModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	key := connectionKey{state.CompanyID.ValueString(), state.ConnectionID.ValueString()}
	account, err := r.data.findSourceAccount(ctx, key, state.AccountID.ValueString())
	if isNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read source account %q of Codat connection %s/%s",
			state.AccountID.ValueString(), key.companyID, key.connectionID), err)
		return
	}
	setBankFeedAccountState(&state, key, account, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *bankFeedAccountResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state bankFeedAccountModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	key := connectionKey{state.CompanyID.ValueString(), state.ConnectionID.ValueString()}
	defer r.data.invalidateConnection(key)

	var update codat.SourceAccountUpdate
	if !plan.AccountName.Equal(state.AccountName) {
		update.AccountName = stringPtr(plan.AccountName)
	}
	if !plan.Balance.Equal(state.Balance) {
		b := numberJSON(plan.Balance)
		update.Balance = &b
	}
	account, err := r.data.client.UpdateSourceAccount(ctx, key.companyID, key.connectionID, state.AccountID.ValueString(), update)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to update source account %q of Codat connection %s/%s",
			state.AccountID.ValueString(), key.companyID, key.connectionID), err)
		return
	}
	// Codat answers an update in the v1 shape, without the v2-only routing and account information; those
	// cannot change in place, so the planned values stand.
	if account.RoutingInfo == nil && account.AccountInfo == nil {
		body := sourceAccountBody(plan)
		account.RoutingInfo, account.AccountInfo = body.RoutingInfo, body.AccountInfo
	}
	setBankFeedAccountState(&plan, key, account, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *bankFeedAccountResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state bankFeedAccountModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	key := connectionKey{state.CompanyID.ValueString(), state.ConnectionID.ValueString()}
	defer r.data.invalidateConnection(key)
	err := r.data.client.DeleteSourceAccount(ctx, key.companyID, key.connectionID, state.AccountID.ValueString())
	if err != nil && !codat.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to delete source account %q of Codat connection %s/%s",
			state.AccountID.ValueString(), key.companyID, key.connectionID), err)
	}
}

func (r *bankFeedAccountResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	parts, err := splitImportID(req.ID, "company_id", "connection_id", "account_id")
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("company_id"), parts[0])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("connection_id"), parts[1])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("account_id"), parts[2])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
}

func sourceAccountBody(m bankFeedAccountModel) codat.SourceAccount {
	a := codat.SourceAccount{
		ID:            m.AccountID.ValueString(),
		AccountName:   m.AccountName.ValueString(),
		AccountType:   m.AccountType.ValueString(),
		AccountNumber: m.AccountNumber.ValueString(),
		SortCode:      stringPtr(m.SortCode),
		Currency:      m.Currency.ValueString(),
		Balance:       numberJSON(m.Balance),
	}
	if m.RoutingInfo != nil {
		a.RoutingInfo = &codat.RoutingInfo{BankCode: m.RoutingInfo.BankCode.ValueString(), Type: m.RoutingInfo.Type.ValueString()}
	}
	if m.AccountInfo != nil {
		a.AccountInfo = &codat.AccountInfo{
			Description:      m.AccountInfo.Description.ValueString(),
			Nickname:         m.AccountInfo.Nickname.ValueString(),
			AccountOpenDate:  m.AccountInfo.AccountOpenDate.ValueString(),
			AvailableBalance: numberJSON(m.AccountInfo.AvailableBalance),
		}
	}
	return a
}

func setBankFeedAccountState(m *bankFeedAccountModel, key connectionKey, a *codat.SourceAccount, diags *diag.Diagnostics) {
	m.ID = types.StringValue(key.companyID + "/" + key.connectionID + "/" + a.ID)
	m.CompanyID = types.StringValue(key.companyID)
	m.ConnectionID = types.StringValue(key.connectionID)
	m.AccountID = types.StringValue(a.ID)
	m.AccountName = types.StringValue(a.AccountName)
	m.AccountType = types.StringValue(a.AccountType)
	m.AccountNumber = types.StringValue(a.AccountNumber)
	m.SortCode = optionalStringPtr(m.SortCode, a.SortCode)
	m.Currency = types.StringValue(a.Currency)
	m.Balance = numberValue(m.Balance, a.Balance, diags)
	m.Status = types.StringValue(a.Status)
	m.FeedStartDate = optionalString(types.StringNull(), a.FeedStartDate)
	m.ModifiedDate = optionalString(types.StringNull(), a.ModifiedDate)

	if a.RoutingInfo == nil || a.RoutingInfo.BankCode == "" {
		m.RoutingInfo = nil
	} else {
		routingType := a.RoutingInfo.Type
		if routingType == "" {
			routingType = defaultRoutingType
		}
		m.RoutingInfo = &routingInfoModel{BankCode: types.StringValue(a.RoutingInfo.BankCode), Type: types.StringValue(routingType)}
	}

	info := a.AccountInfo
	if info == nil || (info.Description == "" && info.Nickname == "" && info.AccountOpenDate == "" && info.AvailableBalance == "") {
		m.AccountInfo = nil
		return
	}
	prior := m.AccountInfo
	if prior == nil {
		prior = &accountInfoModel{
			Description: types.StringNull(), Nickname: types.StringNull(), AccountOpenDate: types.StringNull(),
			AvailableBalance: types.NumberNull(),
		}
	}
	m.AccountInfo = &accountInfoModel{
		Description:      optionalString(prior.Description, info.Description),
		Nickname:         optionalString(prior.Nickname, info.Nickname),
		AccountOpenDate:  optionalString(prior.AccountOpenDate, info.AccountOpenDate),
		AvailableBalance: numberValue(prior.AvailableBalance, info.AvailableBalance, diags),
	}
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
