package codat

import (
	"context"
	"net/http"
	"net/url"
)

// ServedPageSize is the most items Codat is documented to serve in one page: PagingInfo.pageSize allows at most
// 2,000 although the pageSize parameter accepts 5,000 (CODAT-FACTS C14). It estimates how many pages a list
// takes; the list itself asks MaxPageSize and follows the page size Codat reports.
const ServedPageSize = 2000

// CountCompanies returns how many companies the client has (totalResults), from a page of one company: the
// cheapest way to learn how many pages listing them all would take.
func (c *Client) CountCompanies(ctx context.Context) (int, error) {
	var p page[Company]
	query := url.Values{"page": {"1"}, "pageSize": {"1"}}
	if err := c.do(ctx, http.MethodGet, "/companies", query, nil, &p); err != nil {
		return 0, err
	}
	return p.TotalResults, nil
}

// PagesFor is how many pages of ServedPageSize listing n items takes.
func PagesFor(n int) int {
	return (n + ServedPageSize - 1) / ServedPageSize
}
