package sandbox

import (
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// RequestsPerMinutePerIP is Codat's hard limit: "Hard DoS-based limits are set to protect against bad actors and do
// not prevent sensible usage. Codat sets these limits at: 1,000 requests per minute from any IP Address. We may
// block an IP's traffic without warning if, in our view, it significantly interferes with the operation of our
// API." (D:using-the-api/rate-limits.md; CODAT-FACTS §1 and C12).
//
// What a client sees past the limit is not documented. The same page says that the limits it lists "are enforced
// by api.codat.io, and it is not possible to make API calls that exceed the quota", that Codat "will return a 429
// status code for all requests to the API that are received while rate limiting is active" with Codat's error
// body, and a Retry-After header "that will advise your calling system when the current rate limiting will
// deactivate". The sandbox takes that as the observable behaviour of the per-minute limit too: a request that
// would be the 1,001st within 60 seconds from its IP address is answered 429 with Retry-After, before
// authentication (a DoS limit counts traffic, not clients), and is not run. A block "without warning" is Codat's
// decision about an address that "significantly interferes", not an automatic answer; the sandbox counts what
// would provoke it (PeakPerMinute) so that tests can show a client never comes near it.
//
// The window slides: any 60 seconds, not calendar minutes. Codat does not say which; a sliding window is the
// stricter reading (a client that stays under it also stays under fixed windows, not the other way round).
// Refused requests do not count towards the limit ("it is not possible to make API calls that exceed" it), so a
// client that waits as Retry-After says is served again; they do count in PeakPerMinute.
const RequestsPerMinutePerIP = 1_000

const rateWindow = time.Minute

// RejectedPerMinute counts requests refused because more than the per-minute limit
// (Options.RequestsPerMinute) came from one IP address within 60 seconds.
const RejectedPerMinute Rejection = "per-minute"

// perMinuteLimit follows, per client IP address, the requests of the last 60 seconds.
type perMinuteLimit struct {
	mu   sync.Mutex
	byIP map[string]*ipWindow
	// peak is the most requests received from one address within 60 seconds, over the windows that end at a
	// request received since the last ResetCounts (earlier requests still count inside those windows).
	peak int
}

type ipWindow struct {
	admitted []time.Time // requests served, oldest first, within the last 60 seconds
	received []time.Time // every request, refused ones included, within the last 60 seconds
}

// requestsPerMinute is Options.RequestsPerMinute: Codat's limit when zero, none when negative.
func (s *Sandbox) requestsPerMinute() int {
	switch n := s.opts.RequestsPerMinute; {
	case n == 0:
		return RequestsPerMinutePerIP
	case n < 0:
		return 0
	default:
		return n
	}
}

// admit records a request from r's address at now and reports whether the per-minute limit lets it through;
// when it does not, retryAfter is when the oldest request of the window leaves it.
func (l *perMinuteLimit) admit(r *http.Request, now time.Time, limit int) (ok bool, retryAfter time.Duration) {
	ip, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		ip = r.RemoteAddr
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.byIP == nil {
		l.byIP = map[string]*ipWindow{}
	}
	w := l.byIP[ip]
	if w == nil {
		w = &ipWindow{}
		l.byIP[ip] = w
	}
	since := now.Add(-rateWindow)
	w.admitted = dropUntil(w.admitted, since)
	w.received = append(dropUntil(w.received, since), now)
	l.peak = max(l.peak, len(w.received))
	if limit <= 0 || len(w.admitted) < limit {
		w.admitted = append(w.admitted, now)
		return true, 0
	}
	return false, w.admitted[0].Sub(since)
}

// dropUntil removes the times at or before since from the front of times (ascending).
func dropUntil(times []time.Time, since time.Time) []time.Time {
	i := 0
	for i < len(times) && !times[i].After(since) {
		i++
	}
	return times[i:]
}

func (l *perMinuteLimit) resetPeak() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.peak = 0
}

// PeakPerMinute returns the most API requests received from one IP address within any 60 seconds, counting the
// windows that end at a request received since the last ResetCounts. Refused requests count: it says how close a
// client came to Codat's limit, or how far past it.
func (s *Sandbox) PeakPerMinute() int {
	s.perMinute.mu.Lock()
	defer s.perMinute.mu.Unlock()
	return s.perMinute.peak
}

// perMinuteRefusal is the answer past the limit.
func perMinuteRefusal(limit int, retryAfter time.Duration) apiResponse {
	return errorResponse(http.StatusTooManyRequests, fmt.Sprintf("Rate limit exceeded: more than %d requests a "+
		"minute from this IP address. Please retry later.", limit)).withRetryAfter(retryAfter)
}
