package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/terraform-codat/terraform-provider-codat/internal/codat"
)

// bankFeedAccountListResource lists source accounts for `terraform query`: list "codat_bank_feed_account".
type bankFeedAccountListResource struct{ resourceBase }

type bankFeedAccountListConfig struct {
	connectionRef
}

func (r *bankFeedAccountListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists source bank accounts, for `terraform query` to adopt them as " +
			"`codat_bank_feed_account` resources. Codat lists source accounts per connection " +
			"(`GET .../connectionInfo/bankFeedAccounts`), so a query makes one such call per connection it covers, " +
			"ten at a time, after finding the connections: none with `connection_id`, one `GET /companies/{companyId}` " +
			"with `company_id` alone, else the pages of `GET /companies` (2,000 companies a page). An adopted account's " +
			"`balance` (the opening balance, which Codat does not keep) is Codat's balance now, as on import.",
		Attributes: map[string]schema.Attribute{
			"company_id": companyIDFilter("the accounts of this company's connections"),
			"connection_id": schema.StringAttribute{
				MarkdownDescription: "Lists only the accounts of this connection of `company_id` (required with it), " +
					codatIDRule + ". A connection that does not exist is an error.",
				Optional: true,
				Validators: []validator.String{
					codatID(),
					stringvalidator.AlsoRequires(path.MatchRoot("company_id")),
				},
			},
		},
	}
}

// accountListWindow is how many connections' accounts a list reads at once: Codat's concurrency limit, which the
// client enforces across all requests anyway (max_concurrent_requests).
const accountListWindow = codat.DefaultMaxConcurrentRequests

func (r *bankFeedAccountListResource) List(ctx context.Context, req list.ListRequest, resp *list.ListResultsStream) {
	var config bankFeedAccountListConfig
	stream(ctx, req, resp, &config, r.identity, func(results *listResults) {
		var diags diag.Diagnostics
		var keys []connectionKey
		if !config.ConnectionID.IsNull() {
			keys = []connectionKey{config.key()}
		} else {
			for _, c := range r.data.companiesToList(ctx, config.CompanyID, &diags) {
				for _, conn := range c.DataConnections {
					keys = append(keys, connectionKey{c.ID, conn.ID})
				}
			}
			if diags.HasError() {
				results.fail(diags)
				return
			}
		}
		for f := range fetchInOrder(ctx, keys, accountListWindow, r.data.connectionSourceAccounts) {
			// A connection deleted since the companies were read has no accounts any more; the one the
			// configuration names must exist.
			if isNotFound(f.err) && config.ConnectionID.IsNull() {
				continue
			}
			if f.err != nil {
				summary := fmt.Sprintf("Unable to list the source accounts of Codat connection %s/%s", f.key.companyID, f.key.connectionID)
				if codat.IsNotFound(f.err) {
					addAPIAttributeError(&diags, path.Root("connection_id"), summary, f.err)
				} else {
					addAPIError(&diags, summary, f.err)
				}
				results.fail(diags)
				return
			}
			for i := range f.value {
				a := &f.value[i]
				var m bankFeedAccountModel
				setBankFeedAccountState(&m, f.key, a, &diags)
				if diags.HasError() {
					results.fail(diags)
					return
				}
				if !results.add(&m, fmt.Sprintf("%s (%s, %s)", a.AccountName, a.AccountType, a.Currency)) {
					return
				}
			}
		}
	})
}
