package sandbox

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// ErrNotFound is wrapped by the errors of state methods whose object does not exist.
var ErrNotFound = errors.New("not found")

func (s *Sandbox) lookupCompany(id string) (*company, error) {
	c, ok := s.companies[id]
	if !ok {
		return nil, fmt.Errorf("company %s: %w", id, ErrNotFound)
	}
	return c, nil
}

func (s *Sandbox) lookupConnection(companyID, connectionID string) (*connection, error) {
	c, err := s.lookupCompany(companyID)
	if err != nil {
		return nil, err
	}
	conn, ok := c.connections[connectionID]
	if !ok {
		return nil, fmt.Errorf("connection %s of company %s: %w", connectionID, companyID, ErrNotFound)
	}
	return conn, nil
}

func (s *Sandbox) lookupAccount(companyID, connectionID, accountID string) (*connection, *sourceAccount, error) {
	conn, err := s.lookupConnection(companyID, connectionID)
	if err != nil {
		return nil, nil, err
	}
	a, ok := conn.accounts[accountID]
	if !ok {
		return nil, nil, fmt.Errorf("source account %s of connection %s: %w", accountID, connectionID, ErrNotFound)
	}
	s.refreshLocked(a)
	return conn, a, nil
}

// onConnection runs f on a connection with s.mu held; a missing connection is an ErrNotFound error.
func (s *Sandbox) onConnection(companyID, connectionID string, f func(*connection) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	conn, err := s.lookupConnection(companyID, connectionID)
	if err != nil {
		return err
	}
	return f(conn)
}

// onAccount runs f on a source account and its connection with s.mu held; a missing account is an ErrNotFound
// error.
func (s *Sandbox) onAccount(companyID, connectionID, accountID string, f func(*connection, *sourceAccount)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	conn, a, err := s.lookupAccount(companyID, connectionID, accountID)
	if err != nil {
		return err
	}
	f(conn, a)
	return nil
}

// Companies returns every company in creation order.
func (s *Sandbox) Companies() []Company {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Company
	for _, c := range s.sortedCompanies() {
		out = append(out, c.snapshot())
	}
	return out
}

// Company returns one company.
func (s *Sandbox) Company(id string) (Company, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.companies[id]
	if !ok {
		return Company{}, false
	}
	return c.snapshot(), true
}

// Connections returns a company's connections in creation order.
func (s *Sandbox) Connections(companyID string) []Connection {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.companies[companyID]
	if !ok {
		return nil
	}
	var out []Connection
	for _, conn := range c.sortedConnections() {
		out = append(out, conn.Connection)
	}
	return out
}

// Connection returns one connection.
func (s *Sandbox) Connection(companyID, connectionID string) (Connection, bool) {
	var out Connection
	err := s.onConnection(companyID, connectionID, func(conn *connection) error {
		out = conn.Connection
		return nil
	})
	return out, err == nil
}

// SourceAccounts returns a connection's source accounts in creation order.
func (s *Sandbox) SourceAccounts(companyID, connectionID string) []SourceAccount {
	var out []SourceAccount
	_ = s.onConnection(companyID, connectionID, func(conn *connection) error {
		for _, a := range s.refreshedAccounts(conn) {
			out = append(out, a.snapshot())
		}
		return nil
	})
	return out
}

// SourceAccount returns one source account.
func (s *Sandbox) SourceAccount(companyID, connectionID, accountID string) (SourceAccount, bool) {
	var out SourceAccount
	err := s.onAccount(companyID, connectionID, accountID, func(_ *connection, a *sourceAccount) { out = a.snapshot() })
	return out, err == nil
}

// TargetAccounts returns the bank accounts of the connection's organisation, including those
// created by mapping a source account to a new account.
func (s *Sandbox) TargetAccounts(companyID, connectionID string) []TargetAccount {
	var out []TargetAccount
	_ = s.onConnection(companyID, connectionID, func(conn *connection) error {
		out = conn.org.snapshot()
		return nil
	})
	return out
}

// Integration returns an integration by platform key, credentials unmasked.
func (s *Sandbox) Integration(platformKey string) (Integration, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.findIntegration(platformKey)
	if i == nil {
		return Integration{}, false
	}
	return i.snapshot(), true
}

// IntegrationEnabled reports whether an integration is enabled.
func (s *Sandbox) IntegrationEnabled(platformKey string) bool {
	i, _ := s.Integration(platformKey)
	return i.Enabled
}

// IntegrationSettings returns the oneTimeSync setting of the integration with the given
// integrationId, as GET /settings/integrations/{integrationId} does.
func (s *Sandbox) IntegrationSettings(integrationID string) (oneTimeSync bool, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i, _, found := s.findIntegrationByID(integrationID)
	if !found {
		return false, false
	}
	return i.oneTimeSync, true
}

// XeroCredentials returns the stored Xero credentials, unmasked.
func (s *Sandbox) XeroCredentials() map[string]string {
	i, _ := s.Integration(XeroPlatformKey)
	if i.Credentials == nil {
		return map[string]string{}
	}
	return i.Credentials
}

// AuthorizeConnection does what the SMB user does on the link page: authorise the
// connection's organisation, which moves it from PendingAuth (or a lapsed status) to Linked.
func (s *Sandbox) AuthorizeConnection(companyID, connectionID string) error {
	return s.onConnection(companyID, connectionID, func(conn *connection) error {
		if conn.Status != ConnectionLinked {
			conn.Status = ConnectionLinked
			conn.org.authorised(s.companies[companyID].Name)
			s.connectionStatusChanged(conn)
		}
		return nil
	})
}

// MapAccount does what the SMB user does on the mapping page: map a source account to the
// target account targetID, or to a new target account named after it when targetID is "".
// The rules are those of the mapping endpoint; a refusal is a *MappingError.
func (s *Sandbox) MapAccount(companyID, connectionID, sourceID, targetID string, feedStart time.Time) error {
	return s.onConnection(companyID, connectionID, func(conn *connection) error {
		if merr := s.mapAccountLocked(conn, sourceID, targetID, feedStart); merr != nil {
			return merr
		}
		return nil
	})
}

// DisconnectAccount ends a source account's feed, as the SMB user's Disconnect button does.
func (s *Sandbox) DisconnectAccount(companyID, connectionID, sourceID string) error {
	return s.onAccount(companyID, connectionID, sourceID, func(_ *connection, a *sourceAccount) {
		disconnectAccount(a)
		a.ModifiedDate = s.now()
		s.sourceAccountStatusChanged(a)
	})
}

// SetBankFeedsSupported marks whether the connection's organisation accepts bank feeds. When
// it does not, mapping answers Xero's 403 invalid-organisation-bank-feeds.
func (s *Sandbox) SetBankFeedsSupported(companyID, connectionID string, supported bool) error {
	return s.onConnection(companyID, connectionID, func(conn *connection) error {
		conn.BankFeedsSupported = supported
		return nil
	})
}

// DeleteCompany deletes a company and everything under it, as if it was deleted in the portal.
func (s *Sandbox) DeleteCompany(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.lookupCompany(id); err != nil {
		return err
	}
	delete(s.companies, id)
	return nil
}

// SetCompanyName renames a company without stripping, as an out-of-band change.
func (s *Sandbox) SetCompanyName(id, name string) error {
	return s.UpdateCompany(id, func(c *Company) { c.Name = name })
}

// UpdateCompany changes a company's name, description, tags or products out of band. Changes
// to ID and Created are ignored.
func (s *Sandbox) UpdateCompany(id string, update func(*Company)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.lookupCompany(id)
	if err != nil {
		return err
	}
	snap := c.snapshot()
	update(&snap)
	for _, p := range snap.Products {
		if !slices.Contains(products, p) {
			return fmt.Errorf("product %s: %w", p, ErrNotFound)
		}
	}
	c.Name, c.Description, c.Tags = snap.Name, snap.Description, maps.Clone(snap.Tags)
	c.Products = slices.Compact(slices.Sorted(slices.Values(snap.Products)))
	if c.Products == nil {
		c.Products = []string{}
	}
	return nil
}

// DeleteConnection deletes a connection and its source accounts.
func (s *Sandbox) DeleteConnection(companyID, connectionID string) error {
	return s.onConnection(companyID, connectionID, func(*connection) error {
		delete(s.companies[companyID].connections, connectionID)
		return nil
	})
}

// SetConnectionStatus changes a connection's status, e.g. to Deauthorized when the SMB user
// revokes access in Xero.
func (s *Sandbox) SetConnectionStatus(companyID, connectionID, status string) error {
	valid := []string{ConnectionPendingAuth, ConnectionLinked, ConnectionUnlinked, ConnectionDeauthorized}
	if !slices.Contains(valid, status) {
		return fmt.Errorf("connection status %q is not one of %s", status, strings.Join(valid, ", "))
	}
	return s.onConnection(companyID, connectionID, func(conn *connection) error {
		conn.Status = status
		s.connectionStatusChanged(conn)
		return nil
	})
}

// DeleteSourceAccount deletes a source account and its mapping.
func (s *Sandbox) DeleteSourceAccount(companyID, connectionID, accountID string) error {
	return s.onAccount(companyID, connectionID, accountID, func(conn *connection, a *sourceAccount) {
		delete(conn.accounts, a.ID)
	})
}

// UpdateSourceAccount changes a source account out of band, bypassing the update rules.
// Changes to ID are ignored.
func (s *Sandbox) UpdateSourceAccount(companyID, connectionID, accountID string, update func(*SourceAccount)) error {
	return s.onAccount(companyID, connectionID, accountID, func(_ *connection, a *sourceAccount) {
		snap := a.snapshot()
		update(&snap)
		snap.ID = a.ID
		a.SourceAccount = snap
	})
}

// SetIntegrationEnabled enables or disables an integration out of band.
func (s *Sandbox) SetIntegrationEnabled(platformKey string, enabled bool) error {
	return s.updateIntegration(platformKey, func(i *integration) { i.enabled = enabled })
}

// SetIntegrationCredentials replaces an integration's credentials out of band.
func (s *Sandbox) SetIntegrationCredentials(platformKey string, creds map[string]string) error {
	return s.updateIntegration(platformKey, func(i *integration) { i.credentials = maps.Clone(creds) })
}

// SetIntegrationOneTimeSync changes an integration's oneTimeSync setting out of band.
func (s *Sandbox) SetIntegrationOneTimeSync(platformKey string, oneTimeSync bool) error {
	return s.updateIntegration(platformKey, func(i *integration) { i.oneTimeSync = oneTimeSync })
}

func (s *Sandbox) updateIntegration(platformKey string, update func(*integration)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.findIntegration(platformKey)
	if i == nil {
		return fmt.Errorf("integration %s: %w", platformKey, ErrNotFound)
	}
	update(i)
	return nil
}
