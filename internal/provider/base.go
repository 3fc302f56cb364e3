package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// resourceBase is embedded by every resource and list resource: it names the type ("codat_" + typeName), holds the
// type's resource identity, and keeps the providerData that the provider's Configure hands over. With it a resource
// has Metadata, Configure and IdentitySchema; a list resource has Metadata and Configure and gives each result the
// identity of its resource.
type resourceBase struct {
	typeName string
	identity resourceIdentity
	data     *providerData
}

func (b *resourceBase) base() *resourceBase { return b }

func (b *resourceBase) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + b.typeName
}

func (b *resourceBase) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	b.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (b *resourceBase) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = b.identity.schema()
}

// dataSourceBase is resourceBase for data sources.
type dataSourceBase struct {
	typeName string
	data     *providerData
}

func (b *dataSourceBase) base() *dataSourceBase { return b }

func (b *dataSourceBase) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + b.typeName
}

func (b *dataSourceBase) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	b.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// The provider registers each type by the constructor resourceType, dataSourceType or listResourceType gives for it:
// the type's struct (R or D) embeds its base, and P, inferred, is the pointer to it that implements the framework's
// interface. The base names the type "codat_" + typeName; a resource's and a list resource's also holds the identity
// of the resource with that name.

func resourceType[R any, P interface {
	*R
	resource.Resource
	base() *resourceBase
}](typeName string, identity resourceIdentity) func() resource.Resource {
	return func() resource.Resource {
		return withBase[R, resourceBase, P](resourceBase{typeName: typeName, identity: identity})
	}
}

func dataSourceType[D any, P interface {
	*D
	datasource.DataSource
	base() *dataSourceBase
}](typeName string) func() datasource.DataSource {
	return func() datasource.DataSource {
		return withBase[D, dataSourceBase, P](dataSourceBase{typeName: typeName})
	}
}

func listResourceType[R any, P interface {
	*R
	list.ListResource
	base() *resourceBase
}](typeName string, identity resourceIdentity) func() list.ListResource {
	return func() list.ListResource {
		return withBase[R, resourceBase, P](resourceBase{typeName: typeName, identity: identity})
	}
}

// withBase returns a new T whose base (B, reached through P's base method) is b.
func withBase[T, B any, P interface {
	*T
	base() *B
}](b B) P {
	t := P(new(T))
	*t.base() = b
	return t
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
