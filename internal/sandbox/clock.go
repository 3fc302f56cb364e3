package sandbox

import (
	"sync"
	"time"
)

// Clock is a clock for Options.Now that stands still until it is moved, so that whoever drives the sandbox steps
// through time (idempotency expiry, daily quotas, feed-date rules) without waiting for it.
type Clock struct {
	mu sync.Mutex
	at time.Time
}

// NewClock is a clock standing at at.
func NewClock(at time.Time) *Clock { return &Clock{at: at} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.at
}

// Set moves the clock to at.
func (c *Clock) Set(at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = at
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = c.at.Add(d)
}
