package codat

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
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

// maskShown is how many trailing characters Codat's masks show (CODAT-FACTS C2).
const maskShown = 4

// maskRun returns the character of the leading run of v and its length, when v has the form of Codat's masked
// credentials (CODAT-FACTS C2): a run of at least four "X" or "*" followed by at most maskShown other characters,
// as in "XXXXXXXXXXXXXXXXXXXX2a6b" or "********2a6b", or a short value hidden whole ("***").
func maskRun(v []rune) (rune, int, bool) {
	if len(v) == 0 || (v[0] != 'X' && v[0] != '*') {
		return 0, 0, false
	}
	run := 0
	for run < len(v) && v[run] == v[0] {
		run++
	}
	return v[0], run, run == len(v) || run >= maskShown && len(v)-run <= maskShown
}

// IsMasked reports whether v has the form of a credential as Codat shows it, masked: Codat's documented style keeps
// the length and the last four characters and hides the rest with "X" ("XXXXXXXXXXXXXXXXXXXX2a6b"); a fixed run
// of "*" with the last four ("********2a6b") and a same-length run of "*" are seen too (CODAT-FACTS C2). Such a
// value is never a genuine credential: sending it would store the mask.
func IsMasked(v string) bool {
	_, _, ok := maskRun([]rune(v))
	return ok
}

// FitsMask reports whether masked, a credential as Codat shows it, can be the mask of v: v ends with the characters
// the mask shows. An "X" mask, Codat's documented style, also keeps the length, so v must have the mask's length; a
// run of "*" may keep the length or be of a fixed length, so only the shown characters can be compared. A value
// that is no mask must equal v.
func FitsMask(masked, v string) bool {
	m, s := []rune(masked), []rune(v)
	c, run, ok := maskRun(m)
	if !ok {
		return masked == v
	}
	if len(m) == len(s) {
		for i := run; i < len(m); i++ {
			if m[i] != s[i] {
				return false
			}
		}
		return true
	}
	return c == '*' && strings.HasSuffix(v, string(m[run:]))
}

// IntegrationSettings are the sync settings of an integration, from Codat's legacy API.
type IntegrationSettings struct {
	IntegrationID string `json:"integrationId"`
	// OneTimeSync true means one-off access to the SMB's data instead of continuous.
	OneTimeSync LegacyBool `json:"oneTimeSync"`
}

// IntegrationSettingsUpdate holds the settings to change; nil fields are not sent.
type IntegrationSettingsUpdate struct {
	OneTimeSync *LegacyBool `json:"oneTimeSync,omitempty"`
}

// LegacyBool is a yes/no setting that Codat's legacy API carries as a string: oneTimeSync is an optional
// string in every client generated from that API's description, which enumerates no values (CODAT-FACTS C1).
// Codat's API is .NET, so the provider writes it as .NET writes a Boolean ("True", "False") and reads any case
// with surrounding white space, as .NET's Boolean parser does. A JSON boolean is read too, should Codat ever
// answer one; null or absent reads as unset.
type LegacyBool struct {
	raw string // as Codat sent it; empty when unset
	set bool
}

// NewLegacyBool is b as Codat's legacy API writes it: "True" or "False".
func NewLegacyBool(b bool) LegacyBool {
	if b {
		return LegacyBool{raw: "True", set: true}
	}
	return LegacyBool{raw: "False", set: true}
}

// Bool reads the setting. Unset reads as false, Codat's default. A string other than true or false is an error
// that quotes it.
func (b LegacyBool) Bool() (bool, error) {
	if !b.set {
		return false, nil
	}
	switch t := strings.TrimSpace(b.raw); {
	case strings.EqualFold(t, "true"):
		return true, nil
	case strings.EqualFold(t, "false"):
		return false, nil
	}
	return false, fmt.Errorf("oneTimeSync is %q where Codat writes True or False", b.raw)
}

// String is the value as Codat sent it, or as it will be sent.
func (b LegacyBool) String() string { return b.raw }

// MarshalJSON writes the string; unset writes null.
func (b LegacyBool) MarshalJSON() ([]byte, error) {
	if !b.set {
		return []byte("null"), nil
	}
	return json.Marshal(b.raw)
}

// UnmarshalJSON reads a string, a boolean or null.
func (b *LegacyBool) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	switch {
	case bytes.Equal(data, []byte("null")):
		*b = LegacyBool{}
		return nil
	case bytes.Equal(data, []byte("true")):
		*b = NewLegacyBool(true)
		return nil
	case bytes.Equal(data, []byte("false")):
		*b = NewLegacyBool(false)
		return nil
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("a yes/no setting must be a string such as \"True\", not %s", data)
	}
	*b = LegacyBool{raw: s, set: true}
	return nil
}

// ListIntegrations returns every integration matching opts.
func (c *Client) ListIntegrations(ctx context.Context, opts ListOptions) ([]Integration, error) {
	return listAll[Integration](ctx, c, "/integrations", opts)
}

// GetIntegration returns the integration with the given platform key.
func (c *Client) GetIntegration(ctx context.Context, platformKey string) (*Integration, error) {
	return call[Integration](ctx, c, http.MethodGet, pathf("/integrations/%s", platformKey), nil)
}

// GetIntegrationCredentials returns the integration's stored credentials (such as clientId and clientSecret) as
// Codat shows them: masked, see IsMasked. It is empty when none are stored.
func (c *Client) GetIntegrationCredentials(ctx context.Context, platformKey string) (map[string]string, error) {
	return callInto(ctx, c, http.MethodGet, pathf("/integrations/credentials/%s", platformKey), nil, map[string]string{})
}

// PutIntegrationCredentials stores the integration's credentials and returns them masked. Register secret values
// with AddSecret first so that no error or log can show them. It refuses, before sending anything, a value that
// is masked (IsMasked): Codat would store the mask as the credential.
func (c *Client) PutIntegrationCredentials(ctx context.Context, platformKey string, creds map[string]string) (map[string]string, error) {
	for k, v := range creds {
		if IsMasked(v) {
			return nil, &RequestError{Method: http.MethodPut, Path: pathf("/integrations/credentials/%s", platformKey),
				Err: fmt.Errorf("the %s sent would be a masked value, as Codat shows stored credentials, not the credential", k)}
		}
	}
	return callInto(ctx, c, http.MethodPut, pathf("/integrations/credentials/%s", platformKey), creds, map[string]string{})
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
	return call[Integration](ctx, c, http.MethodPut, pathf("/integrations/%s/enabled", platformKey), body)
}

// GetIntegrationSettings returns the sync settings of the integration with the given id (Integration.IntegrationID).
func (c *Client) GetIntegrationSettings(ctx context.Context, integrationID string) (*IntegrationSettings, error) {
	return call[IntegrationSettings](ctx, c, http.MethodGet, pathf("/settings/integrations/%s", integrationID), nil)
}

// UpdateIntegrationSettings changes the sync settings set in update.
func (c *Client) UpdateIntegrationSettings(ctx context.Context, integrationID string, update IntegrationSettingsUpdate) (*IntegrationSettings, error) {
	return call[IntegrationSettings](ctx, c, http.MethodPatch, pathf("/settings/integrations/%s", integrationID), update)
}
