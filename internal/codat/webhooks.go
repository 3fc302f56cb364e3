package codat

import (
	"context"
	"net/http"
)

// WebhookConsumer is an endpoint of yours that Codat sends webhook events to.
type WebhookConsumer struct {
	ID  string `json:"id"`
	URL string `json:"url"`
	// Disabled is nullable in Codat's schema (default false); nil when Codat left it out or sent null.
	Disabled   *bool    `json:"disabled,omitempty"`
	EventTypes []string `json:"eventTypes"`
	// CompanyTags ("tagKey:tagValue") limit the consumer to companies with one of these tags.
	CompanyTags []string `json:"companyTags,omitempty"`
}

// WebhookConsumerRequest is the body that creates a webhook consumer.
type WebhookConsumerRequest struct {
	URL         string   `json:"url"`
	Disabled    bool     `json:"disabled"`
	EventTypes  []string `json:"eventTypes"`
	CompanyTags []string `json:"companyTags,omitempty"`
}

// ListWebhookConsumers returns every webhook consumer of the client (at most 50; the list is not paged).
func (c *Client) ListWebhookConsumers(ctx context.Context) ([]WebhookConsumer, error) {
	var out struct {
		Results []WebhookConsumer `json:"results"`
	}
	if err := c.do(ctx, http.MethodGet, "/webhooks", nil, nil, &out); err != nil {
		return nil, err
	}
	if out.Results == nil {
		out.Results = []WebhookConsumer{}
	}
	return out.Results, nil
}

// CreateWebhookConsumer creates a webhook consumer. Codat has no operation that updates one.
func (c *Client) CreateWebhookConsumer(ctx context.Context, req WebhookConsumerRequest) (*WebhookConsumer, error) {
	return call[WebhookConsumer](ctx, c, http.MethodPost, "/webhooks", req)
}

// DeleteWebhookConsumer deletes a webhook consumer, and with it any delivery Codat still had scheduled for it.
func (c *Client) DeleteWebhookConsumer(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodDelete, pathf("/webhooks/%s", id), nil, nil, nil)
}
