package codat

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// pagedServer serves total companies in Codat's envelope, honouring page and pageSize.
func pagedServer(total int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		pageNumber, _ := strconv.Atoi(q.Get("page"))
		pageSize, _ := strconv.Atoi(q.Get("pageSize"))
		results := []Company{}
		for i := (pageNumber - 1) * pageSize; i < min(pageNumber*pageSize, total); i++ {
			results = append(results, Company{ID: fmt.Sprint("c", i), Name: fmt.Sprint("Company ", i)})
		}
		body, _ := json.Marshal(map[string]any{
			"results": results, "pageNumber": pageNumber, "pageSize": pageSize, "totalResults": total,
			"_links": map[string]any{"self": map[string]string{"href": "/companies"}, "current": map[string]string{"href": r.URL.String()}},
		})
		reply(http.StatusOK, string(body))(w, r)
	}
}

func TestListFollowsPagesToTheEnd(t *testing.T) {
	rec := newRecorder(t, pagedServer(250))
	companies, err := newTestClient(t, rec.srv).ListCompanies(context.Background(),
		ListOptions{Query: "name=Acme", OrderBy: "-created", PageSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(companies) != 250 {
		t.Fatalf("got %d companies, want 250", len(companies))
	}
	for i, c := range companies {
		if c.ID != fmt.Sprint("c", i) {
			t.Fatalf("company %d has id %q", i, c.ID)
		}
	}
	reqs := rec.all()
	if len(reqs) != 3 {
		t.Fatalf("got %d requests, want 3", len(reqs))
	}
	for i, r := range reqs {
		q, _ := url.ParseQuery(r.Query)
		want := url.Values{"page": {fmt.Sprint(i + 1)}, "pageSize": {"100"}, "query": {"name=Acme"}, "orderBy": {"-created"}}
		if r.Path != "/companies" || q.Encode() != want.Encode() {
			t.Errorf("request %d = %s?%s, want /companies?%s", i, r.Path, r.Query, want.Encode())
		}
	}
}

func TestListDefaultsAndEdges(t *testing.T) {
	tests := map[string]struct {
		total        int
		opts         ListOptions
		wantRequests int
		wantQuery    string
	}{
		"default page size":      {total: 100, opts: ListOptions{}, wantRequests: 1, wantQuery: "page=1&pageSize=100"},
		"exact multiple":         {total: 200, opts: ListOptions{PageSize: 100}, wantRequests: 2},
		"nothing":                {total: 0, opts: ListOptions{}, wantRequests: 1},
		"largest page":           {total: 5001, opts: ListOptions{PageSize: MaxPageSize}, wantRequests: 2},
		"short page of one item": {total: 1, opts: ListOptions{PageSize: 1}, wantRequests: 1},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			rec := newRecorder(t, pagedServer(tt.total))
			got, err := newTestClient(t, rec.srv).ListCompanies(context.Background(), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tt.total || got == nil {
				t.Errorf("got %d companies (nil: %v), want %d", len(got), got == nil, tt.total)
			}
			if rec.count() != tt.wantRequests {
				t.Errorf("got %d requests, want %d", rec.count(), tt.wantRequests)
			}
			if tt.wantQuery != "" && rec.all()[0].Query != tt.wantQuery {
				t.Errorf("query = %q, want %q", rec.all()[0].Query, tt.wantQuery)
			}
		})
	}
}

func TestListStopsAtEmptyPage(t *testing.T) {
	// A server whose totalResults overstates what it has must not make the client loop forever.
	rec := newRecorder(t,
		reply(http.StatusOK, `{"results":[{"id":"c0","name":"A"}],"pageNumber":1,"pageSize":1,"totalResults":50}`),
		reply(http.StatusOK, `{"results":[],"pageNumber":2,"pageSize":1,"totalResults":50}`))
	got, err := newTestClient(t, rec.srv).ListCompanies(context.Background(), ListOptions{PageSize: 1})
	if err != nil || len(got) != 1 || rec.count() != 2 {
		t.Errorf("got %v, %v after %d requests; want 1 company after 2", got, err, rec.count())
	}
}

func TestListUsesServedPageSize(t *testing.T) {
	// Codat may serve smaller pages than asked for; the client must still read every page.
	rec := newRecorder(t,
		reply(http.StatusOK, `{"results":[{"id":"c0","name":"A"}],"pageNumber":1,"pageSize":1,"totalResults":2}`),
		reply(http.StatusOK, `{"results":[{"id":"c1","name":"B"}],"pageNumber":2,"pageSize":1,"totalResults":2}`))
	got, err := newTestClient(t, rec.srv).ListIntegrations(context.Background(), ListOptions{PageSize: 50})
	if err != nil || len(got) != 2 || rec.count() != 2 {
		t.Errorf("got %v, %v after %d requests; want 2 integrations after 2", got, err, rec.count())
	}
}

func TestListRejectsPageSizeOutOfRange(t *testing.T) {
	rec := newRecorder(t, pagedServer(1))
	c := newTestClient(t, rec.srv)
	for _, size := range []int{-1, MaxPageSize + 1} {
		_, err := c.ListConnections(context.Background(), "c1", ListOptions{PageSize: size})
		if err == nil || !strings.Contains(err.Error(), "outside 1 to 5000") {
			t.Errorf("page size %d: error = %v", size, err)
		}
	}
	if rec.count() != 0 {
		t.Errorf("%d requests sent", rec.count())
	}
}
