package sandbox

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"sync"
	"time"
)

// FaultKind is a failure the sandbox can inject into API requests.
//
// Where a fault sits decides what a retry with the same Idempotency-Key gets back. Codat stores
// every answer of its application except a 429, 5xx included, and replays it for the key
// (CODAT-FACTS C4, D:using-the-api/write-data/idempotency.md). A 500 is an answer of Codat's
// application, so it is stored like any other. 502, 503 and 504 come from in front of the
// application (a gateway, or Codat's maintenance page, the 503 of D:using-the-api/errors.md): the
// request never reached the idempotency layer, so nothing is stored for the key. Codat's documents
// do not say where each 5xx comes from; this is the most plausible reading of C4.
type FaultKind string

const (
	// Fault429 answers 429 with Retry-After (Options.FaultRetryAfter) without running the request.
	// A 429 is never stored for the key (C4).
	Fault429 FaultKind = "429"
	// Fault500 answers 500 from inside Codat's application, before the operation runs: nothing is
	// changed, and the 500 is stored and replayed for the request's Idempotency-Key (C4).
	Fault500 FaultKind = "500"
	// Fault500AfterCommit runs the operation, so its change is committed, then answers 500
	// instead of the operation's answer; the 500 is stored and replayed for the key (C4). Codat
	// does not say that a 500 can follow a committed change; an application failing while it
	// writes its answer is the case this models.
	Fault500AfterCommit FaultKind = "500-after"
	// Fault502 answers a gateway's 502 (an HTML page, not Codat's error body) without running
	// the request; nothing is stored for the key.
	Fault502 FaultKind = "502"
	// Fault503 answers 503, Codat's maintenance answer, without running the request; nothing is
	// stored for the key.
	Fault503 FaultKind = "503"
	// Fault504 answers a gateway's 504 (an HTML page) without running the request; nothing is
	// stored for the key.
	Fault504 FaultKind = "504"
	// FaultDropBefore closes the TCP connection without running the request.
	FaultDropBefore FaultKind = "drop-before"
	// FaultDropAfter runs the request, so its change is committed and its answer stored for the
	// key, then closes the TCP connection instead of answering.
	FaultDropAfter FaultKind = "drop-after"
)

// allFaultKinds lists every fault kind.
var allFaultKinds = []FaultKind{Fault429, Fault500, Fault500AfterCommit, Fault502, Fault503, Fault504,
	FaultDropBefore, FaultDropAfter}

// DocumentedFaultKinds are the fault kinds whose answers Codat's OpenAPI files describe (429,
// 500 and 503 are declared on every operation; 502 and 504 are not) plus dropped connections,
// which have no answer to check. A test whose exchanges are checked against those files injects
// these.
var DocumentedFaultKinds = []FaultKind{Fault429, Fault500, Fault500AfterCommit, Fault503, FaultDropBefore, FaultDropAfter}

type injectedFault struct {
	route     string
	kind      FaultKind
	remaining int
}

// Rejection is a reason for which the sandbox itself answers 429, as Codat does: unlike an
// injected Fault429, it follows from the client's behaviour.
type Rejection string

const (
	// RejectedConcurrency counts requests refused because more than Options.MaxConcurrent were
	// in flight.
	RejectedConcurrency Rejection = "concurrency"
	// RejectedQuota counts requests refused because the daily quota (Options.DailyQuota) was
	// used up.
	RejectedQuota Rejection = "quota"
)

// statistics holds everything that is counted per request: route counters, faults, 429
// rejections, the peak concurrency and the daily quota.
type statistics struct {
	mu         sync.Mutex
	counts     map[string]int
	faults     map[FaultKind]int
	rejections map[Rejection]int
	peak       int
	faultRate  float64
	faultKinds []FaultKind
	injected   []*injectedFault
	quotaDay   string
	quotaUsed  int
	quotaLimit int
	replays    map[int]int
}

func newStatistics() statistics {
	return statistics{counts: map[string]int{}, faults: map[FaultKind]int{}, rejections: map[Rejection]int{}, replays: map[int]int{}}
}

func (st *statistics) reject(reason Rejection) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.rejections[reason]++
}

// replayed records that a stored answer with the given status was replayed for an Idempotency-Key.
func (st *statistics) replayed(status int) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.replays[status]++
}

// admitted records that a request began its operation with n requests in flight, itself included.
func (st *statistics) admitted(n int) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.peak = max(st.peak, n)
}

// record counts a request to route and decides which fault, if any, it suffers. Injected
// faults come first, in the order they were injected; then the random rate applies.
func (st *statistics) record(route string) FaultKind {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.counts[route]++
	if route == xeroTokenRoute {
		return ""
	}
	var kind FaultKind
	for i, f := range st.injected {
		if f.route == "" || f.route == route {
			kind = f.kind
			if f.remaining--; f.remaining == 0 {
				st.injected = slices.Delete(st.injected, i, i+1)
			}
			break
		}
	}
	if kind == "" && st.faultRate > 0 && rand.Float64() < st.faultRate {
		kind = st.faultKinds[rand.IntN(len(st.faultKinds))]
	}
	// A 500 of the application is counted when it happens: a request that is answered before it reaches the
	// application (a replay for its key, a 409 or 422 of the idempotency layer, a 401) never meets it.
	if kind != "" && kind != Fault500 && kind != Fault500AfterCommit {
		st.faults[kind]++
	}
	return kind
}

// faulted counts a fault of the application that happened.
func (st *statistics) faulted(kind FaultKind) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.faults[kind]++
}

func (s *Sandbox) checkFault(route string, kind FaultKind) error {
	if !slices.Contains(allFaultKinds, kind) {
		return fmt.Errorf("unknown fault kind %q (want one of %v)", kind, allFaultKinds)
	}
	if route != "" && !s.isAPIRoute(route) {
		return fmt.Errorf("unknown route %q: use a name such as %q, or \"\" for every route", route, s.routes[0].name())
	}
	return nil
}

func (s *Sandbox) isAPIRoute(name string) bool {
	return slices.ContainsFunc(s.routes, func(rt *route) bool { return rt.name() == name })
}

// mustServe panics unless name is one of Routes, or RouteXeroToken where xeroToken allows it. A name that is neither
// would count or hold nothing, and an assertion that no request was sent to it would hold whatever happened.
func (s *Sandbox) mustServe(name string, xeroToken bool) {
	if !s.isAPIRoute(name) && (!xeroToken || name != RouteXeroToken) {
		panic(fmt.Sprintf("sandbox: %q is not a route the sandbox serves: use one of the Route* constants", name))
	}
}

// SetFaultRate makes each API request fail with probability rate, with a kind drawn uniformly
// from kinds (every kind when none is given). A rate of 0 turns random faults off. It panics on
// an unknown kind or a rate outside [0, 1].
func (s *Sandbox) SetFaultRate(rate float64, kinds ...FaultKind) {
	if rate < 0 || rate > 1 {
		panic(fmt.Sprintf("sandbox: fault rate %v is outside [0, 1]", rate))
	}
	if len(kinds) == 0 {
		kinds = allFaultKinds
	}
	for _, k := range kinds {
		if err := s.checkFault("", k); err != nil {
			panic("sandbox: " + err.Error())
		}
	}
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	s.stats.faultRate, s.stats.faultKinds = rate, slices.Clone(kinds)
}

// InjectFault makes the next n requests to route fail with kind. route is a name from Routes,
// such as "POST /companies", or "" for any API route. It panics on an unknown route or kind.
func (s *Sandbox) InjectFault(route string, kind FaultKind, n int) {
	if err := s.checkFault(route, kind); err != nil {
		panic("sandbox: " + err.Error())
	}
	if n <= 0 {
		return
	}
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	s.stats.injected = append(s.stats.injected, &injectedFault{route: route, kind: kind, remaining: n})
}

// ClearFaults removes injected faults that have not fired yet and turns random faults off.
func (s *Sandbox) ClearFaults() {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	s.stats.injected, s.stats.faultRate = nil, 0
}

// FaultCounts returns how many faults of each kind have been injected since the last ResetCounts. A 500 counts
// only when the request reached Codat's application: one whose key already had an answer got that answer instead.
func (s *Sandbox) FaultCounts() map[FaultKind]int {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	return maps.Clone(s.stats.faults)
}

// Rejections returns how many API requests the sandbox refused with 429 for each reason since the
// last ResetCounts. Injected 429 faults are not rejections; FaultCounts counts them.
func (s *Sandbox) Rejections() map[Rejection]int {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	return maps.Clone(s.stats.rejections)
}

// Replays returns, by status, how many answers were replayed for a reused Idempotency-Key since
// the last ResetCounts. A client that retries a stored 500 with the same key shows up here.
func (s *Sandbox) Replays() map[int]int {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	return maps.Clone(s.stats.replays)
}

// PeakConcurrent returns the most API requests that were running at once since the last
// ResetCounts, counting a request from the concurrency check to the end of its operation
// (latency included). Requests refused by the concurrency limit do not count.
func (s *Sandbox) PeakConcurrent() int {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	return s.stats.peak
}

// Counts returns the number of API requests per route name ("METHOD /template") since the last
// ResetCounts, including requests that were refused or failed by an injected fault.
func (s *Sandbox) Counts() map[string]int {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	return maps.Clone(s.stats.counts)
}

// Count returns the number of requests to one route (one of Routes, or RouteXeroToken) since the last ResetCounts.
// It panics on any other name.
func (s *Sandbox) Count(route string) int {
	s.mustServe(route, true)
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	return s.stats.counts[route]
}

// TotalCalls returns the number of API requests since the last ResetCounts.
func (s *Sandbox) TotalCalls() int {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	total := 0
	for _, n := range s.stats.counts {
		total += n
	}
	return total
}

// ResetCounts zeroes the request, fault, rejection and replay counters, the peak concurrency and
// the peak per minute. The daily quota and the per-minute limit's window are not reset.
func (s *Sandbox) ResetCounts() {
	s.perMinute.resetPeak()
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	s.stats.counts = map[string]int{}
	s.stats.faults = map[FaultKind]int{}
	s.stats.rejections = map[Rejection]int{}
	s.stats.replays = map[int]int{}
	s.stats.peak = 0
}

// quota is the state of the daily request quota as the X-Rate-Limit-* headers report it.
type quota struct {
	limit, remaining int
	reset            time.Time
}

// useQuota takes one request from today's quota, reporting false when none is left. The limit
// of a day is fixed when its first request arrives, by calling limit: Codat's client-based limits
// "are calculated daily and reset at 00:00 UTC" (D:using-the-api/rate-limits.md), and
// X-Rate-Limit-Limit is "the maximum number of requests for the current quota period". limit is
// called with st.mu held, so it must not call back into st.
func (st *statistics) useQuota(now time.Time, limit func() int, consume bool) (quota, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	day := now.Format(dateLayout)
	if st.quotaDay != day {
		st.quotaDay, st.quotaUsed, st.quotaLimit = day, 0, limit()
	}
	q := quota{limit: st.quotaLimit, reset: now.Truncate(24 * time.Hour).Add(24 * time.Hour)}
	allowed := st.quotaUsed < st.quotaLimit
	if consume && allowed {
		st.quotaUsed++
	}
	q.remaining = st.quotaLimit - st.quotaUsed
	return q, allowed
}

// requestsPerACC is Codat's daily allowance: "1,000 + 1,000 x number of ACCs requests per day"
// (D:using-the-api/rate-limits.md; CODAT-FACTS §1 and C12).
const requestsPerACC = 1_000

// dailyLimit is Options.DailyQuota when set, otherwise Codat's 1,000 × (1 + ACCs).
func (s *Sandbox) dailyLimit() int {
	if s.opts.DailyQuota > 0 {
		return s.opts.DailyQuota
	}
	return requestsPerACC * (1 + s.activeConnectedCompanies())
}

// activeConnectedCompanies counts Codat's ACCs: "a company that has an active, linked, and
// syncing connection to an underlying platform" (D:using-the-api/rate-limits.md). The sandbox
// does not sync, so the most plausible reading it can apply is a company with at least one
// connection whose status is Linked.
func (s *Sandbox) activeConnectedCompanies() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.companies {
		for _, conn := range c.connections {
			if conn.Status == ConnectionLinked {
				n++
				break
			}
		}
	}
	return n
}
