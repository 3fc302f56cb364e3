package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

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
	_ resource.ResourceWithImportState    = (*bankFeedAccountResource)(nil)
	_ resource.ResourceWithValidateConfig = (*bankFeedAccountResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*bankFeedAccountResource)(nil)
)

type bankFeedAccountResource struct{ resourceBase }

type bankFeedAccountModel struct {
	ID types.String `tfsdk:"id"`
	connectionRef
	AccountID      types.String      `tfsdk:"account_id"`
	AccountName    types.String      `tfsdk:"account_name"`
	AccountType    types.String      `tfsdk:"account_type"`
	AccountNumber  types.String      `tfsdk:"account_number"`
	SortCode       types.String      `tfsdk:"sort_code"`
	RoutingInfo    *routingInfoModel `tfsdk:"routing_info"`
	Currency       types.String      `tfsdk:"currency"`
	Balance        types.Number      `tfsdk:"balance"`
	CurrentBalance types.Number      `tfsdk:"current_balance"`
	AccountInfo    *accountInfoModel `tfsdk:"account_info"`
	Status         types.String      `tfsdk:"status"`
	FeedStartDate  types.String      `tfsdk:"feed_start_date"`
	ModifiedDate   types.String      `tfsdk:"modified_date"`
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

func (r *bankFeedAccountResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A source bank account that you feed into the SMB user's Xero organisation through a " +
			"connection. The SMB user maps it to a Xero bank account in the connection's `link_url` page, or " +
			"`codat_bank_feed_account_mapping` maps it through the API.\n\n" +
			"~> **Warning:** Destroying a source account, or replacing it, deletes it in Codat, which also removes " +
			"its mapping: Xero stops receiving its transactions, and a replaced account waits for the SMB user to map " +
			"it again. Codat updates only `account_name` and, while the account is not `connected`, the balance; " +
			"changing anything else replaces the account.\n\n" +
			"Codat endpoints: `POST`, `GET`, `PATCH` and " +
			"`DELETE /companies/{companyId}/connections/{connectionId}/connectionInfo/bankFeedAccounts`.\n\n" +
			"Accounts of one connection that Terraform creates together go in one `POST .../bankFeedAccounts/batch` " +
			"request, each resource getting Codat's answer about its own account; Terraform hands them over together " +
			"when `-parallelism` is at least the number of accounts the apply creates.\n\n" +
			"**Balances.** `balance` is the opening balance: it is sent when the account is created, and sent again " +
			"only when you change it while the account is not `connected`. Once the feed is live, the bank " +
			"transactions you write to Codat (`POST .../push/bankAccounts/{accountId}/bankTransactions`) move Codat's " +
			"balance: \"the balance of the last bank transaction in the array is used to update the balance\". " +
			"`current_balance` shows Codat's balance; plans never write it back. Changing `balance` while the account is " +
			"`connected` only records the new opening balance in the state (Codat refuses balance updates on a connected " +
			"account) and says so in a warning.\n\n" +
			"**Source account versions.** Codat clients that integrated with Bank Feeds before 2024-08-01 use Codat's v1 " +
			"source accounts, later ones v2; the version is the client's, not the request's. For a v1 client set " +
			"`account_type` to `Debit` (fed into a Xero *bank* account) or `Credit` (fed into a Xero *credit card* " +
			"account), as Codat's Xero setup page asks; v1 accounts have no `routing_info` or `account_info`, and the " +
			"provider sends them in the v1 body. Xero approves bank feeds only for its `BANK` and `CREDITCARD` account " +
			"types; by Codat's table of account types, `checking`, `savings` and `prepaidCard` are debit (Xero bank) " +
			"accounts and `creditCard` and `loan` credit (Xero credit card) accounts. A v1 type sent to a v2 client (or " +
			"`routing_info`/`account_info` to a v1 client) is refused by Codat with a 400, which the error explains.\n\n" +
			"**Empty values.** Codat cannot tell an empty text or an empty `account_info` from no value, so they are " +
			"refused at plan time: leave the attribute out instead.\n\n" +
			"Codat has no endpoint to read one source account: the provider lists a connection's accounts once per " +
			"operation and shares the list among all of its accounts.\n\n" +
			"Import ID: `<company_id>/<connection_id>/<account_id>`. An account imports into an empty plan when its " +
			"configuration matches; the exception is a connected account whose balance has moved since it was created, " +
			"where the first plan records the configured opening balance in place, without an API call.",
		Attributes: map[string]schema.Attribute{
			"id":            setOnCreate("`<company_id>/<connection_id>/<account_id>`."),
			"company_id":    parentCodatID("Id of the company", "account"),
			"connection_id": parentCodatID("Id of the company's connection the account feeds", "account"),
			"account_id": schema.StringAttribute{
				MarkdownDescription: "Your own unique id of the bank account: " + sourceAccountIDRule + ". Changing it replaces the account.",
				Required:            true,
				Validators:          []validator.String{sourceAccountID()},
				PlanModifiers:       replace,
			},
			"account_name": schema.StringAttribute{
				MarkdownDescription: "Name of the bank account; the Xero account created for it takes this name. Updates in place.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"account_type": schema.StringAttribute{
				MarkdownDescription: "Type of the account. Codat's v2 types: " + quotedList(accountTypes) + "; Codat's v1 types, " +
					"for Codat clients integrated before 2024-08-01: " + quotedList(v1AccountTypes) + " (`Debit` feeds a Xero " +
					"bank account, `Credit` a Xero credit card account). Changing it replaces the account.",
				Required:      true,
				Validators:    []validator.String{stringvalidator.OneOf(append(slices.Clone(accountTypes), v1AccountTypes...)...)},
				PlanModifiers: replace,
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
				MarkdownDescription: "The bank's routing number (not the account number). v2 accounts only. Changing it replaces the account.",
				Optional:            true,
				PlanModifiers:       []planmodifier.Object{objectplanmodifier.RequiresReplace()},
				Attributes: map[string]schema.Attribute{
					"bank_code": schema.StringAttribute{
						MarkdownDescription: "The routing number; not empty.",
						Required:            true,
						Validators:          []validator.String{notBlank()},
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
				MarkdownDescription: "ISO 4217 code of the account's currency, in upper case, such as `GBP`: a currency of ISO 4217 " +
					"List One as published on 2026-01-01 (so `ZWG`, not the withdrawn `ZWL`); funds codes (such as `BOV`), " +
					"precious metals (`XAU`), units of account (`XDR`), `XTS` and `XXX` are no currency a bank account is " +
					"held in and are refused at plan time. Changing it replaces the account.",
				Required:      true,
				Validators:    []validator.String{currencyCode()},
				PlanModifiers: replace,
			},
			"balance": schema.NumberAttribute{
				MarkdownDescription: "Opening balance of the account, a decimal such as `1520.35`. Sent when the account is created, " +
					"and updated in place when you change it while the account is not `connected`. Once the account is " +
					"connected, pushed bank transactions move Codat's balance (see `current_balance`); a change here is " +
					"then only recorded in the state, with a warning. Not read back from Codat, except on import.",
				Required: true,
			},
			"current_balance": schema.NumberAttribute{
				MarkdownDescription: "Codat's balance of the account now: the opening balance until bank transactions are " +
					"written to the connected account, then the balance of the last transaction written.",
				Computed: true,
			},
			"account_info": schema.SingleNestedAttribute{
				MarkdownDescription: "Descriptive information about the account; set at least one attribute, or leave it out. " +
					"v2 accounts only. Changing it replaces the account.",
				Optional:      true,
				PlanModifiers: []planmodifier.Object{objectplanmodifier.RequiresReplace()},
				Attributes: map[string]schema.Attribute{
					"description": schema.StringAttribute{
						MarkdownDescription: "Description of the account; not empty.",
						Optional:            true,
						Validators:          []validator.String{notBlank()},
					},
					"nickname": schema.StringAttribute{
						MarkdownDescription: "Name the account holder gave the account, shown in account pickers; not empty.",
						Optional:            true,
						Validators:          []validator.String{notBlank()},
					},
					"account_open_date": schema.StringAttribute{
						MarkdownDescription: "Date the account was opened, `YYYY-MM-DD`.",
						Optional:            true,
						Validators:          []validator.String{date()},
					},
					"available_balance": schema.NumberAttribute{
						MarkdownDescription: "Funds available for use, including pending activity, a decimal.",
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
				MarkdownDescription: "First day fed into the accounting platform, `YYYY-MM-DD`, set when the account is mapped.",
				Computed:            true,
			},
			"modified_date": schema.StringAttribute{
				MarkdownDescription: "When Codat last modified the account.",
				Computed:            true,
			},
		},
	}
}

func (r *bankFeedAccountResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var currency, sortCode, accountType types.String
	var routingInfo, accountInfo types.Object
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("currency"), &currency)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("sort_code"), &sortCode)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("account_type"), &accountType)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("routing_info"), &routingInfo)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("account_info"), &accountInfo)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !currency.IsUnknown() && !sortCode.IsUnknown() && currency.ValueString() == "GBP" && sortCode.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("sort_code"), "Missing sort code",
			"sort_code is required when currency is \"GBP\": Xero matches UK bank accounts by sort code and account number.")
	}
	// Codat keeps no empty account information: an object without values reads back as none.
	if !accountInfo.IsNull() && !accountInfo.IsUnknown() && allNull(accountInfo) {
		resp.Diagnostics.AddAttributeError(path.Root("account_info"), "Empty account information",
			"account_info must set at least one of description, nickname, account_open_date or available_balance, "+
				"or leave account_info out: Codat keeps no empty account information, so it would read back as none.")
	}
	// v1 source accounts have neither routing nor account information (Codat's v1 schema allows no other members).
	if !accountType.IsUnknown() && slices.Contains(v1AccountTypes, accountType.ValueString()) {
		for name, v := range map[string]types.Object{"routing_info": routingInfo, "account_info": accountInfo} {
			if v.IsNull() {
				continue
			}
			resp.Diagnostics.AddAttributeError(path.Root(name), "Not part of a v1 source account",
				fmt.Sprintf("account_type %q is a type of Codat's v1 source accounts (Codat clients integrated before "+
					"2024-08-01), which have no %s. Leave %s out, or use a v2 account type (%s) if your Codat client "+
					"uses v2 source accounts.", accountType.ValueString(), name, name, strings.Join(accountTypes, ", ")))
		}
	}
}

// allNull reports whether every attribute of a known object is null.
func allNull(o types.Object) bool {
	for _, v := range o.Attributes() {
		if !v.IsNull() {
			return false
		}
	}
	return true
}

// ModifyPlan handles balance, the opening balance: Codat updates a source account's balance only while it is not
// connected, and a connected account's balance moves with the transactions written to it. A changed balance of a
// connected account is recorded in the state only, which the plan warns about.
func (r *bankFeedAccountResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var status types.String
	var planned, prior types.Number
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("status"), &status)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("balance"), &prior)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("balance"), &planned)...)
	if resp.Diagnostics.HasError() || planned.IsUnknown() || planned.Equal(prior) || len(resp.RequiresReplace) > 0 {
		return
	}
	if status.ValueString() == statusConnected {
		resp.Diagnostics.AddAttributeWarning(path.Root("balance"), "Opening balance recorded, not sent",
			fmt.Sprintf("This source account is %q: Codat takes no balance update for it, and the bank transactions "+
				"written to it set its balance (current_balance). The new opening balance is recorded in the state only.",
				statusConnected))
	}
}

func (r *bankFeedAccountResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer bankFeedAccountIdentity.afterCreate(ctx, resp)
	var plan bankFeedAccountModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	key := plan.key()
	defer r.data.invalidateConnection(key)

	account, err := r.data.accounts.create(ctx, key, sourceAccountBody(plan))
	if err != nil {
		resp.Diagnostics.AddError(fmt.Sprintf("Unable to create source account %q on Codat connection %s/%s",
			plan.AccountID.ValueString(), key.companyID, key.connectionID), apiErrorDetail(err)+sourceAccountVersionHint(plan, err))
		return
	}
	setBankFeedAccountState(&plan, key, account, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *bankFeedAccountResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer bankFeedAccountIdentity.afterRead(ctx, req, resp)
	var state bankFeedAccountModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	key := state.key()
	account, err := r.data.findSourceAccount(ctx, key, state.AccountID.ValueString())
	if readFailed(ctx, resp, err, fmt.Sprintf("Unable to read source account %q of Codat connection %s/%s",
		state.AccountID.ValueString(), key.companyID, key.connectionID)) {
		return
	}
	setBankFeedAccountState(&state, key, account, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *bankFeedAccountResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer bankFeedAccountIdentity.afterUpdate(ctx, resp)
	var plan, state bankFeedAccountModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	key := state.key()

	var update codat.SourceAccountUpdate
	if !plan.AccountName.Equal(state.AccountName) {
		update.AccountName = stringPtr(plan.AccountName)
	}
	// The opening balance goes to Codat only while the account is not connected (see ModifyPlan).
	if !plan.Balance.Equal(state.Balance) && state.Status.ValueString() != statusConnected {
		b := numberJSON(plan.Balance)
		update.Balance = &b
	}
	if update == (codat.SourceAccountUpdate{}) {
		// Nothing Codat keeps has changed: only the recorded opening balance.
		plan.ID, plan.CurrentBalance, plan.Status = state.ID, state.CurrentBalance, state.Status
		plan.FeedStartDate, plan.ModifiedDate = state.FeedStartDate, state.ModifiedDate
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}
	defer r.data.invalidateConnection(key)
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
	key := state.key()
	defer r.data.invalidateConnection(key)
	err := r.data.client.DeleteSourceAccount(ctx, key.companyID, key.connectionID, state.AccountID.ValueString())
	if err != nil && !codat.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to delete source account %q of Codat connection %s/%s",
			state.AccountID.ValueString(), key.companyID, key.connectionID), err)
	}
}

func (r *bankFeedAccountResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if parts := bankFeedAccountIdentity.importState(ctx, req, resp); parts != nil {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), strings.Join(parts, "/"))...)
	}
}

// sourceAccountBody is the create body. For a v1 account type it is Codat's v1 body: the configuration cannot
// hold the v2-only routing and account information then (ValidateConfig), and every other member is common to both.
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
	m.connectionRef = key.ref()
	m.AccountID = types.StringValue(a.ID)
	m.AccountName = types.StringValue(a.AccountName)
	m.AccountType = types.StringValue(a.AccountType)
	m.AccountNumber = types.StringValue(a.AccountNumber)
	m.SortCode = optionalStringPtr(m.SortCode, a.SortCode)
	m.Currency = types.StringValue(a.Currency)
	// balance is the opening balance, kept from the configuration; Codat's balance moves with pushed transactions
	// and is current_balance. Only an import, which knows no opening balance, takes Codat's.
	if m.Balance.IsNull() || m.Balance.IsUnknown() {
		m.Balance = numberValue(types.NumberNull(), a.Balance, diags)
	}
	m.CurrentBalance = numberValue(m.CurrentBalance, a.Balance, diags)
	m.Status = types.StringValue(a.Status)
	m.FeedStartDate = optionalString(types.StringNull(), dateOnly(a.FeedStartDate))
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

// sourceAccountVersionHint explains a create that Codat refused for the shape of the account: v1 types go only to
// Codat clients on v1 source accounts, routing and account information only to clients on v2.
func sourceAccountVersionHint(m bankFeedAccountModel, err error) string {
	var apiErr *codat.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest {
		return ""
	}
	named := func(field string) bool {
		return slices.ContainsFunc(apiErr.ValidationErrors, func(v codat.ValidationItem) bool { return strings.HasPrefix(v.ItemID, field) })
	}
	switch {
	case slices.Contains(v1AccountTypes, m.AccountType.ValueString()) && named("accountType"):
		return "\n\nDebit and Credit are account types of Codat's v1 source accounts, which Codat gives clients that " +
			"integrated with Bank Feeds before 2024-08-01. This Codat client uses v2 source accounts: set account_type to " +
			"one of " + strings.Join(accountTypes, ", ") + " (checking, savings and prepaidCard feed a Xero bank account, " +
			"creditCard and loan a Xero credit card account)."
	case m.RoutingInfo != nil && named("routingInfo") || m.AccountInfo != nil && named("accountInfo"):
		return "\n\nThis Codat client uses Codat's v1 source accounts (clients that integrated with Bank Feeds before " +
			"2024-08-01), which have no routing_info or account_info: leave them out."
	}
	return ""
}
