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
type FaultKind string

const (
	// Fault429 answers 429 with Retry-After (Options.FaultRetryAfter) without running the request.
	Fault429 FaultKind = "429"
	// Fault500 answers 500 without running the request.
	Fault500 FaultKind = "500"
	// Fault503 answers 503 without running the request.
	Fault503 FaultKind = "503"
	// FaultDropBefore closes the TCP connection without running the request.
	FaultDropBefore FaultKind = "drop-before"
	// FaultDropAfter runs the request, so its change is committed, then closes the TCP
	// connection instead of answering.
	FaultDropAfter FaultKind = "drop-after"
)

// allFaultKinds lists every fault kind.
var allFaultKinds = []FaultKind{Fault429, Fault500, Fault503, FaultDropBefore, FaultDropAfter}

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
}

func newStatistics() statistics {
	return statistics{counts: map[string]int{}, faults: map[FaultKind]int{}, rejections: map[Rejection]int{}}
}

func (st *statistics) reject(reason Rejection) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.rejections[reason]++
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
	if kind != "" {
		st.faults[kind]++
	}
	return kind
}

func (s *Sandbox) checkFault(route string, kind FaultKind) error {
	if !slices.Contains(allFaultKinds, kind) {
		return fmt.Errorf("unknown fault kind %q (want one of %v)", kind, allFaultKinds)
	}
	if route != "" && !slices.Contains(s.Routes(), route) {
		return fmt.Errorf("unknown route %q: use a name such as %q, or \"\" for every route", route, s.routes[0].name())
	}
	return nil
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

// FaultCounts returns how many faults of each kind have been injected since the last ResetCounts.
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

// Count returns the number of API requests to one route since the last ResetCounts.
func (s *Sandbox) Count(route string) int {
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

// ResetCounts zeroes the request, fault and rejection counters and the peak concurrency. The
// daily quota is not reset.
func (s *Sandbox) ResetCounts() {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	s.stats.counts = map[string]int{}
	s.stats.faults = map[FaultKind]int{}
	s.stats.rejections = map[Rejection]int{}
	s.stats.peak = 0
}

// quota is the state of the daily request quota as the X-Rate-Limit-* headers report it.
type quota struct {
	limit, remaining int
	reset            time.Time
}

// useQuota takes one request from today's quota, reporting false when none is left.
func (st *statistics) useQuota(now time.Time, limit int, consume bool) (quota, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	day := now.Format(dateLayout)
	if st.quotaDay != day {
		st.quotaDay, st.quotaUsed = day, 0
	}
	q := quota{limit: limit, reset: now.Truncate(24 * time.Hour).Add(24 * time.Hour)}
	allowed := st.quotaUsed < limit
	if consume && allowed {
		st.quotaUsed++
	}
	q.remaining = limit - st.quotaUsed
	return q, allowed
}
