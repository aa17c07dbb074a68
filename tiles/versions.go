package tiles

import (
	"context"
	"sync"
	"time"
)

// Versions reads the layers' write counters for a tile cache, coalescing
// concurrent reads without ever answering from a read that began before the
// caller asked: a caller shares the next read to start, so any write
// committed before the call is seen, while a burst of tile requests costs
// one round trip to the store instead of one each. It is safe for
// concurrent use.
type Versions struct {
	read    func(context.Context) (map[string]int64, error)
	timeout time.Duration

	mu      sync.Mutex
	pending *versionsRead // gathers callers until its read starts
	running bool
}

type versionsRead struct {
	done chan struct{}
	v    map[string]int64
	err  error
}

// NewVersions coalesces calls of read (a Source's Versions). Each read runs
// with its own context, bounded by timeout, so that one caller who leaves
// does not cancel the read others wait for.
func NewVersions(read func(context.Context) (map[string]int64, error), timeout time.Duration) *Versions {
	return &Versions{read: read, timeout: timeout}
}

// Get returns the versions from a read that started after Get was called.
// The map is shared: do not modify it.
func (v *Versions) Get(ctx context.Context) (map[string]int64, error) {
	v.mu.Lock()
	if v.pending == nil {
		v.pending = &versionsRead{done: make(chan struct{})}
	}
	r := v.pending
	if !v.running {
		v.running = true
		go v.loop()
	}
	v.mu.Unlock()
	select {
	case <-r.done:
		return r.v, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// loop runs reads while callers wait: each read serves the callers that
// arrived before it started.
func (v *Versions) loop() {
	for {
		v.mu.Lock()
		r := v.pending
		v.pending = nil
		if r == nil {
			v.running = false
			v.mu.Unlock()
			return
		}
		v.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), v.timeout)
		r.v, r.err = v.read(ctx)
		cancel()
		close(r.done)
	}
}
