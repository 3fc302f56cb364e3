package sandbox_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/terraform-codat/terraform-provider-codat/internal/sandbox"
)

func TestAuthentication(t *testing.T) {
	e := newEnv(t, sandbox.Options{APIKey: "secret-key"})
	for name, auth := range map[string]string{
		"missing":         "",
		"wrong key":       "Basic " + "d3Jvbmc=",
		"key with colon":  "Basic c2VjcmV0LWtleTo=",
		"bearer":          "Bearer secret-key",
		"not base64":      "Basic secret-key",
		"scheme only":     "Basic",
		"raw key as user": "Basic c2VjcmV0LWtleTp4",
	} {
		t.Run(name, func(t *testing.T) {
			resp := e.call(http.MethodGet, "/companies", nil, "Authorization", auth)
			if got := resp.apiError(t, http.StatusUnauthorized); got.Error != "Unauthorized" {
				t.Errorf("error %q", got.Error)
			}
		})
	}
	e.call(http.MethodGet, "/companies", nil).expect(t, http.StatusOK)
	e.call(http.MethodGet, "/companies", nil, "Authorization", "basic c2VjcmV0LWtleQ==").expect(t, http.StatusOK)
	// An unknown path still asks for credentials first.
	e.call(http.MethodGet, "/nowhere", nil, "Authorization", "").apiError(t, http.StatusUnauthorized)
	e.call(http.MethodGet, "/nowhere", nil).apiError(t, http.StatusNotFound)
	resp := e.call(http.MethodPatch, "/companies", nil)
	resp.apiError(t, http.StatusMethodNotAllowed)
	if allow := resp.header.Get("Allow"); allow != "GET, POST" {
		t.Errorf("Allow %q", allow)
	}
}

func TestRandomAPIKey(t *testing.T) {
	a, b := sandbox.New(sandbox.Options{}).APIKey(), sandbox.New(sandbox.Options{}).APIKey()
	if len(a) != 40 || a == b {
		t.Fatalf("keys %q and %q: want two different 40-character keys", a, b)
	}
}

func TestCreateCompany(t *testing.T) {
	e, clock := clockedEnv(t, time.Date(2025, 3, 4, 5, 6, 7, 890, time.UTC), sandbox.Options{})
	var c companyOut
	e.call(http.MethodPost, "/companies", map[string]any{
		"name":        "Toft stores",
		"description": "A shop",
		"tags":        map[string]string{"region": "uk"},
	}).expect(t, http.StatusOK).decode(t, &c)
	if c.Name != "Toft stores" || c.Description != "A shop" || c.Tags["region"] != "uk" {
		t.Errorf("company %+v", c)
	}
	if c.Redirect != e.url+"/link/companies/"+c.ID {
		t.Errorf("redirect %q", c.Redirect)
	}
	if c.Created != "2025-03-04T05:06:07Z" {
		t.Errorf("created %q, want RFC 3339 UTC", c.Created)
	}
	if c.Products == nil || len(c.Products) != 0 || c.DataConnections == nil {
		t.Errorf("products %v, dataConnections %v: want empty arrays", c.Products, c.DataConnections)
	}
	stored, ok := e.sb.Company(c.ID)
	if !ok || stored.Name != "Toft stores" || !stored.Created.Equal(clock.Now()) {
		t.Errorf("stored %+v", stored)
	}

	bare := e.call(http.MethodPost, "/companies", map[string]any{"name": "Bare"}).expect(t, http.StatusOK).object(t)
	if tags, ok := bare["tags"].(map[string]any); bare["description"] != "" || !ok || len(tags) != 0 {
		t.Errorf("company without description or tags: %v", bare)
	}
}

func TestCompanyNameStripping(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	for requested, stored := range map[string]string{
		"Company (Codat[1])":      "Company Codat1",
		"Bank of Dave":            "Bank of Dave",
		"O'Brien & Sons, Ltd.":    "O'Brien & Sons, Ltd.",
		"Q&A @ home? Yes! - ok":   "Q&A @ home? Yes! - ok",
		"Café Zürich #1 (GmbH)":   "Caf Zrich 1 GmbH",
		"tab\tand\nnewline":       "tab\tand\nnewline",
		"100% <script>x</script>": "100 scriptxscript",
	} {
		c := e.createCompany(requested)
		if c.Name != stored {
			t.Errorf("%q stored as %q, want %q", requested, c.Name, stored)
		}
		if got := sandbox.StripCompanyName(requested); got != stored {
			t.Errorf("StripCompanyName(%q) = %q, want %q", requested, got, stored)
		}
	}
	e.call(http.MethodPost, "/companies", map[string]any{"name": "(){}[]#%"}).validationError(t, "name")
}

func TestCompanyValidation(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	tags := func(n int) map[string]string {
		m := map[string]string{}
		for i := range n {
			m[fmt.Sprintf("k%d", i)] = "v"
		}
		return m
	}
	for name, tc := range map[string]struct {
		body  any
		field string
	}{
		"no name":         {map[string]any{"description": "x"}, "name"},
		"null name":       {map[string]any{"name": nil}, "name"},
		"empty name":      {map[string]any{"name": ""}, "name"},
		"number name":     {map[string]any{"name": 7}, "name"},
		"number desc":     {map[string]any{"name": "a", "description": 1}, "description"},
		"11 tags":         {map[string]any{"name": "a", "tags": tags(11)}, "tags"},
		"empty tag key":   {map[string]any{"name": "a", "tags": map[string]string{"": "v"}}, "tags."},
		"28-char tag key": {map[string]any{"name": "a", "tags": map[string]string{strings.Repeat("k", 28): "v"}}, "tags." + strings.Repeat("k", 28)},
		"long tag value":  {map[string]any{"name": "a", "tags": map[string]string{"k": strings.Repeat("v", 101)}}, "tags.k"},
		"28-é tag key":    {map[string]any{"name": "a", "tags": map[string]string{strings.Repeat("é", 28): "v"}}, "tags." + strings.Repeat("é", 28)},
		"101-é tag value": {map[string]any{"name": "a", "tags": map[string]string{"k": strings.Repeat("é", 101)}}, "tags.k"},
		"LF in tag key":   {map[string]any{"name": "a", "tags": map[string]string{"a\nb": "v"}}, "tags.a\nb"},
		"CR in tag key":   {map[string]any{"name": "a", "tags": map[string]string{"a\rb": "v"}}, "tags.a\rb"},
		"LS in tag key":   {map[string]any{"name": "a", "tags": map[string]string{"a\u2028b": "v"}}, "tags.a\u2028b"},
		"PS in tag key":   {map[string]any{"name": "a", "tags": map[string]string{"a\u2029b": "v"}}, "tags.a\u2029b"},
		"tag not string":  {map[string]any{"name": "a", "tags": map[string]any{"k": 1}}, "tags"},
		"not an object":   {`["name"]`, "body"},
		"not JSON":        {`{"name":`, "body"},
	} {
		t.Run(name, func(t *testing.T) {
			e.call(http.MethodPost, "/companies", tc.body).validationError(t, tc.field)
		})
	}
	// The limits themselves are allowed; lengths count characters, not bytes, and a tag value may
	// hold line breaks (only the key has a pattern).
	e.call(http.MethodPost, "/companies", map[string]any{
		"name": "a",
		"tags": map[string]string{strings.Repeat("k", 27): strings.Repeat("v", 100)},
	}).expect(t, http.StatusOK)
	e.call(http.MethodPost, "/companies", map[string]any{"name": "a", "tags": tags(10)}).expect(t, http.StatusOK)
	e.call(http.MethodPost, "/companies", map[string]any{
		"name": "a",
		"tags": map[string]string{strings.Repeat("é", 27): strings.Repeat("é", 99) + "\n", "tab\tkey": "v"},
	}).expect(t, http.StatusOK)
	// White space alone matches the name pattern: stored as sent.
	if c := e.createCompany("  "); c.Name != "  " {
		t.Errorf("a blank name is stored as %q", c.Name)
	}
	if n := len(e.sb.Companies()); n != 4 {
		t.Errorf("%d companies stored, want 4: refused requests must not create any", n)
	}
}

func TestGetReplaceDeleteCompany(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	var c companyOut
	e.call(http.MethodPost, "/companies", map[string]any{
		"name": "Old", "description": "old", "tags": map[string]string{"a": "1"},
	}).expect(t, http.StatusOK).decode(t, &c)
	path := "/companies/" + c.ID

	var got companyOut
	e.call(http.MethodGet, path, nil).expect(t, http.StatusOK).decode(t, &got)
	if got.ID != c.ID || got.Name != "Old" || got.Created != c.Created {
		t.Errorf("get %+v", got)
	}

	// Replace clears what the body leaves out.
	got = companyOut{}
	e.call(http.MethodPut, path, map[string]any{"name": "New [name]"}).expect(t, http.StatusOK).decode(t, &got)
	if got.Name != "New name" || got.Description != "" || len(got.Tags) != 0 || got.Created != c.Created {
		t.Errorf("after replace %+v", got)
	}
	got = companyOut{}
	e.call(http.MethodPut, path, map[string]any{"name": "N", "description": "d", "tags": map[string]string{"b": "2"}}).expect(t, http.StatusOK).decode(t, &got)
	if got.Description != "d" || got.Tags["b"] != "2" {
		t.Errorf("after second replace %+v", got)
	}
	e.call(http.MethodPut, path, map[string]any{"description": "no name"}).validationError(t, "name")
	if stored, _ := e.sb.Company(c.ID); stored.Name != "N" {
		t.Errorf("a refused replace changed the name to %q", stored.Name)
	}

	e.call(http.MethodDelete, path, nil).expect(t, http.StatusNoContent)
	e.call(http.MethodGet, path, nil).apiError(t, http.StatusNotFound)
	e.call(http.MethodPut, path, map[string]any{"name": "x"}).apiError(t, http.StatusNotFound)
	e.call(http.MethodDelete, path, nil).apiError(t, http.StatusNotFound)
	e.call(http.MethodGet, "/companies/not-a-uuid", nil).apiError(t, http.StatusNotFound)
}

func TestDeleteCompanyCascades(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	c, conn := e.linkedXero()
	e.createAccount(c.ID, conn.ID, gbpAccount("a1"))
	if err := e.sb.MapAccount(c.ID, conn.ID, "a1", "", time.Now()); err != nil {
		t.Fatal(err)
	}
	e.call(http.MethodDelete, "/companies/"+c.ID, nil).expect(t, http.StatusNoContent)
	e.call(http.MethodGet, "/companies/"+c.ID+"/connections/"+conn.ID, nil).apiError(t, http.StatusNotFound)
	e.call(http.MethodGet, accountsPath(c.ID, conn.ID), nil).apiError(t, http.StatusNotFound)
	e.call(http.MethodGet, mappingPath(c.ID, conn.ID), nil).apiError(t, http.StatusNotFound)
	if conns := e.sb.Connections(c.ID); conns != nil {
		t.Errorf("connections survive: %v", conns)
	}
	if accounts := e.sb.SourceAccounts(c.ID, conn.ID); accounts != nil {
		t.Errorf("source accounts survive: %v", accounts)
	}
}

func TestListCompaniesPaging(t *testing.T) {
	e := newEnv(t, sandbox.Options{})
	var ids []string
	for i := range 5 {
		ids = append(ids, e.createCompany(fmt.Sprintf("Company %d", i)).ID)
	}
	var page pageOut[companyOut]
	e.call(http.MethodGet, "/companies", nil).expect(t, http.StatusOK).decode(t, &page)
	if page.PageNumber != 1 || page.PageSize != 100 || page.TotalResults != 5 || len(page.Results) != 5 {
		t.Fatalf("default page: %+v", page)
	}
	for i, c := range page.Results {
		if c.ID != ids[i] {
			t.Errorf("result %d is %s, want creation order", i, c.Name)
		}
	}

	page = pageOut[companyOut]{}
	e.call(http.MethodGet, "/companies?page=2&pageSize=2", nil).expect(t, http.StatusOK).decode(t, &page)
	if page.PageNumber != 2 || page.PageSize != 2 || page.TotalResults != 5 || len(page.Results) != 2 || page.Results[0].ID != ids[2] {
		t.Fatalf("page 2: %+v", page)
	}
	if page.Links["self"].Href != "/companies" ||
		page.Links["current"].Href != "/companies?page=2&pageSize=2" ||
		page.Links["next"].Href != "/companies?page=3&pageSize=2" ||
		page.Links["previous"].Href != "/companies?page=1&pageSize=2" {
		t.Errorf("links %+v", page.Links)
	}
	page = pageOut[companyOut]{}
	e.call(http.MethodGet, "/companies?page=3&pageSize=2", nil).expect(t, http.StatusOK).decode(t, &page)
	if len(page.Results) != 1 || page.Links["next"].Href != "" {
		t.Errorf("last page: %+v", page)
	}
	page = pageOut[companyOut]{}
	e.call(http.MethodGet, "/companies?page=9", nil).expect(t, http.StatusOK).decode(t, &page)
	if len(page.Results) != 0 || page.TotalResults != 5 {
		t.Errorf("page past the end: %+v", page)
	}
	for _, q := range []string{"page=0", "page=x", "pageSize=0", "pageSize=5001", "pageSize=-1"} {
		e.call(http.MethodGet, "/companies?"+q, nil).apiError(t, http.StatusBadRequest)
	}
}

func TestListCompaniesQueryAndOrder(t *testing.T) {
	e, clock := clockedEnv(t, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), sandbox.Options{})
	for _, body := range []map[string]any{
		{"name": "Bravo", "tags": map[string]string{"region": "uk"}},
		{"name": "Alpha", "tags": map[string]string{"region": "us"}},
		{"name": "Charlie Alpha"},
	} {
		e.call(http.MethodPost, "/companies", body).expect(t, http.StatusOK)
		clock.Advance(time.Minute)
	}
	q := func(s string) string { return "query=" + url.QueryEscape(s) }
	for query, want := range map[string][]string{
		q("name=alpha"):                   {"Alpha"},
		q("name={Charlie Alpha}"):         {"Charlie Alpha"},
		q("name~alpha"):                   {"Alpha", "Charlie Alpha"},
		q("name!=Alpha"):                  {"Bravo", "Charlie Alpha"},
		q("tags.region=uk"):               {"Bravo"},
		q("name~a&&tags.region=us"):       {"Alpha"},
		q("name=Bravo||name=Alpha"):       {"Bravo", "Alpha"},
		q("name>B"):                       {"Bravo", "Charlie Alpha"},
		q("name<=Bravo"):                  {"Bravo", "Alpha"},
		q("name>=C&&description="):        {"Charlie Alpha"},
		"orderBy=name":                    {"Alpha", "Bravo", "Charlie Alpha"},
		"orderBy=-name":                   {"Charlie Alpha", "Bravo", "Alpha"},
		q("name~a") + "&orderBy=-created": {"Charlie Alpha", "Alpha", "Bravo"},
	} {
		if got := e.companyNames(t, query); !slices.Equal(got, want) {
			t.Errorf("%s: got %q, want %q", query, got, want)
		}
	}
	for _, query := range []string{q("name"), q("=x"), q("colour=red"), "orderBy=colour"} {
		e.call(http.MethodGet, "/companies?"+query, nil).apiError(t, http.StatusBadRequest)
	}
}

func TestProducts(t *testing.T) {
	e := newEnv(t, sandbox.Options{ProductsProgramme: true})
	c := e.createCompany("Acme")
	path := "/companies/" + c.ID + "/products/"
	e.call(http.MethodPut, path+"lending", nil).expect(t, http.StatusNoContent)
	e.call(http.MethodPut, path+"bank-feeds", nil).expect(t, http.StatusNoContent)
	e.call(http.MethodPut, path+"bank-feeds", nil).expect(t, http.StatusNoContent)
	var got companyOut
	e.call(http.MethodGet, "/companies/"+c.ID, nil).expect(t, http.StatusOK).decode(t, &got)
	if !slices.Equal(got.Products, []string{"bank-feeds", "lending"}) {
		t.Errorf("products %v", got.Products)
	}
	e.call(http.MethodDelete, path+"lending", nil).expect(t, http.StatusNoContent)
	e.call(http.MethodDelete, path+"lending", nil).expect(t, http.StatusNoContent)
	if stored, _ := e.sb.Company(c.ID); !slices.Equal(stored.Products, []string{"bank-feeds"}) {
		t.Errorf("products %v", stored.Products)
	}
	e.call(http.MethodPut, path+"teleportation", nil).apiError(t, http.StatusNotFound)
	e.call(http.MethodDelete, path+"teleportation", nil).apiError(t, http.StatusNotFound)
	e.call(http.MethodPut, "/companies/"+c.ID+"x/products/lending", nil).apiError(t, http.StatusNotFound)
}

// Outside Codat's development programme (the default) the alpha product endpoints answer 403,
// whatever the company or product, and change nothing.
func TestProductsOutsideProgramme(t *testing.T) {
	e := checkedEnv(t, sandbox.Options{})
	c := e.createCompany("Acme")
	for _, call := range []struct{ method, path string }{
		{http.MethodPut, "/companies/" + c.ID + "/products/bank-feeds"},
		{http.MethodDelete, "/companies/" + c.ID + "/products/bank-feeds"},
		{http.MethodPut, "/companies/" + c.ID + "/products/teleportation"},
		{http.MethodPut, "/companies/" + uuid.NewString() + "/products/bank-feeds"},
	} {
		body := e.call(call.method, call.path, nil).apiError(t, http.StatusForbidden)
		if !strings.Contains(body.Error, "not associated with that resource") {
			t.Errorf("%s %s: error %q, want Codat's Forbidden message", call.method, call.path, body.Error)
		}
	}
	if stored, _ := e.sb.Company(c.ID); len(stored.Products) != 0 {
		t.Errorf("products %v after refused requests", stored.Products)
	}
}
