package provider

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-codat/terraform-provider-codat/internal/codat"
)

var (
	_ resource.Resource                = (*companyResource)(nil)
	_ resource.ResourceWithConfigure   = (*companyResource)(nil)
	_ resource.ResourceWithImportState = (*companyResource)(nil)
)

func newCompanyResource() resource.Resource {
	return &companyResource{}
}

type companyResource struct {
	data *providerData
}

type companyModel struct {
	ID          types.String `tfsdk:"id"`
	Name        types.String `tfsdk:"name"`
	Description types.String `tfsdk:"description"`
	Tags        types.Map    `tfsdk:"tags"`
	Products    types.Set    `tfsdk:"products"`
	Redirect    types.String `tfsdk:"redirect"`
	Created     types.String `tfsdk:"created"`
}

func (r *companyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_company"
}

func (r *companyResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Codat company: one of your SMB customers. Create one per customer, then give it a " +
			"`codat_connection` to Xero.\n\nUpdates replace the company (`PUT /companies/{companyId}`), so a removed " +
			"`description` or tag is really cleared. Destroying a company also deletes its connections and source " +
			"accounts in Codat.\n\nImport ID: `<company_id>`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Codat's id of the company (a UUID).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the company, usually your customer's business name. " + companyNameRule +
					"; Codat would strip other characters, so they are refused at plan time.",
				Required:   true,
				Validators: []validator.String{stringvalidator.RegexMatches(companyNamePattern, "may contain only "+companyNameRule)},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "Free text about the company, for example your own customer reference.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"tags": schema.MapAttribute{
				MarkdownDescription: fmt.Sprintf("Your key-value metadata on the company: at most %d tags, keys %d-%d "+
					"characters, values at most %d characters.", maxCompanyTags, 1, maxTagKeyLength, maxTagValueLength),
				ElementType: types.StringType,
				Optional:    true,
				Validators: []validator.Map{
					mapvalidator.SizeAtMost(maxCompanyTags),
					mapvalidator.KeysAre(stringvalidator.LengthBetween(1, maxTagKeyLength)),
					mapvalidator.ValueStringsAre(stringvalidator.LengthAtMost(maxTagValueLength)),
				},
			},
			"products": schema.SetAttribute{
				MarkdownDescription: "Codat products enabled for the company, such as `bank-feeds`. When set, the " +
					"company has exactly these products; when omitted, the provider reports the products Codat enabled " +
					"and leaves them alone. " + productRule + ".",
				ElementType: types.StringType,
				Optional:    true,
				Computed:    true,
				Validators: []validator.Set{
					setvalidator.ValueStringsAre(stringvalidator.RegexMatches(productPattern, "must be "+productRule)),
				},
				PlanModifiers: []planmodifier.Set{setplanmodifier.UseStateForUnknown()},
			},
			"redirect": schema.StringAttribute{
				MarkdownDescription: "Codat's hosted link URL where the customer can start authorising their connections.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"created": schema.StringAttribute{
				MarkdownDescription: "When the company was created (RFC 3339).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

func (r *companyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *companyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan companyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	body := companyRequest(ctx, plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	company, err := r.data.createCompany(ctx, body)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to create Codat company", err)
		return
	}
	// Saved at once so that a failure below leaves the company in state, not orphaned in Codat.
	plan.ID = types.StringValue(company.ID)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), plan.ID)...)

	products := company.Products
	if !plan.Products.IsUnknown() {
		products = r.syncProducts(ctx, company.ID, company.Products, stringSet(ctx, plan.Products, &resp.Diagnostics), &resp.Diagnostics)
	}
	company.Products = products
	setCompanyState(ctx, &plan, company, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *companyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state companyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	company, err := r.data.client.GetCompany(ctx, state.ID.ValueString())
	if codat.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read Codat company %s", state.ID.ValueString()), err)
		return
	}
	setCompanyState(ctx, &state, company, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *companyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state companyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()

	company := &codat.Company{
		ID:          id,
		Name:        state.Name.ValueString(),
		Description: state.Description.ValueString(),
		Redirect:    state.Redirect.ValueString(),
		Created:     state.Created.ValueString(),
		Tags:        stringMap(ctx, state.Tags, &resp.Diagnostics),
	}
	if !plan.Name.Equal(state.Name) || !plan.Description.Equal(state.Description) || !plan.Tags.Equal(state.Tags) {
		body := companyRequest(ctx, plan, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
		replaced, err := r.data.client.ReplaceCompany(ctx, id, body)
		if err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to update Codat company %s", id), err)
			return
		}
		company = replaced
	}

	current := stringSet(ctx, state.Products, &resp.Diagnostics)
	if plan.Products.IsUnknown() {
		company.Products = current
	} else {
		company.Products = r.syncProducts(ctx, id, current, stringSet(ctx, plan.Products, &resp.Diagnostics), &resp.Diagnostics)
	}
	setCompanyState(ctx, &plan, company, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *companyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state companyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	err := r.data.client.DeleteCompany(ctx, state.ID.ValueString())
	if err != nil && !codat.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to delete Codat company %s", state.ID.ValueString()), err)
	}
}

func (r *companyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	parts, err := splitImportID(req.ID, "company_id")
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), parts[0])...)
}

// syncProducts enables and disables products until the company has exactly want, and returns the products the
// company has afterwards (so a partial failure still records what really changed).
func (r *companyResource) syncProducts(ctx context.Context, id string, have, want []string, diags *diag.Diagnostics) []string {
	result := slices.Clone(have)
	for _, p := range want {
		if slices.Contains(have, p) {
			continue
		}
		if err := r.data.client.AddProduct(ctx, id, p); err != nil {
			addAPIAttributeError(diags, path.Root("products"), fmt.Sprintf("Unable to enable product %q for Codat company %s", p, id), err)
			continue
		}
		result = append(result, p)
	}
	for _, p := range have {
		if slices.Contains(want, p) {
			continue
		}
		if err := r.data.client.RemoveProduct(ctx, id, p); err != nil && !codat.IsNotFound(err) {
			addAPIAttributeError(diags, path.Root("products"), fmt.Sprintf("Unable to disable product %q for Codat company %s", p, id), err)
			continue
		}
		result = slices.DeleteFunc(result, func(s string) bool { return s == p })
	}
	return result
}

func companyRequest(ctx context.Context, m companyModel, diags *diag.Diagnostics) codat.CompanyRequest {
	return codat.CompanyRequest{
		Name:        m.Name.ValueString(),
		Description: m.Description.ValueString(),
		Tags:        stringMap(ctx, m.Tags, diags),
	}
}

// setCompanyState copies what Codat returned into the model; prior values decide null versus empty for optional
// ones.
func setCompanyState(ctx context.Context, m *companyModel, c *codat.Company, diags *diag.Diagnostics) {
	m.ID = types.StringValue(c.ID)
	m.Name = types.StringValue(c.Name)
	m.Description = optionalString(m.Description, c.Description)
	m.Tags = optionalStringMap(ctx, m.Tags, c.Tags, diags)
	products := c.Products
	if products == nil {
		products = []string{}
	}
	set, d := types.SetValueFrom(ctx, types.StringType, products)
	diags.Append(d...)
	m.Products = set
	m.Redirect = types.StringValue(c.Redirect)
	m.Created = types.StringValue(c.Created)
}
