package tiles

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"minqing/geo/hex"
	"minqing/layers"
)

// Clustered reports whether layer l is served aggregated at zoom z: it is a
// point layer with a stored H3 cell ("h3" field) and z is below its
// ClusterBelowZoom.
func Clustered(l *layers.Layer, z int) bool {
	if l.ClusterBelowZoom <= 0 || z >= l.ClusterBelowZoom || l.Geometry != "Point" {
		return false
	}
	_, ok := l.Field("h3")
	return ok
}

// ClusterRes is the H3 resolution clusters use at zoom z: z−5, so a cluster
// is about 50 CSS pixels across on a 512-pixel tile (resolution 9, cells of
// about 0.1 km², at z14; resolution 7 at z12), kept within the resolutions
// whose cells the stores keep for every point (hex.MinExactRes to
// hex.MaxExactRes): clusters group points by their own cell.
func ClusterRes(z int) int {
	return min(max(z-5, hex.MinExactRes), hex.MaxExactRes)
}

// h3EdgeM returns H3's average hexagon edge length at resolution res, in
// metres (H3's published table).
func h3EdgeM(res int) float64 {
	edges := [...]float64{
		1281256.011, 483056.839, 182512.957, 68979.222, 26071.760, 9854.091,
		3724.533, 1406.476, 531.414, 200.786, 75.864, 28.664,
		10.830, 4.092, 1.546, 0.584,
	}
	return edges[min(max(res, 0), 15)]
}

// ClusterMargin is how far beyond tile t, as a fraction of its width, a
// store must read points to cluster them at resolution res: enough that
// every cell whose centroid lies in the tile has all its points read. It
// is three average edge lengths (a cell is at most about two maximal edges
// across, and edges vary by up to 1.5× around the globe), converted to Web
// Mercator metres at the tile's latitude farthest from the equator.
func ClusterMargin(t maptile.Tile, res int) float64 {
	b := t.Bound()
	lat := math.Max(math.Abs(b.Min[1]), math.Abs(b.Max[1]))
	scale := 1 / math.Cos(math.Min(lat, 85)*math.Pi/180)
	mb := MercatorBound(t)
	return 3 * h3EdgeM(res) * scale / (mb.Max[0] - mb.Min[0])
}

// TileCells returns, sorted, the cells at res whose centre lies in tile t
// (maptile.At), or false when there would be more than layers.MaxCellSet
// of them.
func TileCells(t maptile.Tile, res int) ([]int64, bool) {
	return cellsAround(t.Bound(), res, func(p orb.Point) bool { return maptile.At(p, t.Z) == t })
}

// innerCells returns the cells at res every point of which lies in tile t:
// those whose centre is at least a cell's radius (half ClusterMargin)
// inside it; false when there would be more than layers.MaxCellSet.
func innerCells(t maptile.Tile, res int) ([]int64, bool) {
	in := Window(t, -ClusterMargin(t, res)/2)
	if in.Min[0] >= in.Max[0] || in.Min[1] >= in.Max[1] {
		return nil, false
	}
	return cellsAround(in, res, in.Contains)
}

// cellsAround returns, sorted, the cells at res whose centre keep accepts
// among those whose centre lies in b or near it, or false when there would
// be more than layers.MaxCellSet, or when b reaches beyond 85° of latitude.
// H3 tests a centre against a polygon in
// longitude and latitude as a plane, as tiles are cut, so b is exact; it is
// grown by an edge length all the same, against rounding at its edges,
// since keep has the last word.
func cellsAround(b orb.Bound, res int, keep func(orb.Point) bool) ([]int64, bool) {
	lat := math.Max(math.Abs(b.Min[1]), math.Abs(b.Max[1]))
	if lat > 85 {
		return nil, false
	}
	dy := h3EdgeM(res) / 111_320
	dx := dy / math.Cos(lat*math.Pi/180)
	w := orb.Bound{Min: orb.Point{math.Max(b.Min[0]-dx, -180), math.Max(b.Min[1]-dy, -90)},
		Max: orb.Point{math.Min(b.Max[0]+dx, 180), math.Min(b.Max[1]+dy, 90)}}
	if hex.EstimateCells(w, res) > layers.MaxCellSet {
		return nil, false
	}
	all, err := hex.PolygonCells(w.ToPolygon(), res)
	if err != nil {
		return nil, false
	}
	out := all[:0]
	for _, c := range all {
		if keep(hex.Center(c)) {
			out = append(out, c)
		}
	}
	if len(out) > layers.MaxCellSet {
		return nil, false
	}
	return out, true
}
