package hex

import (
	"fmt"

	"github.com/paulmach/orb"
)

// MinExactRes and MaxExactRes bound the resolutions whose cells are stored
// on write beside the resolution-15 cell: hot spots count at 7–11 and tile
// clusters group at 5–9 (zooms 10–14). A point's cell at these
// resolutions must be its own cell (LatLngToCell), not the parent of a
// finer cell: H3 is not a strict hierarchy, and a parent misplaces about
// one point in fifteen near a hexagon's edge.
const (
	MinExactRes = 5
	MaxExactRes = 11
)

// ExactCount is how many resolutions [ExactCells] returns.
const ExactCount = MaxExactRes - MinExactRes + 1

// ExactCells returns the cells containing p ([lon, lat] in WGS84 degrees)
// at every resolution from MinExactRes to MaxExactRes: element i is the cell
// of resolution MinExactRes+i.
func ExactCells(p orb.Point) ([ExactCount]Cell, error) {
	_, exact, err := PointCells(p)
	return exact, err
}

// PointCells returns the cells containing p ([lon, lat] in WGS84 degrees)
// that a point is stored with: its cell at StoreRes (what FromPoint gives)
// and its ExactCells, computed in one pass.
func PointCells(p orb.Point) (store Cell, exact [ExactCount]Cell, err error) {
	if err := checkPoint(p); err != nil {
		return 0, exact, fmt.Errorf("hex: cells of point: %w", err)
	}
	store, bad := pointCells(p[1], p[0], &exact)
	if bad != 0 {
		return 0, exact, fmt.Errorf("hex: no cell for point %v at resolution %d", p, bad)
	}
	return store, exact, nil
}

// HasExact reports whether res is one of the resolutions whose cells are
// stored (MinExactRes to MaxExactRes).
func HasExact(res int) bool { return res >= MinExactRes && res <= MaxExactRes }

// ExactColumn is the name of the column holding the stored cell of
// resolution res ("h3_9"): hex.HasExact(res) must hold.
func ExactColumn(res int) string { return fmt.Sprintf("h3_%d", res) }
