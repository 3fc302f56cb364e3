package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// resourceBase is embedded by every resource and list resource: it names the type ("codat_" + typeName) and keeps
// the providerData that the provider's Configure hands over. With it a type has Metadata and Configure
// (resource.ResourceWithConfigure, list.ListResourceWithConfigure); its constructor's result type checks the rest.
type resourceBase struct {
	typeName string
	data     *providerData
}

func (b *resourceBase) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + b.typeName
}

func (b *resourceBase) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	b.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// dataSourceBase is resourceBase for data sources.
type dataSourceBase struct {
	typeName string
	data     *providerData
}

func (b *dataSourceBase) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + b.typeName
}

func (b *dataSourceBase) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	b.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// readDataSource is the Read of a data source whose model is M: it reads the configuration into the model, lets read
// fill the model in, and sets the state unless the configuration had errors or read returned false (read has then
// added the reason to resp's diagnostics).
func readDataSource[M any](ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse, read func(model *M) bool) {
	var model M
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() || !read(&model) {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}
