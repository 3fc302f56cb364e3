// Package sandbox is an in-memory emulator of the parts of Codat's API that the provider uses:
// companies, products, connections, bank-feed source accounts, account mapping, integrations and
// their settings, and webhook consumers, to which it delivers the events it raises (webhook_*.go). It is written from Codat's OpenAPI descriptions, independently of the provider's
// API client, so that a misunderstanding in the client is not mirrored here.
//
// Besides the API it serves the page behind each connection's linkUrl (where the SMB user
// authorises Xero and maps their bank accounts to Xero accounts), a fake Xero OAuth2 token endpoint (POST /xero/connect/token), and JSON
// control endpoints that let another process do what tests do through Go methods:
//
//	POST   /_sandbox/companies/{companyId}/connections/{connectionId}/authorize
//	PUT    /_sandbox/companies/{companyId}/connections/{connectionId}/bank-feeds-supported  {"supported": false}
//	GET    /_sandbox/companies/{companyId}/connections/{connectionId}/target-accounts
//	POST   /_sandbox/companies/{companyId}/connections/{connectionId}/accounts/{accountId}/map  {"targetAccountId": "", "feedStartDate": "2025-01-31"}
//	POST   /_sandbox/companies/{companyId}/connections/{connectionId}/accounts/{accountId}/disconnect
//	GET    /_sandbox/counters                 {"counts": {"GET /companies": 2}, "total": 2, "faults": {"500": 1},
//	                                           "rejections": {"concurrency": 1}, "replays": {"500": 1},
//	                                           "peakConcurrent": 10, "peakPerMinute": 2}
//	POST   /_sandbox/counters/reset
//	POST   /_sandbox/faults                   {"route": "POST /companies", "kind": "drop-after", "count": 1}
//	PUT    /_sandbox/faults/rate              {"rate": 0.1, "kinds": ["429", "503"]}
//	DELETE /_sandbox/faults
//	POST   /_sandbox/xero/apps                {"clientId": "...", "clientSecret": "...", "customConnection": false}
//	PUT    /_sandbox/integrations/credential-mask  {"style": "fixed"}   (or "x", "asterisk")
//
// None of these need the API key. Counters count API requests (and token requests) by route
// name, "METHOD /template" with the OpenAPI path template, e.g. "GET /companies/{companyId}".
package sandbox

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure a Sandbox. The zero value is a working sandbox with a random API key.
type Options struct {
	// APIKey is the only key the API accepts. Empty: a random 40-character key.
	APIKey string
	// Latency delays every API request, so that a client's parallelism can be measured.
	Latency time.Duration
	// MappingDelay is how long a mapped source account stays "connecting" before it is
	// "connected". Zero: connected as soon as it is mapped.
	MappingDelay time.Duration
	// DailyQuota is the number of API requests allowed per UTC day. Zero: Codat's own limit,
	// 1,000 × (1 + active connected companies), fixed when a day's first request arrives (see
	// dailyLimit); a fresh sandbox, like a new Codat client, gets 1,000.
	DailyQuota int
	// MaxConcurrent caps the API requests in flight; requests beyond it answer 429, as Codat
	// does when a company's concurrency limit is exceeded. Zero: unlimited.
	MaxConcurrent int
	// RequestsPerMinute is how many API requests one IP address may make within any 60 seconds;
	// past it requests answer 429 with Retry-After (see RequestsPerMinutePerIP). Zero: Codat's
	// 1,000. Negative: no limit, for benchmarks that measure a client without its pacing.
	RequestsPerMinute int
	// FaultRetryAfter is the Retry-After of injected 429 faults, rounded up to whole seconds.
	// Zero: one second.
	FaultRetryAfter time.Duration
	// IntegratedOn is when the Codat client integrated with Bank Feeds. A client integrated before
	// 2024-08-01 creates, lists and updates source accounts in Codat's v1 shape (CODAT-FACTS C6).
	// Zero: a client integrated later, which uses v2.
	IntegratedOn time.Time
	// Now is the clock used for timestamps, feed-date rules, idempotency expiry, the daily
	// quota and the mapping delay. Nil: time.Now.
	Now func() time.Time
	// Logf receives one line per API request. Nil: silent.
	Logf func(format string, args ...any)
	// Addr is where Start listens. Empty: 127.0.0.1:0.
	Addr string
	// OmitIntegrationKey leaves integrationKey out of every connection in API answers, as Codat
	// may since it stopped requiring it (CODAT-FACTS C3). SetIntegrationKeyOmitted changes it later.
	OmitIntegrationKey bool
	// WebhookClient sends webhook messages to consumers; its timeout and redirect policy are replaced by
	// Codat's (webhook_delivery.go). Nil: http.DefaultClient. Tests set it to reach https receivers.
	WebhookClient *http.Client
	// ProductsProgramme makes the Codat client a participant of Codat's development programme,
	// the only clients the alpha product endpoints serve (CODAT-FACTS C5). False, the common
	// case: PUT and DELETE /companies/{companyId}/products/{productIdentifier} answer 403.
	ProductsProgramme bool
	// CredentialMask is how the integration credentials endpoints mask stored values: MaskX (the
	// default, Codat's documented style), MaskFixed or MaskAsterisk.
	CredentialMask MaskStyle
}

// Sandbox is the emulator. Its methods are safe for concurrent use.
type Sandbox struct {
	opts   Options
	apiKey string
	routes []*route

	baseMu  sync.RWMutex
	baseURL string

	mu           sync.Mutex
	companies    map[string]*company
	integrations []*integration
	xeroApps     map[string]xeroApp
	seq          int64
	// credentialMask is Options.CredentialMask, changed by SetCredentialMask.
	credentialMask MaskStyle

	stats statistics

	inFlight  atomic.Int64
	idem      idempotencyStore
	perMinute perMinuteLimit

	omitIntegrationKey atomic.Bool

	webhooks webhookState

	// gate, when set, runs after a request has passed every check and before its handler,
	// so tests can hold requests in flight.
	gate func(route string)
}

// New returns a sandbox with the integration catalogue seeded and no companies.
func New(opts Options) *Sandbox {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.DailyQuota < 0 {
		opts.DailyQuota = 0
	}
	if opts.FaultRetryAfter <= 0 {
		opts.FaultRetryAfter = time.Second
	}
	if opts.APIKey == "" {
		opts.APIKey = randomKey(40)
	}
	s := &Sandbox{
		opts:         opts,
		apiKey:       opts.APIKey,
		companies:    map[string]*company{},
		integrations: newIntegrations(),
		xeroApps:     map[string]xeroApp{},
		stats:        newStatistics(),
		idem:         idempotencyStore{records: map[string]*idemRecord{}},
	}
	s.routes = s.apiRoutes()
	s.omitIntegrationKey.Store(opts.OmitIntegrationKey)
	if err := s.SetCredentialMask(opts.CredentialMask); err != nil {
		panic("sandbox: " + err.Error())
	}
	return s
}

// APIKey is the key clients must send as "Authorization: Basic base64(key)".
func (s *Sandbox) APIKey() string { return s.apiKey }

// SetBaseURL sets the URL that linkUrl and redirect are built from. Until it is set they are
// built from the Host of each request.
func (s *Sandbox) SetBaseURL(u string) {
	s.baseMu.Lock()
	defer s.baseMu.Unlock()
	s.baseURL = strings.TrimRight(u, "/")
}

func (s *Sandbox) base(r *http.Request) string {
	s.baseMu.RLock()
	defer s.baseMu.RUnlock()
	if s.baseURL != "" {
		return s.baseURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (s *Sandbox) now() time.Time { return s.opts.Now().UTC() }

func (s *Sandbox) logf(format string, args ...any) {
	if s.opts.Logf != nil {
		s.opts.Logf(format, args...)
	}
}

// Handler serves everything: the API, the link pages, the fake Xero token endpoint and the
// /_sandbox/ control endpoints.
func (s *Sandbox) Handler() http.Handler {
	mux := http.NewServeMux()
	s.registerControl(mux)
	s.registerLink(mux)
	mux.HandleFunc(xeroTokenPath, s.serveXeroToken)
	return s.routeRequest(mux)
}

// Server is a sandbox listening on a local port.
type Server struct {
	*Sandbox
	// URL is the base URL of the API, e.g. http://127.0.0.1:41234.
	URL string
	srv *http.Server
}

// Start creates a sandbox and serves it on opts.Addr (default 127.0.0.1:0) until Close.
func Start(opts Options) (*Server, error) {
	addr := opts.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	sb := New(opts)
	url := "http://" + ln.Addr().String()
	sb.SetBaseURL(url)
	srv := &http.Server{Handler: sb.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			sb.logf("sandbox server stopped: %v", err)
		}
	}()
	return &Server{Sandbox: sb, URL: url, srv: srv}, nil
}

// Close stops the server and closes every connection.
func (s *Server) Close() error { return s.srv.Close() }

const keyAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

func randomKey(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	for i := range b {
		b[i] = keyAlphabet[int(b[i])%len(keyAlphabet)]
	}
	return string(b)
}
