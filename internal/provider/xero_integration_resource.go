package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-codat/terraform-provider-codat/internal/codat"
)

var _ resource.ResourceWithImportState = (*xeroIntegrationResource)(nil)

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

// xeroUncertifiedConnections is how many organisations Xero lets an app that is not certified connect, in Codat's
// current docs (CODAT-FACTS C9: changed from 25 on 2026-06-17).
const xeroUncertifiedConnections = 5

// xeroIntegrationDescription is the resource's documentation: one short paragraph (the page's summary), the warning
// about destroy, then sections.
var xeroIntegrationDescription = "The Xero integration settings of your Codat client: the Xero app's client id and " +
	"secret, whether your customers can connect Xero, and one-off or continuous access. There is one per Codat " +
	"client, shared by all its customers; import it with the ID `gbol`.\n\n" +
	"~> **Warning:** The integration serves every customer of the Codat client. By default destroying this resource " +
	"leaves it in Codat as it is, enabled or not and with its credentials stored, and says so in a warning. Only " +
	"`disable_on_destroy = true` makes destroy switch Xero off, and only `delete_credentials_on_destroy = true` makes " +
	"it delete the credentials, for all customers at once; set them and apply before destroying.\n\n" +
	"Creating the resource takes over settings made earlier in the Codat Portal.\n\n" +
	"## Secret\n\n" +
	"Give the secret as `client_secret_wo` (write-only, Terraform 1.11 or later: never stored in the plan or state) " +
	"together with `client_secret_wo_version`, or as `client_secret` (sensitive: hidden in output, but stored in " +
	"state; for older Terraform). The secret is sent to Codat when the resource is created and again only when " +
	"`client_secret_wo_version`, `client_secret` or `client_id` changes: after generating a new secret in Xero " +
	"Developer, put it in the configuration and increase `client_secret_wo_version`.\n\n" +
	"## Credential check\n\n" +
	"Unless `verify_credentials` is false, the provider first asks Xero's token endpoint (the provider's " +
	"`xero_token_url`) for an OAuth2 client-credentials token with the client id and secret. If Xero answers " +
	"`invalid_client`, the apply stops before anything is stored; `unauthorized_client` (Xero's answer for a " +
	"genuine web app) or a token means the pair is genuine; if Xero cannot be reached, a warning is shown and the " +
	"credentials are stored unchecked.\n\n" +
	"## Masked credentials and drift\n\n" +
	"Codat returns stored credentials masked. Its documented style keeps the length and the last four characters " +
	"and hides the rest with `X` (`XXXXXXXXXXXXXXXXXXXXXXXXXXXX1A2B`); a fixed run of `*` with the last four " +
	"(`********1A2B`) and a same-length run of `*` are understood too. When the masked client id cannot be the " +
	"configured one (other last four characters, or another length where the mask keeps the length), or the " +
	"credentials were removed, the plan shows an update that stores the configured credentials again. A change " +
	"of the secret made outside Terraform cannot be seen. A masked value is never sent as a credential: " +
	"`client_id`, `client_secret` and `client_secret_wo` refuse one at plan time.\n\n" +
	"## Import\n\n" +
	"Import ID: `gbol`. An import cannot read the secret or the unmasked client id back: `client_id` is imported in " +
	"its masked form, and the provider's own settings `verify_credentials`, `disable_on_destroy` and " +
	"`delete_credentials_on_destroy` take their defaults. So the first plan after an import shows one update " +
	"(`client_id` from its masked form, `client_secret_wo_version` or `client_secret` from null) that stores the " +
	"configured credentials once; keep the secret in the configuration for that apply. Configuration written by " +
	"`terraform plan -generate-config-out` holds the masked client id and no secret: replace the client id with " +
	"the real one and add the secret, or the plan stops with an error on `client_id`.\n\n" +
	"## Bank feeds: what has no API\n\n" +
	"- **Bank Feeds for your Codat client** is enabled by Codat: ask your Codat account manager. There is no API " +
	"for it, and Codat's current documents no longer show a Codat Portal switch for it.\n" +
	"- **Xero app partnership and the Xero Bank Feeds API**: bank feeds need your Xero app to be in the Xero App " +
	"Partner Program and Xero to enable the Bank Feeds API for it, on application. Until Xero certifies the app it " +
	fmt.Sprintf("can connect at most %d Xero organisations (Codat's current Xero setup page; older pages say 25), ", xeroUncertifiedConnections) +
	"so plan a pilot within that limit.\n\n" +
	"## Codat API\n\n" +
	"Credentials: `GET`, `PUT` and `DELETE /integrations/credentials/gbol` from Codat's Partners API " +
	"(`Codat-Partners.json`). Integration: `GET /integrations/gbol` (Platform API). Enabled: " +
	"`PUT /integrations/gbol/enabled`, and access: `GET` and `PATCH /settings/integrations/{integrationId}` " +
	"(`oneTimeSync`, a string: the provider sends `True` or `False`), both from Codat's legacy API, which the " +
	"current OpenAPI descriptions no longer list."

type xeroIntegrationResource struct{ resourceBase }

type xeroIntegrationModel struct {
	ID                    types.String `tfsdk:"id"`
	ClientID              types.String `tfsdk:"client_id"`
	ClientSecretWO        types.String `tfsdk:"client_secret_wo"`
	ClientSecretWOVersion types.Int64  `tfsdk:"client_secret_wo_version"`
	ClientSecret          types.String `tfsdk:"client_secret"`
	Enabled               types.Bool   `tfsdk:"enabled"`
	Access                types.String `tfsdk:"access"`
	VerifyCredentials     types.Bool   `tfsdk:"verify_credentials"`
	DisableOnDestroy      types.Bool   `tfsdk:"disable_on_destroy"`
	DeleteOnDestroy       types.Bool   `tfsdk:"delete_credentials_on_destroy"`
	IntegrationID         types.String `tfsdk:"integration_id"`
	Name                  types.String `tfsdk:"name"`
}

func (r *xeroIntegrationResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: xeroIntegrationDescription,
		Attributes: map[string]schema.Attribute{
			"id": setOnCreate(fmt.Sprintf("Always `%s`, Xero's platform key in Codat.", xeroPlatformKey)),
			"client_id": schema.StringAttribute{
				MarkdownDescription: "Client id of your Xero app (Xero Developer: My Apps > your app > Configuration). " +
					"Changing it stores the credentials again. " + maskedInputRule,
				Required:   true,
				Validators: []validator.String{notBlank(), notMasked()},
			},
			"client_secret_wo": schema.StringAttribute{
				MarkdownDescription: "A client secret generated for the Xero app, write-only: Terraform sends it to " +
					"the provider but never keeps it in the plan or state (Terraform 1.11 or later). It is sent to " +
					"Codat on create and whenever `client_secret_wo_version` or `client_id` changes, so changing only " +
					"this value changes nothing. Exactly one of `client_secret_wo` and `client_secret` must be set. " +
					maskedInputRule,
				Optional:  true,
				Sensitive: true,
				WriteOnly: true,
				Validators: []validator.String{
					notBlank(),
					notMasked(),
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
					"must be set. " + maskedInputRule,
				Optional:  true,
				Sensitive: true,
				Validators: []validator.String{
					notBlank(),
					notMasked(),
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
			"disable_on_destroy": schema.BoolAttribute{
				MarkdownDescription: "Whether destroying this resource switches the Xero integration off for the whole " +
					"Codat client (`PUT /integrations/gbol/enabled` with `{\"enabled\": false}`), so that no customer can " +
					"connect Xero any more. Defaults to `false`: destroy leaves the integration as it is and warns. Destroy " +
					"reads it from the state: set it to `true` and apply before destroying.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"delete_credentials_on_destroy": schema.BoolAttribute{
				MarkdownDescription: "Whether destroying this resource deletes the Xero client id and secret stored in " +
					"Codat (`DELETE /integrations/credentials/gbol`), which stops every customer's Xero connection of the " +
					"Codat client from working. Defaults to `false`: destroy leaves the credentials stored and warns. " +
					"Destroy reads it from the state: set it to `true` and apply before destroying.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"integration_id": setOnCreate("Codat's id of the Xero integration (a UUID)."),
			"name":           setOnCreate("Name of the integration, `Xero`."),
		},
	}
}

func (r *xeroIntegrationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer xeroIntegrationIdentity.afterCreate(ctx, resp)
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
	defer xeroIntegrationIdentity.afterRead(ctx, req, resp)
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
	defer xeroIntegrationIdentity.afterUpdate(ctx, resp)
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

// Delete touches Codat only as far as the state opts in: the integration and its credentials serve every customer
// of the Codat client, so by default destroy forgets the resource and says what it left in place.
func (r *xeroIntegrationResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state xeroIntegrationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	disable, deleteCredentials := state.DisableOnDestroy.ValueBool(), state.DeleteOnDestroy.ValueBool()
	// Disabled first, so that no customer starts a Xero connection while the credentials are going.
	if disable {
		if _, err := r.data.client.SetIntegrationEnabled(ctx, xeroPlatformKey, false); err != nil && !codat.IsNotFound(err) {
			addAPIError(&resp.Diagnostics, "Unable to disable the Codat Xero integration", err)
			return
		}
	}
	if deleteCredentials {
		if err := r.data.client.DeleteIntegrationCredentials(ctx, xeroPlatformKey); err != nil && !codat.IsNotFound(err) {
			addAPIError(&resp.Diagnostics, "Unable to delete the Xero credentials from Codat", err)
			return
		}
	}
	if disable && deleteCredentials {
		return
	}
	var kept []string
	if !disable {
		kept = append(kept, "the integration stays as it was (enabled or not) for every customer of the Codat client")
	}
	if !deleteCredentials {
		kept = append(kept, "the Xero client id and secret stay stored in Codat")
	}
	resp.Diagnostics.AddWarning("Xero integration left in Codat",
		"codat_xero_integration was removed from the Terraform state only: "+strings.Join(kept, ", and ")+
			". Every customer's Xero connection depends on them, so destroy changes them only when asked to.\n\n"+
			"To have destroy switch the integration off or delete the credentials, set disable_on_destroy or "+
			"delete_credentials_on_destroy to true and apply before destroying.")
}

func (r *xeroIntegrationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !importByIdentity(req) && req.ID != xeroPlatformKey {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("codat_xero_integration holds the single Xero integration of your Codat client: import it with "+
				"the ID %q (Xero's platform key), not %q.", xeroPlatformKey, req.ID))
		return
	}
	xeroIntegrationIdentity.importState(ctx, req, resp)
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
	state.DisableOnDestroy = plan.DisableOnDestroy
	state.DeleteOnDestroy = plan.DeleteOnDestroy

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
		oneTimeSync := codat.NewLegacyBool(plan.Access.ValueString() == accessOneOff)
		settings, err := r.data.client.UpdateIntegrationSettings(ctx, state.IntegrationID.ValueString(),
			codat.IntegrationSettingsUpdate{OneTimeSync: &oneTimeSync})
		if err != nil {
			addAPIAttributeError(diags, path.Root("access"), "Unable to set the access mode of the Codat Xero integration", err)
			return state, false
		}
		access, ok := accessMode(settings.OneTimeSync, diags)
		if !ok {
			return state, false
		}
		state.Access = access
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
	// Registered before any request, in every form the provider sends it (JSON to Codat; form-encoded and in HTTP
	// Basic credentials to Xero), so that neither an error body echoing it nor a log line can show it.
	r.data.client.AddClientCredentials(plan.ClientID.ValueString(), secret)

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
	access, ok := accessMode(settings.OneTimeSync, diags)
	if !ok {
		return false
	}

	m.ID = types.StringValue(xeroPlatformKey)
	m.Enabled = types.BoolValue(integration.Enabled)
	m.IntegrationID = types.StringValue(integration.IntegrationID)
	m.Name = types.StringValue(integration.Name)
	m.Access = access
	m.ClientID, m.ClientSecret = storedCredentials(m.ClientID, m.ClientSecret, creds)
	m.ClientSecretWO = types.StringNull()
	// Settings of the provider, not of Codat: an import takes their defaults.
	if m.VerifyCredentials.IsNull() {
		m.VerifyCredentials = types.BoolValue(true)
	}
	if m.DisableOnDestroy.IsNull() {
		m.DisableOnDestroy = types.BoolValue(false)
	}
	if m.DeleteOnDestroy.IsNull() {
		m.DeleteOnDestroy = types.BoolValue(false)
	}
	return false
}

// storedCredentials compares the masked credentials Codat returns with the values in state. A state value the
// mask fits (codat.FitsMask, any of Codat's mask styles) is kept. Otherwise the masked value takes its place, so
// that the plan shows an update that stores the configured credentials again; with no credentials stored at all,
// client_id becomes null to the same end. A client_secret that was not in state (client_secret_wo is used, or
// after an import) stays null. A masked value in state is never sent: what is sent comes from the configuration,
// which refuses masked values.
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

func fitsMask(masked string, v types.String) bool {
	return !v.IsNull() && !v.IsUnknown() && codat.FitsMask(masked, v.ValueString())
}

// accessMode reads Codat's oneTimeSync setting as the access attribute.
func accessMode(oneTimeSync codat.LegacyBool, diags *diag.Diagnostics) (types.String, bool) {
	oneOff, err := oneTimeSync.Bool()
	if err != nil {
		diags.AddAttributeError(path.Root("access"), "Unable to read the access mode of the Codat Xero integration",
			fmt.Sprintf("The oneTimeSync setting of GET /settings/integrations/{integrationId} says whether Codat reads a "+
				"customer's Xero data once or continuously: %v. Set it in the Codat Portal (Settings > Integrations > "+
				"Accounting > Xero > Manage) and refresh.", err))
		return types.StringNull(), false
	}
	if oneOff {
		return types.StringValue(accessOneOff), true
	}
	return types.StringValue(accessContinuous), true
}

// maskedInputRule is the rule of notMasked, for attribute descriptions.
const maskedInputRule = "A value masked the way Codat shows stored credentials (`XXXXXXXXXXXXXXXXXXXXXXXXXXXX1A2B`, " +
	"`********1A2B`) is refused at plan time: Codat never returns the real value, and storing the mask would " +
	"break every customer's Xero connection."

// notMasked refuses a credential that has the form of Codat's masked credentials, such as the client id that
// `terraform plan -generate-config-out` writes after an import. Its message never shows the value, which may
// be (the mask of) a secret.
func notMasked() validator.String { return notMaskedValidator{} }

type notMaskedValidator struct{}

func (notMaskedValidator) Description(context.Context) string {
	return "must not be a masked value as Codat shows stored credentials"
}

func (v notMaskedValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (notMaskedValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || !codat.IsMasked(req.ConfigValue.ValueString()) {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Masked Xero credential",
		fmt.Sprintf("%s has the form of a masked credential as Codat shows it (a run of X or * and at most the last "+
			"four characters), for example in configuration that terraform plan -generate-config-out wrote after an "+
			"import. Codat never returns the real value, and sending the mask would store it as the credential, so "+
			"nothing is sent.\n\nSet %s to the real value from Xero Developer (My Apps > your app > Configuration).",
			req.Path, req.Path))
}
