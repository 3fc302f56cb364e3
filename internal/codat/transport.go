package codat

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// maxResponseBytes bounds what one response may hold; the largest legitimate one is a page of 5000 companies.
const maxResponseBytes = 64 << 20

var errResponseTooLarge = fmt.Errorf("the response body exceeds %d MiB", maxResponseBytes>>20)

// attemptTransport wraps every HTTP attempt (retries included): it holds one of the Client's concurrency slots
// for the attempt, waits for the per-minute limit (see limiter.go), bounds it with the per-attempt timeout, reads the whole body so that a connection dropped
// mid-body is an attempt error that can be retried, and logs the outcome.
//
// Cancelling the caller's context stops the wait for a slot and starts no new attempt, but an attempt already
// sent runs to its end (within the request timeout): Codat may apply a write whose connection the client drops,
// and an object created that way would be missing from Terraform's state. With the answer in hand the caller
// records what was done, then stops.
type attemptTransport struct {
	next    http.RoundTripper
	slots   chan struct{}
	timeout time.Duration
	// limit paces the attempts to the per-minute limit; nil paces nothing. It is waited for once the attempt holds
	// its slot, right before sending, so that what it admits reaches Codat at the pace it admits it.
	limit *requestLimiter
}

// RoundTrip makes one attempt; a failure to read the body is an attempt error, as a dropped connection is.
func (t *attemptTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	abandon := func() (*http.Response, error) {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, ctx.Err()
	}
	if ctx.Err() != nil {
		return abandon()
	}
	queuedSince := time.Now()
	select {
	case t.slots <- struct{}{}:
	case <-ctx.Done():
		return abandon()
	}
	defer func() { <-t.slots }()
	// select picks at random when a slot is free and the context is done as well.
	if ctx.Err() != nil {
		return abandon()
	}

	state := callStateFrom(ctx)
	if err := t.limit.wait(ctx, req, state.attempts()+1, time.Since(queuedSince)); err != nil {
		return abandon()
	}
	attempt := state.begin()
	attemptCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), t.timeout)
	defer cancel()

	logAttemptStart(ctx, req, attempt)
	start := time.Now()
	resp, err := t.next.RoundTrip(req.WithContext(attemptCtx))
	var body []byte
	if err == nil {
		body, err = readBody(resp.Body)
		if err != nil {
			resp = nil
		} else {
			resp.Body = io.NopCloser(bytes.NewReader(body))
			resp.ContentLength = int64(len(body))
		}
	}
	if err != nil && errors.Is(attemptCtx.Err(), context.DeadlineExceeded) {
		err = fmt.Errorf("no complete response within the request timeout of %s: %w", t.timeout, err)
	}
	state.end(err == nil)
	logAttempt(ctx, req, attempt, time.Since(start), resp, body, err)
	return resp, err
}

func readBody(rc io.ReadCloser) ([]byte, error) {
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxResponseBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading the response body: %w", err)
	}
	if len(b) > maxResponseBytes {
		return nil, errResponseTooLarge
	}
	return b, nil
}
