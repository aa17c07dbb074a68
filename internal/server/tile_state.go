package server

import (
	"time"

	"minqing/tiles"
)

// tileState is the tile endpoints' state: the cache of rendered tiles and
// the coalescing reader of the layers' versions it is keyed on.
type tileState struct {
	cache    *tiles.Cache // nil when Config.TileCacheMB < 0
	versions *tiles.Versions
	index    *tiles.PointIndex // the point layers' features in memory
}

func newTileState(s *Server) *tileState {
	return &tileState{
		cache:    tiles.NewCache(int64(s.cfg.TileCacheMB) << 20),
		versions: tiles.NewVersions(s.src.Versions, 10*time.Second),
		index:    tiles.NewPointIndex(s.src),
	}
}
