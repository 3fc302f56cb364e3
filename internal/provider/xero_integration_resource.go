package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-codat/terraform-provider-codat/internal/codat"
)

var (
	_ resource.Resource                = (*xeroIntegrationResource)(nil)
	_ resource.ResourceWithConfigure   = (*xeroIntegrationResource)(nil)
	_ resource.ResourceWithImportState = (*xeroIntegrationResource)(nil)
)

// Values of access, and the oneTimeSync setting each stands for.
const (
	accessContinuous = "continuous"
	accessOneOff     = "one-off"
)

var accessModes = []string{accessContinuous, accessOneOff}

// Keys of the Xero credentials in Codat's integration credentials map.
const (
	credentialClientID     = "clientId"
	credentialClientSecret = "clientSecret"
)

// xeroUncertifiedConnections is how many organisations Xero lets an app that is not certified connect.
const xeroUncertifiedConnections = 25

func newXeroIntegrationResource() resource.Resource {
	return &xeroIntegrationResource{}
}

type xeroIntegrationResource struct {
	data *providerData
}

type xeroIntegrationModel struct {
	ID                    types.String `tfsdk:"id"`
	ClientID              types.String `tfsdk:"client_id"`
	ClientSecretWO        types.String `tfsdk:"client_secret_wo"`
	ClientSecretWOVersion types.Int64  `tfsdk:"client_secret_wo_version"`
	ClientSecret          types.String `tfsdk:"client_secret"`
	Enabled               types.Bool   `tfsdk:"enabled"`
	Access                types.String `tfsdk:"access"`
	VerifyCredentials     types.Bool   `tfsdk:"verify_credentials"`
	IntegrationID         types.String `tfsdk:"integration_id"`
	Name                  types.String `tfsdk:"name"`
}

func (r *xeroIntegrationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_xero_integration"
}

func (r *xeroIntegrationResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	unchanging := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The Xero integration settings of your Codat client: the Xero app's client id and " +
			"secret that Codat uses to connect your customers' Xero organisations, whether the integration is " +
			"enabled, and one-off or continuous access. There is one per Codat client, so declare it once; " +
			"creating it takes over settings made earlier in the Codat Portal.\n\n" +
			"**Secret.** Give the secret as `client_secret_wo` (write-only, Terraform 1.11 or later: never stored " +
			"in the plan or state) together with `client_secret_wo_version`, or as `client_secret` (sensitive: " +
			"hidden in output, but stored in state; for older Terraform). The secret is sent to Codat when the " +
			"resource is created and again only when `client_secret_wo_version`, `client_secret` or `client_id` " +
			"changes: after generating a new secret in Xero Developer, put it in the configuration and increase " +
			"`client_secret_wo_version`.\n\n" +
			"**Credential check.** Unless `verify_credentials` is false, the provider first asks Xero's token " +
			"endpoint (the provider's `xero_token_url`) for an OAuth2 client-credentials token with the client id " +
			"and secret. If Xero answers `invalid_client`, the apply stops before anything is stored; " +
			"`unauthorized_client` (Xero's answer for a genuine web app) or a token means the pair is genuine; " +
			"if Xero cannot be reached, a warning is shown and the credentials are stored unchecked.\n\n" +
			"**Drift.** Codat returns the stored credentials masked (all but the last four characters). When " +
			"the masked client id cannot be the configured one, or the credentials were removed, the plan shows " +
			"an update that stores them again. A change to the secret made outside Terraform cannot be seen.\n\n" +
			"**Codat API.** Credentials: `GET`, `PUT` and `DELETE /integrations/credentials/gbol` from Codat's " +
			"Partners API (`Codat-Partners.json`). Integration: `GET /integrations/gbol` (Platform API). Enabled: " +
			"`PUT /integrations/gbol/enabled`, and access: `GET` and `PATCH /settings/integrations/{integrationId}` " +
			"(`oneTimeSync`), both from Codat's legacy API, which the current OpenAPI descriptions no longer list. " +
			"Destroy disables the integration and deletes the stored credentials.\n\n" +
			"**Not available through any API**, so set them by hand: the Xero *Bank feeds* switch of the integration " +
			"(Codat Portal: Settings > Integrations > Accounting > Xero > Bank feeds), which bank-feed mappings " +
			"need; and Xero app-partner status with the Xero Bank Feeds API enabled for your app, which Xero grants " +
			"on application. Until Xero certifies your app (as an app partner), it can connect at most " +
			fmt.Sprintf("%d Xero organisations, so plan a pilot within that limit.\n\n", xeroUncertifiedConnections) +
			"Import ID: `gbol`. An import cannot read the secret or the unmasked client id back, so the first " +
			"plan after an import shows an update (`client_id` from its masked form, `client_secret_wo_version` " +
			"from null) that stores the configured secret once; keep the secret in the configuration for that apply.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Always `%s`, Xero's platform key in Codat.", xeroPlatformKey),
				Computed:            true,
				PlanModifiers:       unchanging,
			},
			"client_id": schema.StringAttribute{
				MarkdownDescription: "Client id of your Xero app (Xero Developer: My Apps > your app > Configuration). " +
					"Changing it stores the credentials again.",
				Required:   true,
				Validators: []validator.String{notBlank()},
			},
			"client_secret_wo": schema.StringAttribute{
				MarkdownDescription: "A client secret generated for the Xero app, write-only: Terraform sends it to " +
					"the provider but never keeps it in the plan or state (Terraform 1.11 or later). It is sent to " +
					"Codat on create and whenever `client_secret_wo_version` or `client_id` changes, so changing only " +
					"this value changes nothing. Exactly one of `client_secret_wo` and `client_secret` must be set.",
				Optional:  true,
				Sensitive: true,
				WriteOnly: true,
				Validators: []validator.String{
					notBlank(),
					stringvalidator.ExactlyOneOf(path.MatchRoot("client_secret_wo"), path.MatchRoot("client_secret")),
					stringvalidator.AlsoRequires(path.MatchRoot("client_secret_wo_version")),
				},
			},
			"client_secret_wo_version": schema.Int64Attribute{
				MarkdownDescription: "Version of `client_secret_wo`, required with it. Increase it whenever the secret " +
					"changes (for example after generating a new one in Xero Developer): that is what makes the " +
					"provider send the new secret to Codat.",
				Optional: true,
				Validators: []validator.Int64{
					int64validator.AlsoRequires(path.MatchRoot("client_secret_wo")),
				},
			},
			"client_secret": schema.StringAttribute{
				MarkdownDescription: "A client secret generated for the Xero app, for Terraform older than 1.11. " +
					"Sensitive, so hidden in plan output, but stored in the state: prefer `client_secret_wo`. " +
					"Changing it sends the new secret to Codat. Exactly one of `client_secret_wo` and `client_secret` " +
					"must be set.",
				Optional:  true,
				Sensitive: true,
				Validators: []validator.String{
					notBlank(),
					stringvalidator.PreferWriteOnlyAttribute(path.MatchRoot("client_secret_wo")),
				},
			},
			"enabled": schema.BoolAttribute{
				MarkdownDescription: "Whether your customers can connect Xero. Defaults to `true`.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(true),
			},
			"access": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("How long Codat may read a customer's Xero data: %s. `%s` keeps "+
					"the connection and syncs on schedule; `%s` reads the data once (Codat's `oneTimeSync` setting). "+
					"Defaults to `%s`.", quotedList(accessModes), accessContinuous, accessOneOff, accessContinuous),
				Optional:   true,
				Computed:   true,
				Default:    stringdefault.StaticString(accessContinuous),
				Validators: []validator.String{stringvalidator.OneOf(accessModes...)},
			},
			"verify_credentials": schema.BoolAttribute{
				MarkdownDescription: "Whether to check the client id and secret with Xero's token endpoint before " +
					"storing them (an OAuth2 client-credentials request). Defaults to `true`.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
			"integration_id": schema.StringAttribute{
				MarkdownDescription: "Codat's id of the Xero integration (a UUID).",
				Computed:            true,
				PlanModifiers:       unchanging,
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the integration, `Xero`.",
				Computed:            true,
				PlanModifiers:       unchanging,
			},
		},
	}
}

func (r *xeroIntegrationResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *xeroIntegrationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan, config xeroIntegrationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Nothing is saved after a failure: creating again simply overwrites the singleton's settings.
	state, ok := r.apply(ctx, plan, nil, config, &resp.Diagnostics)
	if ok {
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	}
}

func (r *xeroIntegrationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state xeroIntegrationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if gone := r.read(ctx, &state, &resp.Diagnostics); gone {
		resp.State.RemoveResource(ctx)
		return
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *xeroIntegrationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, prior, config xeroIntegrationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Saved even after a failure, so that the steps that succeeded are not repeated.
	state, _ := r.apply(ctx, plan, &prior, config, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *xeroIntegrationResource) Delete(ctx context.Context, _ resource.DeleteRequest, resp *resource.DeleteResponse) {
	// Disabled first, so that no customer starts a Xero connection while the credentials are going.
	if _, err := r.data.client.SetIntegrationEnabled(ctx, xeroPlatformKey, false); err != nil && !codat.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "Unable to disable the Codat Xero integration", err)
		return
	}
	if err := r.data.client.DeleteIntegrationCredentials(ctx, xeroPlatformKey); err != nil && !codat.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "Unable to delete the Xero credentials from Codat", err)
	}
}

func (r *xeroIntegrationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID != xeroPlatformKey {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("codat_xero_integration holds the single Xero integration of your Codat client: import it with "+
				"the ID %q (Xero's platform key), not %q.", xeroPlatformKey, req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), xeroPlatformKey)...)
}

// apply makes Codat match plan, starting from prior (nil on create), and returns the state that records what
// Codat now holds, with ok false after a failure part-way. The secret comes from config: a write-only value is
// never in the plan.
func (r *xeroIntegrationResource) apply(ctx context.Context, plan xeroIntegrationModel, prior *xeroIntegrationModel, config xeroIntegrationModel, diags *diag.Diagnostics) (xeroIntegrationModel, bool) {
	state := plan
	if prior != nil {
		state = *prior
	}
	state.ID = types.StringValue(xeroPlatformKey)
	state.ClientSecretWO = types.StringNull()
	state.VerifyCredentials = plan.VerifyCredentials

	if prior == nil || credentialsChanged(plan, *prior) {
		if !r.storeCredentials(ctx, plan, config, diags) {
			return state, false
		}
		state.ClientID = plan.ClientID
		state.ClientSecret = plan.ClientSecret
		state.ClientSecretWOVersion = plan.ClientSecretWOVersion
	}

	if prior == nil || !plan.Enabled.Equal(prior.Enabled) || state.IntegrationID.ValueString() == "" {
		integration, err := r.data.client.SetIntegrationEnabled(ctx, xeroPlatformKey, plan.Enabled.ValueBool())
		if err != nil {
			addAPIAttributeError(diags, path.Root("enabled"), "Unable to enable or disable the Codat Xero integration", err)
			return state, false
		}
		state.Enabled = types.BoolValue(integration.Enabled)
		state.IntegrationID = types.StringValue(integration.IntegrationID)
		state.Name = types.StringValue(integration.Name)
	}

	if prior == nil || !plan.Access.Equal(prior.Access) {
		oneTimeSync := plan.Access.ValueString() == accessOneOff
		settings, err := r.data.client.UpdateIntegrationSettings(ctx, state.IntegrationID.ValueString(),
			codat.IntegrationSettingsUpdate{OneTimeSync: &oneTimeSync})
		if err != nil {
			addAPIAttributeError(diags, path.Root("access"), "Unable to set the access mode of the Codat Xero integration", err)
			return state, false
		}
		state.Access = types.StringValue(accessMode(settings.OneTimeSync))
	}
	return state, true
}

// credentialsChanged reports whether the secret must be sent again: Terraform cannot compare a write-only value,
// so its version stands for it.
func credentialsChanged(plan, prior xeroIntegrationModel) bool {
	return !plan.ClientID.Equal(prior.ClientID) ||
		!plan.ClientSecretWOVersion.Equal(prior.ClientSecretWOVersion) ||
		!plan.ClientSecret.Equal(prior.ClientSecret)
}

// storeCredentials checks the configured client id and secret with Xero (unless told not to) and stores them.
func (r *xeroIntegrationResource) storeCredentials(ctx context.Context, plan, config xeroIntegrationModel, diags *diag.Diagnostics) bool {
	secret, secretAttr := config.ClientSecretWO.ValueString(), "client_secret_wo"
	if config.ClientSecretWO.IsNull() {
		secret, secretAttr = plan.ClientSecret.ValueString(), "client_secret"
	}
	if secret == "" {
		diags.AddAttributeError(path.Root(secretAttr), "Missing Xero client secret",
			"The Xero credentials must be stored, but no client secret is configured. Set client_secret_wo "+
				"(with client_secret_wo_version) or client_secret.")
		return false
	}
	// Registered before any request, so that neither an error body echoing it nor a log line can show it.
	r.data.client.AddSecret(secret)

	clientID := plan.ClientID.ValueString()
	if plan.VerifyCredentials.ValueBool() && !r.data.verifyXeroCredentials(ctx, clientID, secret, secretAttr, diags) {
		return false
	}
	_, err := r.data.client.PutIntegrationCredentials(ctx, xeroPlatformKey, map[string]string{
		credentialClientID:     clientID,
		credentialClientSecret: secret,
	})
	if err != nil {
		addAPIAttributeError(diags, path.Root("client_id"), "Unable to store the Xero credentials in Codat", err)
		return false
	}
	return true
}

// read refreshes m from Codat and reports whether the integration is gone.
func (r *xeroIntegrationResource) read(ctx context.Context, m *xeroIntegrationModel, diags *diag.Diagnostics) (gone bool) {
	integration, err := r.data.client.GetIntegration(ctx, xeroPlatformKey)
	if codat.IsNotFound(err) {
		return true
	}
	if err != nil {
		addAPIError(diags, "Unable to read the Codat Xero integration", err)
		return false
	}
	creds, err := r.data.client.GetIntegrationCredentials(ctx, xeroPlatformKey)
	if codat.IsNotFound(err) {
		creds, err = map[string]string{}, nil
	}
	if err != nil {
		addAPIError(diags, "Unable to read the Xero credentials stored in Codat", err)
		return false
	}
	settings, err := r.data.client.GetIntegrationSettings(ctx, integration.IntegrationID)
	if err != nil {
		addAPIError(diags, "Unable to read the settings of the Codat Xero integration", err)
		return false
	}

	m.ID = types.StringValue(xeroPlatformKey)
	m.Enabled = types.BoolValue(integration.Enabled)
	m.IntegrationID = types.StringValue(integration.IntegrationID)
	m.Name = types.StringValue(integration.Name)
	m.Access = types.StringValue(accessMode(settings.OneTimeSync))
	m.ClientID, m.ClientSecret = storedCredentials(m.ClientID, m.ClientSecret, creds)
	m.ClientSecretWO = types.StringNull()
	if m.VerifyCredentials.IsNull() {
		m.VerifyCredentials = types.BoolValue(true) // after an import
	}
	return false
}

// storedCredentials compares the masked credentials Codat returns with the values in state. A state value the
// mask fits is kept. Otherwise the masked value takes its place, so that the plan shows an update that stores
// the configured credentials again; with no credentials stored at all, client_id becomes null to the same end.
// A client_secret that was not in state (client_secret_wo is used, or after an import) stays null.
func storedCredentials(clientID, clientSecret types.String, masked map[string]string) (types.String, types.String) {
	maskedID, hasID := masked[credentialClientID]
	maskedSecret, hasSecret := masked[credentialClientSecret]
	if !hasID || maskedID == "" || !hasSecret || maskedSecret == "" {
		return types.StringNull(), clientSecret
	}
	if !fitsMask(maskedID, clientID) {
		clientID = types.StringValue(maskedID)
	}
	if !clientSecret.IsNull() && !fitsMask(maskedSecret, clientSecret) {
		clientSecret = types.StringValue(maskedSecret)
	}
	return clientID, clientSecret
}

// fitsMask reports whether Codat's masked form of a credential can stand for v: the same number of characters,
// and the same character wherever the mask shows one ("*" hides a character).
func fitsMask(masked string, v types.String) bool {
	if v.IsNull() || v.IsUnknown() {
		return false
	}
	m, s := []rune(masked), []rune(v.ValueString())
	if len(m) != len(s) {
		return false
	}
	for i := range m {
		if m[i] != '*' && m[i] != s[i] {
			return false
		}
	}
	return true
}

func accessMode(oneTimeSync bool) string {
	if oneTimeSync {
		return accessOneOff
	}
	return accessContinuous
}
