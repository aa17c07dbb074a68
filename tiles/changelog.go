package tiles

import (
	"sync"

	"github.com/paulmach/orb"

	"minqing/layers"
)

// changeLogMax is how many changes a ChangeLog keeps per layer; a tile
// rendered before the oldest kept change is dropped at its next request.
const changeLogMax = 4096

// ChangeLog remembers where recent writes to each layer fell, so that a
// cache can keep the tiles a write did not reach. It is safe for
// concurrent use; a nil *ChangeLog knows nothing (every write reaches
// every tile).
type ChangeLog struct {
	mu sync.RWMutex
	by map[string][]layers.LayerChange // per layer, ordered by To
}

// NewChangeLog returns an empty log.
func NewChangeLog() *ChangeLog { return &ChangeLog{by: map[string][]layers.LayerChange{}} }

// Add records changes (each layer's in order of To); a change that does
// not follow the last one kept for its layer is ignored.
func (l *ChangeLog) Add(cs []layers.LayerChange) {
	if l == nil || len(cs) == 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, c := range cs {
		if c.To <= c.From {
			continue
		}
		kept := l.by[c.Layer]
		if n := len(kept); n > 0 && c.From < kept[n-1].To {
			continue
		}
		if len(kept) >= changeLogMax {
			kept = append(kept[:0:0], kept[len(kept)-changeLogMax/2:]...)
		}
		l.by[c.Layer] = append(kept, c)
	}
}

// Clean reports whether every write that took layer from version from to
// version to is logged and lies outside b: then a tile of b rendered at
// from is still the tile at to.
func (l *ChangeLog) Clean(layer string, from, to int64, b orb.Bound) bool {
	if l == nil || from > to {
		return false
	}
	if from == to {
		return true
	}
	l.mu.RLock()
	defer l.mu.RUnlock()
	at := from
	for _, c := range l.by[layer] {
		if c.To <= at {
			continue
		}
		if c.From > at || c.Bound.Intersects(b) {
			return false // a gap (writes of unknown bounds), or a write in b
		}
		at = c.To
		if at >= to {
			return true
		}
	}
	return false
}
