package sandbox

import (
	"encoding/json"
	"slices"

	"github.com/google/uuid"
)

// The events the sandbox raises, from Codat's event catalogue (D:using-the-api/webhooks/event-types.md)
// and the webhooks of Codat's API descriptions, whose bodies they follow: ConnectionWebhook (P webhooks
// connection.*) and SourceAccountWebhook (BF webhooks bankFeeds.sourceAccount.*).
const (
	// EventConnectionConnected is "Called when a connection is successfully linked by the SMB".
	EventConnectionConnected = "connection.connected"
	// EventConnectionDisconnected is "Called when a connection is disconnected either due to being
	// unlinked or de-authorized by the SMB or integration".
	EventConnectionDisconnected = "connection.disconnected"
	// EventConnectionReconnected is "Called when a connection is reconnected after becoming disconnected".
	EventConnectionReconnected = "connection.reconnected"
	// EventSourceAccountConnected: "a bank feed source account has changed to a status of connected".
	EventSourceAccountConnected = "bankFeeds.sourceAccount.connected"
	// EventSourceAccountDisconnected: "... has changed to a status of disconnected".
	EventSourceAccountDisconnected = "bankFeeds.sourceAccount.disconnected"
)

// webhookEnvelope is the top-level schema every event shares ("Standardized top-level schema",
// D:blog/241004-new-webhook-event-types.md): the event's id, type, when it was generated, and its payload.
type webhookEnvelope struct {
	ID            string `json:"id"`
	EventType     string `json:"eventType"`
	GeneratedDate string `json:"generatedDate"`
	Payload       any    `json:"payload"`
}

// referenceCompanyJSON is Company/definitions/companyReference.
type referenceCompanyJSON struct {
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	Description string            `json:"description,omitempty"`
	Links       *companyLinksJSON `json:"links,omitempty"`
	Tags        map[string]string `json:"tags"`
}

type companyLinksJSON struct {
	Portal string `json:"portal"`
}

type connectionWebhookPayload struct {
	ReferenceCompany referenceCompanyJSON `json:"referenceCompany"`
	Connection       connectionJSON       `json:"connection"`
}

// sourceAccountWebhookPayload leaves out the deprecated companyId, as the payload has since 2025-01-10
// (D:blog/241004-deprecation-bank-feed-source-account-event-types.md); referenceCompany.id replaces it.
type sourceAccountWebhookPayload struct {
	ReferenceCompany referenceCompanyJSON `json:"referenceCompany"`
	ConnectionID     string               `json:"connectionId"`
	SourceAccount    sourceAccountJSON    `json:"sourceAccount"`
}

// referenceCompany describes the company an event is about. Its portal link is Codat's Portal page of the
// company; the sandbox has none, so the link is the sandbox's own company page, and is left out while the
// sandbox does not know its base URL.
func (s *Sandbox) referenceCompany(c *company) referenceCompanyJSON {
	ref := referenceCompanyJSON{ID: c.ID, Name: c.Name, Description: c.Description, Tags: map[string]string{}}
	for k, v := range c.Tags {
		ref.Tags[k] = v
	}
	if base := s.knownBase(); base != "" {
		ref.Links = &companyLinksJSON{Portal: companyLink(base, c.ID)}
	}
	return ref
}

// knownBase is the base URL set by SetBaseURL, or "".
func (s *Sandbox) knownBase() string {
	s.baseMu.RLock()
	defer s.baseMu.RUnlock()
	return s.baseURL
}

// connectionStatusChanged raises the connection event a change of conn's status means, if any. Call it,
// with s.mu held, wherever a connection's status may have changed. A connection starts PendingAuth; its
// first Linked is connection.connected, a later one connection.reconnected, and leaving Linked for Unlinked
// or Deauthorized is connection.disconnected.
func (s *Sandbox) connectionStatusChanged(conn *connection) {
	w := &s.webhooks
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.connStatus == nil {
		w.connStatus, w.everLinked = map[*connection]string{}, map[*connection]bool{}
	}
	prev, seen := w.connStatus[conn]
	if !seen {
		prev = ConnectionPendingAuth
	}
	w.connStatus[conn] = conn.Status
	var event string
	switch {
	case conn.Status == prev:
	case conn.Status == ConnectionLinked && w.everLinked[conn]:
		event = EventConnectionReconnected
	case conn.Status == ConnectionLinked:
		event = EventConnectionConnected
	case prev == ConnectionLinked:
		event = EventConnectionDisconnected
	}
	if conn.Status == ConnectionLinked {
		w.everLinked[conn] = true
	}
	c, ok := s.companies[conn.CompanyID]
	if event == "" || !ok {
		return
	}
	s.publishLocked(event, c, connectionWebhookPayload{
		ReferenceCompany: s.referenceCompany(c),
		Connection:       s.apiConnectionJSON(s.knownBase(), conn),
	})
}

// sourceAccountStatusChanged raises bankFeeds.sourceAccount.connected or .disconnected when a's status has
// become connected or disconnected since it was last seen. Call it, with s.mu held, wherever a source
// account's status may have changed.
func (s *Sandbox) sourceAccountStatusChanged(a *sourceAccount) {
	w := &s.webhooks
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.accountStatus == nil {
		w.accountStatus = map[*sourceAccount]string{}
	}
	prev, seen := w.accountStatus[a]
	if !seen {
		prev = AccountPending
	}
	w.accountStatus[a] = a.Status
	var event string
	if a.Status != prev {
		switch a.Status {
		case AccountConnected:
			event = EventSourceAccountConnected
		case AccountDisconnected:
			event = EventSourceAccountDisconnected
		}
	}
	if event == "" || len(w.consumers) == 0 {
		return
	}
	c, conn := s.ownerOf(a)
	if conn == nil {
		return
	}
	s.publishLocked(event, c, sourceAccountWebhookPayload{
		ReferenceCompany: s.referenceCompany(c),
		ConnectionID:     conn.ID,
		SourceAccount:    a.json(),
	})
}

// ownerOf finds the company and connection holding a source account.
func (s *Sandbox) ownerOf(a *sourceAccount) (*company, *connection) {
	for _, c := range s.companies {
		for _, conn := range c.connections {
			if conn.accounts[a.ID] == a {
				return c, conn
			}
		}
	}
	return nil, nil
}

// publishLocked queues one message of the event for every consumer that takes it (w.mu held): enabled,
// subscribed to the event type, and either without company tags or with one that the company has —
// "A message will be delivered every time any of the company's tags match the tags specified in the
// webhook consumer" (D:using-the-api/webhooks/create-consumer.md). Tags are matched as "key:value" and,
// as WebhookConsumer.companyTags says, case-sensitively. A disabled consumer misses the message
// (D:using-the-api/webhooks/troubleshooting.md "Missed messages").
func (s *Sandbox) publishLocked(eventType string, c *company, payload any) {
	w := &s.webhooks
	if len(w.consumers) == 0 {
		return
	}
	now := s.now()
	body, err := json.Marshal(webhookEnvelope{
		ID:            uuid.NewString(),
		EventType:     eventType,
		GeneratedDate: formatTime(now),
		Payload:       payload,
	})
	if err != nil {
		panic("sandbox: cannot encode webhook: " + err.Error())
	}
	// One message id for every consumer: the webhook-id header names the message, which is the same for
	// each endpoint it is sent to and each attempt to send it.
	messageID := "msg_" + uuid.NewString()
	queued := false
	for _, wc := range w.consumers {
		if wc.Disabled || !slices.Contains(wc.EventTypes, eventType) || !tagsMatch(wc.CompanyTags, c.Tags) {
			continue
		}
		w.queue = append(w.queue, &webhookDelivery{consumerID: wc.ID, messageID: messageID, eventType: eventType, body: body, due: now})
		queued = true
	}
	if queued {
		s.kickWebhooksLocked()
	}
}

func tagsMatch(filter []string, tags map[string]string) bool {
	if len(filter) == 0 {
		return true
	}
	for k, v := range tags {
		if slices.Contains(filter, k+":"+v) {
			return true
		}
	}
	return false
}
