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
// for the attempt, bounds it with the per-attempt timeout, reads the whole body so that a connection dropped
// mid-body is an attempt error that can be retried, and logs the outcome.
type attemptTransport struct {
	next    http.RoundTripper
	slots   chan struct{}
	timeout time.Duration
}

// RoundTrip makes one attempt; a failure to read the body is an attempt error, as a dropped connection is.
func (t *attemptTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	select {
	case t.slots <- struct{}{}:
	case <-ctx.Done():
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, ctx.Err()
	}
	defer func() { <-t.slots }()

	state := callStateFrom(ctx)
	attempt := state.begin()
	attemptCtx, cancel := context.WithTimeout(ctx, t.timeout)
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
	if err != nil && ctx.Err() == nil && errors.Is(attemptCtx.Err(), context.DeadlineExceeded) {
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
