package codat

import (
	"net/http"
	"testing"
	"time"
)

func TestRetryAfterParsing(t *testing.T) {
	tests := map[string]struct {
		header string
		want   time.Duration
		ok     bool
	}{
		"absent":         {"", 0, false},
		"seconds":        {"120", 2 * time.Minute, true},
		"zero":           {"0", 0, true},
		"negative":       {"-5", 0, false},
		"garbage":        {"soon", 0, false},
		"date in past":   {"Fri, 31 Dec 1999 23:59:59 GMT", 0, true},
		"RFC 850 date":   {"Friday, 31-Dec-99 23:59:59 GMT", 0, true},
		"date in future": {time.Now().Add(time.Hour).UTC().Format(http.TimeFormat), time.Hour, true},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got, ok := retryAfter(http.Header{"Retry-After": {tt.header}})
			if ok != tt.ok || got > tt.want || got < tt.want-2*time.Second {
				t.Errorf("retryAfter(%q) = %s, %v; want about %s, %v", tt.header, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestBackoffBounds(t *testing.T) {
	c := &Client{maxRetryAfter: time.Minute}
	minWait, maxWait := 100*time.Millisecond, time.Second
	for attempt := range 6 {
		upper := min(minWait<<(attempt+1), maxWait)
		seen := map[time.Duration]bool{}
		for range 50 {
			wait := c.backoff(minWait, maxWait, attempt, nil)
			if wait < minWait || wait > upper {
				t.Fatalf("attempt %d waits %s, want between %s and %s", attempt, wait, minWait, upper)
			}
			seen[wait] = true
		}
		if len(seen) < 2 {
			t.Errorf("attempt %d always waits %v: no jitter", attempt, seen)
		}
	}

	tooLong := &http.Response{StatusCode: http.StatusServiceUnavailable, Header: http.Header{"Retry-After": {"3600"}}}
	if got := c.backoff(minWait, maxWait, 0, tooLong); got != time.Minute {
		t.Errorf("a long Retry-After waits %s, want the %s cap", got, time.Minute)
	}
	exact := &http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"7"}}}
	if got := c.backoff(minWait, maxWait, 3, exact); got != 7*time.Second {
		t.Errorf("Retry-After: 7 waits %s", got)
	}
}
