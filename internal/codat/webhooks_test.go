package codat

import (
	"context"
	"net/url"
	"reflect"
	"testing"
)

func TestWebhookConsumerEndpoints(t *testing.T) {
	consumerJSON := `{"id":"12571faf-0898-47e7-afdd-0fe9eb0a9bf5","url":"https://example.com/codat",
		"eventTypes":["connection.connected"],"companyTags":["region:uk"],"disabled":false}`
	no := false
	consumer := WebhookConsumer{ID: "12571faf-0898-47e7-afdd-0fe9eb0a9bf5", URL: "https://example.com/codat",
		EventTypes: []string{"connection.connected"}, CompanyTags: []string{"region:uk"}, Disabled: &no}

	rec := newRecorder(t, reply(201, consumerJSON), reply(200, `{"results":[`+consumerJSON+`,{"id":"x","url":"https://e","eventTypes":["a"],"disabled":null}]}`),
		reply(200, `{"results":null}`), reply(204, ""))
	c := newTestClient(t, rec.srv)
	ctx := context.Background()

	created, err := c.CreateWebhookConsumer(ctx, WebhookConsumerRequest{URL: "https://example.com/codat",
		EventTypes: []string{"connection.connected"}, CompanyTags: []string{"region:uk"}})
	if err != nil || !reflect.DeepEqual(*created, consumer) {
		t.Fatalf("create: %+v, %v", created, err)
	}
	list, err := c.ListWebhookConsumers(ctx)
	if err != nil || len(list) != 2 || !reflect.DeepEqual(list[0], consumer) || list[1].Disabled != nil {
		t.Fatalf("list: %+v, %v", list, err)
	}
	if empty, err := c.ListWebhookConsumers(ctx); err != nil || empty == nil || len(empty) != 0 {
		t.Fatalf("empty list: %#v, %v", empty, err)
	}
	if err := c.DeleteWebhookConsumer(ctx, "12571faf-0898-47e7-afdd-0fe9eb0a9bf5"); err != nil {
		t.Fatal(err)
	}
	reqs := rec.all()
	assertJSONEqual(t, reqs[0].Body, `{"url":"https://example.com/codat","disabled":false,"eventTypes":["connection.connected"],"companyTags":["region:uk"]}`)
	if reqs[0].Header.Get("Idempotency-Key") == "" {
		t.Error("create without an Idempotency-Key")
	}
	for i, want := range []string{"POST /webhooks", "GET /webhooks", "GET /webhooks", "DELETE /webhooks/12571faf-0898-47e7-afdd-0fe9eb0a9bf5"} {
		if got := reqs[i].Method + " " + reqs[i].Path; got != want {
			t.Errorf("request %d = %s, want %s", i, got, want)
		}
	}
}

func TestListCompaniesByTags(t *testing.T) {
	rec := newRecorder(t, reply(200, `{"results":[],"pageNumber":1,"pageSize":2000,"totalResults":0,"_links":{"self":{"href":"/companies"},"current":{"href":"/companies"}}}`))
	_, err := newTestClient(t, rec.srv).ListCompanies(context.Background(), ListOptions{Tags: "region=uk && team=a", PageSize: MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	q, _ := url.ParseQuery(rec.all()[0].Query)
	if q.Get("tags") != "region=uk && team=a" || q.Get("pageSize") != "5000" || q.Has("query") {
		t.Errorf("query %v", q)
	}
}
