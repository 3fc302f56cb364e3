package provider

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-codat/terraform-provider-codat/internal/codat"
)

var _ resource.ResourceWithImportState = (*webhookConsumerResource)(nil)

// Webhook consumer rules from Codat's WebhookConsumer schema (companyTags: maxItems 10, items maxLength 128,
// "Use the format tagKey:tagValue") and its documents ("You must specify a least one event type per endpoint",
// docs/using-the-api/webhooks/create-consumer.md).
const (
	maxConsumerCompanyTags   = 10
	maxConsumerCompanyTagLen = 128
)

var consumerCompanyTagPattern = regexp.MustCompile(`^[^:]+:`)

// allWebhookConsumers is the list cache's key for GET /webhooks, which lists every consumer of the client.
var allWebhookConsumers = connectionKey{}

type webhookConsumerResource struct{ resourceBase }

type webhookConsumerModel struct {
	ID          types.String `tfsdk:"id"`
	URL         types.String `tfsdk:"url"`
	EventTypes  types.Set    `tfsdk:"event_types"`
	CompanyTags types.Set    `tfsdk:"company_tags"`
	Disabled    types.Bool   `tfsdk:"disabled"`
}

func (r *webhookConsumerResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.Set{setplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Codat webhook consumer: an HTTPS endpoint of yours that Codat sends events to, such " +
			"as `connection.connected` or `bankFeeds.sourceAccount.connected`, so you hear about your customers' " +
			"progress instead of polling.\n\n" +
			"~> **Warning:** destroy deletes the consumer in Codat (`DELETE /webhooks/{webhookId}`) with its " +
			"scheduled retries: events from then on are not delivered to its URL.\n\n" +
			"Codat (`GET`/`POST /webhooks`, `DELETE /webhooks/{webhookId}`) has no operation " +
			"that updates a consumer, so any change replaces it: Codat deletes the old one with its scheduled " +
			"retries, and the new one has a new signing secret. Add `lifecycle { create_before_destroy = true }` " +
			"so that no event falls between the two (a message reaching both has the same `webhook-id`). Settings " +
			"only the Portal has (signing secret, custom headers, mTLS, transformations, rate limit) are not " +
			"managed here and are lost on replacement. Codat allows 50 consumers per client.\n\nCodat has no `GET` " +
			"for one consumer: the provider reads them all with one `GET /webhooks` per Terraform operation, " +
			"however many consumers the configuration has.\n\nImport ID: `<webhook_consumer_id>`.",
		Attributes: map[string]schema.Attribute{
			"id": setOnCreate("Codat's id of the webhook consumer (a UUID)."),
			"url": schema.StringAttribute{
				MarkdownDescription: "URL Codat posts events to: an absolute `https://` URL (`http://` only to a " +
					"loopback host such as `127.0.0.1`, for local tests). It must answer `2XX` within 15 seconds; " +
					"Codat retries failed messages for about 28 hours and disables a consumer whose deliveries " +
					"all fail for 5 days.",
				Required:      true,
				Validators:    []validator.String{webhookURL()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"event_types": schema.SetAttribute{
				MarkdownDescription: "Event types the consumer receives, at least one, from Codat's event catalogue " +
					"(docs/using-the-api/webhooks/event-types.md): " + webhookEventTypesDoc() + ". Codat's legacy " +
					"rule types (such as `DataSyncCompleted`) were retired on 2025-01-10 and are refused.",
				ElementType:   types.StringType,
				Required:      true,
				Validators:    []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(webhookEventType())},
				PlanModifiers: replace,
			},
			"company_tags": schema.SetAttribute{
				MarkdownDescription: fmt.Sprintf("Limit the consumer to events of companies with at least one of "+
					"these tags, each written `key:value` (case-sensitive; at most %d, each at most %d characters). "+
					"Empty (the default): events of every company.", maxConsumerCompanyTags, maxConsumerCompanyTagLen),
				ElementType: types.StringType,
				Optional:    true,
				Computed:    true,
				Default:     setdefault.StaticValue(types.SetValueMust(types.StringType, []attr.Value{})),
				Validators: []validator.Set{
					setvalidator.SizeAtMost(maxConsumerCompanyTags),
					setvalidator.ValueStringsAre(
						stringvalidator.UTF8LengthAtMost(maxConsumerCompanyTagLen),
						stringvalidator.RegexMatches(consumerCompanyTagPattern, "must be a company tag written key:value, such as region:uk"),
					),
				},
				PlanModifiers: replace,
			},
			"disabled": schema.BoolAttribute{
				MarkdownDescription: "When true, Codat sends the consumer nothing; events in the meantime are " +
					"missed (the Portal can replay them). Defaults to `false`. Codat also disables a consumer " +
					"itself after 5 days of failed deliveries; the next plan then shows it replaced by an enabled one.",
				Optional:      true,
				Computed:      true,
				Default:       booldefault.StaticBool(false),
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
			},
		},
	}
}

func (r *webhookConsumerResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer webhookConsumerIdentity.afterCreate(ctx, resp)
	var plan webhookConsumerModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	body := codat.WebhookConsumerRequest{
		URL:         plan.URL.ValueString(),
		Disabled:    plan.Disabled.ValueBool(),
		EventTypes:  sortedSet(ctx, plan.EventTypes, &resp.Diagnostics),
		CompanyTags: sortedSet(ctx, plan.CompanyTags, &resp.Diagnostics),
	}
	if resp.Diagnostics.HasError() {
		return
	}
	consumer, err := r.data.client.CreateWebhookConsumer(ctx, body)
	r.data.webhookConsumers.invalidate(allWebhookConsumers)
	var unknown *codat.OutcomeUnknownError
	if errors.As(err, &unknown) {
		consumer, err = r.adopt(ctx, body, err, &resp.Diagnostics)
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to create Codat webhook consumer", err)
		return
	}
	setWebhookConsumerState(ctx, &plan, consumer, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// adopt settles a create whose outcome is unknown (its answer was lost): Codat has no idempotent read, so the
// consumers are listed. Exactly one consumer with the requested settings is taken as the one created, with a
// warning; none means Codat did not create it, and the original error stands (the next apply retries). More
// than one cannot be told apart, and the error lists them for import.
func (r *webhookConsumerResource) adopt(ctx context.Context, body codat.WebhookConsumerRequest, createErr error, diags *diag.Diagnostics) (*codat.WebhookConsumer, error) {
	consumers, err := r.data.client.ListWebhookConsumers(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w; listing the consumers to find out whether it was created also failed: %w", createErr, err)
	}
	var matches []codat.WebhookConsumer
	for _, c := range consumers {
		if c.URL == body.URL && ptrBool(c.Disabled) == body.Disabled &&
			sameStrings(c.EventTypes, body.EventTypes) && sameStrings(c.CompanyTags, body.CompanyTags) {
			matches = append(matches, c)
		}
	}
	switch len(matches) {
	case 0:
		return nil, fmt.Errorf("%w; no consumer with these settings exists, so Codat did not create it: apply again", createErr)
	case 1:
		diags.AddWarning("Codat webhook consumer adopted after a lost answer",
			fmt.Sprintf("The answer to the create request was lost (%v). Codat has exactly one consumer with these "+
				"settings, %s, which is recorded as this resource. If it existed before this apply, remove it from "+
				"the state (terraform state rm) and delete the duplicate.", createErr, matches[0].ID))
		return &matches[0], nil
	}
	ids := make([]string, len(matches))
	for i, m := range matches {
		ids[i] = m.ID
	}
	return nil, fmt.Errorf("%w; Codat has %d consumers with these settings (%s) and the one just created cannot be "+
		"told apart: import the one to keep and delete the others", createErr, len(matches), strings.Join(ids, ", "))
}

func (r *webhookConsumerResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer webhookConsumerIdentity.afterRead(ctx, req, resp)
	var state webhookConsumerModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	consumer, err := r.data.findWebhookConsumer(ctx, state.ID.ValueString())
	if readFailed(ctx, resp, err, fmt.Sprintf("Unable to read Codat webhook consumer %s", state.ID.ValueString())) {
		return
	}
	setWebhookConsumerState(ctx, &state, consumer, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update is never called with a change: every configurable attribute requires replacement.
func (r *webhookConsumerResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer webhookConsumerIdentity.afterUpdate(ctx, resp)
	var plan webhookConsumerModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *webhookConsumerResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state webhookConsumerModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	err := r.data.client.DeleteWebhookConsumer(ctx, state.ID.ValueString())
	r.data.webhookConsumers.invalidate(allWebhookConsumers)
	if err != nil && !codat.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to delete Codat webhook consumer %s", state.ID.ValueString()), err)
	}
}

func (r *webhookConsumerResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	webhookConsumerIdentity.importState(ctx, req, resp)
}

// findWebhookConsumer reads one consumer from the list shared by every reader in this provider process.
func (d *providerData) findWebhookConsumer(ctx context.Context, id string) (*codat.WebhookConsumer, error) {
	consumers, err := d.webhookConsumers.get(ctx, allWebhookConsumers, func(ctx context.Context) ([]codat.WebhookConsumer, error) {
		return d.client.ListWebhookConsumers(ctx)
	})
	return findIn(consumers, err, func(c *codat.WebhookConsumer) bool { return strings.EqualFold(c.ID, id) },
		"webhook consumer %q", id)
}

func setWebhookConsumerState(ctx context.Context, m *webhookConsumerModel, c *codat.WebhookConsumer, diags *diag.Diagnostics) {
	m.ID = types.StringValue(c.ID)
	m.URL = types.StringValue(c.URL)
	m.EventTypes = stringSetValue(ctx, c.EventTypes, diags)
	m.CompanyTags = stringSetValue(ctx, c.CompanyTags, diags)
	m.Disabled = types.BoolValue(ptrBool(c.Disabled))
}

// stringSetValue is a set attribute of strings; empty, never null, when there are none.
func stringSetValue(ctx context.Context, values []string, diags *diag.Diagnostics) types.Set {
	if values == nil {
		values = []string{}
	}
	set, d := types.SetValueFrom(ctx, types.StringType, values)
	diags.Append(d...)
	return set
}

// sortedSet is a known set attribute's strings in order, so that requests do not depend on set order.
func sortedSet(ctx context.Context, v types.Set, diags *diag.Diagnostics) []string {
	s := stringSet(ctx, v, diags)
	slices.Sort(s)
	return s
}

func sameStrings(a, b []string) bool {
	return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
}

func ptrBool(b *bool) bool { return b != nil && *b }

// webhookURL accepts absolute https URLs, and http URLs to a loopback host (a receiver on the same machine,
// for tests); Codat's events carry your customers' data, which must not travel in clear text.
func webhookURL() validator.String {
	return stringCheck{
		description: "an absolute https:// URL (http:// only to a loopback host)",
		check: func(raw string) string {
			u, err := url.Parse(raw)
			if err != nil || !u.IsAbs() || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
				return "must be an absolute https:// URL such as https://hooks.example.com/codat"
			}
			if u.Scheme == "http" && !isLoopback(u.Hostname()) {
				return "must use https:// (http:// is accepted only for a loopback host such as 127.0.0.1)"
			}
			return ""
		},
	}
}

// legacyRuleTypes maps Codat's retired rule types to the event types that replace them
// (docs/using-the-api/webhooks/migrating-to-new-event-types.md).
var legacyRuleTypes = map[string]string{
	"ClientRateLimitReached":       "client.rateLimit.reached",
	"ClientRateLimitReset":         "client.rateLimit.reset",
	"DataConnectionStatusChanged":  "connection.connected, connection.disconnected and the other connection.* types",
	"DataSyncCompleted":            "read.completed",
	"DataSyncStatusChangedToError": "read.completed",
	"DatasetDataChanged":           "read.completed",
	"NewCompanySynchronized":       "read.completed.initial",
	"PushOperationStatusChanged":   "{dataType}.write.successful or {dataType}.write.unsuccessful",
	"PushOperationTimedOut":        "{dataType}.write.unsuccessful",
	"SyncCompleted":                "expenses.sync.successful",
	"SyncFailed":                   "expenses.sync.unsuccessful",
	"SyncConnectionDeleted":        "connection.deleted",
}

// webhookEventType accepts the event types of webhookEventTypes and says what was probably meant otherwise.
func webhookEventType() validator.String {
	return stringCheck{
		description: "an event type from Codat's event catalogue",
		check: func(s string) string {
			if slices.Contains(webhookEventTypes, s) {
				return ""
			}
			if replacement, ok := legacyRuleTypes[s]; ok {
				return "is a legacy rule type Codat retired on 2025-01-10; use " + replacement
			}
			msg := "is not an event type in Codat's event catalogue (docs/using-the-api/webhooks/event-types.md)"
			if near := nearestEventType(s); near != "" {
				msg += fmt.Sprintf("; did you mean %q?", near)
			}
			return msg
		},
	}
}

// nearestEventType is the catalogue's event type closest to s, ignoring case, when it is close enough to be a
// typing mistake.
func nearestEventType(s string) string {
	best, bestDist := "", 4
	for _, e := range webhookEventTypes {
		if d := editDistance(strings.ToLower(s), strings.ToLower(e)); d < bestDist {
			best, bestDist = e, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
