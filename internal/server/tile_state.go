package server

import (
	"context"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"minqing/layers"
	"minqing/tiles"
)

// tileState is the tile endpoints' state: the cache of rendered tiles and
// the reader of the layers' versions it is keyed on.
//
// A store that can tell of writes without being asked (PostgreSQL
// LISTEN/NOTIFY: layers.VersionWatcher) is watched from a goroutine that
// ends when the store is closed, and a warm tile then costs no round trip;
// a store with a cheap "anything committed?" probe (SQLite's data_version:
// layers.VersionProbe) is probed per request instead of read. A store that
// logs where its writes fell (layers.ChangeLogger) lets the cache keep the
// tiles a write did not reach.
type tileState struct {
	cache    *tiles.Cache // nil when Config.TileCacheMB < 0
	versions *tiles.Versions
	index    *tiles.PointIndex // the point layers' features in memory
}

func newTileState(s *Server) *tileState {
	st := &tileState{
		cache: tiles.NewCache(int64(s.cfg.TileCacheMB) << 20),
		index: tiles.NewPointIndex(s.src),
	}
	if cl, ok := layers.As[layers.ChangeLogger](s.src); ok {
		st.versions = tiles.NewChangeVersions(cl.Changes, 10*time.Second)
	} else {
		st.versions = tiles.NewVersions(s.src.Versions, 10*time.Second)
	}
	if p, ok := layers.As[layers.VersionProbe](s.src); ok {
		st.versions.SetProbe(p.VersionsMayHaveChanged)
	} else if w, ok := layers.As[layers.VersionWatcher](s.src); ok {
		st.versions.SetLocalWrites(w.LocalWrites)
		go w.WatchVersions(context.Background(), st.versions)
	}
	return st
}

// tileMargin is the share of a tile's width added on each side of its
// bounds when asking whether a write reached it: the tile buffer, symbols
// and labels drawn past a feature's point, and clusters whose centre moves
// with a new member all stay within it.
const tileMargin = 0.25

// tileReach returns the bounds, in longitude/latitude, that a write must
// miss for a cached tile to stay.
func tileReach(z, x, y int) orb.Bound {
	b := maptile.New(uint32(x), uint32(y), maptile.Zoom(z)).Bound()
	dx, dy := (b.Max[0]-b.Min[0])*tileMargin, (b.Max[1]-b.Min[1])*tileMargin
	return orb.Bound{Min: orb.Point{b.Min[0] - dx, b.Min[1] - dy}, Max: orb.Point{b.Max[0] + dx, b.Max[1] + dy}}
}

// cacheNames are the layer names a tile's versions are checked under in
// the change log: a derived layer (the published incident cells) gets no
// name, so any write to its source drops its tiles.
func cacheNames(ls []*layers.Layer) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		if !isAggregate(l) {
			out[i] = l.Name
		}
	}
	return out
}
