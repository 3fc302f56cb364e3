package sandbox

import (
	"slices"
	"strings"
)

// tagOperators are the comparisons the tags parameter of GET /companies supports: "equals (=), not
// equals (!=), and contains (~)" (P list-companies, parameter tags).
var tagOperators = []string{"=", "!=", "~"}

// filterCompaniesByTags applies the tags parameter of GET /companies, e.g. "region = uk && owningTeam =
// invoice-finance" (P list-companies). Each condition names a tag key and compares the company's value
// for it as the query language compares strings (parseQuery: case ignored, braces around a value
// dropped); a company without the tag has an empty value for it, so "region != uk" keeps it. Codat
// documents && between conditions and says the parameter "uses the same query language as Codat's query
// parameters" (D:using-the-api/managing-companies.md), so || is read as there. A condition with another
// operator, or none, is a malformed query: the most plausible answer, since the parameter's description
// names only these three.
func filterCompaniesByTags(r *apiRequest, companies []*company) ([]*company, apiResponse, bool) {
	expr := r.URL.Query().Get("tags")
	if expr == "" {
		return companies, apiResponse{}, true
	}
	for _, alternative := range strings.Split(expr, "||") {
		for _, condition := range strings.Split(alternative, "&&") {
			if _, op, _ := splitCondition(strings.TrimSpace(condition)); op != "" && !slices.Contains(tagOperators, op) {
				return nil, malformedQuery("The tags filter supports the operators =, != and ~; '" +
					strings.TrimSpace(condition) + "' uses " + op), false
			}
		}
	}
	keep, resp, ok := parseQuery(expr, "Company tags", companyTag)
	if !ok {
		return nil, resp, false
	}
	return slices.DeleteFunc(slices.Clone(companies), func(c *company) bool { return !keep(c) }), apiResponse{}, true
}

// companyTag reads the tag named key.
func companyTag(key string) (func(*company) string, bool) {
	return func(c *company) string { return c.Tags[key] }, key != ""
}
