package codat

import (
	"context"
	"strings"
	"time"
)

// recentPageSize is the page size of the lists of recent objects: one page usually reaches past the start time.
const recentPageSize = 100

// RecentCompanies returns the companies whose created date is at or after since (on Codat's clock, see
// ServerTime), newest first, plus any whose created date cannot be read. It lists with orderBy=-created and stops
// paging at the first older company, so it costs one call unless many companies were made since.
func (c *Client) RecentCompanies(ctx context.Context, since time.Time) ([]Company, error) {
	all, err := listUntil(ctx, c, "/companies", ListOptions{OrderBy: "-created", PageSize: recentPageSize},
		func(co Company) bool { return createdBefore(co.Created, since) })
	if err != nil {
		return nil, err
	}
	return dropOlder(all, since, func(co Company) string { return co.Created }), nil
}

// RecentConnections is RecentCompanies for the connections of one company.
func (c *Client) RecentConnections(ctx context.Context, companyID string, since time.Time) ([]Connection, error) {
	all, err := listUntil(ctx, c, pathf("/companies/%s/connections", companyID),
		ListOptions{OrderBy: "-created", PageSize: recentPageSize},
		func(co Connection) bool { return createdBefore(co.Created, since) })
	if err != nil {
		return nil, err
	}
	return dropOlder(all, since, func(co Connection) string { return co.Created }), nil
}

func dropOlder[T any](items []T, since time.Time, created func(T) string) []T {
	out := items[:0]
	for _, it := range items {
		if !createdBefore(created(it), since) {
			out = append(out, it)
		}
	}
	return out
}

// createdBefore reports whether a Codat DateTime is known to be before t. Codat's DateTime may come with "Z", with
// an offset or with neither (then UTC); one that cannot be read is not known to be before anything.
func createdBefore(created string, t time.Time) bool {
	created = strings.TrimSpace(created)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02"} {
		if at, err := time.Parse(layout, created); err == nil {
			return at.Before(t)
		}
	}
	return false
}
