package provider

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/terraform-codat/terraform-provider-codat/internal/codat"
)

// Reads of many companies, from the pages of GET /companies: the companies data source, and the company,
// connection and bank-feed account list resources.

// listCompanies reads every company opts selects, with its connections (dataConnections), in pages of the largest
// size Codat serves (CODAT-FACTS C14). A company that moves to another page while the pages are read (one was
// created or deleted meanwhile) is listed once.
func (d *providerData) listCompanies(ctx context.Context, opts codat.ListOptions) ([]codat.Company, error) {
	opts.PageSize = codat.MaxPageSize
	companies, err := d.client.ListCompanies(ctx, opts)
	if err != nil {
		return nil, err
	}
	seen := make(map[string]bool, len(companies))
	unique := companies[:0]
	for _, c := range companies {
		if !seen[c.ID] {
			seen[c.ID] = true
			unique = append(unique, c)
		}
	}
	return unique, nil
}

// companiesToList reads the companies whose connections (dataConnections) a list walks: the one named by
// companyID (one call; a company that does not exist is an error on company_id), else every company.
func (d *providerData) companiesToList(ctx context.Context, companyID types.String, diags *diag.Diagnostics) []codat.Company {
	if companyID.IsNull() {
		companies, err := d.listCompanies(ctx, codat.ListOptions{})
		if err != nil {
			addAPIError(diags, "Unable to list Codat companies", err)
		}
		return companies
	}
	c, err := d.client.GetCompany(ctx, companyID.ValueString())
	if err != nil {
		summary := fmt.Sprintf("Unable to read Codat company %s", companyID.ValueString())
		if codat.IsNotFound(err) {
			summary = fmt.Sprintf("Codat company %s not found", companyID.ValueString())
		}
		addAPIAttributeError(diags, path.Root("company_id"), summary, err)
		return nil
	}
	return []codat.Company{*c}
}

// tagsFilter writes the tags that can be written safely as Codat's tags filter, "k1=v1 && k2=v2" in key
// order; the others are matched by hasTags only. Codat's filter may compare more loosely (ignoring case), which
// hasTags corrects.
func tagsFilter(tags map[string]string) string {
	var conditions []string
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		if tagFilterKey.MatchString(k) && tagFilterValue.MatchString(tags[k]) {
			conditions = append(conditions, k+"="+tags[k])
		}
	}
	return strings.Join(conditions, " && ")
}

// tagFilterKey and tagFilterValue are the keys and values written into Codat's tags filter: only characters
// that Codat's query language cannot read as operators, separators or braces.
var (
	tagFilterKey   = regexp.MustCompile(`^[A-Za-z0-9_\-.]+$`)
	tagFilterValue = regexp.MustCompile(`^[A-Za-z0-9_\-.@:/+]+$`)
)

// hasTags reports whether have holds every tag of want with the same value.
func hasTags(have, want map[string]string) bool {
	for k, v := range want {
		if got, ok := have[k]; !ok || got != v {
			return false
		}
	}
	return true
}
