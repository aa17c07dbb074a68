package tiles

import (
	"context"
	"maps"
	"sync"
	"sync/atomic"
	"time"

	"minqing/layers"
)

// ReadChanges reads every layer's version and the changes logged since
// the versions in since (a layers.ChangeLogger's Changes). A store that
// logs nothing returns no changes.
type ReadChanges func(ctx context.Context, since map[string]int64) (map[string]int64, []layers.LayerChange, error)

// Versions tells a tile cache the layers' write counters, and where the
// latest writes fell (Log), without ever answering from a read that began
// before a write the caller could know of:
//
//   - By default every Get shares the next read of the store to start, so
//     any write committed before the call is seen, while a burst of tile
//     requests costs one round trip instead of one each.
//   - Watched (Up(true)): a watcher (PostgreSQL LISTEN) tells of every
//     commit through Changed, and Get answers from memory until it does;
//     after Changed, the next Get reads again. While the watcher is down
//     (Up(false)), Get reads per request as by default.
//   - With a probe (SQLite's data_version), Get asks the probe, which is
//     far cheaper than a read, and reads only when it says a commit may
//     have happened.
//
// It is safe for concurrent use.
type Versions struct {
	read    ReadChanges
	probe   func(context.Context) (bool, error)
	local   func() int64 // this process's writes (nil: none counted)
	timeout time.Duration
	log     *ChangeLog
	reads   atomic.Int64

	probeMu sync.Mutex // one probe at a time: each answers "since the last"

	mu      sync.Mutex
	pending *versionsRead // gathers callers until its read starts
	running bool
	cur     map[string]int64 // the last read's versions
	watched bool             // a watcher is up
	fresh   bool             // no commit told since the last read began
	gen     uint64           // commits told (Changed, a probe's true, Up)
	localAt int64            // local() when the last read began
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
	return NewChangeVersions(func(ctx context.Context, _ map[string]int64) (map[string]int64, []layers.LayerChange, error) {
		v, err := read(ctx)
		return v, nil, err
	}, timeout)
}

// NewChangeVersions is NewVersions over a read that also returns the
// logged changes, which it adds to Log.
func NewChangeVersions(read ReadChanges, timeout time.Duration) *Versions {
	return &Versions{read: read, timeout: timeout, log: NewChangeLog()}
}

// SetProbe makes Get ask probe whether anything may have been committed
// before reading (call it before the first Get).
func (v *Versions) SetProbe(probe func(context.Context) (bool, error)) { v.probe = probe }

// SetLocalWrites gives Get a counter of this process's writes: when it
// grew since the last read began, Get reads again even if no watcher has
// told of the commit yet (call it before the first Get).
func (v *Versions) SetLocalWrites(local func() int64) { v.local = local }

// Log returns where the writes seen so far fell.
func (v *Versions) Log() *ChangeLog { return v.log }

// Reads returns how many times the store was read.
func (v *Versions) Reads() int64 { return v.reads.Load() }

// Up says whether a watcher now tells of every commit (layers.VersionEvents).
func (v *Versions) Up(up bool) {
	v.mu.Lock()
	v.watched = up
	v.gen++
	v.fresh = false
	v.mu.Unlock()
}

// Changed says that a write may have been committed (layers.VersionEvents).
func (v *Versions) Changed() {
	v.mu.Lock()
	v.gen++
	v.fresh = false
	v.mu.Unlock()
}

// Watched reports whether Get answers from memory while nothing changes.
func (v *Versions) Watched() bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.watched || v.probe != nil
}

// Get returns versions that include every write committed before Get was
// called. The map is shared: do not modify it.
func (v *Versions) Get(ctx context.Context) (map[string]int64, error) {
	if v.probe != nil {
		v.probeMu.Lock()
		changed, err := v.probe(ctx)
		v.probeMu.Unlock()
		if err != nil || changed {
			v.Changed()
		}
	}
	v.mu.Lock()
	if (v.watched || v.probe != nil) && v.fresh && (v.local == nil || v.local() == v.localAt) {
		cur := v.cur
		v.mu.Unlock()
		return cur, nil
	}
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
		gen, since := v.gen, v.cur
		if v.local != nil {
			v.localAt = v.local()
		}
		v.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), v.timeout)
		var changes []layers.LayerChange
		r.v, changes, r.err = v.read(ctx, maps.Clone(since))
		cancel()
		v.reads.Add(1)
		if r.err == nil {
			v.log.Add(changes)
			v.mu.Lock()
			v.cur = r.v
			// Fresh only if no commit was told while the read ran: one
			// told then may have missed the read's snapshot.
			v.fresh = v.gen == gen
			v.mu.Unlock()
		}
		close(r.done)
	}
}
