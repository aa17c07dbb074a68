package hotspot

import (
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"minqing/geo/hex"
)

// TileLayer is the name of the MVT layer of hotspot tiles.
const TileLayer = "hotspots"

// tileExtent is the MVT extent of hotspot tiles.
const tileExtent = 4096

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
// Vector Tile with one layer, [TileLayer], of extent 4096, clipped to the
// tile plus buffer tile units on each side. Properties are those of the
// GeoJSON, except that withheld values are absent (MVT has no null) and a
// series is its JSON text. A tile with no cell has an empty layer.
func (a *Analysis) Tile(t maptile.Tile, buffer int) ([]byte, error) {
	if !t.Valid() {
		return nil, fmt.Errorf("hotspot: tile %d/%d/%d does not exist", t.Z, t.X, t.Y)
	}
	tb := t.Bound()
	pad := float64(buffer) / tileExtent
	dx, dy := (tb.Max[0]-tb.Min[0])*pad, (tb.Max[1]-tb.Min[1])*pad
	sel := orb.Bound{Min: orb.Point{tb.Min[0] - dx, tb.Min[1] - dy}, Max: orb.Point{tb.Max[0] + dx, tb.Max[1] + dy}}

	fc := geojson.NewFeatureCollection()
	for i, poly := range a.hexagons() {
		if poly == nil || !poly.Bound().Intersects(sel) {
			continue
		}
		f := geojson.NewFeature(poly.Clone())
		f.Properties = a.Cells[i].properties(true)
		fc.Append(f)
	}
	layer := mvt.NewLayer(TileLayer, fc)
	layer.Version = 2
	layer.Extent = tileExtent
	layer.ProjectToTile(t)
	b := float64(buffer)
	layer.Clip(orb.Bound{Min: orb.Point{-b, -b}, Max: orb.Point{tileExtent + b, tileExtent + b}})
	out, err := mvt.Marshal(mvt.Layers{layer})
	if err != nil {
		return nil, fmt.Errorf("hotspot: encode tile %d/%d/%d: %w", t.Z, t.X, t.Y, err)
	}
	return out, nil
}
