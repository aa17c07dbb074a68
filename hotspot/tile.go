package hotspot

import (
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"minqing/geo/hex"
	"minqing/layers"
	"minqing/tiles"
)

// TileLayer is the name of the MVT layer of hotspot tiles.
const TileLayer = "hotspots"

// hexagons returns the outline of every study cell (computed once per
// analysis).
func (a *Analysis) hexagons() []orb.Polygon {
	a.polysOnce.Do(func() {
		a.polys = make([]orb.Polygon, len(a.Cells))
		for i, c := range a.Cells {
			a.polys[i] = hex.Boundary(c.Cell)
		}
	})
	return a.polys
}

// Tile renders the cells of the analysis that touch tile t as a Mapbox
// Vector Tile with one layer, [TileLayer], encoded by [tiles.Encode]
// (extent 4096, clipped to the tile plus buffer tile units; 0 means the
// default buffer). Each hexagon's feature id is its cell index and its
// properties are those of the GeoJSON ([Fields]), except that withheld
// values are absent (MVT has no null) and a series is its JSON text. A tile
// with no hexagon is empty (nil).
func (a *Analysis) Tile(t maptile.Tile, buffer int) ([]byte, error) {
	if !t.Valid() {
		return nil, fmt.Errorf("hotspot: tile %d/%d/%d does not exist", t.Z, t.X, t.Y)
	}
	// Select by bounds in WGS 84 with a generous margin; the encoder clips
	// exactly.
	tb := t.Bound()
	pad := 2 * float64(max(buffer, tiles.DefaultBuffer)) / tiles.DefaultExtent
	dx, dy := (tb.Max[0]-tb.Min[0])*pad, (tb.Max[1]-tb.Min[1])*pad
	sel := orb.Bound{Min: orb.Point{tb.Min[0] - dx, tb.Min[1] - dy}, Max: orb.Point{tb.Max[0] + dx, tb.Max[1] + dy}}

	var fs []*layers.Feature
	for i, poly := range a.hexagons() {
		if poly == nil || !poly.Bound().Intersects(sel) {
			continue
		}
		c := &a.Cells[i]
		fs = append(fs, &layers.Feature{ID: c.Cell, Geometry: poly, Props: c.properties(true)})
	}
	if len(fs) == 0 {
		return nil, nil
	}
	out, err := tiles.Encode(t, []tiles.Layer{{Name: TileLayer, Fields: Fields(), Features: fs}}, tiles.Options{Buffer: buffer})
	if err != nil {
		return nil, fmt.Errorf("hotspot: tile %d/%d/%d: %w", t.Z, t.X, t.Y, err)
	}
	return out, nil
}
