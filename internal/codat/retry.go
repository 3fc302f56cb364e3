package codat

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/hashicorp/go-retryablehttp"
)

// checkRetry retries dropped connections, timeouts and the statuses Codat documents as transient. Every method is
// retried: GET, PUT and DELETE are idempotent, POST and PATCH carry an Idempotency-Key. Once the context is done
// nothing is retried, but an answer that needs no retry stands: a write that completed is reported as done.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	retry, checkErr := c.retriable(ctx, resp, err)
	if retry && ctx.Err() != nil {
		return false, ctx.Err()
	}
	return retry, checkErr
}

func (c *Client) retriable(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if err != nil {
		if errors.Is(err, errResponseTooLarge) {
			return false, nil
		}
		// retryablehttp knows which transport errors are permanent (bad scheme, untrusted certificate, ...).
		return retryablehttp.DefaultRetryPolicy(ctx, nil, err)
	}
	switch resp.StatusCode {
	case http.StatusRequestTimeout, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		// Answers from in front of Codat's application: nothing was stored for the Idempotency-Key, so the same key
		// runs the request, or replays its answer if the application did finish it.
		return true, nil
	case http.StatusInternalServerError:
		// Codat stores a 500 for the Idempotency-Key and replays it to every retry with that key (CODAT-FACTS C4).
		// A PATCH sets the same values however often it is applied: retry it under a new key. A POST under a new key
		// could create a second object, so do() reports the unknown outcome and the caller looks before it creates
		// again. Requests without a key are retried as they are.
		switch {
		case resp.Request.Header.Get("Idempotency-Key") == "":
			return true, nil
		case resp.Request.Method == http.MethodPatch:
			callStateFrom(ctx).rekey.Store(true)
			return true, nil
		}
		return false, nil
	case http.StatusConflict:
		// Codat answers 409 while the first request with the same Idempotency-Key is still being processed. After an
		// attempt that got no answer that request is probably ours, and a later retry gets its replayed outcome.
		return resp.Request.Header.Get("Idempotency-Key") != "" && callStateFrom(ctx).anyUnanswered(), nil
	case http.StatusTooManyRequests:
		// Waiting out a long quota reset would only look like a hang; do() reports it as a *RateLimitError.
		if wait, ok := retryAfter(resp.Header); ok && wait > c.maxRetryAfter {
			return false, nil
		}
		return true, nil
	}
	return false, nil
}

// backoff waits exactly as long as a Retry-After header asks (capped by MaxRetryAfter); otherwise a random
// duration between minWait and an exponentially growing bound (capped by maxWait), so that parallel
// operations retrying together spread out.
func (c *Client) backoff(minWait, maxWait time.Duration, attemptNum int, resp *http.Response) time.Duration {
	if resp != nil {
		if wait, ok := retryAfter(resp.Header); ok {
			return min(wait, c.maxRetryAfter)
		}
	}
	upper := retryablehttp.DefaultBackoff(minWait, maxWait, attemptNum+1, nil)
	if upper <= minWait {
		return minWait
	}
	return minWait + rand.N(upper-minWait+1)
}

// retryAfter parses a Retry-After header given in seconds or as an HTTP date.
func retryAfter(h http.Header) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if seconds, err := strconv.ParseInt(v, 10, 64); err == nil {
		if seconds < 0 {
			return 0, false
		}
		return time.Duration(seconds) * time.Second, true
	}
	at, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(time.Until(at), 0), true
}

// callState follows the attempts of one logical call, so that errors can say how many were made and whether they
// got an answer.
type callState struct {
	made       atomic.Int32
	answered   atomic.Bool // the last attempt got a response
	unanswered atomic.Bool // some attempt got no response
	rekey      atomic.Bool // the next attempt needs a new Idempotency-Key
	key        atomic.Pointer[string]
}

// prepareRetry gives the request a new Idempotency-Key when checkRetry asked for one.
func prepareRetry(req *http.Request) error {
	state := callStateFrom(req.Context())
	if state != nil && state.rekey.CompareAndSwap(true, false) {
		state.setKey(uuid.NewString())
		req.Header.Set("Idempotency-Key", state.idempotencyKey())
	}
	return nil
}

func (s *callState) setKey(key string) { s.key.Store(&key) }

// idempotencyKey is the key the latest attempt carried; empty for a request without one.
func (s *callState) idempotencyKey() string {
	if k := s.key.Load(); k != nil {
		return *k
	}
	return ""
}

func (s *callState) begin() int {
	s.answered.Store(false)
	return int(s.made.Add(1))
}

func (s *callState) end(answered bool) {
	s.answered.Store(answered)
	if !answered {
		s.unanswered.Store(true)
	}
}

func (s *callState) attempts() int { return int(s.made.Load()) }

func (s *callState) lastAnswered() bool { return s.answered.Load() }

func (s *callState) anyUnanswered() bool { return s.unanswered.Load() }

type callStateKey struct{}

func withCallState(ctx context.Context, s *callState) context.Context {
	return context.WithValue(ctx, callStateKey{}, s)
}

// callStateFrom returns the state do() put in the context of every request it sends.
func callStateFrom(ctx context.Context) *callState {
	s, _ := ctx.Value(callStateKey{}).(*callState)
	return s
}
