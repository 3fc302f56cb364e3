// Package provider implements the Codat Terraform provider on terraform-plugin-framework.
package provider

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/terraform-codat/terraform-provider-codat/internal/codat"
)

// Address is the provider's registry source address.
const Address = "registry.terraform.io/terraform-codat/codat"

// DefaultXeroTokenURL is Xero's OAuth2 token endpoint, where xero_token_url points unless set. The other defaults
// of the provider configuration are the client's (codat.Default*): an unset attribute leaves its field of
// codat.Config zero.
const DefaultXeroTokenURL = "https://identity.xero.com/connect/token"

// maxRequestsPerMinuteCeiling bounds max_requests_per_minute; values above Codat's limit serve a local sandbox.
const maxRequestsPerMinuteCeiling = 1_000_000

// Environment variables read when the matching attribute is not set.
const (
	EnvAPIKey       = "CODAT_API_KEY"
	EnvBaseURL      = "CODAT_BASE_URL"
	EnvXeroTokenURL = "XERO_TOKEN_URL"
)

var (
	_ provider.Provider                  = (*codatProvider)(nil)
	_ provider.ProviderWithListResources = (*codatProvider)(nil)
)

// New returns a constructor for the provider at the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &codatProvider{version: version}
	}
}

type codatProvider struct {
	version string
}

type providerModel struct {
	APIKey                types.String `tfsdk:"api_key"`
	BaseURL               types.String `tfsdk:"base_url"`
	XeroTokenURL          types.String `tfsdk:"xero_token_url"`
	MaxRetries            types.Int64  `tfsdk:"max_retries"`
	MaxConcurrentRequests types.Int64  `tfsdk:"max_concurrent_requests"`
	MaxRequestsPerMinute  types.Int64  `tfsdk:"max_requests_per_minute"`
	RequestTimeout        types.String `tfsdk:"request_timeout"`
	MaxRetryWait          types.String `tfsdk:"max_retry_wait"`
}

func (p *codatProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "codat"
	resp.Version = p.version
}

func (p *codatProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages a Codat bank-feeds set-up for Xero: the Xero integration settings, " +
			"one Codat company per customer, its Xero connection, the source bank-feed accounts and their mapping.",
		Attributes: map[string]schema.Attribute{
			"api_key": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Codat API key, sent as `Authorization: Basic base64(api_key)`. "+
					"Falls back to the `%s` environment variable. Must be %s. Never stored in state or written to logs. "+
					"Set it through the environment variable or an `ephemeral` variable: Terraform saves any other "+
					"variable in plan files, `sensitive` or not.", EnvAPIKey, codat.IdentifierRule),
				Optional:   true,
				Sensitive:  true,
				Validators: []validator.String{apiKey()},
			},
			"base_url": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Base URL of the Codat API. Defaults to `%s`; falls back to the `%s` "+
					"environment variable. Must be `https://`, except `http://` to a loopback address (a local sandbox), "+
					"with no path: Codat's API is served from the root of its host.",
					codat.DefaultBaseURL, EnvBaseURL),
				Optional:   true,
				Validators: []validator.String{baseURL()},
			},
			"xero_token_url": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Xero's OAuth2 token endpoint, used only to verify Xero app credentials "+
					"before they are stored. Defaults to `%s`; falls back to the `%s` environment variable.",
					DefaultXeroTokenURL, EnvXeroTokenURL),
				Optional:   true,
				Validators: []validator.String{apiURL()},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times a request is retried after a dropped connection, "+
					"408, 429 or 5xx answer. A create answered `500` is not resent (Codat replays the `500` for its "+
					"`Idempotency-Key`): when it made nothing it is sent again under a new key, at most this many times. "+
					"Defaults to `%d`.", codat.DefaultMaxRetries),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 20)},
			},
			"max_concurrent_requests": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("Most requests in flight at once, across all resources. Defaults to "+
					"`%d`, Codat's concurrency limit.", codat.DefaultMaxConcurrentRequests),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(1, 100)},
			},
			"max_requests_per_minute": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("Most requests the provider sends to Codat in any 60 seconds, retries "+
					"included. Defaults to `%d`, Codat's hard limit per IP address, above which Codat may block the "+
					"address without warning (https://docs.codat.io/using-the-api/rate-limits). The provider paces its "+
					"requests with a token bucket: a burst of a fiftieth of the limit, then an even pace of about 91 %% of "+
					"it, so that no minute at Codat holds more than the limit even when requests arrive a few seconds late "+
					"or the plan and apply of one run follow each other. An operation of N requests beyond the burst takes "+
					"at least N / (0.91 × limit) minutes. Set it lower when other Codat traffic leaves from the same IP "+
					"address, including other Terraform runs at the same time: the limit is Codat's for the address, the "+
					"pacing is this provider process's. Between 1 and %d; values above %d are for a local sandbox.",
					codat.DefaultRequestsPerMinute, maxRequestsPerMinuteCeiling, codat.DefaultRequestsPerMinute),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(1, maxRequestsPerMinuteCeiling)},
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Time limit of one HTTP attempt, as a Go duration such as `30s`. "+
					"Defaults to `%s`.", codat.DefaultRequestTimeout),
				Optional:   true,
				Validators: []validator.String{duration(time.Second, time.Hour)},
			},
			"max_retry_wait": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Longest `Retry-After` the provider waits out when Codat rate-limits "+
					"it; a longer one fails the operation, naming the wait Codat asked for, or the daily quota and its "+
					"reset time when the `X-Rate-Limit-*` headers say the quota is used up. Go duration. Defaults to `%s`.",
					codat.DefaultMaxRetryAfter),
				Optional:   true,
				Validators: []validator.String{duration(0, 24*time.Hour)},
			},
		},
	}
}

func (p *codatProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	unknown := map[string]bool{
		"api_key":                 cfg.APIKey.IsUnknown(),
		"base_url":                cfg.BaseURL.IsUnknown(),
		"xero_token_url":          cfg.XeroTokenURL.IsUnknown(),
		"max_retries":             cfg.MaxRetries.IsUnknown(),
		"max_concurrent_requests": cfg.MaxConcurrentRequests.IsUnknown(),
		"max_requests_per_minute": cfg.MaxRequestsPerMinute.IsUnknown(),
		"request_timeout":         cfg.RequestTimeout.IsUnknown(),
		"max_retry_wait":          cfg.MaxRetryWait.IsUnknown(),
	}
	for _, name := range sortedKeys(unknown) {
		if unknown[name] {
			resp.Diagnostics.AddAttributeError(path.Root(name), "Unknown provider configuration value",
				fmt.Sprintf("The provider cannot be configured because %q depends on a value known only after apply. "+
					"Set it to a literal or a variable, or apply its dependency first with -target.", name))
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	// Values from the environment have not met the schema's validators: the same checks run here.
	apiKey, apiKeyFrom := stringOrEnv(cfg.APIKey, "api_key", EnvAPIKey, "")
	if apiKey == "" {
		resp.Diagnostics.AddAttributeError(path.Root("api_key"), "Missing Codat API key",
			fmt.Sprintf("Set api_key in the provider block or the %s environment variable. "+
				"The key is in the Codat Portal under Developers > API keys.", EnvAPIKey))
	} else if msg := checkAPIKey(apiKey); msg != "" {
		resp.Diagnostics.AddAttributeError(path.Root("api_key"), "Invalid Codat API key",
			fmt.Sprintf("The API key (from %s) %s. Copy the key again from the Codat Portal (Developers > API keys).",
				apiKeyFrom, msg))
	}
	baseURL, baseURLFrom := stringOrEnv(cfg.BaseURL, "base_url", EnvBaseURL, codat.DefaultBaseURL)
	if msg := checkBaseURL(baseURL); msg != "" {
		resp.Diagnostics.AddAttributeError(path.Root("base_url"), "Invalid Codat base URL",
			fmt.Sprintf("%q (from %s) %s.", baseURL, baseURLFrom, msg))
	}
	tokenURL, tokenURLFrom := stringOrEnv(cfg.XeroTokenURL, "xero_token_url", EnvXeroTokenURL, DefaultXeroTokenURL)
	if msg := checkAPIURL(tokenURL); msg != "" {
		resp.Diagnostics.AddAttributeError(path.Root("xero_token_url"), "Invalid Xero token URL",
			fmt.Sprintf("%q (from %s) %s.", tokenURL, tokenURLFrom, msg))
	}
	if resp.Diagnostics.HasError() {
		return
	}

	client, err := codat.NewClient(codat.Config{
		BaseURL:               baseURL,
		APIKey:                apiKey,
		UserAgent:             fmt.Sprintf("terraform-provider-codat/%s terraform/%s", p.version, req.TerraformVersion),
		MaxRetries:            configInt(cfg.MaxRetries),
		MaxConcurrentRequests: configInt(cfg.MaxConcurrentRequests),
		RequestsPerMinute:     configInt(cfg.MaxRequestsPerMinute),
		RequestTimeout:        configDuration(cfg.RequestTimeout),
		MaxRetryAfter:         configDuration(cfg.MaxRetryWait),
	})
	if err != nil {
		resp.Diagnostics.AddError("Unable to create the Codat API client", err.Error())
		return
	}
	tflog.Debug(ctx, "configured Codat client", map[string]any{"base_url": baseURL})

	data := newProviderData(client, tokenURL)
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.ListResourceData = data
}

func (p *codatProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		resourceType[companyResource]("company", companyIdentity),
		resourceType[connectionResource]("connection", connectionIdentity),
		resourceType[bankFeedAccountResource]("bank_feed_account", bankFeedAccountIdentity),
		resourceType[bankFeedAccountMappingResource]("bank_feed_account_mapping", bankFeedAccountMappingIdentity),
		resourceType[xeroIntegrationResource]("xero_integration", xeroIntegrationIdentity),
		resourceType[webhookConsumerResource]("webhook_consumer", webhookConsumerIdentity),
	}
}

func (p *codatProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		dataSourceType[integrationDataSource]("integration"),
		dataSourceType[companyDataSource]("company"),
		dataSourceType[connectionDataSource]("connection"),
		dataSourceType[bankFeedMappingDataSource]("bank_feed_mapping"),
		dataSourceType[companiesDataSource]("companies"),
		dataSourceType[bankFeedCompanyInfoDataSource]("bank_feed_company_info"),
		dataSourceType[bankFeedAccountsDataSource]("bank_feed_accounts"),
	}
}

// ListResources are the list resources of `terraform query` (Terraform 1.14 and later): each lists objects of the
// resource type with the same name.
func (p *codatProvider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{
		listResourceType[companyListResource]("company", companyIdentity),
		listResourceType[connectionListResource]("connection", connectionIdentity),
		listResourceType[bankFeedAccountListResource]("bank_feed_account", bankFeedAccountIdentity),
	}
}

// stringOrEnv returns the attribute's value, else the environment variable's when it is set and not empty, else def,
// and where the value came from, for error messages.
func stringOrEnv(v types.String, attr, env, def string) (value, from string) {
	if !v.IsNull() && v.ValueString() != "" {
		return v.ValueString(), attr
	}
	if s := os.Getenv(env); s != "" {
		return s, "the " + env + " environment variable, read as " + attr + " is not set"
	}
	return def, "the default"
}

// configInt and configDuration give an attribute's value to its field of codat.Config, which takes its default
// (codat.Default*) for zero and reads a negative value as none: an unset attribute stays zero, and 0, where the
// schema allows it, means none. A duration is one the schema's validator accepted.
func configInt(v types.Int64) int {
	if !v.IsNull() && v.ValueInt64() == 0 {
		return codat.None
	}
	return int(v.ValueInt64())
}

func configDuration(v types.String) time.Duration {
	d, err := time.ParseDuration(v.ValueString())
	switch {
	case v.IsNull() || err != nil:
		return 0
	case d == 0:
		return codat.None
	}
	return d
}
