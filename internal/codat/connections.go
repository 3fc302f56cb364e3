package codat

import (
	"context"
	"net/http"
)

// Connection is a company's data connection to one platform, such as its Xero organisation.
type Connection struct {
	ID            string `json:"id"`
	IntegrationID string `json:"integrationId,omitempty"`
	// IntegrationKey is the platform key, such as "gbol". Codat may leave it out (it is no longer required since
	// 2026-04-15); IntegrationID always names the integration.
	IntegrationKey string `json:"integrationKey,omitempty"`
	SourceID       string `json:"sourceId,omitempty"`
	SourceType     string `json:"sourceType,omitempty"`
	PlatformName   string `json:"platformName,omitempty"`
	// LinkURL is where the SMB user authorises the connection (and, for bank feeds, maps accounts).
	LinkURL string `json:"linkUrl,omitempty"`
	// Status is PendingAuth, Linked, Unlinked or Deauthorized.
	Status   string `json:"status,omitempty"`
	Created  string `json:"created,omitempty"`
	LastSync string `json:"lastSync,omitempty"`
}

// ListConnections returns every connection of a company matching opts.
func (c *Client) ListConnections(ctx context.Context, companyID string, opts ListOptions) ([]Connection, error) {
	return listAll[Connection](ctx, c, pathf("/companies/%s/connections", companyID), opts)
}

// CreateConnection creates a connection of a company to the platform with the given key ("gbol" for Xero).
func (c *Client) CreateConnection(ctx context.Context, companyID, platformKey string) (*Connection, error) {
	body := struct {
		PlatformKey string `json:"platformKey"`
	}{platformKey}
	return call[Connection](ctx, c, http.MethodPost, pathf("/companies/%s/connections", companyID), body)
}

// GetConnection returns one connection; IsNotFound(err) when it or its company does not exist.
func (c *Client) GetConnection(ctx context.Context, companyID, connectionID string) (*Connection, error) {
	return call[Connection](ctx, c, http.MethodGet, pathf("/companies/%s/connections/%s", companyID, connectionID), nil)
}

// DeleteConnection deletes a connection and revokes Codat's access to the platform.
func (c *Client) DeleteConnection(ctx context.Context, companyID, connectionID string) error {
	return c.do(ctx, http.MethodDelete, pathf("/companies/%s/connections/%s", companyID, connectionID), nil, nil, nil)
}
