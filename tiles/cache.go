package tiles

import (
	"bytes"
	"compress/gzip"
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"sync"

	"github.com/paulmach/orb"
)

// Cache is an in-memory LRU of rendered tiles bounded in bytes. It is safe
// for concurrent use. A nil *Cache caches nothing (every Get misses).
//
// An entry remembers the versions of the layers it was rendered from; Get
// with other versions is a miss and drops the entry, so a write to one layer
// invalidates exactly the tiles that show it, and no stale tile is ever
// served however the write reached the store. GetAt keeps the entries that
// a ChangeLog shows no write reached.
type Cache struct {
	max int64

	mu      sync.Mutex
	size    int64
	order   *list.List // front: most recently used; values are *Entry
	byKey   map[string]*list.Element
	hits    int64
	misses  int64
	evicted int64
	stale   int64
	kept    int64
}

// Entry is one cached tile.
type Entry struct {
	Key      string
	Versions []int64
	Body     []byte // the MVT, not compressed; empty for an empty tile
	ETag     string // strong ETag of Body, quoted

	gzOnce sync.Once
	gz     []byte
}

// entryOverhead approximates the bytes an entry costs beyond its bodies.
const entryOverhead = 256

// NewCache returns a cache holding at most maxBytes of tiles (their bodies,
// gzipped copies, keys and a fixed overhead per entry). maxBytes <= 0 gives a
// nil cache, which caches nothing.
func NewCache(maxBytes int64) *Cache {
	if maxBytes <= 0 {
		return nil
	}
	return &Cache{max: maxBytes, order: list.New(), byKey: map[string]*list.Element{}}
}

// NewEntry builds an entry for body without caching it (for a nil cache).
func NewEntry(key string, versions []int64, body []byte) *Entry {
	return &Entry{Key: key, Versions: versions, Body: body, ETag: ETag(body)}
}

// ETag returns the strong entity tag of a tile body: a quoted hash.
func ETag(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + hex.EncodeToString(sum[:12]) + `"`
}

func (e *Entry) cost() int64 {
	return int64(len(e.Body)+len(e.gz)+len(e.Key)+8*len(e.Versions)) + entryOverhead
}

// Get returns the entry for key if it was rendered from the given layer
// versions. An entry from other versions is dropped.
func (c *Cache) Get(key string, versions []int64) (*Entry, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[key]
	if !ok {
		c.misses++
		return nil, false
	}
	e := el.Value.(*Entry)
	if !slices.Equal(e.Versions, versions) {
		c.remove(el)
		c.stale++
		c.misses++
		return nil, false
	}
	c.order.MoveToFront(el)
	c.hits++
	return e, true
}

// GetAt is Get that keeps an entry whose layers were written since it was
// rendered when log shows that none of those writes reached b (the tile's
// bounds with a margin): the entry is then served and re-stamped with the
// current versions. names are the layers of versions, in order.
func (c *Cache) GetAt(key string, names []string, versions []int64, b orb.Bound, log *ChangeLog) (*Entry, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[key]
	if !ok {
		c.misses++
		return nil, false
	}
	e := el.Value.(*Entry)
	if !slices.Equal(e.Versions, versions) {
		if len(e.Versions) != len(versions) || len(names) != len(versions) {
			return c.dropStale(el)
		}
		for i, name := range names {
			if !log.Clean(name, e.Versions[i], versions[i], b) {
				return c.dropStale(el)
			}
		}
		e.Versions = slices.Clone(versions)
		c.kept++
	}
	c.order.MoveToFront(el)
	c.hits++
	return e, true
}

// dropStale removes an entry a write reached and counts a miss; the caller
// holds c.mu.
func (c *Cache) dropStale(el *list.Element) (*Entry, bool) {
	c.remove(el)
	c.stale++
	c.misses++
	return nil, false
}

// Put caches body as the tile for key at the given versions, replacing any
// older entry, and returns the entry. A tile larger than the whole cache is
// returned but not kept.
func (c *Cache) Put(key string, versions []int64, body []byte) *Entry {
	e := NewEntry(key, slices.Clone(versions), body)
	if c == nil {
		return e
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[key]; ok {
		c.remove(el)
	}
	if e.cost() > c.max {
		return e
	}
	c.byKey[key] = c.order.PushFront(e)
	c.size += e.cost()
	c.evict()
	return e
}

// Gzipped returns e's body gzipped, compressing it once per entry; the
// compressed bytes count against the cache's size while e is cached.
func (c *Cache) Gzipped(e *Entry) []byte {
	e.gzOnce.Do(func() {
		var buf bytes.Buffer
		buf.Grow(len(e.Body)/2 + 64)
		zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
		_, _ = zw.Write(e.Body) // writes to a bytes.Buffer do not fail
		_ = zw.Close()
		gz := buf.Bytes()
		if c == nil {
			e.gz = gz
			return
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		before := e.cost()
		e.gz = gz
		if el, ok := c.byKey[e.Key]; ok && el.Value == e {
			c.size += e.cost() - before
			c.evict()
		}
	})
	return e.gz
}

// remove drops an element; the caller holds c.mu.
func (c *Cache) remove(el *list.Element) {
	e := el.Value.(*Entry)
	c.order.Remove(el)
	delete(c.byKey, e.Key)
	c.size -= e.cost()
}

// evict drops the least recently used entries until the cache fits; the
// caller holds c.mu.
func (c *Cache) evict() {
	for c.size > c.max {
		el := c.order.Back()
		if el == nil {
			return
		}
		c.remove(el)
		c.evicted++
	}
}

// CacheStats are a cache's counters.
type CacheStats struct {
	Entries  int
	Bytes    int64
	MaxBytes int64
	Hits     int64
	Misses   int64
	Evicted  int64 // dropped to make room
	Stale    int64 // dropped because a layer they show was written
	Kept     int64 // hits on tiles kept although their layer was written elsewhere
}

// Stats returns the cache's counters (zero for a nil cache).
func (c *Cache) Stats() CacheStats {
	if c == nil {
		return CacheStats{}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return CacheStats{Entries: c.order.Len(), Bytes: c.size, MaxBytes: c.max,
		Hits: c.hits, Misses: c.misses, Evicted: c.evicted, Stale: c.stale, Kept: c.kept}
}
