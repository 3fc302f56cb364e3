package sandbox

import (
	"net/http/httptest"
	"strconv"
	"testing"
)

func TestPageSizeIsCappedAtTheSchemaMaximum(t *testing.T) {
	items := make([]int, 2500)
	for i := range items {
		items[i] = i
	}
	field := func(prop string) (func(int) string, bool) {
		return func(i int) string { return strconv.Itoa(i) }, prop == "n"
	}
	r := &apiRequest{Request: httptest.NewRequest("GET", "/things?pageSize=5000&page=2", nil)}
	page, info, _, ok := paginate(r, items, "Thing", field)
	if !ok {
		t.Fatal("refused")
	}
	if info.PageSize != 2000 || info.TotalResults != 2500 || len(page) != 500 || page[0] != 2000 {
		t.Errorf("pageSize %d, total %d, %d results from %d", info.PageSize, info.TotalResults, len(page), page[0])
	}
	if info.Links.Previous == nil || info.Links.Previous.Href != "/things?page=1&pageSize=2000" || info.Links.Next != nil {
		t.Errorf("links %+v", info.Links)
	}
}
