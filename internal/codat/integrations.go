package codat

import (
	"context"
	"net/http"
)

// Integration is a platform Codat integrates with, such as Xero ("gbol"), as configured for the Codat client.
type Integration struct {
	Key                string `json:"key"`
	LogoURL            string `json:"logoUrl,omitempty"`
	Name               string `json:"name"`
	Enabled            bool   `json:"enabled"`
	SourceID           string `json:"sourceId,omitempty"`
	SourceType         string `json:"sourceType,omitempty"`
	IntegrationID      string `json:"integrationId,omitempty"`
	IsOfflineConnector bool   `json:"isOfflineConnector"`
	IsBeta             bool   `json:"isBeta"`
	DataProvidedBy     string `json:"dataProvidedBy,omitempty"`
}

// IntegrationSettings are the sync settings of an integration.
type IntegrationSettings struct {
	IntegrationID string `json:"integrationId"`
	// OneTimeSync true means one-off access to the SMB's data instead of continuous.
	OneTimeSync bool `json:"oneTimeSync"`
}

// IntegrationSettingsUpdate holds the settings to change; nil fields are not sent.
type IntegrationSettingsUpdate struct {
	OneTimeSync *bool `json:"oneTimeSync,omitempty"`
}

// ListIntegrations returns every integration matching opts.
func (c *Client) ListIntegrations(ctx context.Context, opts ListOptions) ([]Integration, error) {
	return listAll[Integration](ctx, c, "/integrations", opts)
}

// GetIntegration returns the integration with the given platform key.
func (c *Client) GetIntegration(ctx context.Context, platformKey string) (*Integration, error) {
	var out Integration
	if err := c.do(ctx, http.MethodGet, pathf("/integrations/%s", platformKey), nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetIntegrationCredentials returns the integration's stored credentials (such as clientId and clientSecret) as
// Codat shows them: masked, all but the last four characters replaced by "*". It is empty when none are stored.
func (c *Client) GetIntegrationCredentials(ctx context.Context, platformKey string) (map[string]string, error) {
	out := map[string]string{}
	if err := c.do(ctx, http.MethodGet, pathf("/integrations/credentials/%s", platformKey), nil, nil, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// PutIntegrationCredentials stores the integration's credentials and returns them masked. Register secret values
// with AddSecret first so that no error or log can show them.
func (c *Client) PutIntegrationCredentials(ctx context.Context, platformKey string, creds map[string]string) (map[string]string, error) {
	out := map[string]string{}
	if err := c.do(ctx, http.MethodPut, pathf("/integrations/credentials/%s", platformKey), nil, creds, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteIntegrationCredentials removes the integration's stored credentials.
func (c *Client) DeleteIntegrationCredentials(ctx context.Context, platformKey string) error {
	return c.do(ctx, http.MethodDelete, pathf("/integrations/credentials/%s", platformKey), nil, nil, nil)
}

// SetIntegrationEnabled enables or disables the integration for the SMBs of the Codat client.
func (c *Client) SetIntegrationEnabled(ctx context.Context, platformKey string, enabled bool) (*Integration, error) {
	body := struct {
		Enabled bool `json:"enabled"`
	}{enabled}
	var out Integration
	if err := c.do(ctx, http.MethodPut, pathf("/integrations/%s/enabled", platformKey), nil, body, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetIntegrationSettings returns the sync settings of the integration with the given id (Integration.IntegrationID).
func (c *Client) GetIntegrationSettings(ctx context.Context, integrationID string) (*IntegrationSettings, error) {
	var out IntegrationSettings
	if err := c.do(ctx, http.MethodGet, pathf("/settings/integrations/%s", integrationID), nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateIntegrationSettings changes the sync settings set in update.
func (c *Client) UpdateIntegrationSettings(ctx context.Context, integrationID string, update IntegrationSettingsUpdate) (*IntegrationSettings, error) {
	var out IntegrationSettings
	if err := c.do(ctx, http.MethodPatch, pathf("/settings/integrations/%s", integrationID), nil, update, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
