package gpkg

import (
	"context"

	"minqing/layers"
)

// Tile says layers.ErrNoMVT: the embedded store offers its features (with
// the role, the filters and the R-tree index applied), and package tiles
// encodes them in Go (tiles.Render), as tegola does for its feature
// providers. A request the front refuses (an equality filter on a property
// the caller may not see, or of the wrong type) is refused first, with the
// same sentence as on every other path.
func (s *Store) Tile(ctx context.Context, req layers.TileRequest) ([]byte, error) {
	for _, l := range req.Layers {
		q := req.Query[l.Name]
		q.Role = req.Role
		if _, err := layers.CheckEqual(l, q); err != nil {
			return nil, err
		}
	}
	return nil, layers.ErrNoMVT
}
