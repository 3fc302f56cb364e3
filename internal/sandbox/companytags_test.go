package sandbox_test

import (
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

// GET /companies?tags=... filters by tags with =, != and ~ joined by && (P list-companies), and the
// paging links keep the filter.
func TestListCompaniesByTags(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	for _, body := range []map[string]any{
		{"name": "Bravo", "tags": map[string]string{"region": "uk", "team": "invoice-finance"}},
		{"name": "Alpha", "tags": map[string]string{"region": "us", "uid": "cust-42"}},
		{"name": "Charlie", "tags": map[string]string{"region": "uk", "team": "lending"}},
		{"name": "Delta"},
	} {
		e.call(http.MethodPost, "/companies", body).expect(t, http.StatusOK)
	}
	tags := func(s string) string { return "tags=" + url.QueryEscape(s) }
	for query, want := range map[string][]string{
		tags("region=uk"): {"Bravo", "Charlie"},
		tags("region = uk && team = invoice-finance"):              {"Bravo"},
		tags("uid = {cust-42}"):                                    {"Alpha"},
		tags("region != uk"):                                       {"Alpha", "Delta"},
		tags("team ~ finance"):                                     {"Bravo"},
		tags("region=uk") + "&query=" + url.QueryEscape("name~ar"): {"Charlie"},
		tags("region=fr"):                                          nil,
	} {
		if got := e.companyNames(t, query); !slices.Equal(got, want) {
			t.Errorf("%s: got %q, want %q", query, got, want)
		}
	}

	var page pageOut[companyOut]
	e.call(http.MethodGet, "/companies?pageSize=1&"+tags("region=uk"), nil).expect(t, http.StatusOK).decode(t, &page)
	if page.TotalResults != 2 || page.Links["next"].Href != "/companies?page=2&pageSize=1&tags=region%3Duk" {
		t.Errorf("paged tags filter: total %d, links %+v", page.TotalResults, page.Links)
	}

	for _, bad := range []string{"region", "=uk", "region > uk", "region <= uk", "region=uk &&"} {
		e.call(http.MethodGet, "/companies?"+tags(bad), nil).apiError(t, http.StatusBadRequest)
	}
}

// Codat's query language groups conditions with braces: "{totalAmount > 100 || totalAmount < 50} && status !=
// paid" (D:using-the-api/querying.md).
func TestListCompaniesQueryGroups(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	for _, body := range []map[string]any{
		{"name": "Bravo", "tags": map[string]string{"region": "uk"}},
		{"name": "Alpha", "tags": map[string]string{"region": "us"}},
		{"name": "Charlie Alpha", "tags": map[string]string{"region": "uk"}},
	} {
		e.call(http.MethodPost, "/companies", body).expect(t, http.StatusOK)
	}
	for query, want := range map[string][]string{
		"{name=Alpha || name=Bravo} && tags.region=uk":   {"Bravo"},
		"tags.region=uk && {name~charlie || name=Alpha}": {"Charlie Alpha"},
		"{ {name=Alpha} || {name={Charlie Alpha}} }":     {"Alpha", "Charlie Alpha"},
		"name=Bravo || {name~Alpha && tags.region=uk}":   {"Bravo", "Charlie Alpha"},
		"{name=Alpha || name=Bravo} && {tags.region=us}": {"Alpha"},
	} {
		if got := e.companyNames(t, "query="+url.QueryEscape(query)); !slices.Equal(got, want) {
			t.Errorf("%s: got %q, want %q", query, got, want)
		}
	}
	for _, bad := range []string{"{name=Alpha", "name=Alpha}", "{}", "name=Alpha && {", "{name=Alpha} name=Bravo"} {
		e.call(http.MethodGet, "/companies?query="+url.QueryEscape(bad), nil).apiError(t, http.StatusBadRequest)
	}
}
