package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-codat/terraform-provider-codat/internal/codat"
)

type bankFeedAccountsDataSource struct{ dataSourceBase }

type bankFeedAccountsDataSourceModel struct {
	connectionRef
	Accounts []bankFeedAccountModel `tfsdk:"accounts"`
}

func (d *bankFeedAccountsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Every source bank account of one connection, with the attributes of " +
			"`codat_bank_feed_account` as an import of each account records them.\n\n" +
			"Use it to adopt accounts made outside Terraform: each account's `id` is its import ID, and its other " +
			"attributes are the configuration that imports it without a change (see the guide " +
			"[Adopting existing customers](../guides/adopting-existing-customers.md)).\n\n" +
			"Reads `GET /companies/{companyId}/connections/{connectionId}/connectionInfo/bankFeedAccounts`: one call " +
			"per read, shared with the `codat_bank_feed_account` resources of the same connection in the same " +
			"Terraform operation (Codat has no endpoint to read one source account).",
		Attributes: map[string]schema.Attribute{
			"company_id":    requiredCodatID("Id of the company"),
			"connection_id": requiredCodatID("Id of the company's connection"),
			"accounts": schema.ListNestedAttribute{
				MarkdownDescription: "The connection's source accounts, ordered by `account_id`; empty when it has none.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id":            computedString("`<company_id>/<connection_id>/<account_id>`: the import ID of the account."),
						"company_id":    computedString("Id of the company."),
						"connection_id": computedString("Id of the connection."),
						"account_id":    computedString("Your id of the bank account."),
						"account_name":  computedString("Name of the bank account."),
						"account_type": computedString("Type of the account: " + quotedList(accountTypes) + ", or " +
							quotedList(v1AccountTypes) + " for Codat's v1 source accounts."),
						"account_number": computedString("The account number."),
						"sort_code":      computedString("The sort code; null when the account has none."),
						"routing_info": schema.SingleNestedAttribute{
							MarkdownDescription: "The bank's routing number and its type; null when the account has none (v1 accounts never have one).",
							Computed:            true,
							Attributes: map[string]schema.Attribute{
								"bank_code": computedString("The routing number."),
								"type": computedString("Type of routing number: " + quotedList(routingTypes) + "; `" +
									defaultRoutingType + "` when Codat gives none."),
							},
						},
						"currency": computedString("ISO 4217 code of the account's currency."),
						"balance": computedNumber("Codat's balance of the account, a decimal: the balance an import of the " +
							"account records as its opening balance (`balance` of `codat_bank_feed_account`)."),
						"current_balance": computedNumber("Codat's balance of the account, the same as `balance`."),
						"account_info": schema.SingleNestedAttribute{
							MarkdownDescription: "Descriptive information about the account; null when the account has none, and each attribute null when Codat gives no value.",
							Computed:            true,
							Attributes: map[string]schema.Attribute{
								"description":       computedString("Description of the account."),
								"nickname":          computedString("Name the account holder gave the account."),
								"account_open_date": computedString("Date the account was opened, `YYYY-MM-DD`."),
								"available_balance": computedNumber("Funds available for use, including pending activity, a decimal."),
							},
						},
						"status": computedString("Status of the account: `pending` (not mapped yet), `connecting`, `connected`, " +
							"`disconnected` or `unknown`."),
						"feed_start_date": computedString("First day fed into the accounting platform, `YYYY-MM-DD`; null until the account is mapped."),
						"modified_date":   computedString("When Codat last modified the account."),
					},
				},
			},
		},
	}
}

func (d *bankFeedAccountsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	readDataSource(ctx, req, resp, func(model *bankFeedAccountsDataSourceModel) bool {
		key := model.key()
		accounts, err := d.data.connectionSourceAccounts(ctx, key)
		if err != nil {
			addReadError(&resp.Diagnostics, err, path.Root("connection_id"),
				fmt.Sprintf("Codat connection %s/%s not found", key.companyID, key.connectionID),
				fmt.Sprintf("Unable to list the source accounts of Codat connection %s/%s", key.companyID, key.connectionID))
			return false
		}
		sorted := slices.Clone(accounts)
		slices.SortFunc(sorted, func(a, b codat.SourceAccount) int { return strings.Compare(a.ID, b.ID) })
		model.Accounts = make([]bankFeedAccountModel, 0, len(sorted))
		for i := range sorted {
			// Each account as an import records it: nothing known beforehand, everything from Codat.
			m := bankFeedAccountModel{
				SortCode: types.StringNull(), Balance: types.NumberNull(), CurrentBalance: types.NumberNull(),
			}
			setBankFeedAccountState(&m, key, &sorted[i], &resp.Diagnostics)
			model.Accounts = append(model.Accounts, m)
		}
		return true
	})
}
