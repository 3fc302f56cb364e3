package codat

import (
	"sync"
	"time"
)

// quotaMemory remembers, for the life of a Client (one provider process), that Codat's daily request quota is
// used up and until when, so that the exhaustion is reported in full once and nothing more is sent until the
// reset: every other call fails at once with a one-line pointer to the first report.
type quotaMemory struct {
	mu    sync.Mutex
	until time.Time // zero: not known to be used up
}

// report records a daily-quota error: the first for its reset stands as it is, any later one becomes a Repeat.
// Other rate-limit errors pass unchanged.
func (q *quotaMemory) report(e *RateLimitError) *RateLimitError {
	if !e.DailyQuota {
		return e
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.until.IsZero() && !e.ResetAt.After(q.until) {
		e.Repeat = true
		return e
	}
	q.until = e.ResetAt
	return e
}

// check fails a call at once while the quota is known to be used up.
func (q *quotaMemory) check(method, path string, now time.Time) *RateLimitError {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.until.IsZero() {
		return nil
	}
	if !now.Before(q.until) {
		q.until = time.Time{}
		return nil
	}
	return &RateLimitError{Method: method, Path: path, DailyQuota: true, Repeat: true, ResetAt: q.until,
		RetryAfter: q.until.Sub(now)}
}
