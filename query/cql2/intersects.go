package cql2

import (
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"minqing/geo"
)

// This file implements S_INTERSECTS for Eval: a planar test in the
// coordinates as given (longitude/latitude used as x/y), like PostGIS
// ST_Intersects on geometry in SRID 4326. Boundaries count, so geometries
// that only touch intersect. Arithmetic is plain float64, so results for
// points within rounding error of a boundary may differ from PostGIS's
// robust predicates.

// shape is one primitive: a point, a line (polyline) or a polygon.
type shape struct {
	kind  byte // 'p' point, 'l' line, 'a' area (polygon)
	pt    orb.Point
	line  []orb.Point
	poly  orb.Polygon
	bound orb.Bound
}

// intersects reports whether a and b share at least one point. Empty
// geometries intersect nothing.
func intersects(a, b orb.Geometry) bool {
	sa, sb := shapes(a, nil), shapes(b, nil)
	for _, x := range sa {
		for _, y := range sb {
			if shapesIntersect(x, y) {
				return true
			}
		}
	}
	return false
}

// shapes splits g into primitives, dropping empty parts.
func shapes(g orb.Geometry, out []shape) []shape {
	switch g := g.(type) {
	case orb.Point:
		out = append(out, shape{kind: 'p', pt: g, bound: g.Bound()})
	case orb.MultiPoint:
		for _, p := range g {
			out = shapes(p, out)
		}
	case orb.LineString:
		switch len(g) {
		case 0:
		case 1:
			out = shapes(g[0], out)
		default:
			out = append(out, shape{kind: 'l', line: g, bound: g.Bound()})
		}
	case orb.MultiLineString:
		for _, l := range g {
			out = shapes(l, out)
		}
	case orb.Ring:
		out = shapes(orb.Polygon{g}, out)
	case orb.Polygon:
		if len(g) > 0 && len(g[0]) > 0 {
			out = append(out, shape{kind: 'a', poly: g, bound: g[0].Bound()})
		}
	case orb.MultiPolygon:
		for _, p := range g {
			out = shapes(p, out)
		}
	case orb.Bound:
		if g.Min[0] > g.Max[0] || g.Min[1] > g.Max[1] {
			break // inverted: empty
		}
		switch c := boundGeometry(g).(type) {
		case orb.Bound:
			out = shapes(c.ToPolygon(), out)
		default: // collapsed to a point or line
			out = shapes(c, out)
		}
	case orb.Collection:
		for _, c := range g {
			out = shapes(c, out)
		}
	}
	return out
}

// boundsOverlap is a closed-box overlap test (touching boxes overlap).
func boundsOverlap(a, b orb.Bound) bool {
	return a.Min[0] <= b.Max[0] && b.Min[0] <= a.Max[0] &&
		a.Min[1] <= b.Max[1] && b.Min[1] <= a.Max[1]
}

func shapesIntersect(a, b shape) bool {
	if !boundsOverlap(a.bound, b.bound) {
		return false
	}
	if a.kind > b.kind { // order the pair so that a.kind <= b.kind ('a' < 'l' < 'p')
		a, b = b, a
	}
	switch {
	case a.kind == 'p': // point–point
		return a.pt == b.pt
	case a.kind == 'l' && b.kind == 'p':
		return lineTouchesPoint(a.line, b.pt)
	case a.kind == 'l': // line–line
		return linesCross(a.line, false, b.line, false, b.bound)
	case b.kind == 'p': // area–point
		return polygonCovers(a.poly, b.pt)
	case b.kind == 'l': // area–line
		return boundaryCrosses(a.poly, b.line, false, b.bound) || polygonCovers(a.poly, b.line[0])
	}
	// area–area: the boundaries cross, or one lies inside the other.
	for _, r := range b.poly {
		if boundaryCrosses(a.poly, r, true, b.bound) {
			return true
		}
	}
	return polygonCovers(a.poly, b.poly[0][0]) || polygonCovers(b.poly, a.poly[0][0])
}

// polygonCovers reports whether p lies in the polygon or on its boundary
// (including the boundary of a hole).
func polygonCovers(poly orb.Polygon, p orb.Point) bool {
	if !planar.RingContains(poly[0], p) { // boundary counts as inside
		return false
	}
	for _, h := range poly[1:] {
		if len(h) > 0 && planar.RingContains(h, p) {
			return onPath(h, true, p)
		}
	}
	return true
}

// boundaryCrosses reports whether any ring of poly meets the path pts
// (closed when it is a ring); pb is the bound of pts.
func boundaryCrosses(poly orb.Polygon, pts []orb.Point, closed bool, pb orb.Bound) bool {
	for _, r := range poly {
		if len(r) > 0 && linesCross(r, true, pts, closed, pb) {
			return true
		}
	}
	return false
}

func lineTouchesPoint(line []orb.Point, p orb.Point) bool { return onPath(line, false, p) }

// onPath reports whether p lies on a segment of the path (closed: with the
// segment from the last point back to the first).
func onPath(path []orb.Point, closed bool, p orb.Point) bool {
	found := false
	eachSegment(path, closed, func(a, b orb.Point) bool {
		found = geo.Orient(a, b, p) == 0 && geo.InBox(a, b, p)
		return found
	})
	return found
}

// linesCross reports whether any segment of path a meets any segment of
// path b; bb is the bound of b, used to skip far segments of a.
func linesCross(a []orb.Point, aClosed bool, b []orb.Point, bClosed bool, bb orb.Bound) bool {
	found := false
	eachSegment(a, aClosed, func(p1, p2 orb.Point) bool {
		if !boundsOverlap(segmentBound(p1, p2), bb) {
			return false
		}
		eachSegment(b, bClosed, func(q1, q2 orb.Point) bool {
			found = segmentsIntersect(p1, p2, q1, q2)
			return found
		})
		return found
	})
	return found
}

// eachSegment calls fn for the segments of path until fn returns true. A
// one-point path is a zero-length segment; a closed path gets its closing
// segment when the last point differs from the first.
func eachSegment(path []orb.Point, closed bool, fn func(a, b orb.Point) bool) {
	if len(path) == 1 {
		fn(path[0], path[0])
		return
	}
	for i := 0; i+1 < len(path); i++ {
		if fn(path[i], path[i+1]) {
			return
		}
	}
	if closed && len(path) > 1 && path[0] != path[len(path)-1] {
		fn(path[len(path)-1], path[0])
	}
}

func segmentBound(a, b orb.Point) orb.Bound {
	return orb.Bound{
		Min: orb.Point{min(a[0], b[0]), min(a[1], b[1])},
		Max: orb.Point{max(a[0], b[0]), max(a[1], b[1])},
	}
}

// segmentsIntersect reports whether the closed segments p1–p2 and q1–q2
// share a point, including touching ends, collinear overlap and
// zero-length segments.
func segmentsIntersect(p1, p2, q1, q2 orb.Point) bool {
	d1, d2 := geo.Orient(q1, q2, p1), geo.Orient(q1, q2, p2)
	d3, d4 := geo.Orient(p1, p2, q1), geo.Orient(p1, p2, q2)
	if d1*d2 < 0 && d3*d4 < 0 {
		return true
	}
	return d1 == 0 && geo.InBox(q1, q2, p1) ||
		d2 == 0 && geo.InBox(q1, q2, p2) ||
		d3 == 0 && geo.InBox(p1, p2, q1) ||
		d4 == 0 && geo.InBox(p1, p2, q2)
}
