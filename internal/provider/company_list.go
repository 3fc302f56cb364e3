package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-codat/terraform-provider-codat/internal/codat"
)

// companyListResource lists companies for `terraform query`: list "codat_company".
type companyListResource struct{ resourceBase }

type companyListConfig struct {
	Tags types.Map    `tfsdk:"tags"`
	Name types.String `tfsdk:"name"`
}

func (r *companyListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists Codat companies, for `terraform query` to adopt them as `codat_company` resources. " +
			"Reads `GET /companies` with the largest page Codat serves (2,000 companies), every page: one call per " +
			"2,000 companies. Without filters every company is listed; filters combine.",
		Attributes: map[string]schema.Attribute{
			"tags": schema.MapAttribute{
				MarkdownDescription: fmt.Sprintf("Companies that have all of these tags with exactly these values "+
					"(case-sensitive); other tags do not matter. At most %d tags, keys 1 to %d characters, values at "+
					"most %d, as on companies.", maxCompanyTags, maxTagKeyLength, maxTagValueLength),
				ElementType: types.StringType,
				Optional:    true,
				Validators: []validator.Map{
					mapvalidator.SizeAtMost(maxCompanyTags),
					mapvalidator.KeysAre(stringvalidator.UTF8LengthBetween(1, maxTagKeyLength)),
					mapvalidator.ValueStringsAre(stringvalidator.UTF8LengthAtMost(maxTagValueLength)),
				},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Companies with exactly this name (case-sensitive).",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
		},
	}
}

func (r *companyListResource) List(ctx context.Context, req list.ListRequest, resp *list.ListResultsStream) {
	var config companyListConfig
	stream(ctx, req, resp, &config, r.identity, func(results *listResults) {
		var diags diag.Diagnostics
		tags := stringMap(ctx, config.Tags, &diags)
		if diags.HasError() {
			results.fail(diags)
			return
		}
		companies, err := r.data.listCompanies(ctx, codat.ListOptions{Tags: tagsFilter(tags)})
		if err != nil {
			addAPIError(&diags, "Unable to list Codat companies", err)
			results.fail(diags)
			return
		}
		for i := range companies {
			c := &companies[i]
			if !hasTags(c.Tags, tags) || !config.Name.IsNull() && c.Name != config.Name.ValueString() {
				continue
			}
			var m companyModel
			var diags diag.Diagnostics
			setCompanyState(ctx, &m, c, &diags)
			if diags.HasError() {
				results.fail(diags)
				return
			}
			if !results.add(&m, c.Name) {
				return
			}
		}
	})
}
