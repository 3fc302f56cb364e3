package sandbox

import (
	"net/http"

	"github.com/google/uuid"
)

type connectionJSON struct {
	ID             string `json:"id"`
	IntegrationID  string `json:"integrationId"`
	IntegrationKey string `json:"integrationKey,omitempty"`
	SourceID       string `json:"sourceId"`
	SourceType     string `json:"sourceType"`
	PlatformName   string `json:"platformName"`
	LinkURL        string `json:"linkUrl"`
	Status         string `json:"status"`
	Created        string `json:"created"`
}

func connectionToJSON(base string, conn *connection) connectionJSON {
	return connectionJSON{
		ID:             conn.ID,
		IntegrationID:  conn.IntegrationID,
		IntegrationKey: conn.PlatformKey,
		SourceID:       conn.SourceID,
		SourceType:     conn.SourceType,
		PlatformName:   conn.PlatformName,
		LinkURL:        connectionLink(base, conn.CompanyID, conn.ID),
		Status:         conn.Status,
		Created:        formatTime(conn.Created),
	}
}

// apiConnectionJSON is a connection as the API answers it. Codat removed integrationKey from the
// required properties of Connection on 2026-04-15 (codatio/oas 2255d88, CODAT-FACTS C3) and its own
// connection examples leave it out; with the option on, every answer that carries a connection
// (create, get, list, and the company's dataConnections) omits it. integrationId still names the
// integration.
func (s *Sandbox) apiConnectionJSON(base string, conn *connection) connectionJSON {
	out := connectionToJSON(base, conn)
	if s.omitIntegrationKey.Load() {
		out.IntegrationKey = ""
	}
	return out
}

// SetIntegrationKeyOmitted switches Options.OmitIntegrationKey, for example to model Codat starting
// to omit the key under connections created while it still sent it.
func (s *Sandbox) SetIntegrationKeyOmitted(omit bool) { s.omitIntegrationKey.Store(omit) }

func connectionLink(base, companyID, connectionID string) string {
	return companyLink(base, companyID) + "/connections/" + connectionID + "/start"
}

var connectionFields = fields[*connection]{
	"id":             func(c *connection) string { return c.ID },
	"integrationId":  func(c *connection) string { return c.IntegrationID },
	"integrationKey": func(c *connection) string { return c.PlatformKey },
	"sourceId":       func(c *connection) string { return c.SourceID },
	"sourceType":     func(c *connection) string { return c.SourceType },
	"platformName":   func(c *connection) string { return c.PlatformName },
	"status":         func(c *connection) string { return c.Status },
	"created":        func(c *connection) string { return formatTime(c.Created) },
}

// findConnection must be called with s.mu held.
func (s *Sandbox) findConnection(companyID, connectionID string) (*connection, apiResponse, bool) {
	c, resp, ok := s.findCompany(companyID)
	if !ok {
		return nil, resp, false
	}
	conn, ok := c.connections[connectionID]
	if !ok {
		return nil, notFound("Data connection %s not found", connectionID), false
	}
	return conn, apiResponse{}, true
}

func (s *Sandbox) listConnections(r *apiRequest) apiResponse {
	return s.withCompany(r, func(c *company) apiResponse {
		return pagedResults(r, c.sortedConnections(), "Connection", connectionFields.lookup,
			func(conn *connection) connectionJSON { return s.apiConnectionJSON(r.base, conn) })
	})
}

func (s *Sandbox) createConnection(r *apiRequest) apiResponse {
	return s.withCompany(r, func(c *company) apiResponse {
		return withBody(r, func(obj object, v *validator) apiResponse {
			key, _ := required(obj, "platformKey", v, object.str)
			if !v.ok() {
				return v.response()
			}
			integ := s.findIntegration(key)
			if integ == nil {
				return notFound("Integration with platform key %s was not found", key)
			}
			conn := &connection{
				Connection: Connection{
					ID:                 uuid.NewString(),
					CompanyID:          c.ID,
					PlatformKey:        integ.key,
					IntegrationID:      integ.integrationID,
					SourceID:           integ.sourceID,
					SourceType:         integ.sourceType,
					PlatformName:       integ.name,
					Status:             ConnectionPendingAuth,
					Created:            s.now(),
					BankFeedsSupported: true,
				},
				seq:      s.nextSeq(),
				accounts: map[string]*sourceAccount{},
			}
			if integ.bankFeeds {
				conn.org = newOrganisation(conn, seedTargetAccounts())
			}
			c.connections[conn.ID] = conn
			return jsonResponse(http.StatusOK, s.apiConnectionJSON(r.base, conn))
		})
	})
}

func (s *Sandbox) getConnection(r *apiRequest) apiResponse {
	return s.withConnection(r, func(conn *connection) apiResponse {
		return jsonResponse(http.StatusOK, s.apiConnectionJSON(r.base, conn))
	})
}

func (s *Sandbox) deleteConnection(r *apiRequest) apiResponse {
	return s.withConnection(r, func(conn *connection) apiResponse {
		delete(s.companies[conn.CompanyID].connections, conn.ID)
		return emptyResponse(http.StatusOK)
	})
}

// seedTargetAccounts gives a new Xero connection the bank accounts its organisation already
// has: two bank accounts in GBP, one in USD and a GBP credit card, so that mapping has both
// matching options and options filtered out by currency or by type (C10).
func seedTargetAccounts() []*TargetAccount {
	return []*TargetAccount{
		{ID: uuid.NewString(), Name: "Business Current Account", Currency: "GBP", Type: XeroBank, SortCode: "040004", AccountNumber: "41234567", Balance: 1520.35},
		{ID: uuid.NewString(), Name: "Business Savings Account", Currency: "GBP", Type: XeroBank, SortCode: "040004", AccountNumber: "41234568", Balance: 10000},
		{ID: uuid.NewString(), Name: "US Dollar Account", Currency: "USD", Type: XeroBank, AccountNumber: "81234569", Balance: 250.5},
		{ID: uuid.NewString(), Name: "Business Credit Card", Currency: "GBP", Type: XeroCreditCard, AccountNumber: "5555444433331111", Balance: -320.4},
	}
}
