package codat

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
)

// Page sizes of Codat's paged lists.
const (
	DefaultPageSize = 100
	MaxPageSize     = 5000
)

// ListOptions narrows and orders a paged list. The client reads every page.
type ListOptions struct {
	// Query is a Codat query string, e.g. "name=Acme" (see https://docs.codat.io/using-the-api/querying).
	Query string
	// OrderBy is the field to order by, "-" first for descending, e.g. "-created".
	OrderBy string
	// Tags filters GET /companies by tags, e.g. "region=uk && team=lending"; no other list takes it.
	Tags string
	// PageSize is the number of items per request: DefaultPageSize when zero, at most MaxPageSize.
	PageSize int
}

// page is Codat's paged-list envelope.
type page[T any] struct {
	Results      []T `json:"results"`
	PageNumber   int `json:"pageNumber"`
	PageSize     int `json:"pageSize"`
	TotalResults int `json:"totalResults"`
}

// listAll reads the pages of path from the first until one is empty or the pages read cover totalResults.
func listAll[T any](ctx context.Context, c *Client, path string, opts ListOptions) ([]T, error) {
	return listUntil[T](ctx, c, path, opts, nil)
}

// listUntil is listAll that also stops after the page holding an item for which past reports true (the items of
// that page are all returned); for lists ordered by a date, past says an item is older than wanted.
func listUntil[T any](ctx context.Context, c *Client, path string, opts ListOptions, past func(T) bool) ([]T, error) {
	size := opts.PageSize
	if size == 0 {
		size = DefaultPageSize
	}
	if size < 1 || size > MaxPageSize {
		return nil, &RequestError{Method: http.MethodGet, Path: path,
			Err: fmt.Errorf("page size %d is outside 1 to %d", opts.PageSize, MaxPageSize)}
	}
	query := url.Values{"pageSize": {strconv.Itoa(size)}}
	if opts.Query != "" {
		query.Set("query", opts.Query)
	}
	if opts.OrderBy != "" {
		query.Set("orderBy", opts.OrderBy)
	}
	if opts.Tags != "" {
		query.Set("tags", opts.Tags)
	}

	all := []T{}
	for number := 1; ; number++ {
		query.Set("page", strconv.Itoa(number))
		var p page[T]
		if err := c.do(ctx, http.MethodGet, path, query, nil, &p); err != nil {
			return nil, err
		}
		all = append(all, p.Results...)
		if past != nil && slices.ContainsFunc(p.Results, past) {
			return all, nil
		}
		// Codat may serve fewer items per page than asked for; its envelope says how many.
		served := p.PageSize
		if served <= 0 {
			served = size
		}
		if len(p.Results) == 0 || number*served >= p.TotalResults {
			return all, nil
		}
	}
}
