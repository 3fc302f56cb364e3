package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"sync"
	"time"

	"github.com/google/uuid"
)

// IdempotencyTTL is how long Codat replays the first response to an Idempotency-Key.
const IdempotencyTTL = 90 * time.Minute

type idemRecord struct {
	fingerprint string
	inFlight    bool
	resp        apiResponse
	stored      time.Time
}

type idempotencyStore struct {
	mu       sync.Mutex
	records  map[string]*idemRecord
	finished int
}

// sweepEvery is how many stored responses pass between sweeps of expired ones, so that a long
// benchmark does not keep every response it ever got.
const sweepEvery = 1024

type idemOutcome int

const (
	idemFresh idemOutcome = iota
	idemReplay
	idemInFlight
	idemMismatch
)

// begin claims scope for a request with the given fingerprint, or says why it cannot be run.
func (st *idempotencyStore) begin(scope, fingerprint string, now time.Time) (idemOutcome, apiResponse) {
	st.mu.Lock()
	defer st.mu.Unlock()
	rec, ok := st.records[scope]
	if ok && !rec.inFlight && now.Sub(rec.stored) >= IdempotencyTTL {
		ok = false
	}
	switch {
	case !ok:
		st.records[scope] = &idemRecord{fingerprint: fingerprint, inFlight: true}
		return idemFresh, apiResponse{}
	case rec.fingerprint != fingerprint:
		return idemMismatch, apiResponse{}
	case rec.inFlight:
		return idemInFlight, apiResponse{}
	default:
		return idemReplay, rec.resp
	}
}

// finish stores the response for replay. A 429 is never stored, so that a retry after the
// rate limit lifts is processed afresh; a request that produced no response is forgotten.
func (st *idempotencyStore) finish(scope string, resp *apiResponse, now time.Time) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if resp == nil || resp.status == http.StatusTooManyRequests {
		delete(st.records, scope)
		return
	}
	st.records[scope] = &idemRecord{fingerprint: st.records[scope].fingerprint, resp: *resp, stored: now}
	if st.finished++; st.finished%sweepEvery == 0 {
		for k, rec := range st.records {
			if !rec.inFlight && now.Sub(rec.stored) >= IdempotencyTTL {
				delete(st.records, k)
			}
		}
	}
}

func fingerprint(r *http.Request, body []byte) string {
	sum := sha256.Sum256(body)
	return r.Method + " " + r.URL.RequestURI() + " " + hex.EncodeToString(sum[:])
}

// runIdempotent runs the handler under Codat's Idempotency-Key rules for POST and PATCH
// (D:using-the-api/write-data/idempotency.md): the first response, whatever its status except
// 429, is replayed for IdempotencyTTL, so a 500 is replayed too (C4); the same key with a
// different method, path or body is refused with 422; a key whose first request is still running
// gets 409.
func (s *Sandbox) runIdempotent(req *apiRequest, run func() apiResponse) apiResponse {
	key := req.Header.Get("Idempotency-Key")
	if key == "" || (req.Method != http.MethodPost && req.Method != http.MethodPatch) {
		return run()
	}
	if _, err := uuid.Parse(key); err != nil {
		var v validator
		v.fail("Idempotency-Key", "Guid", "The Idempotency-Key header must be a GUID.")
		return v.response()
	}
	// Keys belong to the API key that used them; a sandbox has one API key.
	scope := s.apiKey + "\x00" + key
	outcome, replay := s.idem.begin(scope, fingerprint(req.Request, req.body), s.now())
	switch outcome {
	case idemReplay:
		s.stats.replayed(replay.status)
		return replay
	case idemMismatch:
		return errorResponse(http.StatusUnprocessableEntity, "The Idempotency-Key has already been used for a different request.")
	case idemInFlight:
		return errorResponse(http.StatusConflict, "A request with the same Idempotency-Key is still in progress.")
	}
	var resp *apiResponse
	defer func() { s.idem.finish(scope, resp, s.now()) }()
	r := run()
	resp = &r
	return r
}
