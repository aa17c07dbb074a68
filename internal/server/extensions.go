package server

import (
	"minqing/internal/auth"
	"minqing/layers"
)

// extensions holds the state of the endpoint groups that need some (the tile
// cache, for instance). Each group adds its field here.
type extensions struct {
	tiles    *tileState      // tile_*.go: the tile cache
	hotspots *hotspotState   // hotspot_*.go: the analysis service and its cache
	intake   *intakeState    // intake_state.go: routing, community locator, Open311 rate limit
	rates    *publishedRates // rates_public.go: the published rate atoms per month
	tokens   *auth.Cache     // access.go: the tokens resolved at the tokens' version
}

func newExtensions(s *Server) extensions {
	return extensions{tiles: newTileState(s), hotspots: newHotspotState(s), intake: newIntakeState(s), rates: newPublishedRates(), tokens: &auth.Cache{}}
}

// extraLayers lists derived layers (hotspots) for /layers.
func (x extensions) extraLayers(role layers.Role) []layerInfo {
	return []layerInfo{hotspotLayerInfo()}
}
