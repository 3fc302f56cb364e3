package provider

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"golang.org/x/sync/singleflight"

	"github.com/terraform-codat/terraform-provider-codat/internal/codat"
)

// integrationKeys remembers, for one provider process (one Terraform operation), which integration id each
// platform key names. Codat's connections carry integrationId but, since integrationKey left the required
// properties of Connection on 2026-04-15 (CODAT-FACTS C3), not always the platform key; the key is then found
// through GET /integrations/{platformKey} (the key from configuration or state, checked against the connection's
// integrationId), and only when that key is not the connection's, through the list of integrations. Concurrent
// readers of the same key share one call.
type integrationKeys struct {
	flight singleflight.Group
	mu     sync.Mutex
	// ids maps a platform key to its integration id; "" when Codat has no integration with that key.
	ids map[string]string
	// keys maps an integration id (lower case) to its platform key, once the integrations were listed.
	keys map[string]string
}

func newIntegrationKeys() *integrationKeys {
	return &integrationKeys{ids: map[string]string{}}
}

// learn records that platformKey names integrationID, as a connection Codat answered with both says, or as a
// connection created for platformKey shows.
func (k *integrationKeys) learn(platformKey, integrationID string) {
	if platformKey == "" || integrationID == "" {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.ids[platformKey] = integrationID
}

// integrationID returns the id of the integration with platformKey, or "" when Codat has none (its 404 to
// GET /integrations/{platformKey}).
func (d *providerData) integrationID(ctx context.Context, platformKey string) (string, error) {
	k := d.integrationKeys
	k.mu.Lock()
	id, ok := k.ids[platformKey]
	k.mu.Unlock()
	if ok {
		return id, nil
	}
	v, err, _ := k.flight.Do("key "+platformKey, func() (any, error) {
		integ, err := d.client.GetIntegration(ctx, platformKey)
		var id string
		switch {
		case codat.IsNotFound(err):
		case err != nil:
			return "", err
		default:
			id = integ.IntegrationID
		}
		k.mu.Lock()
		k.ids[platformKey] = id
		k.mu.Unlock()
		return id, nil
	})
	id, _ = v.(string)
	return id, err
}

// platformKeyByID returns the platform key of the integration with integrationID from the list of integrations,
// or "" when none has it.
func (d *providerData) platformKeyByID(ctx context.Context, integrationID string) (string, error) {
	k := d.integrationKeys
	k.mu.Lock()
	keys := k.keys
	k.mu.Unlock()
	if keys == nil {
		v, err, _ := k.flight.Do("list", func() (any, error) {
			all, err := d.client.ListIntegrations(ctx, codat.ListOptions{PageSize: integrationsPageSize})
			if err != nil {
				return nil, err
			}
			keys := make(map[string]string, len(all))
			k.mu.Lock()
			defer k.mu.Unlock()
			for _, integ := range all {
				keys[strings.ToLower(integ.IntegrationID)] = integ.Key
				k.ids[integ.Key] = integ.IntegrationID
			}
			k.keys = keys
			return keys, nil
		})
		if err != nil {
			return "", err
		}
		keys, _ = v.(map[string]string)
	}
	return keys[strings.ToLower(integrationID)], nil
}

// integrationsPageSize reads Codat's integration catalogue (a few hundred) in one page: Codat's paging envelope
// allows pages of up to 2,000 (CODAT-FACTS C14).
const integrationsPageSize = 2000

// platformKeyOf returns the platform key of a connection Codat answered with: its integrationKey when present;
// otherwise known (the key from configuration or state, or the likely one) when the integration with that key is
// the connection's, and otherwise the key the list of integrations gives its integrationId.
func (d *providerData) platformKeyOf(ctx context.Context, conn *codat.Connection, known string) (string, error) {
	if conn.IntegrationKey != "" {
		d.integrationKeys.learn(conn.IntegrationKey, conn.IntegrationID)
		return conn.IntegrationKey, nil
	}
	if known != "" {
		id, err := d.integrationID(ctx, known)
		if err != nil {
			return "", err
		}
		if id != "" && strings.EqualFold(id, conn.IntegrationID) {
			return known, nil
		}
	}
	key, err := d.platformKeyByID(ctx, conn.IntegrationID)
	if err != nil {
		return "", err
	}
	if key == "" {
		return "", fmt.Errorf("connection %s: Codat's answer has no integrationKey, and no integration in GET "+
			"/integrations has its integrationId %s", conn.ID, conn.IntegrationID)
	}
	return key, nil
}

// connectionHasPlatform reports whether conn is a connection to the platform with key: by its integrationKey, or,
// when Codat left that out, by its integrationId. A key Codat has no integration for is an attribute error on
// platform_key, and ok is false.
func (d *providerData) connectionHasPlatform(ctx context.Context, conn *codat.Connection, key string, diags *diag.Diagnostics) (match, ok bool) {
	if conn.IntegrationKey != "" {
		d.integrationKeys.learn(conn.IntegrationKey, conn.IntegrationID)
		return conn.IntegrationKey == key, true
	}
	id, err := d.integrationID(ctx, key)
	if err != nil {
		addAPIAttributeError(diags, path.Root("platform_key"), fmt.Sprintf("Unable to read the Codat integration %q", key), err)
		return false, false
	}
	if id == "" {
		addUnknownPlatformKey(diags, key, nil)
		return false, false
	}
	return strings.EqualFold(id, conn.IntegrationID), true
}

// addUnknownPlatformKey reports a platform key Codat has no integration for, on platform_key. err is Codat's 404
// to the request that named the key, when there was one.
func addUnknownPlatformKey(diags *diag.Diagnostics, key string, err error) {
	detail := fmt.Sprintf("Codat has no integration with platform key %q. Platform keys are four lowercase letters "+
		"such as gbol (Xero); GET /integrations lists them, and data \"codat_integration\" reads one.", key)
	if err != nil {
		detail += "\n\n" + apiErrorDetail(err)
	}
	diags.AddAttributeError(path.Root("platform_key"), fmt.Sprintf("Unknown platform key %q", key), detail)
}
