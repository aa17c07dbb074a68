package pmtiles

import (
	"cmp"
	"slices"

	"github.com/paulmach/orb/maptile"
)

// ID is the tile id of a tile: tiles of lower zooms first, and within a zoom
// along a Hilbert curve (neighbours on the map are neighbours in the file).
func ID(t maptile.Tile) uint64 {
	z := uint64(t.Z)
	acc := (uint64(1)<<(2*z) - 1) / 3 // the tiles of all lower zooms
	x, y := uint64(t.X), uint64(t.Y)
	for s := uint64(1) << z >> 1; s > 0; s >>= 1 {
		var rx, ry uint64
		if x&s > 0 {
			rx = 1
		}
		if y&s > 0 {
			ry = 1
		}
		acc += s * s * ((3 * rx) ^ ry)
		x, y = rotate(s, x, y, rx, ry)
	}
	return acc
}

func rotate(n, x, y, rx, ry uint64) (uint64, uint64) {
	if ry == 0 {
		if rx == 1 {
			x = n - 1 - x
			y = n - 1 - y
		}
		return y, x
	}
	return x, y
}

// Order sorts tiles into ascending tile id, the order a Writer takes them.
func Order(ts []maptile.Tile) {
	slices.SortFunc(ts, func(a, b maptile.Tile) int { return cmp.Compare(ID(a), ID(b)) })
}
