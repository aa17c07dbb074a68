package server

import "minqing/tiles"

// tileState is the tile endpoints' state: the cache of rendered tiles.
type tileState struct {
	cache *tiles.Cache // nil when Config.TileCacheMB < 0
}

func newTileState(cfg Config) *tileState {
	return &tileState{cache: tiles.NewCache(int64(cfg.TileCacheMB) << 20)}
}
