package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/terraform-codat/terraform-provider-codat/internal/codat"
)

var _ datasource.DataSourceWithConfigValidators = (*connectionDataSource)(nil)

type connectionDataSource struct{ dataSourceBase }

func (d *connectionDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads a company's connection, by `id` or by `platform_key` (for example `gbol` to find " +
			"the company's Xero connection), to get its `link_url` and `status`.",
		Attributes: map[string]schema.Attribute{
			"company_id": requiredCodatID("Id of the company"),
			"id": schema.StringAttribute{
				MarkdownDescription: "Id of the connection, " + codatIDRule + ". Set this or `platform_key`.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{codatID()},
			},
			"platform_key": schema.StringAttribute{
				MarkdownDescription: "Platform key of the connection's integration, " + platformKeyRule + ", such as " +
					"`gbol` for Xero. Set this or `id`; the company must have exactly one connection to that platform.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{platformKey()},
			},
			"status":         computedString("Status: `PendingAuth`, `Linked`, `Unlinked` or `Deauthorized`."),
			"link_url":       computedString("URL the SMB user opens to authorise the connection."),
			"integration_id": computedString("Codat's id of the integration."),
			"integration_key": computedString("Platform key of the integration: Codat's `integrationKey`, or, when Codat " +
				"leaves it out (it is optional since April 2026), the key of the integration whose id is `integration_id`."),
			"source_type":   computedString("Kind of platform, such as `Accounting`."),
			"platform_name": computedString("Name of the platform, such as `Xero`."),
			"created":       computedString("When the connection was created (RFC 3339)."),
		},
	}
}

func (d *connectionDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("platform_key")),
	}
}

func (d *connectionDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	readDataSource(ctx, req, resp, func(model *connectionModel) bool {
		companyID := model.CompanyID.ValueString()

		var conn *codat.Connection
		var key string
		if !model.ID.IsNull() {
			id := model.ID.ValueString()
			var err error
			conn, err = d.data.companies.connection(ctx, companyID, id)
			if err != nil {
				addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read Codat connection %s/%s", companyID, id), err)
				return false
			}
			// Without Codat's integrationKey, Xero's key is tried first, then the list of integrations.
			if key, err = d.data.platformKeyOf(ctx, conn, xeroPlatformKey); err != nil {
				addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read Codat connection %s/%s", companyID, id), err)
				return false
			}
		} else {
			key = model.PlatformKey.ValueString()
			conns, err := d.data.client.ListConnections(ctx, companyID, codat.ListOptions{})
			if err != nil {
				addReadError(&resp.Diagnostics, err, path.Root("company_id"), fmt.Sprintf("Codat company %s not found", companyID),
					fmt.Sprintf("Unable to list the connections of Codat company %s", companyID))
				return false
			}
			var ids []string
			for i := range conns {
				match, ok := d.data.connectionHasPlatform(ctx, &conns[i], key, &resp.Diagnostics)
				if !ok {
					return false
				}
				if match {
					conn = &conns[i]
					ids = append(ids, conns[i].ID)
				}
			}
			switch {
			case len(ids) == 0:
				resp.Diagnostics.AddAttributeError(path.Root("platform_key"), "Codat connection not found",
					fmt.Sprintf("Codat company %s has no connection to platform %q.", companyID, key))
				return false
			case len(ids) > 1:
				resp.Diagnostics.AddAttributeError(path.Root("platform_key"), "Several Codat connections match",
					fmt.Sprintf("Codat company %s has %d connections to platform %q (%s); set id to choose one.",
						companyID, len(ids), key, strings.Join(ids, ", ")))
				return false
			}
		}
		setConnectionState(model, companyID, conn, key)
		return true
	})
}
