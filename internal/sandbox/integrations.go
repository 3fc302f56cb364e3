package sandbox

import (
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

type integrationSettingsJSON struct {
	IntegrationID string `json:"integrationId"`
	OneTimeSync   bool   `json:"oneTimeSync"`
}

func integrationField(prop string) (func(*integration) string, bool) {
	switch prop {
	case "key":
		return func(i *integration) string { return i.key }, true
	case "name":
		return func(i *integration) string { return i.name }, true
	case "enabled":
		return func(i *integration) string { return strconv.FormatBool(i.enabled) }, true
	case "sourceType":
		return func(i *integration) string { return i.sourceType }, true
	case "sourceId":
		return func(i *integration) string { return i.sourceID }, true
	case "integrationId":
		return func(i *integration) string { return i.integrationID }, true
	}
	return nil, false
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
	page, info, resp, ok := paginate(r, s.integrations, "Integration", integrationField)
	if !ok {
		return resp
	}
	out := make([]integrationJSON, len(page))
	for i, integ := range page {
		out[i] = integ.json()
	}
	return jsonResponse(http.StatusOK, struct {
		Results []integrationJSON `json:"results"`
		pagingInfo
	}{out, info})
}

func (s *Sandbox) getIntegration(r *apiRequest) apiResponse {
	s.mu.Lock()
	defer s.mu.Unlock()
	integ, resp, ok := s.integrationOr404(r.param("platformKey"))
	if !ok {
		return resp
	}
	return jsonResponse(http.StatusOK, integ.json())
}

func (s *Sandbox) setIntegrationEnabled(r *apiRequest) apiResponse {
	s.mu.Lock()
	defer s.mu.Unlock()
	integ, resp, ok := s.integrationOr404(r.param("platformKey"))
	if !ok {
		return resp
	}
	obj, resp, ok := decodeObject(r.body)
	if !ok {
		return resp
	}
	var v validator
	enabled, ok := obj.boolean("enabled", &v)
	if !ok && v.ok() {
		v.fail("enabled", "Required", "'enabled' is required.")
	}
	if !v.ok() {
		return v.response()
	}
	integ.enabled = enabled
	return jsonResponse(http.StatusOK, integ.json())
}

// maskCredential hides all but the last four characters, and short values entirely, as the
// credentials endpoints never return a secret.
func maskCredential(v string) string {
	r := []rune(v)
	keep := 4
	if len(r) <= keep {
		keep = 0
	}
	return strings.Repeat("*", len(r)-keep) + string(r[len(r)-keep:])
}

func maskedCredentials(creds map[string]string) map[string]string {
	out := make(map[string]string, len(creds))
	for k, v := range creds {
		out[k] = maskCredential(v)
	}
	return out
}

func (s *Sandbox) getCredentials(r *apiRequest) apiResponse {
	s.mu.Lock()
	defer s.mu.Unlock()
	integ, resp, ok := s.integrationOr404(r.param("platformKey"))
	if !ok {
		return resp
	}
	return jsonResponse(http.StatusOK, maskedCredentials(integ.credentials))
}

func (s *Sandbox) putCredentials(r *apiRequest) apiResponse {
	s.mu.Lock()
	defer s.mu.Unlock()
	integ, resp, ok := s.integrationOr404(r.param("platformKey"))
	if !ok {
		return resp
	}
	obj, resp, ok := decodeObject(r.body)
	if !ok {
		return resp
	}
	var v validator
	creds := make(map[string]string, len(obj))
	for k := range obj {
		if !obj.present(k) {
			v.fail(k, "Type", "'%s' must be a string.", k)
		} else if val, ok := obj.str(k, &v); ok {
			creds[k] = val
		}
	}
	if !v.ok() {
		return v.response()
	}
	integ.credentials = creds
	return jsonResponse(http.StatusOK, maskedCredentials(creds))
}

func (s *Sandbox) deleteCredentials(r *apiRequest) apiResponse {
	s.mu.Lock()
	defer s.mu.Unlock()
	integ, resp, ok := s.integrationOr404(r.param("platformKey"))
	if !ok {
		return resp
	}
	integ.credentials = nil
	return jsonResponse(http.StatusOK, map[string]string{})
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
	s.mu.Lock()
	defer s.mu.Unlock()
	integ, resp, ok := s.findIntegrationByID(r.param("integrationId"))
	if !ok {
		return resp
	}
	return jsonResponse(http.StatusOK, integrationSettingsJSON{IntegrationID: integ.integrationID, OneTimeSync: integ.oneTimeSync})
}

func (s *Sandbox) patchIntegrationSettings(r *apiRequest) apiResponse {
	s.mu.Lock()
	defer s.mu.Unlock()
	integ, resp, ok := s.findIntegrationByID(r.param("integrationId"))
	if !ok {
		return resp
	}
	obj, resp, ok := decodeObject(r.body)
	if !ok {
		return resp
	}
	var v validator
	for k := range obj {
		switch k {
		case "oneTimeSync":
		case "integrationId":
			if id, ok := obj.str(k, &v); ok && !strings.EqualFold(id, integ.integrationID) {
				v.fail(k, "Immutable", "'integrationId' must match the integration in the path.")
			}
		default:
			v.fail(k, "UnknownProperty", "'%s' is not an integration setting.", k)
		}
	}
	oneTimeSync, set := obj.boolean("oneTimeSync", &v)
	if !v.ok() {
		return v.response()
	}
	if set {
		integ.oneTimeSync = oneTimeSync
	}
	return jsonResponse(http.StatusOK, integrationSettingsJSON{IntegrationID: integ.integrationID, OneTimeSync: integ.oneTimeSync})
}
