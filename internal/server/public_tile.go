package server

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"minqing/disclose"
	"minqing/geo/hex"
	"minqing/layers"
	"minqing/tiles"
)

// publicIncidentTile renders the public incidents layer of tile t: one
// point per published cell whose centre lies in the tile (each cell is in
// exactly one tile of a zoom), at the cell's centre — never a position
// derived from the incidents —, with its window count or suppressed.
func (s *Server) publicIncidentTile(ctx context.Context, l *layers.Layer, t maptile.Tile, pq publicQuery) ([]byte, error) {
	sums, _, err := s.publicSums(ctx, pq)
	if err != nil {
		return nil, err
	}
	cells := make([]hex.Cell, 0)
	for c := range sums {
		if maptile.At(hex.Center(c), t.Z) == t {
			cells = append(cells, c)
		}
	}
	if len(cells) == 0 {
		return nil, nil
	}
	slices.Sort(cells)
	fs := make([]*layers.Feature, len(cells))
	for i, c := range cells {
		fs[i] = &layers.Feature{ID: c, Geometry: hex.Center(c), Props: cellProps(c, sums[c])}
	}
	body, err := tiles.Encode(t, []tiles.Layer{{Name: l.Name, Fields: l.Fields, Features: fs}}, tiles.Options{Buffer: s.cfg.TileBuffer})
	if err != nil {
		return nil, fmt.Errorf("public incidents tile %d/%d/%d: %w", t.Z, t.X, t.Y, err)
	}
	return body, nil
}

// publicTileKey is the cache text of a public incidents tile query: the
// query and the last published month.
func publicTileKey(pq publicQuery, now time.Time) string {
	return "pub{" + pq.key + " closed=" + disclose.LastClosed(now).String() + "}"
}

// tileExtent is the extent a TileJSON gives for layer l: the store's, but
// for the public incidents the street's (the patches' or communities'),
// since the incidents' own extent is made of the outermost incidents'
// coordinates.
func (s *Server) tileExtent(ctx context.Context, l *layers.Layer) (orb.Bound, error) {
	if !isAggregate(l) {
		return s.src.Extent(ctx, l)
	}
	for _, name := range []string{"patches", "communities"} {
		if al, ok := s.catalog.Lookup(name); ok {
			b, err := s.src.Extent(ctx, al)
			if err != nil || b != (orb.Bound{}) {
				return b, err
			}
		}
	}
	return orb.Bound{}, nil
}
