package geo

// Hilbert is the distance of cell (x, y) along the Hilbert curve that fills
// a grid of 2^order × 2^order cells, starting at (0, 0): cells near each other
// on the curve are near each other on the grid, so sorting by it keeps
// neighbours together (PMTiles' tile ids, R-tree packing). x and y must be
// below 2^order; order is at most 32.
func Hilbert(order uint, x, y uint64) uint64 {
	var d uint64
	for s := uint64(1) << order >> 1; s > 0; s >>= 1 {
		var rx, ry uint64
		if x&s != 0 {
			rx = 1
		}
		if y&s != 0 {
			ry = 1
		}
		d += s * s * ((3 * rx) ^ ry)
		// Rotate the quadrant so that the curve within it starts and ends
		// where the next level expects.
		if ry == 0 {
			if rx == 1 {
				x, y = s-1-x, s-1-y
			}
			x, y = y, x
		}
	}
	return d
}
