package cql2

import (
	"cmp"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"minqing/geo"
)

// This file checks that query polygons are valid, because PostGIS (GEOS)
// fails the whole query with a TopologyException on some invalid polygons
// and gives arbitrary answers on collapsed ones. The check is a little
// stricter than OGC validity: rings may not touch each other or themselves
// at all, and the polygons of a MULTIPOLYGON may not touch.

// polygonProblem returns why p is not a valid polygon, or "" when it is.
func polygonProblem(p orb.Polygon) string {
	if len(p) == 0 {
		return "it is empty"
	}
	type segment struct {
		a, b        orb.Point
		box         orb.Bound
		ring, i, of int // index of the ring, of the segment in it, segments in it
	}
	var segs []segment
	rings := make([][]orb.Point, len(p))
	for ri, r := range p {
		pts := withoutRepeats(r)
		if len(pts) < 4 || pts[0] != pts[len(pts)-1] {
			return "a ring has zero area"
		}
		rings[ri] = pts
		for i := 0; i+1 < len(pts); i++ {
			segs = append(segs, segment{pts[i], pts[i+1], segmentBound(pts[i], pts[i+1]), ri, i, len(pts) - 1})
		}
	}
	// Sweep over the segments in order of their left ends, so that only
	// pairs whose x ranges overlap are compared.
	slices.SortFunc(segs, func(s, t segment) int { return cmp.Compare(s.box.Min[0], t.box.Min[0]) })
	for i, s := range segs {
		for _, t := range segs[i+1:] {
			if t.box.Min[0] > s.box.Max[0] {
				break
			}
			if !boundsOverlap(s.box, t.box) {
				continue
			}
			s := s
			if s.ring > t.ring || s.ring == t.ring && s.i > t.i {
				s, t = t, s
			}
			switch {
			case s.ring == t.ring && t.i == s.i+1:
				if foldsBack(s.a, s.b, t.b) {
					return "a ring doubles back on itself"
				}
			case s.ring == t.ring && s.i == 0 && t.i == t.of-1:
				if foldsBack(t.a, t.b, s.b) {
					return "a ring doubles back on itself"
				}
			case segmentsIntersect(s.a, s.b, t.a, t.b):
				if s.ring == t.ring {
					return "a ring crosses or touches itself"
				}
				return "rings cross or touch"
			}
		}
	}
	for _, r := range rings {
		if twiceArea(r) == 0 { // collinear rings double back, but be sure
			return "a ring has zero area"
		}
	}
	// No boundaries meet, so one vertex tells where a whole hole lies.
	for hi, h := range rings[1:] {
		if !planar.RingContains(rings[0], h[0]) {
			return "a hole lies outside the exterior ring"
		}
		for hj, other := range rings[1:] {
			if hi != hj && planar.RingContains(other, h[0]) {
				return "a hole lies inside another hole"
			}
		}
	}
	return ""
}

// multiPolygonProblem returns why mp is not a valid multipolygon, or "".
func multiPolygonProblem(mp orb.MultiPolygon) string {
	for _, p := range mp {
		if msg := polygonProblem(p); msg != "" {
			return msg
		}
	}
	bounds := make([]orb.Bound, len(mp))
	for i, p := range mp {
		bounds[i] = p.Bound()
	}
	for i := range mp {
		for j := i + 1; j < len(mp); j++ {
			if boundsOverlap(bounds[i], bounds[j]) && intersects(mp[i], mp[j]) {
				return "its polygons overlap or touch"
			}
		}
	}
	return ""
}

// withoutRepeats drops consecutive duplicate points, which are valid but
// would hide which segments are neighbours.
func withoutRepeats(r []orb.Point) []orb.Point {
	out := make([]orb.Point, 0, len(r))
	for _, pt := range r {
		if len(out) == 0 || out[len(out)-1] != pt {
			out = append(out, pt)
		}
	}
	return out
}

// twiceArea is the shoelace sum of a closed ring (twice its signed area).
func twiceArea(pts []orb.Point) float64 {
	var s float64
	for i := 0; i+1 < len(pts); i++ {
		s += pts[i][0]*pts[i+1][1] - pts[i+1][0]*pts[i][1]
	}
	return s
}

// foldsBack reports whether the neighbouring segments p–shared and
// shared–q overlap in more than their shared point (a spike).
func foldsBack(p, shared, q orb.Point) bool {
	return geo.Orient(p, shared, q) == 0 && (geo.InBox(p, shared, q) || geo.InBox(shared, q, p))
}

// boundGeometry returns the geometry a BBOX stands for: its rectangle, or
// the point or line it collapses to when it has no width or height (PostGIS
// does not treat a collapsed envelope polygon as the point or line).
func boundGeometry(b orb.Bound) orb.Geometry {
	switch {
	case b.Min == b.Max:
		return b.Min
	case b.Min[0] == b.Max[0] || b.Min[1] == b.Max[1]:
		return orb.LineString{b.Min, b.Max}
	}
	return b
}
