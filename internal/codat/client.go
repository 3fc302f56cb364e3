// Package codat is the client for the parts of Codat's API the provider manages: companies, connections,
// bank-feed source accounts and their mapping, and the integration settings.
//
// Every request goes through one place (Client.do) that authenticates, retries through go-retryablehttp,
// attaches an Idempotency-Key to writes, limits concurrency, logs through tflog and turns error responses into
// *APIError values.
package codat

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
)

// Defaults applied by NewClient to zero fields of Config; the provider's schema descriptions quote them.
const (
	DefaultBaseURL               = "https://api.codat.io"
	DefaultMaxRetries            = 5
	DefaultRetryWaitMin          = time.Second
	DefaultRetryWaitMax          = 30 * time.Second
	DefaultMaxRetryAfter         = 5 * time.Minute
	DefaultMaxConcurrentRequests = 10
	DefaultRequestTimeout        = 60 * time.Second
	defaultUserAgent             = "terraform-provider-codat"
)

// None in MaxRetries, MaxRetryAfter or RequestsPerMinute of Config asks for no retries, no wait for a Retry-After,
// or no pacing: the zero value of those fields takes the default.
const None = -1

// Config configures a Client. Zero fields take the Default* values.
type Config struct {
	// BaseURL is the API root, an absolute http(s) URL; DefaultBaseURL when empty.
	BaseURL string
	// APIKey is the Codat API key, sent as "Authorization: Basic base64(APIKey)".
	APIKey string
	// UserAgent is the full User-Agent header, e.g. "terraform-provider-codat/1.2.3 terraform/1.11.4".
	UserAgent string
	// MaxRetries is how many times a failed attempt is retried. Zero means DefaultMaxRetries; a negative value
	// disables retries.
	MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the exponential backoff between attempts.
	RetryWaitMin, RetryWaitMax time.Duration
	// MaxRetryAfter caps one wait for a Retry-After header. A 429 asking for a longer wait fails at once with a
	// *RateLimitError. Zero means DefaultMaxRetryAfter; a negative value allows no wait at all.
	MaxRetryAfter time.Duration
	// MaxConcurrentRequests limits the HTTP attempts in flight at once across all callers of the Client.
	MaxConcurrentRequests int
	// RequestsPerMinute paces the HTTP attempts (retries included) of all callers of the Client so that no
	// 60-second window holds more (see limiter.go). Zero means DefaultRequestsPerMinute, Codat's limit per IP
	// address; a negative value paces nothing.
	RequestsPerMinute int
	// RequestTimeout limits one HTTP attempt, from sending the request to reading the whole response.
	RequestTimeout time.Duration
	// HTTPClient is the base HTTP client; a pooled cleanhttp client when nil. The Client wraps (a copy of) its
	// transport and never modifies the one passed in.
	HTTPClient *http.Client
}

// Client calls Codat's API. It is safe for concurrent use; build one and share it.
type Client struct {
	baseURL       string
	authorization string
	userAgent     string
	maxRetries    int
	retryWaitMin  time.Duration
	retryWaitMax  time.Duration
	maxRetryAfter time.Duration
	httpClient    *http.Client

	mu      sync.RWMutex
	secrets []string // every form of the API key and registered secrets, longest first

	// now is the local clock; quota remembers a used-up daily quota; clock follows Codat's clock.
	now   func() time.Time
	quota quotaMemory
	clock serverClock
}

// NewClient validates cfg, applies its defaults and returns a Client. It makes no request.
func NewClient(cfg Config) (*Client, error) {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("codat: base URL %q must be an absolute http(s) URL such as %s", cfg.BaseURL, DefaultBaseURL)
	}
	if u.Path != "" && u.Path != "/" {
		return nil, fmt.Errorf("codat: base URL %q must have no path: Codat's API is served from the root of its host, "+
			"such as %s", cfg.BaseURL, DefaultBaseURL)
	}
	if cfg.APIKey == "" {
		return nil, errors.New("codat: the API key is empty")
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = defaultUserAgent
	}
	if err := applyDefaults(&cfg); err != nil {
		return nil, err
	}

	base := cfg.HTTPClient
	if base == nil {
		base = cleanhttp.DefaultPooledClient()
	}
	httpClient := *base
	// A redirect is reported, never followed: see RedirectError.
	httpClient.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	next := httpClient.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	httpClient.Transport = &attemptTransport{
		next:    next,
		slots:   make(chan struct{}, cfg.MaxConcurrentRequests),
		timeout: cfg.RequestTimeout,
		limit:   newRequestLimiter(cfg.RequestsPerMinute),
	}

	c := &Client{
		baseURL:       strings.TrimRight(cfg.BaseURL, "/"),
		authorization: "Basic " + base64.StdEncoding.EncodeToString([]byte(cfg.APIKey)),
		userAgent:     cfg.UserAgent,
		maxRetries:    cfg.MaxRetries,
		retryWaitMin:  cfg.RetryWaitMin,
		retryWaitMax:  cfg.RetryWaitMax,
		maxRetryAfter: cfg.MaxRetryAfter,
		httpClient:    &httpClient,
		now:           time.Now,
	}
	c.AddSecret(cfg.APIKey)
	c.AddSecret(c.authorization)
	c.AddSecret(strings.TrimPrefix(c.authorization, "Basic "))
	return c, nil
}

func applyDefaults(cfg *Config) error {
	switch {
	case cfg.MaxRetries == 0:
		cfg.MaxRetries = DefaultMaxRetries
	case cfg.MaxRetries < 0:
		cfg.MaxRetries = 0
	}
	switch {
	case cfg.MaxRetryAfter == 0:
		cfg.MaxRetryAfter = DefaultMaxRetryAfter
	case cfg.MaxRetryAfter < 0:
		cfg.MaxRetryAfter = 0
	}
	if cfg.RetryWaitMin < 0 || cfg.RetryWaitMax < 0 || cfg.RequestTimeout < 0 || cfg.MaxConcurrentRequests < 0 {
		return errors.New("codat: retry waits, request timeout and concurrency limit must not be negative")
	}
	if cfg.RetryWaitMin == 0 {
		cfg.RetryWaitMin = DefaultRetryWaitMin
	}
	if cfg.RetryWaitMax == 0 {
		cfg.RetryWaitMax = max(DefaultRetryWaitMax, cfg.RetryWaitMin)
	}
	if cfg.RetryWaitMin > cfg.RetryWaitMax {
		return fmt.Errorf("codat: the minimum retry wait %s exceeds the maximum %s", cfg.RetryWaitMin, cfg.RetryWaitMax)
	}
	if cfg.RequestTimeout == 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.MaxConcurrentRequests == 0 {
		cfg.MaxConcurrentRequests = DefaultMaxConcurrentRequests
	}
	if cfg.RequestsPerMinute == 0 {
		cfg.RequestsPerMinute = DefaultRequestsPerMinute
	}
	return nil
}

// secretForms lists, longest first, the ways a secret can show up in text that the provider produced or that echoes a request:
// as is; URL-encoded (as in a form body, or inside HTTP Basic credentials of OAuth2 clients, RFC 6749 section
// 2.3.1); base64-encoded (standard and URL alphabets, with and without padding); and each of these JSON-escaped
// once or twice (a JSON body, and a JSON body quoted inside an error message), with and without HTML escaping, or
// Go-quoted.
func secretForms(secret string) []string {
	if secret == "" {
		return nil
	}
	base := []string{
		secret,
		url.QueryEscape(secret),
		url.PathEscape(secret),
		base64.StdEncoding.EncodeToString([]byte(secret)),
		base64.RawStdEncoding.EncodeToString([]byte(secret)),
		base64.URLEncoding.EncodeToString([]byte(secret)),
		base64.RawURLEncoding.EncodeToString([]byte(secret)),
	}
	var forms []string
	for _, f := range base {
		forms = append(forms, f, goQuoted(f))
		for _, once := range jsonEscaped(f) {
			forms = append(forms, once)
			forms = append(forms, jsonEscaped(once)...)
		}
	}
	return uniqueNonEmpty(forms)
}

// goQuoted is s as the inside of a Go-quoted string, the way Go libraries quote what a server said in their
// errors (golang.org/x/oauth2 quotes the token endpoint's error_description).
func goQuoted(s string) string {
	q := strconv.Quote(s)
	return q[1 : len(q)-1]
}

// ClientCredentialForms lists, longest first, besides secretForms(secret), the HTTP Basic credentials an OAuth2 client sends for
// clientID and secret: base64 of "id:secret", with both parts URL-encoded first as RFC 6749 section 2.3.1 asks
// (golang.org/x/oauth2 does so) and without, and the whole "Basic ..." header value.
func ClientCredentialForms(clientID, secret string) []string {
	if secret == "" {
		return nil
	}
	forms := secretForms(secret)
	for _, pair := range []string{url.QueryEscape(clientID) + ":" + url.QueryEscape(secret), clientID + ":" + secret} {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			b := enc.EncodeToString([]byte(pair))
			forms = append(forms, "Basic "+b, b)
		}
		forms = append(forms, pair)
	}
	return uniqueNonEmpty(forms)
}

// jsonEscaped is s as the inside of a JSON string, with and without HTML escaping (servers differ).
func jsonEscaped(s string) []string {
	var out []string
	for _, escapeHTML := range []bool{true, false} {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(escapeHTML)
		if enc.Encode(s) == nil {
			out = append(out, strings.TrimSuffix(strings.TrimPrefix(buf.String(), `"`), "\"\n"))
		}
	}
	return out
}

// uniqueNonEmpty drops repeats and empty strings and puts the longest first, the order to replace them in.
func uniqueNonEmpty(forms []string) []string {
	var out []string
	for _, f := range forms {
		if f != "" && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	slices.SortStableFunc(out, func(a, b string) int { return len(b) - len(a) })
	return out
}

// AddSecret registers a value, such as an integration's client secret, that must never appear in a log line or in
// an error returned by the client: logs mask it and error bodies echoing it show [REDACTED] instead, in every form
// secretForms lists.
func (c *Client) AddSecret(secret string) {
	c.addSecretForms(secretForms(secret))
}

// AddClientCredentials registers an OAuth2 client's secret the way AddSecret does, and the HTTP Basic credentials
// built from it and clientID (ClientCredentialForms).
func (c *Client) AddClientCredentials(clientID, secret string) {
	c.addSecretForms(ClientCredentialForms(clientID, secret))
}

func (c *Client) addSecretForms(forms []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, f := range forms {
		if f != "" && !slices.Contains(c.secrets, f) {
			c.secrets = append(c.secrets, f)
		}
	}
	// Longest first, so that a secret containing another is replaced whole rather than leaving its remainder.
	slices.SortStableFunc(c.secrets, func(a, b string) int { return len(b) - len(a) })
}

func (c *Client) secretList() []string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return append([]string(nil), c.secrets...)
}

// redact replaces every registered secret in s.
func (c *Client) redact(s string) string {
	for _, secret := range c.secretList() {
		s = strings.ReplaceAll(s, secret, redacted)
	}
	return s
}

const redacted = "[REDACTED]"

// pathf builds a request path, escaping each identifier as one path segment.
func pathf(format string, ids ...string) string {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = url.PathEscape(id)
	}
	return fmt.Sprintf(format, args...)
}

// do sends one logical API call: method and path (built by pathf) with an optional query, in marshalled as the
// JSON body when non-nil, and the JSON response decoded into out when non-nil. Retries, idempotency, logging and
// error typing all happen here.
func (c *Client) do(ctx context.Context, method, path string, query url.Values, in, out any) error {
	return c.doWith(ctx, method, path, query, in, out, callOptions{})
}

// call sends one API call (see do) with the body in, when not nil, and returns the object Codat answered.
func call[T any](ctx context.Context, c *Client, method, path string, in any) (*T, error) {
	var out T
	if err := c.do(ctx, method, path, nil, in, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// callInto is call for an answer that is a list or a map, decoded into out, which is also the answer to an empty
// body.
func callInto[T any](ctx context.Context, c *Client, method, path string, in any, out T) (T, error) {
	if err := c.do(ctx, method, path, nil, in, &out); err != nil {
		var zero T
		return zero, err
	}
	return out, nil
}

// callOptions adjust one call of doWith.
type callOptions struct {
	// conflictResults takes a 409 whose body is a JSON array as an answer to decode into out, not an error: the
	// batch create answers 409 with each item's result when it created none (BF create-batch-source-account).
	// Codat's other 409s, such as an Idempotency-Key still in flight, carry its error object.
	conflictResults bool
}

// doWith is do with options.
func (c *Client) doWith(ctx context.Context, method, path string, query url.Values, in, out any, opts callOptions) error {
	// An identifier that cannot address one object would reach another one: an empty one the collection, `..`
	// the parent.
	ids, err := pathIdentifiers(path)
	if err != nil {
		return &RequestError{Method: method, Path: path, Err: err}
	}
	target := c.baseURL + path
	if len(query) > 0 {
		target += "?" + query.Encode()
	}

	var body any
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return &RequestError{Method: method, Path: path, Err: fmt.Errorf("encoding the request body: %w", err)}
		}
		body = b
		ids = append(ids, bodyIdentifiers(b)...)
	}

	state := &callState{}
	ctx = withCallState(c.logContext(ctx), state)
	req, err := retryablehttp.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return &RequestError{Method: method, Path: path, Err: err}
	}
	req.Header.Set("Authorization", c.authorization)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	// One key per logical call, reused by every retry: Codat replays the first outcome for the same key, so a
	// retried write is never applied twice. Only a PATCH answered 500 moves to a new key (see retriable).
	keyed := method == http.MethodPost || method == http.MethodPatch
	if keyed {
		state.setKey(uuid.NewString())
		req.Header.Set("Idempotency-Key", state.idempotencyKey())
	}
	// Once Codat said the day's quota is used up, nothing is sent until it resets.
	if err := c.quota.check(method, path, c.now()); err != nil {
		return err
	}

	resp, err := c.retryClient(ctx).Do(req)
	if err != nil {
		if keyed && state.attempts() > 0 && !state.lastAnswered() {
			return &OutcomeUnknownError{
				Method:         method,
				Path:           path,
				IdempotencyKey: state.idempotencyKey(),
				Attempts:       state.attempts(),
				Err:            err,
			}
		}
		return &RequestError{Method: method, Path: path, Attempts: state.attempts(), Err: err}
	}
	defer resp.Body.Close()
	c.clock.observe(resp.Header.Get("Date"), c.now())
	// The transport has already read the whole body into memory, so this cannot fail.
	respBody, _ := io.ReadAll(resp.Body)

	if resp.StatusCode >= http.StatusMultipleChoices && resp.StatusCode < http.StatusBadRequest {
		redirect := &RedirectError{Method: method, URL: target, StatusCode: resp.StatusCode}
		if loc, err := resp.Location(); err == nil {
			redirect.Location = loc.String()
		}
		return redirect
	}
	isResults := opts.conflictResults && resp.StatusCode == http.StatusConflict && bytes.HasPrefix(bytes.TrimSpace(respBody), []byte("["))
	if resp.StatusCode >= http.StatusBadRequest && !isResults {
		apiErr := c.newAPIError(method, path, resp.StatusCode, respBody, state.attempts())
		apiErr.URL = target
		if resp.StatusCode == http.StatusNotFound {
			apiErr.NotFoundID = notFoundID(apiErr, respBody, ids)
		}
		switch resp.StatusCode {
		case http.StatusTooManyRequests:
			if wait, ok := retryAfter(resp.Header); ok && wait > c.maxRetryAfter {
				return c.quota.report(newRateLimitError(apiErr, resp.Header, wait, c.maxRetryAfter, c.now()))
			}
		case http.StatusConflict:
			// Still "in flight" after an unanswered attempt: the write may yet be applied.
			if keyed && state.anyUnanswered() {
				return &OutcomeUnknownError{Method: method, Path: path, IdempotencyKey: state.idempotencyKey(),
					Attempts: state.attempts(), Err: apiErr}
			}
		case http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
			// A 500 may come after the change was committed, and Codat replays it for the key (C4); a gateway's 502
			// or 504 may hide a request the application finished. Either way the write may have been applied.
			if keyed {
				return &OutcomeUnknownError{Method: method, Path: path, IdempotencyKey: state.idempotencyKey(),
					Attempts: state.attempts(), Err: apiErr, Stored: resp.StatusCode == http.StatusInternalServerError}
			}
		}
		return apiErr
	}
	if out == nil || len(bytes.TrimSpace(respBody)) == 0 {
		return nil
	}
	if err := json.Unmarshal(respBody, out); err != nil {
		return &RequestError{Method: method, Path: path, Attempts: state.attempts(),
			Err: fmt.Errorf("decoding the %d response: %w", resp.StatusCode, err)}
	}
	return nil
}

// retryClient is built per call so that its Backoff can log through the call's context.
func (c *Client) retryClient(ctx context.Context) *retryablehttp.Client {
	return &retryablehttp.Client{
		HTTPClient:   c.httpClient,
		RetryWaitMin: c.retryWaitMin,
		RetryWaitMax: c.retryWaitMax,
		RetryMax:     c.maxRetries,
		CheckRetry:   c.checkRetry,
		Backoff: func(minWait, maxWait time.Duration, attemptNum int, resp *http.Response) time.Duration {
			wait := c.backoff(minWait, maxWait, attemptNum, resp)
			logRetryWait(ctx, wait, attemptNum+1, c.maxRetries+1, resp)
			return wait
		},
		PrepareRetry: prepareRetry,
		// The caller needs the last response (for *APIError) or the last network error, not retryablehttp's
		// generic "giving up" error.
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
}
