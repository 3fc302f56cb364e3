package sandbox

import (
	"strconv"
	"testing"
	"time"
)

func TestExpiredKeysAreSwept(t *testing.T) {
	st := idempotencyStore{records: map[string]*idemRecord{}}
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	store := func(scope string, at time.Time) {
		if outcome, _ := st.begin(scope, "fingerprint", at); outcome != idemFresh {
			t.Fatalf("%s: outcome %d", scope, outcome)
		}
		st.finish(scope, &apiResponse{status: 200}, at)
	}
	store("old", start)
	later := start.Add(IdempotencyTTL)
	for i := range sweepEvery - 2 {
		store(strconv.Itoa(i), later)
	}
	if _, ok := st.records["old"]; !ok {
		t.Fatal("swept before the sweep was due")
	}
	store("last", later)
	if _, ok := st.records["old"]; ok || len(st.records) != sweepEvery-1 {
		t.Errorf("%d records after the sweep, old one kept: %v", len(st.records), ok)
	}
}
