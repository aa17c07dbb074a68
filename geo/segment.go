package geo

import "github.com/paulmach/orb"

// Orient returns the sign of the cross product (b−a)×(c−a) in the plane of
// lon/lat: 1 when c is left of a→b, −1 when right, 0 when the three are
// collinear. Importers (ring checks) and CQL2 (S_INTERSECTS) share it.
func Orient(a, b, c orb.Point) int {
	v := (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

// InBox reports whether p lies in the bounding box of segment a–b (ends
// included); with Orient(a, b, p) == 0 it means p is on the segment.
func InBox(a, b, p orb.Point) bool {
	return min(a[0], b[0]) <= p[0] && p[0] <= max(a[0], b[0]) &&
		min(a[1], b[1]) <= p[1] && p[1] <= max(a[1], b[1])
}
