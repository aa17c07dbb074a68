package importers

import (
	"fmt"
	"math"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"minqing/geo"
)

// unwrap simplifies what formats produce to what layers take: a collection
// of one geometry becomes that geometry, a collection of points, lines or
// polygons becomes the multi type, and a one-member MultiPoint or
// MultiLineString becomes its member when the layer wants the single type.
func unwrap(want string, g orb.Geometry) orb.Geometry {
	if c, ok := g.(orb.Collection); ok {
		g = collapse(c)
	}
	switch v := g.(type) {
	case orb.MultiPoint:
		if want == "Point" && len(v) == 1 {
			return v[0]
		}
	case orb.MultiLineString:
		if want == "LineString" && len(v) == 1 {
			return v[0]
		}
	case orb.MultiPolygon:
		if want == "Polygon" && len(v) == 1 {
			return v[0]
		}
	}
	return g
}

// collapse turns a homogeneous collection into a multi geometry.
func collapse(c orb.Collection) orb.Geometry {
	if len(c) == 1 {
		if inner, ok := c[0].(orb.Collection); ok {
			return collapse(inner)
		}
		return c[0]
	}
	var pts orb.MultiPoint
	var lines orb.MultiLineString
	var polys orb.MultiPolygon
	for _, g := range c {
		switch v := g.(type) {
		case orb.Point:
			pts = append(pts, v)
		case orb.LineString:
			lines = append(lines, v)
		case orb.Polygon:
			polys = append(polys, v)
		case orb.MultiPolygon:
			polys = append(polys, v...)
		default:
			return c
		}
	}
	switch {
	case len(pts) == len(c):
		return pts
	case len(lines) == len(c):
		return lines
	case len(polys) > 0 && len(pts) == 0 && len(lines) == 0:
		return polys
	}
	return c
}

// geomCheck validates and (when repair is true) repairs one geometry. It
// returns the geometry to store, the repairs made and the first problem.
type geomCheck struct {
	repair  bool
	repairs []string
}

func (gc *geomCheck) note(format string, args ...any) {
	gc.repairs = append(gc.repairs, fmt.Sprintf(format, args...))
}

func (gc *geomCheck) check(g orb.Geometry) (orb.Geometry, error) {
	switch v := g.(type) {
	case orb.Point:
		return v, finite(v)
	case orb.MultiPoint:
		return v, allFinite(v, "")
	case orb.LineString:
		return gc.line(v, "")
	case orb.MultiLineString:
		out := make(orb.MultiLineString, len(v))
		for i, ls := range v {
			l, err := gc.line(ls, fmt.Sprintf("line %d: ", i+1))
			if err != nil {
				return nil, err
			}
			out[i] = l
		}
		return out, nil
	case orb.Polygon:
		return gc.polygon(v, "")
	case orb.MultiPolygon:
		out := make(orb.MultiPolygon, len(v))
		for i, p := range v {
			pp, err := gc.polygon(p, fmt.Sprintf("polygon %d: ", i+1))
			if err != nil {
				return nil, err
			}
			out[i] = pp
		}
		return out, nil
	}
	return g, nil
}

func finite(p orb.Point) error {
	if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0) {
		return fmt.Errorf("a coordinate is not a finite number")
	}
	return nil
}

// dedupe returns pts without consecutive duplicate points.
func dedupe(pts []orb.Point) []orb.Point {
	out := make([]orb.Point, 0, len(pts))
	for i, p := range pts {
		if i > 0 && p == out[len(out)-1] {
			continue
		}
		out = append(out, p)
	}
	return out
}

func allFinite(pts []orb.Point, where string) error {
	for _, p := range pts {
		if err := finite(p); err != nil {
			return fmt.Errorf("%s%v", where, err)
		}
	}
	return nil
}

func (gc *geomCheck) line(ls orb.LineString, where string) (orb.LineString, error) {
	if err := allFinite(ls, where); err != nil {
		return nil, err
	}
	clean := dedupe(ls)
	if len(clean) < 2 {
		return nil, fmt.Errorf("%sa line needs at least two different points", where)
	}
	if !gc.repair {
		return ls, nil
	}
	if d := len(ls) - len(clean); d > 0 {
		gc.note("%sremoved %d repeated point(s)", where, d)
	}
	return orb.LineString(clean), nil
}

// distinct counts the different points of pts, up to 4.
func distinct(pts []orb.Point) int {
	seen := make(map[orb.Point]bool, 4)
	for _, p := range pts {
		seen[p] = true
		if len(seen) > 3 {
			break
		}
	}
	return len(seen)
}

// ring checks one ring: closed and at least three different points. It
// returns the ring to keep and the ring to test (without repeated points).
func (gc *geomCheck) ring(r orb.Ring, where string) (keep, test orb.Ring, err error) {
	if err := allFinite(r, where); err != nil {
		return nil, nil, err
	}
	if len(r) == 0 {
		return nil, nil, fmt.Errorf("%sthe ring has no points", where)
	}
	clean := dedupe(r)
	closed := len(r) > 1 && r[0] == r[len(r)-1]
	if !closed {
		if !gc.repair {
			return nil, nil, fmt.Errorf("%sthe ring is not closed (its last point differs from its first)", where)
		}
		clean = append(clean, clean[0])
	}
	if n := distinct(clean); n < 3 {
		return nil, nil, fmt.Errorf("%sa ring needs at least three different points, it has %d", where, n)
	}
	if !gc.repair {
		return r, clean, nil
	}
	if d := len(r) - len(dedupe(r)); d > 0 {
		gc.note("%sremoved %d repeated point(s)", where, d)
	}
	if !closed {
		gc.note("%sclosed the ring", where)
	}
	return clean, clean, nil
}

func (gc *geomCheck) polygon(p orb.Polygon, where string) (orb.Polygon, error) {
	if len(p) == 0 {
		return nil, fmt.Errorf("%sthe polygon is empty", where)
	}
	out := make(orb.Polygon, len(p))
	test := make(orb.Polygon, len(p))
	for i, r := range p {
		keep, t, err := gc.ring(r, where+ringName(i)+": ")
		if err != nil {
			return nil, err
		}
		out[i], test[i] = keep, t
	}
	if err := crossings(test, where); err != nil {
		return nil, err
	}
	for i, r := range test {
		if planar.Area(r) == 0 {
			return nil, fmt.Errorf("%s%s has no area (its points lie on one line)", where, ringName(i))
		}
	}
	for i := 1; i < len(test); i++ {
		if !holeInside(test[0], test[i]) {
			return nil, fmt.Errorf("%shole %d lies outside the outer ring", where, i)
		}
	}
	if gc.repair {
		for i, r := range out {
			want := orb.CCW
			if i > 0 {
				want = orb.CW
			}
			if r.Orientation() != want {
				r.Reverse()
				if i == 0 {
					gc.note("%sturned the outer ring counter-clockwise", where)
				} else {
					gc.note("%sturned hole %d clockwise", where, i)
				}
			}
		}
	}
	return out, nil
}

// holeInside reports whether some vertex of hole lies strictly inside outer
// (a hole may touch its shell at a point).
func holeInside(outer, hole orb.Ring) bool {
	for _, p := range hole {
		if planar.RingContains(outer, p) && !onRing(outer, p) {
			return true
		}
	}
	return false
}

func onRing(r orb.Ring, p orb.Point) bool {
	for i := 1; i < len(r); i++ {
		if geo.Orient(r[i-1], r[i], p) == 0 && geo.InBox(r[i-1], r[i], p) {
			return true
		}
	}
	return false
}

// maxCrossingTests bounds the work of the self-intersection sweep.
const maxCrossingTests = 50_000_000

type segment struct {
	a, b       orb.Point
	ring, idx  int // ring number and segment number in it
	n          int // segments in the ring
	minX, maxX float64
}

// crossings finds where the rings of a polygon cross themselves or each
// other (a sweep over segments sorted by x). Two segments of one ring may
// meet only where they are neighbours; segments of different rings may
// touch at a point but not cross.
func crossings(p orb.Polygon, where string) error {
	var segs []segment
	for ri, r := range p {
		n := len(r) - 1
		for i := 0; i < n; i++ {
			a, b := r[i], r[i+1]
			segs = append(segs, segment{a: a, b: b, ring: ri, idx: i, n: n, minX: math.Min(a[0], b[0]), maxX: math.Max(a[0], b[0])})
		}
	}
	sort.Slice(segs, func(i, j int) bool { return segs[i].minX < segs[j].minX })
	tests := 0
	for i := range segs {
		s := &segs[i]
		for j := i + 1; j < len(segs) && segs[j].minX <= s.maxX; j++ {
			t := &segs[j]
			if tests++; tests > maxCrossingTests {
				return nil // too complex to check here; the store still accepts it
			}
			if math.Max(s.a[1], s.b[1]) < math.Min(t.a[1], t.b[1]) || math.Max(t.a[1], t.b[1]) < math.Min(s.a[1], s.b[1]) {
				continue
			}
			if s.ring == t.ring {
				if bad, at := sameRingConflict(s, t); bad {
					return fmt.Errorf("%s%s crosses itself near (%.6f, %.6f): a self-intersecting polygon (such as a bow-tie) cannot be repaired automatically; fix it (QGIS: Vector › Geometry Tools › Fix Geometries) and import again",
						where, ringName(s.ring), at[0], at[1])
				}
				continue
			}
			if cross, at := properCross(s.a, s.b, t.a, t.b); cross {
				first, second := min(s.ring, t.ring), max(s.ring, t.ring)
				return fmt.Errorf("%s%s and %s cross near (%.6f, %.6f)", where, ringName(first), ringName(second), at[0], at[1])
			}
		}
	}
	return nil
}

func ringName(i int) string {
	if i == 0 {
		return "the outer ring"
	}
	return fmt.Sprintf("hole %d", i)
}

// sameRingConflict reports whether two segments of one ring meet anywhere
// but at the point they share as neighbours (or fold back over each other).
func sameRingConflict(s, t *segment) (bool, orb.Point) {
	adjacent := t.idx == s.idx+1 || s.idx == t.idx+1 || (s.idx == 0 && t.idx == s.n-1) || (t.idx == 0 && s.idx == t.n-1)
	if adjacent {
		// Neighbours share one end; they conflict only when collinear and
		// folding back (a spike).
		var shared, p, q orb.Point
		switch {
		case s.b == t.a:
			shared, p, q = s.b, s.a, t.b
		case t.b == s.a:
			shared, p, q = s.a, s.b, t.a
		default:
			return false, orb.Point{}
		}
		if geo.Orient(shared, p, q) == 0 {
			dx1, dy1 := p[0]-shared[0], p[1]-shared[1]
			dx2, dy2 := q[0]-shared[0], q[1]-shared[1]
			if dx1*dx2+dy1*dy2 > 0 {
				return true, shared
			}
		}
		return false, orb.Point{}
	}
	if ok, at := intersects(s.a, s.b, t.a, t.b); ok {
		return true, at
	}
	return false, orb.Point{}
}

// intersects reports whether segments ab and cd share any point, and one.
func intersects(a, b, c, d orb.Point) (bool, orb.Point) {
	o1, o2, o3, o4 := geo.Orient(a, b, c), geo.Orient(a, b, d), geo.Orient(c, d, a), geo.Orient(c, d, b)
	if o1 != o2 && o3 != o4 {
		return true, crossPoint(a, b, c, d)
	}
	switch {
	case o1 == 0 && geo.InBox(a, b, c):
		return true, c
	case o2 == 0 && geo.InBox(a, b, d):
		return true, d
	case o3 == 0 && geo.InBox(c, d, a):
		return true, a
	case o4 == 0 && geo.InBox(c, d, b):
		return true, b
	}
	return false, orb.Point{}
}

// properCross reports whether ab and cd cross at a point interior to both,
// or overlap along a stretch.
func properCross(a, b, c, d orb.Point) (bool, orb.Point) {
	o1, o2, o3, o4 := geo.Orient(a, b, c), geo.Orient(a, b, d), geo.Orient(c, d, a), geo.Orient(c, d, b)
	if o1*o2 < 0 && o3*o4 < 0 {
		return true, crossPoint(a, b, c, d)
	}
	if o1 == 0 && o2 == 0 { // collinear: overlapping stretch?
		n := 0
		for _, p := range []struct{ p, a, b orb.Point }{{c, a, b}, {d, a, b}, {a, c, d}, {b, c, d}} {
			if geo.InBox(p.a, p.b, p.p) && p.p != p.a && p.p != p.b {
				n++
			}
		}
		if n > 0 {
			return true, c
		}
	}
	return false, orb.Point{}
}

func crossPoint(a, b, c, d orb.Point) orb.Point {
	den := (a[0]-b[0])*(c[1]-d[1]) - (a[1]-b[1])*(c[0]-d[0])
	if den == 0 {
		return a
	}
	t := ((a[0]-c[0])*(c[1]-d[1]) - (a[1]-c[1])*(c[0]-d[0])) / den
	return orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}
}

// regionProblem returns why g leaves region, or "" when it is inside.
func regionProblem(g orb.Geometry, region orb.Bound) string {
	if region == (orb.Bound{}) {
		return ""
	}
	var bad orb.Point
	found := false
	walkPoints(g, func(p orb.Point) bool {
		if !region.Contains(p) {
			bad, found = p, true
			return false
		}
		return true
	})
	if !found {
		return ""
	}
	where := fmt.Sprintf("lon %g–%g, lat %g–%g", region.Min[0], region.Max[0], region.Min[1], region.Max[1])
	switch {
	case bad[0] == 0 && bad[1] == 0:
		return "the coordinates are 0,0 (missing?)"
	case region.Contains(orb.Point{bad[1], bad[0]}):
		return fmt.Sprintf("(%.6f, %.6f) is outside the region (%s): longitude and latitude look swapped", bad[0], bad[1], where)
	}
	return fmt.Sprintf("(%.6f, %.6f) is outside the region (%s)", bad[0], bad[1], where)
}

// walkPoints calls fn for every point of g until it returns false.
func walkPoints(g orb.Geometry, fn func(orb.Point) bool) bool {
	each := func(pts []orb.Point) bool {
		for _, p := range pts {
			if !fn(p) {
				return false
			}
		}
		return true
	}
	switch v := g.(type) {
	case orb.Point:
		return fn(v)
	case orb.MultiPoint:
		return each(v)
	case orb.LineString:
		return each(v)
	case orb.Ring:
		return each(v)
	case orb.MultiLineString:
		for _, l := range v {
			if !each(l) {
				return false
			}
		}
	case orb.Polygon:
		for _, r := range v {
			if !each(r) {
				return false
			}
		}
	case orb.MultiPolygon:
		for _, p := range v {
			for _, r := range p {
				if !each(r) {
					return false
				}
			}
		}
	case orb.Collection:
		for _, c := range v {
			if !walkPoints(c, fn) {
				return false
			}
		}
	}
	return true
}

// countPoints counts the coordinates of g.
func countPoints(g orb.Geometry) int {
	n := 0
	walkPoints(g, func(orb.Point) bool { n++; return true })
	return n
}
