package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"strconv"
	"strings"
)

// XeroPlatformKey is Xero's platform key.
const XeroPlatformKey = "gbol"

type integration struct {
	key           string
	name          string
	integrationID string
	sourceID      string
	sourceType    string
	// bankFeeds marks integrations whose organisations have bank accounts that source
	// accounts can be mapped to through the API.
	bankFeeds   bool
	enabled     bool
	oneTimeSync bool
	credentials map[string]string
	// credentialWrites are the bodies of PUT /integrations/credentials/{platformKey} as received, oldest first.
	credentialWrites []map[string]string
}

// newIntegrations seeds the catalogue. Ids are fixed so that tests and the client can rely on
// them; where Codat's API description shows an id for the platform, that id is used.
func newIntegrations() []*integration {
	return []*integration{
		{key: XeroPlatformKey, name: "Xero", integrationID: "497a18ca-284e-40c0-985d-f72be35d468e", sourceID: "8193a927-ab7a-45a3-9dc2-d357a4932dfe", sourceType: "Accounting", bankFeeds: true},
		{key: "qhyg", name: "QuickBooks Online", integrationID: "3e5bb622-fac8-4b95-bc44-c671cfc6462d", sourceID: "d59151bc-2b6a-44cc-8719-1a80a0f20810", sourceType: "Accounting"},
		{key: "akxx", name: "Oracle NetSuite", integrationID: "cc750323-5a47-4f28-8d8e-30fbbf2ce137", sourceID: "9815b998-024d-4415-a40b-89903b2cad6f", sourceType: "Accounting"},
		{key: "dfxm", name: "Basiq", integrationID: "bf083d72-62c7-493e-aec9-81b4dbba7e2c", sourceID: "bdd831ce-eebd-4896-89a7-20e5ee8989ee", sourceType: "Banking"},
	}
}

type integrationJSON struct {
	Key                string `json:"key"`
	LogoURL            string `json:"logoUrl"`
	Name               string `json:"name"`
	Enabled            bool   `json:"enabled"`
	SourceID           string `json:"sourceId"`
	SourceType         string `json:"sourceType"`
	IntegrationID      string `json:"integrationId"`
	IsOfflineConnector bool   `json:"isOfflineConnector"`
	IsBeta             bool   `json:"isBeta"`
}

func (i *integration) json() integrationJSON {
	return integrationJSON{
		Key:           i.key,
		LogoURL:       "https://static.codat.io/public/officialLogos/Full/" + strings.ToUpper(i.integrationID) + ".png",
		Name:          i.name,
		Enabled:       i.enabled,
		SourceID:      i.sourceID,
		SourceType:    i.sourceType,
		IntegrationID: i.integrationID,
	}
}

func (i *integration) snapshot() Integration {
	return Integration{
		Key:           i.key,
		Name:          i.name,
		IntegrationID: i.integrationID,
		SourceID:      i.sourceID,
		SourceType:    i.sourceType,
		Enabled:       i.enabled,
		OneTimeSync:   i.oneTimeSync,
		Credentials:   maps.Clone(i.credentials),
	}
}

// integrationSettingsJSON is CodatPublicApiModelsClientsIntegrationSettingsModel of the legacy API
// (shared/codat-openapi/legacy/Codat-Legacy-Integration-Settings.json), whose oneTimeSync is a string
// (CODAT-FACTS C1).
type integrationSettingsJSON struct {
	IntegrationID string `json:"integrationId"`
	OneTimeSync   string `json:"oneTimeSync"`
}

func (i *integration) settingsJSON() integrationSettingsJSON {
	return integrationSettingsJSON{IntegrationID: i.integrationID, OneTimeSync: dotNetBool(i.oneTimeSync)}
}

// dotNetBool writes a flag the way .NET writes a Boolean as text ("True", "False"). Codat's legacy API
// types oneTimeSync as a string and enumerates no values (CODAT-FACTS C1); the API is .NET (its models
// are named CodatPublicApi.Models.*), so the most plausible reading is a Boolean carried as .NET text.
func dotNetBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

// parseDotNetBool reads text as .NET's Boolean.TryParse does: "true" or "false" in any case, with
// surrounding white space. It is the reading of dotNetBool's counterpart for requests.
func parseDotNetBool(s string) (bool, bool) {
	switch t := strings.TrimSpace(s); {
	case strings.EqualFold(t, "true"):
		return true, true
	case strings.EqualFold(t, "false"):
		return false, true
	}
	return false, false
}

var integrationFields = fields[*integration]{
	"key":           func(i *integration) string { return i.key },
	"name":          func(i *integration) string { return i.name },
	"enabled":       func(i *integration) string { return strconv.FormatBool(i.enabled) },
	"sourceType":    func(i *integration) string { return i.sourceType },
	"sourceId":      func(i *integration) string { return i.sourceID },
	"integrationId": func(i *integration) string { return i.integrationID },
}

// findIntegration must be called with s.mu held.
func (s *Sandbox) findIntegration(key string) *integration {
	for _, i := range s.integrations {
		if i.key == key {
			return i
		}
	}
	return nil
}

func (s *Sandbox) integrationOr404(key string) (*integration, apiResponse, bool) {
	if i := s.findIntegration(key); i != nil {
		return i, apiResponse{}, true
	}
	return nil, notFound("Integration with platform key %s was not found", key), false
}

func (s *Sandbox) listIntegrations(r *apiRequest) apiResponse {
	s.mu.Lock()
	defer s.mu.Unlock()
	return pagedResults(r, s.integrations, "Integration", integrationFields.lookup, (*integration).json)
}

func (s *Sandbox) getIntegration(r *apiRequest) apiResponse {
	return s.withIntegration(r, func(integ *integration) apiResponse {
		return jsonResponse(http.StatusOK, integ.json())
	})
}

func (s *Sandbox) setIntegrationEnabled(r *apiRequest) apiResponse {
	return s.withIntegration(r, func(integ *integration) apiResponse {
		return withBody(r, func(obj object, v *validator) apiResponse {
			enabled, _ := required(obj, "enabled", v, object.boolean)
			if !v.ok() {
				return v.response()
			}
			integ.enabled = enabled
			return jsonResponse(http.StatusOK, integ.json())
		})
	})
}

// MaskStyle is how the credentials endpoints hide a stored value.
type MaskStyle string

const (
	// MaskX keeps the length and the last four characters and hides the rest with "X":
	// "XXXXXXXXXXXXXXXXXXXX2a6b". It is the one masked response Codat documents (CODAT-FACTS C2,
	// docs/integrations/banking/plaid/switching-between-plaid-environments.md).
	MaskX MaskStyle = "x"
	// MaskFixed shows a fixed run of eight "*" and the last four characters, whatever the length:
	// "********2a6b". CODAT-FACTS C2: "a fixed run of * plus the last 4" must be expected too; the
	// length of the run is not documented, eight is the common choice.
	MaskFixed MaskStyle = "fixed"
	// MaskAsterisk keeps the length and the last four characters and hides the rest with "*".
	MaskAsterisk MaskStyle = "asterisk"
)

// fixedMaskRun is the run of MaskFixed.
const fixedMaskRun = "********"

// maskShown is how many trailing characters a mask shows. A value no longer than that is hidden
// whole, as the credentials endpoints never return a secret.
const maskShown = 4

// checkMaskStyle accepts the styles above; empty means MaskX.
func checkMaskStyle(style MaskStyle) (MaskStyle, error) {
	switch style {
	case "":
		return MaskX, nil
	case MaskX, MaskFixed, MaskAsterisk:
		return style, nil
	}
	return "", fmt.Errorf("unknown credential mask style %q (want %q, %q or %q)", style, MaskX, MaskFixed, MaskAsterisk)
}

// mask hides v in the given style.
func (style MaskStyle) mask(v string) string {
	r := []rune(v)
	keep := maskShown
	if len(r) <= keep {
		keep = 0
	}
	shown := string(r[len(r)-keep:])
	switch style {
	case MaskFixed:
		return fixedMaskRun + shown
	case MaskAsterisk:
		return strings.Repeat("*", len(r)-keep) + shown
	default:
		return strings.Repeat("X", len(r)-keep) + shown
	}
}

// SetCredentialMask changes how the credentials endpoints mask stored values from now on (see
// Options.CredentialMask).
func (s *Sandbox) SetCredentialMask(style MaskStyle) error {
	style, err := checkMaskStyle(style)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.credentialMask = style
	return nil
}

// CredentialWrites returns the bodies of every PUT /integrations/credentials/{platformKey} the
// integration received, as sent (masked values included), oldest first.
func (s *Sandbox) CredentialWrites(platformKey string) []map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.findIntegration(platformKey)
	if i == nil {
		return nil
	}
	out := make([]map[string]string, len(i.credentialWrites))
	for n, w := range i.credentialWrites {
		out[n] = maps.Clone(w)
	}
	return out
}

type controlMaskBody struct {
	Style MaskStyle `json:"style"`
}

func (s *Sandbox) controlCredentialMask(_ *http.Request, body controlMaskBody) error {
	return s.SetCredentialMask(body.Style)
}

// maskedCredentials must be called with s.mu held.
func (s *Sandbox) maskedCredentials(creds map[string]string) map[string]string {
	out := make(map[string]string, len(creds))
	for k, v := range creds {
		out[k] = s.credentialMask.mask(v)
	}
	return out
}

func (s *Sandbox) getCredentials(r *apiRequest) apiResponse {
	return s.withIntegration(r, func(integ *integration) apiResponse {
		return jsonResponse(http.StatusOK, s.maskedCredentials(integ.credentials))
	})
}

func (s *Sandbox) putCredentials(r *apiRequest) apiResponse {
	return s.withIntegration(r, func(integ *integration) apiResponse {
		return withBody(r, func(obj object, v *validator) apiResponse {
			creds := make(map[string]string, len(obj))
			for k := range obj {
				if !obj.present(k) {
					v.fail(k, "Type", "'%s' must be a string.", k)
				} else if val, ok := obj.str(k, v); ok {
					creds[k] = val
				}
			}
			if !v.ok() {
				return v.response()
			}
			integ.credentialWrites = append(integ.credentialWrites, maps.Clone(creds))
			// Codat's Plaid page PUTs the masked clientId it read back together with a new secret (CODAT-FACTS C2),
			// so a value equal to the mask Codat shows for the stored value must keep the stored value. Anything
			// else, including a mask of another value or in another style, is stored as sent.
			for k, val := range creds {
				if old, ok := integ.credentials[k]; ok && val == s.credentialMask.mask(old) {
					creds[k] = old
				}
			}
			integ.credentials = creds
			return jsonResponse(http.StatusOK, s.maskedCredentials(creds))
		})
	})
}

func (s *Sandbox) deleteCredentials(r *apiRequest) apiResponse {
	return s.withIntegration(r, func(integ *integration) apiResponse {
		integ.credentials = nil
		return jsonResponse(http.StatusOK, map[string]string{})
	})
}

// findIntegrationByID must be called with s.mu held.
func (s *Sandbox) findIntegrationByID(id string) (*integration, apiResponse, bool) {
	for _, i := range s.integrations {
		if strings.EqualFold(i.integrationID, id) {
			return i, apiResponse{}, true
		}
	}
	return nil, notFound("Integration %s was not found", id), false
}

func (s *Sandbox) getIntegrationSettings(r *apiRequest) apiResponse {
	return s.withIntegrationByID(r, func(integ *integration) apiResponse {
		return jsonResponse(http.StatusOK, integ.settingsJSON())
	})
}

func (s *Sandbox) patchIntegrationSettings(r *apiRequest) apiResponse {
	return s.withIntegrationByID(r, func(integ *integration) apiResponse {
		return withBody(r, func(obj object, v *validator) apiResponse {
			// The legacy patch model (CodatPublicApiModelsIntegrationSettingsPatchModel) has oneTimeSync only, a
			// string (CODAT-FACTS C1): a strict server refuses any other member, and a boolean, with 400.
			for k := range obj {
				if k != "oneTimeSync" {
					v.fail(k, "UnknownProperty", "'%s' is not an integration setting.", k)
				}
			}
			raw, sent := obj["oneTimeSync"]
			var oneTimeSync bool
			switch {
			case !sent || bytes.Equal(bytes.TrimSpace(raw), []byte("null")):
				v.fail("oneTimeSync", "Required", "'oneTimeSync' is required.")
			default:
				var text string
				if json.Unmarshal(raw, &text) != nil {
					v.fail("oneTimeSync", "Type", "'oneTimeSync' must be a string.")
				} else if b, ok := parseDotNetBool(text); !ok {
					v.fail("oneTimeSync", "Boolean", "'oneTimeSync' must be 'True' or 'False'.")
				} else {
					oneTimeSync = b
				}
			}
			if !v.ok() {
				return v.response()
			}
			integ.oneTimeSync = oneTimeSync
			return jsonResponse(http.StatusOK, integ.settingsJSON())
		})
	})
}
