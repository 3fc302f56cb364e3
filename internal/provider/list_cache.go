package provider

import (
	"context"
	"sync"
)

// listCache shares one list call per connection among all readers within one provider operation: Codat has no
// GET for a single source account (or mapping), so without it refreshing N accounts would list them N times.
// Concurrent readers of the same connection wait for the one call in flight; a write to the connection drops the
// entry so later readers see the change. Errors are never kept: the next reader tries again.
//
// Terraform starts a provider process per operation (plan, apply), which bounds how long an entry lives.
type listCache[T any] struct {
	mu      sync.Mutex
	entries map[connectionKey]*listEntry[T]
}

type listEntry[T any] struct {
	done  chan struct{}
	items []T
	err   error
	// abandoned: the fetch failed because the operation of the reader that made it ended (cancelled or timed out).
	abandoned bool
}

func newListCache[T any]() *listCache[T] {
	return &listCache[T]{entries: map[connectionKey]*listEntry[T]{}}
}

// get returns the connection's list, calling fetch only when no reader has fetched it since the last write.
func (c *listCache[T]) get(ctx context.Context, key connectionKey, fetch func(context.Context) ([]T, error)) ([]T, error) {
	for {
		c.mu.Lock()
		e, waiting := c.entries[key]
		if !waiting {
			e = &listEntry[T]{done: make(chan struct{})}
			c.entries[key] = e
		}
		c.mu.Unlock()

		if !waiting {
			e.items, e.err = fetch(ctx)
			if e.err != nil {
				e.abandoned = ctx.Err() != nil
				c.mu.Lock()
				if c.entries[key] == e {
					delete(c.entries, key)
				}
				c.mu.Unlock()
			}
			close(e.done)
		}

		select {
		case <-e.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		// The reader that fetched gave up; this one has not, so it fetches for itself.
		if waiting && e.abandoned {
			continue
		}
		return e.items, e.err
	}
}

// invalidate forgets the connection's list after a write to it.
func (c *listCache[T]) invalidate(key connectionKey) {
	c.mu.Lock()
	delete(c.entries, key)
	c.mu.Unlock()
}
