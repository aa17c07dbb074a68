package tiles

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// earthRadius is the radius of the Web Mercator sphere (EPSG:3857), metres.
const earthRadius = 6378137.0

// originShift is half the width of the Web Mercator world, as PostGIS's
// ST_TileEnvelope uses it.
const originShift = math.Pi * earthRadius

// Mercator converts a WGS 84 point (lon, lat) to Web Mercator metres.
func Mercator(p orb.Point) orb.Point {
	lat := math.Max(-85.05112878, math.Min(85.05112878, p[1]))
	return orb.Point{
		earthRadius * p[0] * math.Pi / 180,
		earthRadius * math.Log(math.Tan(math.Pi/4+lat*math.Pi/360)),
	}
}

// FromMercator converts Web Mercator metres to WGS 84 (lon, lat).
func FromMercator(p orb.Point) orb.Point {
	return orb.Point{
		p[0] / earthRadius * 180 / math.Pi,
		(2*math.Atan(math.Exp(p[1]/earthRadius)) - math.Pi/2) * 180 / math.Pi,
	}
}

// MercatorBound returns the Web Mercator bounds of tile t, the same numbers as
// PostGIS's ST_TileEnvelope(z, x, y).
func MercatorBound(t maptile.Tile) orb.Bound {
	size := 2 * originShift / float64(uint64(1)<<t.Z)
	minx := -originShift + float64(t.X)*size
	maxy := originShift - float64(t.Y)*size
	return orb.Bound{Min: orb.Point{minx, maxy - size}, Max: orb.Point{minx + size, maxy}}
}

// InTile reports whether the Web Mercator point p belongs to tile bound b.
// Tiles are half-open (x in [min, max), y in (min, max]) so that a point on
// an edge shared by two tiles belongs to exactly one of them.
func InTile(b orb.Bound, p orb.Point) bool {
	return p[0] >= b.Min[0] && p[0] < b.Max[0] && p[1] > b.Min[1] && p[1] <= b.Max[1]
}

// Window returns the WGS 84 bounds of tile t grown by margin, a fraction of
// the tile's width on every side (the buffer of a tile is Buffer/Extent).
func Window(t maptile.Tile, margin float64) orb.Bound {
	b := MercatorBound(t)
	d := (b.Max[0] - b.Min[0]) * margin
	lo := FromMercator(orb.Point{b.Min[0] - d, b.Min[1] - d})
	hi := FromMercator(orb.Point{b.Max[0] + d, b.Max[1] + d})
	lo[0], hi[0] = math.Max(lo[0], -180), math.Min(hi[0], 180)
	return orb.Bound{Min: lo, Max: hi}
}
