package syncbuf_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/terraform-codat/terraform-provider-codat/internal/syncbuf"
)

// Concurrent writes and reads are safe (run with -race) and no write is lost.
func TestBufferConcurrentWritesAndReads(t *testing.T) {
	var b syncbuf.Buffer
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				_, _ = b.Write([]byte("x"))
				_ = b.String()
			}
		}()
	}
	wg.Wait()
	if got := b.String(); got != strings.Repeat("x", 400) {
		t.Errorf("buffer holds %d bytes, want 400", len(got))
	}
}
