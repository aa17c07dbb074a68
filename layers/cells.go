package layers

import "minqing/geo/hex"

// StoresCells reports whether the stores keep H3 cells for l's features:
// a point layer with an "h3" field (its resolution-15 cell) also has one
// internal column per resolution from hex.MinExactRes to hex.MaxExactRes
// (hex.ExactColumn), holding the point's own cell at that resolution.
// Those columns are not fields: no output, filter or import names them;
// CellCounts and tile clusters group by them.
func StoresCells(l *Layer) bool {
	_, ok := l.Field("h3")
	return ok && l.Geometry == "Point"
}

// ExactColumns returns the names of the exact-cell columns of a layer that
// StoresCells, in resolution order.
func ExactColumns() []string {
	out := make([]string, 0, hex.ExactCount)
	for r := hex.MinExactRes; r <= hex.MaxExactRes; r++ {
		out = append(out, hex.ExactColumn(r))
	}
	return out
}
