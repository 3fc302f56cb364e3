package codat

import (
	"net/http"
	"sync/atomic"
	"time"
)

// serverClock follows the difference between Codat's clock, read from the Date header of its answers, and the
// local one, so that the provider can compare a local moment with the created dates Codat stamps.
type serverClock struct {
	offset atomic.Int64 // nanoseconds to add to a local time
}

// observe takes the Date header of an answer received at the local time now. Date has whole seconds, so the
// server's time lies within the second after it; the middle of that second is the best estimate.
func (c *serverClock) observe(date string, now time.Time) {
	if date == "" {
		return
	}
	t, err := http.ParseTime(date)
	if err != nil {
		return
	}
	c.offset.Store(int64(t.Add(500 * time.Millisecond).Sub(now)))
}

// ServerTime converts a local time into Codat's clock, as far as the Date headers of its answers tell; before the
// first answer it is the local time itself. The estimate is within about a second plus the network delay.
func (c *Client) ServerTime(local time.Time) time.Time {
	return local.Add(time.Duration(c.clock.offset.Load()))
}

// MaxRetries is how many times a failed attempt is retried.
func (c *Client) MaxRetries() int { return c.maxRetries }
