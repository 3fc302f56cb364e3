package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-codat/terraform-provider-codat/internal/codat"
)

type integrationDataSource struct{ dataSourceBase }

type integrationDataSourceModel struct {
	PlatformKey   types.String `tfsdk:"platform_key"`
	Name          types.String `tfsdk:"name"`
	Enabled       types.Bool   `tfsdk:"enabled"`
	IntegrationID types.String `tfsdk:"integration_id"`
	LogoURL       types.String `tfsdk:"logo_url"`
	SourceType    types.String `tfsdk:"source_type"`
}

func (d *integrationDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one of the integrations Codat offers (`GET /integrations/{platformKey}`), " +
			"for example Xero (`gbol`): whether it is enabled for your customers and its integration id.",
		Attributes: map[string]schema.Attribute{
			"platform_key": schema.StringAttribute{
				MarkdownDescription: "Codat's four-letter platform key of the integration, " + platformKeyRule + "; `gbol` is Xero.",
				Required:            true,
				Validators:          []validator.String{platformKey()},
			},
			"name": computedString("Name of the integration, such as `Xero`."),
			"enabled": schema.BoolAttribute{
				MarkdownDescription: "Whether the integration is enabled for your customers to use.",
				Computed:            true,
			},
			"integration_id": computedString("Codat's id (a UUID) of the integration."),
			"logo_url":       computedString("Static URL of the integration's logo."),
			"source_type":    computedString("Kind of platform: `Accounting`, `Banking`, `BankFeed`, `Commerce`, `Expense`, `Other` or `Unknown`."),
		},
	}
}

func (d *integrationDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	readDataSource(ctx, req, resp, func(model *integrationDataSourceModel) bool {
		key := model.PlatformKey.ValueString()
		integration, err := d.data.client.GetIntegration(ctx, key)
		if codat.IsNotFound(err) {
			resp.Diagnostics.AddAttributeError(path.Root("platform_key"), "Codat integration not found",
				fmt.Sprintf("Codat has no integration with platform key %q. %s", key, apiErrorDetail(err)))
			return false
		}
		if err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read Codat integration %q", key), err)
			return false
		}

		model.Name = types.StringValue(integration.Name)
		model.Enabled = types.BoolValue(integration.Enabled)
		model.IntegrationID = types.StringValue(integration.IntegrationID)
		model.LogoURL = types.StringValue(integration.LogoURL)
		model.SourceType = types.StringValue(integration.SourceType)
		return true
	})
}
