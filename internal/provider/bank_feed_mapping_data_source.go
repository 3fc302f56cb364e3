package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-codat/terraform-provider-codat/internal/codat"
)

type bankFeedMappingDataSource struct{ dataSourceBase }

type bankFeedMappingDataSourceModel struct {
	connectionRef
	LinkURL          types.String         `tfsdk:"link_url"`
	ConnectionStatus types.String         `tfsdk:"connection_status"`
	Accounts         []mappedAccountModel `tfsdk:"accounts"`
	ConnectedCount   types.Int64          `tfsdk:"connected_count"`
	PendingCount     types.Int64          `tfsdk:"pending_count"`
	AllConnected     types.Bool           `tfsdk:"all_connected"`
}

type mappedAccountModel struct {
	SourceAccountID      types.String        `tfsdk:"source_account_id"`
	SourceAccountName    types.String        `tfsdk:"source_account_name"`
	SourceAccountNumber  types.String        `tfsdk:"source_account_number"`
	SourceCurrency       types.String        `tfsdk:"source_currency"`
	SourceBalance        types.Number        `tfsdk:"source_balance"`
	TargetAccountID      types.String        `tfsdk:"target_account_id"`
	TargetAccountName    types.String        `tfsdk:"target_account_name"`
	Status               types.String        `tfsdk:"status"`
	FeedStartDate        types.String        `tfsdk:"feed_start_date"`
	TargetAccountOptions []targetOptionModel `tfsdk:"target_account_options"`
}

type targetOptionModel struct {
	ID   types.String `tfsdk:"id"`
	Name types.String `tfsdk:"name"`
}

func (d *bankFeedMappingDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The bank-feed mapping status of one connection: whether the SMB user has authorised " +
			"it, and for each source account which Xero account it feeds. Use it in outputs (each customer's " +
			"`link_url` and progress) and in `check` blocks on `all_connected`.\n\nReads " +
			"`GET .../bankFeedAccounts/mapping`, and the connection unless the `codat_connection` resource just read " +
			"or created it in the same Terraform operation.",
		Attributes: map[string]schema.Attribute{
			"company_id":        requiredCodatID("Id of the company"),
			"connection_id":     requiredCodatID("Id of the company's connection"),
			"link_url":          computedString("URL the SMB user opens to authorise the connection and map their accounts."),
			"connection_status": computedString("Status of the connection: `PendingAuth`, `Linked`, `Unlinked` or `Deauthorized`."),
			"accounts": schema.ListNestedAttribute{
				MarkdownDescription: "The connection's source accounts, ordered by `source_account_id`.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"source_account_id":     computedString("Id of the source account."),
						"source_account_name":   computedString("Name of the source account."),
						"source_account_number": computedString("Account number of the source account."),
						"source_currency":       computedString("Currency of the source account."),
						"source_balance": schema.NumberAttribute{
							MarkdownDescription: "Balance of the source account.",
							Computed:            true,
						},
						"target_account_id":   computedString("Id of the Xero account the source account feeds; null while unmapped."),
						"target_account_name": computedString("Name of the Xero account the source account feeds; null while unmapped."),
						"status": computedString("Status of the feed: `pending` (not mapped), `connecting`, `connected`, " +
							"`disconnected` or `unknown`."),
						"feed_start_date": computedString("First day fed, once mapped."),
						"target_account_options": schema.ListNestedAttribute{
							MarkdownDescription: "Xero accounts the source account could be mapped to, as Codat offers them: " +
								"of the source account's currency and type (bank or credit card), leaving out accounts another " +
								"feed of the same Xero app already uses.",
							Computed: true,
							NestedObject: schema.NestedAttributeObject{
								Attributes: map[string]schema.Attribute{
									"id":   computedString("Id of the Xero account."),
									"name": computedString("Name of the Xero account."),
								},
							},
						},
					},
				},
			},
			"connected_count": schema.Int64Attribute{
				MarkdownDescription: "How many source accounts are `connected`.",
				Computed:            true,
			},
			"pending_count": schema.Int64Attribute{
				MarkdownDescription: "How many source accounts are not `connected` yet.",
				Computed:            true,
			},
			"all_connected": schema.BoolAttribute{
				MarkdownDescription: "True when the connection has at least one source account and all are `connected`.",
				Computed:            true,
			},
		},
	}
}

func (d *bankFeedMappingDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	readDataSource(ctx, req, resp, func(model *bankFeedMappingDataSourceModel) bool {
		key := model.key()
		conn, err := d.data.connection(ctx, key)
		if err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read Codat connection %s/%s", key.companyID, key.connectionID), err)
			return false
		}
		mappings, err := d.data.connectionMappings(ctx, key)
		if err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read the bank-feed mapping of Codat connection %s/%s",
				key.companyID, key.connectionID), err)
			return false
		}

		model.LinkURL = types.StringValue(conn.LinkURL)
		model.ConnectionStatus = types.StringValue(conn.Status)
		model.Accounts = mappedAccounts(mappings, &resp.Diagnostics)
		connected := 0
		for _, a := range model.Accounts {
			if a.Status.ValueString() == statusConnected {
				connected++
			}
		}
		model.ConnectedCount = types.Int64Value(int64(connected))
		model.PendingCount = types.Int64Value(int64(len(model.Accounts) - connected))
		model.AllConnected = types.BoolValue(len(model.Accounts) > 0 && connected == len(model.Accounts))
		return true
	})
}

func mappedAccounts(mappings []codat.BankFeedMapping, diags *diag.Diagnostics) []mappedAccountModel {
	sorted := slices.Clone(mappings)
	slices.SortFunc(sorted, func(a, b codat.BankFeedMapping) int { return strings.Compare(a.SourceAccountID, b.SourceAccountID) })
	accounts := make([]mappedAccountModel, 0, len(sorted))
	for _, m := range sorted {
		options := make([]targetOptionModel, 0, len(m.TargetAccountOptions))
		for _, o := range m.TargetAccountOptions {
			options = append(options, targetOptionModel{ID: types.StringValue(o.ID), Name: optionalString(types.StringNull(), o.Name)})
		}
		feedStart := types.StringNull()
		if m.FeedStartDate != "" {
			feedStart = types.StringValue(dateOnly(m.FeedStartDate))
		}
		accounts = append(accounts, mappedAccountModel{
			SourceAccountID:      types.StringValue(m.SourceAccountID),
			SourceAccountName:    types.StringValue(m.SourceAccountName),
			SourceAccountNumber:  types.StringValue(m.SourceAccountNumber),
			SourceCurrency:       types.StringValue(m.SourceCurrency),
			SourceBalance:        numberValue(types.NumberNull(), m.SourceBalance, diags),
			TargetAccountID:      optionalString(types.StringNull(), m.TargetAccountID),
			TargetAccountName:    optionalString(types.StringNull(), m.TargetAccountName),
			Status:               types.StringValue(strings.ToLower(m.Status)),
			FeedStartDate:        feedStart,
			TargetAccountOptions: options,
		})
	}
	return accounts
}
