package pmtiles

import (
	"cmp"
	"slices"

	"github.com/paulmach/orb/maptile"

	"minqing/geo"
)

// ID is the tile id of a tile: tiles of lower zooms first, and within a zoom
// along a Hilbert curve (neighbours on the map are neighbours in the file).
func ID(t maptile.Tile) uint64 {
	z := uint64(t.Z)
	acc := (uint64(1)<<(2*z) - 1) / 3 // the tiles of all lower zooms
	return acc + geo.Hilbert(uint(t.Z), uint64(t.X), uint64(t.Y))
}

// Order sorts tiles into ascending tile id, the order a Writer takes them.
func Order(ts []maptile.Tile) {
	slices.SortFunc(ts, func(a, b maptile.Tile) int { return cmp.Compare(ID(a), ID(b)) })
}
