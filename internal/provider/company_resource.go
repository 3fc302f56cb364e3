package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-codat/terraform-provider-codat/internal/codat"
)

var _ resource.ResourceWithImportState = (*companyResource)(nil)

type companyResource struct{ resourceBase }

type companyModel struct {
	ID          types.String `tfsdk:"id"`
	Name        types.String `tfsdk:"name"`
	Description types.String `tfsdk:"description"`
	Tags        types.Map    `tfsdk:"tags"`
	Products    types.Set    `tfsdk:"products"`
	Redirect    types.String `tfsdk:"redirect"`
	Created     types.String `tfsdk:"created"`
}

func (r *companyResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Codat company: one of your SMB customers. Create one per customer, then give it a " +
			"`codat_connection` to Xero.\n\nUpdates replace the company (`PUT /companies/{companyId}`), so a removed " +
			"`description` or tag is really cleared.\n\n" +
			"~> **Warning:** Destroying a company deletes it in Codat (`DELETE /companies/{companyId}`, irreversible) " +
			"together with its connections and source accounts: the customer's bank feeds stop and the customer " +
			"has to authorise Xero again on a new company.\n\nImport ID: `<company_id>`.",
		Attributes: map[string]schema.Attribute{
			"id": setOnCreate("Codat's id of the company (a UUID)."),
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the company, usually your customer's business name. " + companyNameRule +
					"; Codat would strip other characters, so they are refused at plan time, as is a name of white " +
					"space alone.",
				Required: true,
				Validators: []validator.String{
					stringvalidator.RegexMatches(companyNamePattern, "may contain only "+companyNameRule),
					notBlankText("a company needs a name that shows"),
				},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "Free text about the company, for example your own customer reference. Leave it " +
					"out for no description; an empty or blank one is refused.",
				Optional:   true,
				Validators: []validator.String{notBlankText("leave description out for a company without one")},
			},
			"tags": schema.MapAttribute{
				MarkdownDescription: fmt.Sprintf("Your key-value metadata on the company: at most %d tags; keys %d to %d "+
					"characters without line breaks, not blank; values at most %d characters (characters, not bytes: "+
					"`é` counts as one). An empty map when the company has none, whether `tags` is left out or `{}`.",
					maxCompanyTags, 1, maxTagKeyLength, maxTagValueLength),
				ElementType: types.StringType,
				Optional:    true,
				Computed:    true,
				Default:     mapdefault.StaticValue(types.MapValueMust(types.StringType, map[string]attr.Value{})),
				Validators: []validator.Map{
					mapvalidator.SizeAtMost(maxCompanyTags),
					mapvalidator.KeysAre(
						stringvalidator.UTF8LengthBetween(1, maxTagKeyLength),
						stringvalidator.RegexMatches(noLineBreakPattern, "must not contain a line break"),
						notBlankText("a tag key needs a visible name"),
					),
					mapvalidator.ValueStringsAre(stringvalidator.UTF8LengthAtMost(maxTagValueLength)),
				},
			},
			"products": schema.SetAttribute{
				MarkdownDescription: "Codat products enabled for the company, from the product identifiers in Codat's " +
					"API description: " + quotedList(companyProducts) + ". When " +
					"set, the company has exactly these products; when omitted, the provider reports the products Codat " +
					"enabled and leaves them alone.\n\n  ~> The product endpoints (`PUT` and `DELETE " +
					"/companies/{companyId}/products/{productIdentifier}`) are in alpha and serve only participants of " +
					"Codat's development programme; other Codat clients get `403 Forbidden`. Bank Feeds does not need a " +
					"company product: Codat enables Bank Feeds for your client. If a product cannot be enabled when the " +
					"company is created, the company is kept (not replaced) with a warning and the next plan shows the " +
					"products still to enable.",
				ElementType: types.StringType,
				Optional:    true,
				Computed:    true,
				Validators: []validator.Set{
					setvalidator.ValueStringsAre(stringvalidator.OneOf(companyProducts...)),
				},
				PlanModifiers: []planmodifier.Set{setplanmodifier.UseStateForUnknown()},
			},
			"redirect": setOnCreate("Codat's hosted link URL where the customer can start authorising their connections."),
			"created":  setOnCreate("When the company was created (RFC 3339)."),
		},
	}
}

func (r *companyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer companyIdentity.afterCreate(ctx, resp)
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
	// Saved at once so that nothing below can leave the company orphaned in Codat.
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), types.StringValue(company.ID))...)
	r.finishCreate(ctx, &plan, company, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// finishCreate enables the configured products of a company Codat has just created and records the company in plan.
// Nothing after the company's creation is an error: an error would taint the company, and the next apply would
// delete it and create another. When a product cannot be enabled (Terraform was interrupted, or Codat refused), a
// warning says so and the company is recorded with the configured products, as Terraform requires of a create
// without errors; the next refresh reads the products Codat really has, so the next plan enables what is missing.
func (r *companyResource) finishCreate(ctx context.Context, plan *companyModel, company *codat.Company, diags *diag.Diagnostics) {
	if !plan.Products.IsUnknown() {
		want := stringSet(ctx, plan.Products, diags)
		_, failures := r.syncProducts(ctx, company.ID, company.Products, want)
		addCreateProductsWarning(ctx, diags, company.ID, failures)
		company.Products = want
	}
	setCompanyState(ctx, plan, company, diags)
}

func (r *companyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer companyIdentity.afterRead(ctx, req, resp)
	var state companyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	company, err := r.data.companies.company(ctx, state.ID.ValueString())
	if readFailed(ctx, resp, err, fmt.Sprintf("Unable to read Codat company %s", state.ID.ValueString())) {
		return
	}
	setCompanyState(ctx, &state, company, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *companyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer companyIdentity.afterUpdate(ctx, resp)
	var plan, state companyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	r.data.companies.changedCompany(id)

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
		var failures []productFailure
		company.Products, failures = r.syncProducts(ctx, id, current, stringSet(ctx, plan.Products, &resp.Diagnostics))
		addUpdateProductsErrors(ctx, &resp.Diagnostics, id, failures)
	}
	// What Codat holds, even after a failure: Terraform keeps the state an update returns with its errors.
	setCompanyState(ctx, &plan, company, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *companyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state companyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.data.companies.changedCompany(state.ID.ValueString())
	err := r.data.client.DeleteCompany(ctx, state.ID.ValueString())
	if err != nil && !codat.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to delete Codat company %s", state.ID.ValueString()), err)
	}
}

func (r *companyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	companyIdentity.importState(ctx, req, resp)
}

// productFailure is a product that syncProducts could not enable or disable.
type productFailure struct {
	product string
	enable  bool
	// err is Codat's answer, or the context's error when Terraform was interrupted before the request was sent.
	err error
}

// syncProducts enables and disables products until the company has exactly want, and returns the products the
// company has afterwards (so a partial failure still records what really changed) and the failures. Once the
// context is done (Terraform was interrupted) it sends nothing more.
func (r *companyResource) syncProducts(ctx context.Context, id string, have, want []string) ([]string, []productFailure) {
	result := slices.Clone(have)
	var failures []productFailure
	for _, p := range want {
		if slices.Contains(have, p) {
			continue
		}
		if err := ctx.Err(); err != nil {
			failures = append(failures, productFailure{p, true, err})
			continue
		}
		if err := r.data.client.AddProduct(ctx, id, p); err != nil {
			failures = append(failures, productFailure{p, true, err})
			continue
		}
		result = append(result, p)
	}
	for _, p := range have {
		if slices.Contains(want, p) {
			continue
		}
		if err := ctx.Err(); err != nil {
			failures = append(failures, productFailure{p, false, err})
			continue
		}
		// A 404 names the company or the product; either way the company does not have the product.
		if err := r.data.client.RemoveProduct(ctx, id, p); err != nil && !codat.IsNotFound(err) {
			failures = append(failures, productFailure{p, false, err})
			continue
		}
		result = slices.DeleteFunc(result, func(s string) bool { return s == p })
	}
	return result, failures
}

// interruptedCall reports whether err ended a call because Terraform was interrupted (the operation's context was
// cancelled), rather than because of Codat's answer.
func interruptedCall(ctx context.Context, err error) bool {
	return ctx.Err() != nil && errors.Is(err, context.Canceled)
}

// productsHelp explains a 403 from the product endpoints (CODAT-FACTS C5).
const productsHelp = "Codat's product endpoints (PUT and DELETE /companies/{companyId}/products/{productIdentifier}) " +
	"are in alpha and serve only participants of Codat's development programme; other Codat clients get 403 " +
	"Forbidden. Bank Feeds does not need a company product: Codat enables Bank Feeds for your client. Remove " +
	"products from the configuration, or ask Codat to join the programme."

// productFailureDetail explains one failure: Codat's answer, and the programme when Codat answered 403.
func productFailureDetail(f productFailure) string {
	detail := apiErrorDetail(f.err)
	if codat.IsForbidden(f.err) {
		detail += "\n\n" + productsHelp
	}
	return detail
}

// addCreateProductsWarning reports products a new company did not get, as a warning: see finishCreate.
func addCreateProductsWarning(ctx context.Context, diags *diag.Diagnostics, id string, failures []productFailure) {
	if len(failures) == 0 {
		return
	}
	products := make([]string, len(failures))
	for i, f := range failures {
		products[i] = strconv.Quote(f.product)
	}
	names := strings.Join(products, ", ")
	next := "The company is recorded in the state, not tainted, so it is not replaced; the next plan reads the " +
		"products Codat has and shows " + names + " still to enable, and the next apply carries on."
	if interruptedCall(ctx, failures[0].err) {
		diags.AddAttributeWarning(path.Root("products"), "Stopped before enabling the products of Codat company "+id,
			fmt.Sprintf("Terraform was interrupted after Codat created the company, before product %s was enabled. %s",
				names, next))
		return
	}
	var details []string
	for _, f := range failures {
		details = append(details, fmt.Sprintf("Enabling %q failed: %s", f.product, productFailureDetail(f)))
	}
	diags.AddAttributeWarning(path.Root("products"), "Unable to enable the products of Codat company "+id,
		fmt.Sprintf("Codat created the company, but product %s could not be enabled. %s\n\n%s", names, next,
			strings.Join(details, "\n\n")))
}

// addUpdateProductsErrors reports products an update could not enable or disable, one error each.
func addUpdateProductsErrors(ctx context.Context, diags *diag.Diagnostics, id string, failures []productFailure) {
	for _, f := range failures {
		verb := "disable"
		if f.enable {
			verb = "enable"
		}
		summary := fmt.Sprintf("Unable to %s product %q for Codat company %s", verb, f.product, id)
		if interruptedCall(ctx, f.err) {
			diags.AddAttributeError(path.Root("products"), summary, "Terraform was interrupted before the request "+
				"was sent. The state records what Codat holds; the next apply carries on.")
			continue
		}
		diags.AddAttributeError(path.Root("products"), summary, productFailureDetail(f))
	}
}

func companyRequest(ctx context.Context, m companyModel, diags *diag.Diagnostics) codat.CompanyRequest {
	return codat.CompanyRequest{
		Name:        m.Name.ValueString(),
		Description: m.Description.ValueString(),
		Tags:        stringMap(ctx, m.Tags, diags),
	}
}

// setCompanyState copies what Codat returned into the model; the prior description decides null versus empty.
func setCompanyState(ctx context.Context, m *companyModel, c *codat.Company, diags *diag.Diagnostics) {
	m.ID = types.StringValue(c.ID)
	m.Name = types.StringValue(c.Name)
	m.Description = optionalString(m.Description, c.Description)
	m.Tags = companyTags(ctx, c.Tags, diags)
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

// companyTags is the tags attribute: an empty map, never null, when the company has none, so that a configuration
// without tags and one with `tags = {}` both read back (and import) unchanged.
func companyTags(ctx context.Context, tags map[string]string, diags *diag.Diagnostics) types.Map {
	if tags == nil {
		tags = map[string]string{}
	}
	m, d := types.MapValueFrom(ctx, types.StringType, tags)
	diags.Append(d...)
	return m
}

// companyProducts are the product identifiers in Codat's API description (Codat-Platform.json): the examples of
// the productIdentifier parameter (bank-feeds, lending, payables, expenses) and the products of its Company and
// company.product.added/removed examples (accounting, banking, commerce, expenses-v1, payables-v2,
// spend-insights). Anything else is refused at plan time rather than after the company was created.
var companyProducts = []string{
	"accounting", "bank-feeds", "banking", "commerce", "expenses", "expenses-v1",
	"lending", "payables", "payables-v2", "spend-insights",
}

// notBlankText refuses values made of white space alone, saying why.
func notBlankText(why string) validator.String {
	return stringCheck{
		description: "must not be blank",
		check: func(s string) string {
			if strings.TrimSpace(s) == "" {
				return "must not be blank: " + why
			}
			return ""
		},
	}
}
