package provider

import (
	"context"
	"iter"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// List resources (Terraform 1.14 and later, `terraform query`) find existing Codat objects by the same ids their
// resources' identities hold, so that `terraform query -generate-config-out` writes an import block and a resource
// block for each. They read what the resources read, in as few calls as Codat allows: companies and their
// connections from the pages of GET /companies (dataConnections), source accounts from one list per connection.
// Every call is made while Terraform reads the results, so a list that reaches its limit stops calling Codat.

// listResults streams the results of one list request: it builds each result from the model of its resource (as
// the resource's Read would record it), and stops once Terraform has the results it asked for (the list block's
// limit) or stops reading.
type listResults struct {
	ctx      context.Context
	req      list.ListRequest
	identity resourceIdentity
	push     func(list.ListResult) bool
	sent     int64
}

// add sends one result for model (a resource model such as companyModel) and reports whether more are wanted.
func (l *listResults) add(model any, displayName string) bool {
	result := l.req.NewListResult(l.ctx)
	result.DisplayName = displayName
	state := tfsdk.State{Schema: l.req.ResourceSchema, Raw: tftypes.NewValue(l.req.ResourceSchema.Type().TerraformType(l.ctx), nil)}
	result.Diagnostics.Append(state.Set(l.ctx, model)...)
	l.identity.record(l.ctx, state, result.Identity, &result.Diagnostics)
	if l.req.IncludeResource {
		result.Resource.Raw = state.Raw
	}
	if !l.push(result) {
		return false
	}
	l.sent++
	return l.req.Limit <= 0 || l.sent < l.req.Limit
}

// fail ends the stream with an error result.
func (l *listResults) fail(diags diag.Diagnostics) {
	l.push(list.ListResult{Diagnostics: diags})
}

// stream reads the list block's configuration into config, then sets resp to run list when Terraform reads the
// results.
func stream(ctx context.Context, req list.ListRequest, resp *list.ListResultsStream, config any, identity resourceIdentity, run func(*listResults)) {
	if diags := req.Config.Get(ctx, config); diags.HasError() {
		resp.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	resp.Results = func(push func(list.ListResult) bool) {
		run(&listResults{ctx: ctx, req: req, identity: identity, push: push})
	}
}

// companyIDFilter is a list block's optional company_id: it lists only the objects of that company, described as
// what the list then holds.
func companyIDFilter(what string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "Lists only " + what + ", " + codatIDRule + ". A company that does not exist is an error.",
		Optional:            true,
		Validators:          []validator.String{codatID()},
	}
}

// fetched is the outcome of one call of fetchInOrder.
type fetched[K, V any] struct {
	key   K
	value V
	err   error
}

// fetchInOrder calls fetch for each key, at most window calls at a time, and yields the outcomes in the order of
// keys. Once the consumer stops, no further call starts and the calls in flight are cancelled.
func fetchInOrder[K, V any](ctx context.Context, keys []K, window int, fetch func(context.Context, K) (V, error)) iter.Seq[fetched[K, V]] {
	return func(yield func(fetched[K, V]) bool) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		pending := make([]chan fetched[K, V], len(keys))
		start := func(i int) {
			// Buffered, so that a call still in flight when the consumer stops does not block.
			pending[i] = make(chan fetched[K, V], 1)
			go func() {
				v, err := fetch(ctx, keys[i])
				pending[i] <- fetched[K, V]{keys[i], v, err}
			}()
		}
		for i := range min(window, len(keys)) {
			start(i)
		}
		for i := range keys {
			if !yield(<-pending[i]) {
				return
			}
			if next := i + window; next < len(keys) {
				start(next)
			}
		}
	}
}
