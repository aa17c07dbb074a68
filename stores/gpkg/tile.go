package gpkg

import (
	"context"

	"minqing/layers"
)

// Tile says layers.ErrNoMVT: the embedded store offers its features (with
// the role, the filters and the R-tree index applied), and package tiles
// encodes them in Go (tiles.Render), as tegola does for its feature
// providers.
func (s *Store) Tile(ctx context.Context, req layers.TileRequest) ([]byte, error) {
	return nil, layers.ErrNoMVT
}
