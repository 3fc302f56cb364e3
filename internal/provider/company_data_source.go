package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

type companyDataSource struct{ dataSourceBase }

func (d *companyDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads a Codat company by id, for companies managed outside this configuration.",
		Attributes: map[string]schema.Attribute{
			"id":          requiredCodatID("Codat's id of the company"),
			"name":        computedString("Name of the company."),
			"description": computedString("Description of the company; null when it has none."),
			"tags": schema.MapAttribute{
				MarkdownDescription: "Key-value metadata of the company; an empty map when it has none.",
				ElementType:         types.StringType,
				Computed:            true,
			},
			"products": schema.SetAttribute{
				MarkdownDescription: "Codat products enabled for the company.",
				ElementType:         types.StringType,
				Computed:            true,
			},
			"redirect": computedString("Codat's hosted link URL of the company."),
			"created":  computedString("When the company was created (RFC 3339)."),
		},
	}
}

func (d *companyDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	readDataSource(ctx, req, resp, func(model *companyModel) bool {
		id := model.ID.ValueString()
		company, err := d.data.companies.company(ctx, id)
		if err != nil {
			addReadError(&resp.Diagnostics, err, path.Root("id"), fmt.Sprintf("Codat company %s not found", id),
				fmt.Sprintf("Unable to read Codat company %s", id))
			return false
		}
		setCompanyState(ctx, model, company, &resp.Diagnostics)
		return true
	})
}
