package sandbox

import (
	"crypto/subtle"
	"encoding/base64"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

const maxBodyBytes = 1 << 20

// authorized checks Codat's scheme: "Basic " and the base64 of the API key itself, with no
// "user:password" pair inside.
func (s *Sandbox) authorized(r *http.Request) bool {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	want := base64.StdEncoding.EncodeToString([]byte(s.apiKey))
	return ok && strings.EqualFold(scheme, "Basic") && subtle.ConstantTimeCompare([]byte(token), []byte(want)) == 1
}

// serveAPI runs an API request through what sits in front of Codat's handlers, in this order:
// counters, the per-minute limit per IP address, the faults of the network and the gateway, authentication, idempotency, the
// faults of Codat's application (500), the concurrency limit and daily quota, latency, and
// finally the operation. Rate limiting sits behind idempotency so that a 429 passes through it
// and, as Codat documents, is not stored for replay; a 500 of the application is stored (C4).
func (s *Sandbox) serveAPI(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	// The Date header (RFC 9110 §6.6.1) comes from the clock that stamps created and modified
	// dates, as on any server, so a client can place those dates in the server's time.
	w.Header().Set("Date", s.now().Format(http.TimeFormat))
	rt, params, allowed := s.match(r.Method, r.URL)
	name := r.Method + " " + r.URL.Path
	var fault FaultKind
	if rt != nil {
		name = rt.name()
		fault = s.stats.record(name)
	}
	resp, dropped := s.handleAPI(w, r, rt, params, allowed, fault)
	if dropped {
		s.logf("%s %s -> connection dropped (%s) in %s", r.Method, r.URL.RequestURI(), name, time.Since(start))
		return
	}
	resp.write(w)
	s.logf("%s %s -> %d (%s) in %s", r.Method, r.URL.RequestURI(), resp.status, name, time.Since(start))
}

func (s *Sandbox) handleAPI(w http.ResponseWriter, r *http.Request, rt *route, params map[string]string, allowed []string, fault FaultKind) (apiResponse, bool) {
	q, _ := s.stats.useQuota(s.now(), s.dailyLimit, false)
	setQuotaHeaders(w, q)
	// The per-IP limit guards the whole API, ahead of everything else (see RequestsPerMinutePerIP). Without a
	// limit the requests are still counted, for PeakPerMinute.
	limit := s.requestsPerMinute()
	if ok, retryAfter := s.perMinute.admit(r, s.now(), limit); !ok {
		s.stats.reject(RejectedPerMinute)
		return perMinuteRefusal(limit, retryAfter), false
	}
	switch fault {
	case FaultDropBefore:
		dropConnection(w)
		return apiResponse{}, true
	case Fault429:
		return errorResponse(http.StatusTooManyRequests, "You have made too many requests in a given amount of time; please retry later.").withRetryAfter(s.opts.FaultRetryAfter), false
	case Fault502:
		return gatewayError(http.StatusBadGateway), false
	case Fault504:
		return gatewayError(http.StatusGatewayTimeout), false
	case Fault503:
		return errorResponse(http.StatusServiceUnavailable, "The Codat API is temporarily offline for maintenance. Please try again later."), false
	}
	if !s.authorized(r) {
		return errorResponse(http.StatusUnauthorized, "Unauthorized"), false
	}
	if rt == nil {
		if len(allowed) > 0 {
			w.Header().Set("Allow", strings.Join(allowed, ", "))
			return errorResponse(http.StatusMethodNotAllowed, "The requested resource does not support http method '"+r.Method+"'."), false
		}
		// Codat documents no answer for a path that names no operation. This keeps the ErrorMessage shape of every
		// error Codat documents (P components.responses), naming the path: the reading least convenient for a
		// client, which cannot tell this 404 from a missing object by its shape, only by what the message names.
		return notFound("No API operation matches %s", r.URL.Path), false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		return badRequest("The request body could not be read: %v", err), false
	}
	req := &apiRequest{Request: r, params: params, body: body, base: s.base(r)}
	resp := s.runIdempotent(req, func() apiResponse {
		switch fault {
		case Fault500:
			s.stats.faulted(fault)
			return internalServerError()
		case Fault500AfterCommit:
			s.stats.faulted(fault)
			s.execute(w, rt, req)
			return internalServerError()
		}
		return s.execute(w, rt, req)
	})
	if fault == FaultDropAfter {
		dropConnection(w)
		return apiResponse{}, true
	}
	return resp, false
}

func internalServerError() apiResponse {
	return errorResponse(http.StatusInternalServerError, "There is a problem with our server. Please try again later.")
}

// gatewayError is the answer of the gateway in front of Codat's application: its own HTML page,
// not Codat's ErrorMessage. Codat does not document these answers; this is the most plausible
// shape.
func gatewayError(status int) apiResponse {
	text := strconv.Itoa(status) + " " + http.StatusText(status)
	return apiResponse{status: status, contentType: "text/html",
		body: []byte("<html><head><title>" + text + "</title></head><body><center><h1>" + text + "</h1></center></body></html>\n")}
}

// execute applies the concurrency limit, the daily quota and the latency, then runs the operation.
func (s *Sandbox) execute(w http.ResponseWriter, rt *route, req *apiRequest) apiResponse {
	running := s.inFlight.Add(1)
	defer s.inFlight.Add(-1)
	if limit := int64(s.opts.MaxConcurrent); limit > 0 && running > limit {
		s.stats.reject(RejectedConcurrency)
		return errorResponse(http.StatusTooManyRequests, "You have exceeded the limit of "+strconv.FormatInt(limit, 10)+" concurrent requests; please retry later.").withRetryAfter(time.Second)
	}
	s.stats.admitted(int(running))
	now := s.now()
	q, ok := s.stats.useQuota(now, s.dailyLimit, true)
	setQuotaHeaders(w, q)
	if !ok {
		s.stats.reject(RejectedQuota)
		return errorResponse(http.StatusTooManyRequests, "You have exceeded your daily request quota; please retry after "+formatTime(q.reset)+".").withRetryAfter(q.reset.Sub(now))
	}
	if d := s.opts.Latency; d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-req.Context().Done():
			t.Stop()
			return errorResponse(http.StatusServiceUnavailable, "The request was cancelled.")
		}
	}
	if s.gate != nil {
		s.gate(rt.name())
	}
	return rt.handle(req)
}

func setQuotaHeaders(w http.ResponseWriter, q quota) {
	h := w.Header()
	h.Set("X-Rate-Limit-Limit", strconv.Itoa(q.limit))
	h.Set("X-Rate-Limit-Remaining", strconv.Itoa(q.remaining))
	h.Set("X-Rate-Limit-Reset", formatTime(q.reset))
}

// dropConnection closes the client's TCP connection without an answer. Where the connection
// cannot be taken over, aborting the handler has the same effect.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}
