package provider

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-codat/terraform-provider-codat/internal/codat"
)

type bankFeedCompanyInfoDataSource struct{ dataSourceBase }

type bankFeedCompanyInfoModel struct {
	connectionRef
	Linked               types.Bool   `tfsdk:"linked"`
	CompanyName          types.String `tfsdk:"company_name"`
	BaseCurrency         types.String `tfsdk:"base_currency"`
	PlanType             types.String `tfsdk:"plan_type"`
	MulticurrencyEnabled types.Bool   `tfsdk:"multicurrency_enabled"`
	Currencies           types.List   `tfsdk:"currencies"`
}

func (d *bankFeedCompanyInfoDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The organisation behind a connection as the accounting platform describes it: the Xero " +
			"organisation name (which Xero's bank-feeds certification asks you to show your customer), base currency, " +
			"plan and currencies, for outputs and `check` blocks.\n\n" +
			"Reads `GET /companies/{companyId}/connections/{connectionId}/bankFeeds/info` (Codat's Bank Feeds API; " +
			"Xero and NetSuite support it, QuickBooks Online, Sage, FreeAgent and Exact do not): one call per " +
			"read.\n\nCodat has this information only " +
			"once the SMB user has authorised the connection through its `link_url` (before that it answers `400`). " +
			"Until then the read succeeds with `linked = false` and the other attributes null, and warns with the " +
			"`link_url` to send the customer (reading the connection for it: one more call), so that one customer " +
			"who has not authorised yet does not fail every plan. To require a linked connection, add " +
			"`lifecycle { postcondition { condition = self.linked } }`. Any other failure is an error with Codat's " +
			"message.",
		Attributes: map[string]schema.Attribute{
			"company_id":    requiredCodatID("Id of the company"),
			"connection_id": requiredCodatID("Id of the company's connection to the accounting platform, such as Xero"),
			"linked": schema.BoolAttribute{
				MarkdownDescription: "Whether the SMB user has authorised the connection, so that Codat has the " +
					"information; the attributes below are null while it is false.",
				Computed: true,
			},
			"company_name":  computedString("Name of the organisation in the accounting platform (for Xero, the organisation name)."),
			"base_currency": computedString("Base currency of the organisation, such as `GBP`."),
			"plan_type": computedString("The organisation's subscription in the accounting platform; for Xero its organisation " +
				"class, such as `GROW`, `COMPREHENSIVE`, `DEMO` or `TRIAL`. Null when the platform gives none."),
			"multicurrency_enabled": schema.BoolAttribute{
				MarkdownDescription: "Whether the organisation has multi-currency enabled: without it, source accounts " +
					"in a currency other than the base currency cannot be created.",
				Computed: true,
			},
			"currencies": schema.ListAttribute{
				MarkdownDescription: "Currencies enabled in the organisation, sorted; empty when the platform lists none.",
				ElementType:         types.StringType,
				Computed:            true,
			},
		},
	}
}

func (d *bankFeedCompanyInfoDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	readDataSource(ctx, req, resp, func(model *bankFeedCompanyInfoModel) bool {
		key := model.key()
		info, err := d.data.client.GetBankFeedCompanyInfo(ctx, key.companyID, key.connectionID)
		switch {
		case codat.IsBadRequest(err):
			if d.notLinked(ctx, key, err, resp) {
				model.Linked = types.BoolValue(false)
				model.CompanyName, model.BaseCurrency, model.PlanType = types.StringNull(), types.StringNull(), types.StringNull()
				model.MulticurrencyEnabled, model.Currencies = types.BoolNull(), types.ListNull(types.StringType)
				return true
			}
			return false
		case err != nil:
			addReadError(&resp.Diagnostics, err, path.Root("connection_id"),
				fmt.Sprintf("Codat connection %s/%s not found", key.companyID, key.connectionID),
				fmt.Sprintf("Unable to read the bank-feed company information of Codat connection %s/%s", key.companyID, key.connectionID))
			return false
		}

		model.Linked = types.BoolValue(true)
		model.CompanyName = types.StringValue(info.CompanyName)
		model.BaseCurrency = types.StringValue(info.BaseCurrency)
		model.PlanType = optionalString(types.StringNull(), info.PlanType)
		model.MulticurrencyEnabled = types.BoolValue(info.MulticurrencyEnabled)
		currencies := slices.Sorted(slices.Values(info.Currencies))
		if currencies == nil {
			currencies = []string{}
		}
		list, diags := types.ListValueFrom(ctx, types.StringType, currencies)
		resp.Diagnostics.Append(diags...)
		model.Currencies = list
		return true
	})
}

// notLinked settles Codat's 400. Codat answers 400 while the connection is not linked: the connection is read to
// tell that case, which waits for the SMB user and is a warning (true), from a refusal of another kind (a
// platform without bank-feed company information, say), which is an error with Codat's message (false).
func (d *bankFeedCompanyInfoDataSource) notLinked(ctx context.Context, key connectionKey, infoErr error, resp *datasource.ReadResponse) bool {
	conn, err := d.data.connection(ctx, key)
	if err != nil || conn.Status == "Linked" {
		addAPIAttributeError(&resp.Diagnostics, path.Root("connection_id"), fmt.Sprintf(
			"Unable to read the bank-feed company information of Codat connection %s/%s", key.companyID, key.connectionID), infoErr)
		return false
	}
	resp.Diagnostics.AddAttributeWarning(path.Root("connection_id"),
		fmt.Sprintf("Codat connection %s is not linked: the SMB user must authorise it first", key.connectionID),
		fmt.Sprintf("The connection's status is %s, so Codat has no information about the organisation yet (linked = "+
			"false; the other attributes are null). Send the SMB user the connection's link_url to authorise it:\n\n"+
			"  %s\n\nCodat's answer: %s", conn.Status, conn.LinkURL, apiErrorDetail(infoErr)))
	return true
}
