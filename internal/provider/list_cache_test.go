package provider

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestListCacheCoalescesConcurrentReaders(t *testing.T) {
	cache := newListCache[int]()
	key := connectionKey{"c", "x"}
	var calls atomic.Int32
	release := make(chan struct{})
	fetch := func(context.Context) ([]int, error) { //nolint:unparam // the signature listCache.get takes
		calls.Add(1)
		<-release
		return []int{1, 2, 3}, nil
	}

	var wg sync.WaitGroup
	results := make([][]int, 20)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			items, err := cache.get(context.Background(), key, fetch)
			if err != nil {
				t.Error(err)
			}
			results[i] = items
		}()
	}
	close(release)
	wg.Wait()

	if n := calls.Load(); n != 1 {
		t.Fatalf("fetch called %d times for 20 concurrent readers, want 1", n)
	}
	for i, r := range results {
		if len(r) != 3 {
			t.Errorf("reader %d got %v", i, r)
		}
	}

	// A later reader is served from the cache until a write invalidates it.
	if _, err := cache.get(context.Background(), key, fetch); err != nil || calls.Load() != 1 {
		t.Fatalf("cached read made a call (calls=%d, err=%v)", calls.Load(), err)
	}
	cache.invalidate(key)
	if _, err := cache.get(context.Background(), key, fetch); err != nil || calls.Load() != 2 {
		t.Fatalf("read after invalidate: calls=%d, err=%v; want a second call", calls.Load(), err)
	}
	// Other connections are independent.
	if _, err := cache.get(context.Background(), connectionKey{"c", "y"}, fetch); err != nil || calls.Load() != 3 {
		t.Fatalf("read of another connection: calls=%d, err=%v", calls.Load(), err)
	}
}

func TestListCacheDoesNotKeepErrors(t *testing.T) {
	cache := newListCache[int]()
	key := connectionKey{"c", "x"}
	boom := errors.New("boom")
	if _, err := cache.get(context.Background(), key, func(context.Context) ([]int, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Fatalf("got %v, want boom", err)
	}
	items, err := cache.get(context.Background(), key, func(context.Context) ([]int, error) { return []int{7}, nil })
	if err != nil || len(items) != 1 {
		t.Fatalf("retry after error: %v %v", items, err)
	}
}

func TestListCacheWaiterHonoursCancellation(t *testing.T) {
	cache := newListCache[int]()
	key := connectionKey{"c", "x"}
	release := make(chan struct{})
	defer close(release)
	started := make(chan struct{})
	go func() {
		_, _ = cache.get(context.Background(), key, func(context.Context) ([]int, error) {
			close(started)
			<-release
			return nil, nil
		})
	}()
	<-started
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := cache.get(ctx, key, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("waiter got %v, want context.Canceled", err)
	}
}

// One reader's cancelled operation must not fail another reader waiting for the same list.
func TestListCacheWaiterOutlivesCancelledFetcher(t *testing.T) {
	cache := newListCache[int]()
	key := connectionKey{"c", "x"}
	fetcherCtx, cancelFetcher := context.WithCancel(context.Background())
	started := make(chan struct{})
	fetcherDone := make(chan error, 1)
	go func() {
		_, err := cache.get(fetcherCtx, key, func(ctx context.Context) ([]int, error) {
			close(started)
			<-ctx.Done()
			return nil, ctx.Err()
		})
		fetcherDone <- err
	}()
	<-started

	var calls atomic.Int32
	waiter := make(chan []int, 1)
	go func() {
		items, err := cache.get(context.Background(), key, func(context.Context) ([]int, error) {
			calls.Add(1)
			return []int{4, 2}, nil
		})
		if err != nil {
			t.Errorf("waiter: %v", err)
		}
		waiter <- items
	}()
	// Give the waiter time to join the fetch in flight; had it not, it would fetch for itself and pass anyway.
	time.Sleep(20 * time.Millisecond)
	cancelFetcher()
	if err := <-fetcherDone; !errors.Is(err, context.Canceled) {
		t.Errorf("fetcher got %v, want context.Canceled", err)
	}
	if items := <-waiter; len(items) != 2 || calls.Load() != 1 {
		t.Errorf("waiter got %v after %d calls of its own, want the list from one call", items, calls.Load())
	}
}

// A write to the connection while a list is being fetched: the fetch may have read the list before the write, so
// readers that come after the write fetch afresh instead of sharing it (a read-back that depends on a mapping must
// see the mapping).
func TestListCacheInvalidateDuringFetch(t *testing.T) {
	cache := newListCache[int]()
	key := connectionKey{"c", "x"}
	started, release := make(chan struct{}), make(chan struct{})
	stale := make(chan []int, 1)
	go func() {
		items, _ := cache.get(context.Background(), key, func(context.Context) ([]int, error) {
			close(started)
			<-release
			return []int{1}, nil
		})
		stale <- items
	}()
	<-started
	cache.invalidate(key) // the write
	fresh, err := cache.get(context.Background(), key, func(context.Context) ([]int, error) { return []int{1, 2}, nil })
	if err != nil || len(fresh) != 2 {
		t.Fatalf("a read after the write got %v, %v; want the list fetched afresh", fresh, err)
	}
	close(release)
	if got := <-stale; len(got) != 1 {
		t.Fatalf("the reader that started before the write got %v", got)
	}
	// The stale fetch, finishing last, did not replace the fresh list.
	if got, _ := cache.get(context.Background(), key, func(context.Context) ([]int, error) { return nil, errors.New("no call expected") }); len(got) != 2 {
		t.Fatalf("after the stale fetch ended the cache serves %v", got)
	}
}
