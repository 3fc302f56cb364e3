package sandbox

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

const (
	defaultPageSize = 100
	maxPageSize     = 5000
	// maxReturnedPageSize is PagingInfo.pageSize's maximum: larger requests are served in
	// pages of this size, so clients must page by totalResults rather than by a short page.
	maxReturnedPageSize = 2000
)

// pagingInfo is Codat's PagingInfo schema, embedded in each paged envelope.
type pagingInfo struct {
	PageNumber   int        `json:"pageNumber"`
	PageSize     int        `json:"pageSize"`
	TotalResults int        `json:"totalResults"`
	Links        pagingLink `json:"_links"`
}

type pagingLink struct {
	Self     href  `json:"self"`
	Current  href  `json:"current"`
	Next     *href `json:"next,omitempty"`
	Previous *href `json:"previous,omitempty"`
}

type href struct {
	Href string `json:"href"`
}

// fieldFunc resolves a queryable property of an item type to its getter, or reports false when
// the type has no such property.
type fieldFunc[T any] func(property string) (func(T) string, bool)

// fields is a fixed set of queryable properties and their getters; its lookup is their fieldFunc.
type fields[T any] map[string]func(T) string

func (f fields[T]) lookup(property string) (func(T) string, bool) {
	get, ok := f[property]
	return get, ok
}

// paginate applies Codat's query, orderBy, page and pageSize parameters to items.
func paginate[T any](r *apiRequest, items []T, typeName string, field fieldFunc[T]) ([]T, pagingInfo, apiResponse, bool) {
	q := r.URL.Query()
	page, pageSize := 1, defaultPageSize
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return nil, pagingInfo{}, malformedQuery("page must be a whole number of at least 1"), false
		}
		page = n
	}
	if v := q.Get("pageSize"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxPageSize {
			return nil, pagingInfo{}, malformedQuery("pageSize must be a whole number from 1 to 5000"), false
		}
		pageSize = n
	}
	pageSize = min(pageSize, maxReturnedPageSize)

	if expr := q.Get("query"); expr != "" {
		keep, resp, ok := parseQuery(expr, typeName, field)
		if !ok {
			return nil, pagingInfo{}, resp, false
		}
		items = slices.DeleteFunc(slices.Clone(items), func(it T) bool { return !keep(it) })
	}
	if orderBy := q.Get("orderBy"); orderBy != "" {
		prop, desc := strings.CutPrefix(orderBy, "-")
		get, ok := field(prop)
		if !ok {
			return nil, pagingInfo{}, unresolvedProperty(prop, typeName), false
		}
		items = slices.Clone(items)
		slices.SortStableFunc(items, func(a, b T) int {
			if desc {
				return strings.Compare(get(b), get(a))
			}
			return strings.Compare(get(a), get(b))
		})
	}

	total := len(items)
	start := min((page-1)*pageSize, total)
	end := min(start+pageSize, total)
	info := pagingInfo{
		PageNumber:   page,
		PageSize:     pageSize,
		TotalResults: total,
		Links: pagingLink{
			Self:    href{r.URL.Path},
			Current: href{pageHref(r.URL, page, pageSize)},
		},
	}
	if end < total {
		info.Links.Next = &href{pageHref(r.URL, page+1, pageSize)}
	}
	if page > 1 {
		info.Links.Previous = &href{pageHref(r.URL, page-1, pageSize)}
	}
	return items[start:end], info, apiResponse{}, true
}

// pagedResults answers a list request with one page of items, each as toJSON writes it, and Codat's paging
// information.
func pagedResults[T, J any](r *apiRequest, items []T, typeName string, field fieldFunc[T], toJSON func(T) J) apiResponse {
	page, info, resp, ok := paginate(r, items, typeName, field)
	if !ok {
		return resp
	}
	out := make([]J, len(page))
	for i, item := range page {
		out[i] = toJSON(item)
	}
	return jsonResponse(http.StatusOK, struct {
		Results []J `json:"results"`
		pagingInfo
	}{out, info})
}

func pageHref(u *url.URL, page, pageSize int) string {
	q := url.Values{}
	q.Set("page", strconv.Itoa(page))
	q.Set("pageSize", strconv.Itoa(pageSize))
	for _, k := range []string{"query", "orderBy", "tags"} {
		if v := u.Query().Get(k); v != "" {
			q.Set(k, v)
		}
	}
	return u.Path + "?" + q.Encode()
}

func malformedQuery(detail string) apiResponse {
	return badRequest("Error parsing query - Malformed query. %s", detail)
}

func unresolvedProperty(prop, typeName string) apiResponse {
	return badRequest("Error parsing query - Could not resolve property %s on %s", prop, typeName)
}

// queryOperators are tried longest first so that "!=" is not read as "=".
var queryOperators = []string{"!=", ">=", "<=", "=", ">", "<", "~"}

// parseQuery understands the subset of Codat's query language that filters by properties:
// conditions "property op value" (op one of = != > < >= <= ~) joined by && and ||, && binding
// tighter, and grouped with { } ("To combine AND and OR queries, use curly braces",
// D:using-the-api/querying.md). Values may be wrapped in braces too. String comparison ignores
// case, as Codat's does.
func parseQuery[T any](expr, typeName string, field fieldFunc[T]) (func(T) bool, apiResponse, bool) {
	p := &queryParser[T]{src: expr, typeName: typeName, field: field}
	match := p.or()
	if !p.failed {
		if rest := strings.TrimSpace(p.src[p.pos:]); rest != "" {
			p.fail(malformedQuery("Unexpected '" + rest + "'"))
		}
	}
	if p.failed {
		return nil, p.err, false
	}
	return match, apiResponse{}, true
}

// queryParser reads a query from src, recursively: or := and {"||" and}; and := term {"&&" term};
// term := "{" or "}" | condition.
type queryParser[T any] struct {
	src      string
	pos      int
	typeName string
	field    fieldFunc[T]
	failed   bool
	err      apiResponse
}

func (p *queryParser[T]) fail(resp apiResponse) {
	if !p.failed {
		p.failed, p.err = true, resp
	}
}

// take consumes token after optional spaces, reporting whether it was there.
func (p *queryParser[T]) take(token string) bool {
	rest := strings.TrimLeft(p.src[p.pos:], " \t")
	if !strings.HasPrefix(rest, token) {
		return false
	}
	p.pos = len(p.src) - len(rest) + len(token)
	return true
}

func (p *queryParser[T]) or() func(T) bool {
	left := p.and()
	for !p.failed && p.take("||") {
		l, r := left, p.and()
		left = func(item T) bool { return l(item) || r(item) }
	}
	return left
}

func (p *queryParser[T]) and() func(T) bool {
	left := p.term()
	for !p.failed && p.take("&&") {
		l, r := left, p.term()
		left = func(item T) bool { return l(item) && r(item) }
	}
	return left
}

func (p *queryParser[T]) term() func(T) bool {
	never := func(T) bool { return false }
	if p.take("{") {
		inner := p.or()
		if !p.failed && !p.take("}") {
			p.fail(malformedQuery("Expected '}' to close a group"))
		}
		return inner
	}
	// A condition runs to the next && or || or group end outside braces (a value may be in braces).
	start, depth := p.pos, 0
	for ; p.pos < len(p.src); p.pos++ {
		rest := p.src[p.pos:]
		if depth == 0 && (strings.HasPrefix(rest, "&&") || strings.HasPrefix(rest, "||") || rest[0] == '}') {
			break
		}
		switch rest[0] {
		case '{':
			depth++
		case '}':
			depth--
		}
	}
	part := strings.TrimSpace(p.src[start:p.pos])
	prop, op, value := splitCondition(part)
	if op == "" || prop == "" {
		p.fail(malformedQuery("Expected 'property operator value' in '" + part + "'"))
		return never
	}
	get, ok := p.field(prop)
	if !ok {
		p.fail(unresolvedProperty(prop, p.typeName))
		return never
	}
	want := strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(value, "{"), "}"))
	return func(item T) bool { return compare(strings.ToLower(get(item)), op, want) }
}

// splitCondition splits one condition "property op value" of the query language; op is "" when
// the condition has none.
func splitCondition(part string) (prop, op, value string) {
	for _, candidate := range queryOperators {
		if i := strings.Index(part, candidate); i > 0 {
			return strings.TrimSpace(part[:i]), candidate, strings.TrimSpace(part[i+len(candidate):])
		}
	}
	return "", "", ""
}

func compare(v, op, want string) bool {
	switch op {
	case "=":
		return v == want
	case "!=":
		return v != want
	case ">":
		return v > want
	case "<":
		return v < want
	case ">=":
		return v >= want
	case "<=":
		return v <= want
	default:
		return strings.Contains(v, want)
	}
}
