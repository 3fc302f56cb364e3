package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// connectionListResource lists connections for `terraform query`: list "codat_connection".
type connectionListResource struct{ resourceBase }

type connectionListConfig struct {
	CompanyID   types.String `tfsdk:"company_id"`
	PlatformKey types.String `tfsdk:"platform_key"`
}

func (r *connectionListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the connections of Codat companies, for `terraform query` to adopt them as " +
			"`codat_connection` resources. The connections come with their companies: one `GET /companies/{companyId}` " +
			"with `company_id`, else the pages of `GET /companies` (2,000 companies a page), never a call per " +
			"company. When Codat leaves a connection's `integrationKey` out, its platform key is found from its " +
			"integration id, with at most two calls to the integration list per query.",
		Attributes: map[string]schema.Attribute{
			"company_id": companyIDFilter("the connections of this company"),
			"platform_key": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Lists only connections to the platform with this key, %s, such as "+
					"`%s` (Xero). A key Codat has no integration for is an error.", platformKeyRule, xeroPlatformKey),
				Optional:   true,
				Validators: []validator.String{platformKey()},
			},
		},
	}
}

func (r *connectionListResource) List(ctx context.Context, req list.ListRequest, resp *list.ListResultsStream) {
	var config connectionListConfig
	stream(ctx, req, resp, &config, r.identity, func(results *listResults) {
		var diags diag.Diagnostics
		companies := r.data.companiesToList(ctx, config.CompanyID, &diags)
		if diags.HasError() {
			results.fail(diags)
			return
		}
		wanted := config.PlatformKey.ValueString()
		matched := false
		for i := range companies {
			c := &companies[i]
			for j := range c.DataConnections {
				conn := &c.DataConnections[j]
				key := xeroPlatformKey
				if wanted != "" {
					match, ok := r.data.connectionHasPlatform(ctx, conn, wanted, &diags)
					if !ok {
						results.fail(diags)
						return
					}
					if !match {
						continue
					}
					key = wanted
				}
				key, err := r.data.platformKeyOf(ctx, conn, key)
				if err != nil {
					addAPIError(&diags, fmt.Sprintf("Unable to find the platform of Codat connection %s/%s", c.ID, conn.ID), err)
					results.fail(diags)
					return
				}
				matched = true
				var m connectionModel
				setConnectionState(&m, c.ID, conn, key)
				if !results.add(&m, fmt.Sprintf("%s: %s connection (%s)", c.Name, conn.PlatformName, conn.Status)) {
					return
				}
			}
		}
		// No connection to the platform: a key Codat has no integration for is a mistake worth saying.
		if wanted != "" && !matched {
			id, err := r.data.integrationID(ctx, wanted)
			switch {
			case err != nil:
				addAPIAttributeError(&diags, path.Root("platform_key"), fmt.Sprintf("Unable to read the Codat integration %q", wanted), err)
			case id == "":
				addUnknownPlatformKey(&diags, wanted, nil)
			}
			if diags.HasError() {
				results.fail(diags)
			}
		}
	})
}
