package gpkg

import (
	"context"

	"minqing/layers"
	"minqing/tiles"
)

// Tile renders a Mapbox Vector Tile in Go, as PostGIS does with ST_AsMVT:
// package tiles reads each layer's features in the tile and its buffer
// through Features (so the role, the filters and the R-tree index apply),
// projects, clips and simplifies them with orb, and clusters points below
// a layer's ClusterBelowZoom by their stored H3 cell the same way the PostGIS
// store does in SQL (tiles.Render).
func (s *Store) Tile(ctx context.Context, req layers.TileRequest) ([]byte, error) {
	return tiles.Render(ctx, s, req)
}
