package geo

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// Grids over which round trips and offsets are checked.
const (
	// Greater Beijing.
	beijingMinLon, beijingMaxLon, beijingMinLat, beijingMaxLat = 115.7, 117.4, 39.4, 41.0
	beijingStep                                                = 0.01
	// 丰台街道, sampled densely (every ~50 m).
	streetMinLon, streetMaxLon, streetMinLat, streetMaxLat = 116.270, 116.305, 39.845, 39.870
	streetStep                                             = 0.0005

	// maxRoundTripErrM is the required accuracy of the inverses.
	maxRoundTripErrM = 0.5
)

// gridPoints returns the points of a regular grid, bounds included.
func gridPoints(minLon, maxLon, minLat, maxLat, step float64) []orb.Point {
	nLon := int(math.Round((maxLon-minLon)/step)) + 1
	nLat := int(math.Round((maxLat-minLat)/step)) + 1
	pts := make([]orb.Point, 0, nLon*nLat)
	for i := range nLon {
		for j := range nLat {
			pts = append(pts, orb.Point{minLon + float64(i)*step, minLat + float64(j)*step})
		}
	}
	return pts
}

// testGrids are the areas sampled by the round-trip and offset tests.
func testGrids() []struct {
	name string
	pts  []orb.Point
} {
	return []struct {
		name string
		pts  []orb.Point
	}{
		{"beijing", gridPoints(beijingMinLon, beijingMaxLon, beijingMinLat, beijingMaxLat, beijingStep)},
		{"fengtai-street", gridPoints(streetMinLon, streetMaxLon, streetMinLat, streetMaxLat, streetStep)},
	}
}

func TestParseCRS(t *testing.T) {
	tests := []struct {
		in   string
		want CRS
	}{
		{"wgs84", WGS84},
		{"WGS84", WGS84},
		{" wgs-84 ", WGS84},
		{"EPSG:4326", WGS84},
		{"epsg:4326", WGS84},
		{"wgs84ll", WGS84},
		{"cgcs2000", CGCS2000},
		{"CGCS-2000", CGCS2000},
		{"epsg:4490", CGCS2000},
		{"gcj02", GCJ02},
		{"GCJ-02", GCJ02},
		{"gcj02ll", GCJ02},
		{"bd09", BD09},
		{"BD-09", BD09},
		{"bd09ll", BD09},
	}
	for _, tt := range tests {
		got, err := ParseCRS(tt.in)
		if err != nil {
			t.Errorf("ParseCRS(%q): unexpected error %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseCRS(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseCRSInvalid(t *testing.T) {
	for _, in := range []string{"", "wgs", "epsg:3857", "epsg:4327", "gcj", "bd-09mc", "utm50n", "mars"} {
		got, err := ParseCRS(in)
		if err == nil {
			t.Errorf("ParseCRS(%q) = %q, want error", in, got)
			continue
		}
		if got != "" {
			t.Errorf("ParseCRS(%q) returned %q alongside an error", in, got)
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, "geo: ") {
			t.Errorf("ParseCRS(%q) error %q lacks the package prefix", in, msg)
		}
		for _, name := range []string{`"` + in + `"`, "wgs84", "cgcs2000", "gcj02", "bd09", "epsg:4326", "epsg:4490"} {
			if !strings.Contains(msg, name) {
				t.Errorf("ParseCRS(%q) error %q does not mention %s", in, msg, name)
			}
		}
	}
}

// TestKnownPairs checks the formulas against values published by
// independent implementations.
func TestKnownPairs(t *testing.T) {
	tests := []struct {
		name   string
		f      func(orb.Point) orb.Point
		in     orb.Point
		want   orb.Point
		tolDeg float64
	}{
		// Source: github.com/wandergis/coordtransform, test/app.js
		// (expected results listed in its comments), same formula constants.
		{"coordtransform wgs84togcj02", WGS84ToGCJ02, orb.Point{116.404, 39.915}, orb.Point{116.41024449916938, 39.91640428150164}, 1e-12},
		{"coordtransform gcj02tobd09", GCJ02ToBD09, orb.Point{116.404, 39.915}, orb.Point{116.41036949371029, 39.92133699351021}, 1e-12},
		{"coordtransform bd09togcj02 (one-step)", bdToGCJ02OneStep, orb.Point{116.404, 39.915}, orb.Point{116.39762729119315, 39.90865673957631}, 1e-12},
		{"coordtransform gcj02towgs84 (one-step)", gcjToWGS84OneStep, orb.Point{116.404, 39.915}, orb.Point{116.39775550083061, 39.91359571849836}, 1e-12},
		// Source: github.com/googollee/eviltransform, go/transform_test.go
		// (its table is in lat, lng order; converted to lon, lat here).
		{"eviltransform shanghai", WGS84ToGCJ02, orb.Point{121.5272106, 31.1774276}, orb.Point{121.531541859215, 31.17530398364597}, 1e-12},
		{"eviltransform shenzhen", WGS84ToGCJ02, orb.Point{113.912316, 22.543847}, orb.Point{113.9171764808363, 22.540796131694766}, 1e-12},
		{"eviltransform beijing", WGS84ToGCJ02, orb.Point{116.377817, 39.911954}, orb.Point{116.38404722455657, 39.91334545536069}, 1e-12},
		// The same pairs, inverted: the iterative inverse must recover the
		// WGS84 input to 1e-9° (0.1 mm).
		{"eviltransform shanghai inverse", GCJ02ToWGS84, orb.Point{121.531541859215, 31.17530398364597}, orb.Point{121.5272106, 31.1774276}, 1e-9},
		{"eviltransform shenzhen inverse", GCJ02ToWGS84, orb.Point{113.9171764808363, 22.540796131694766}, orb.Point{113.912316, 22.543847}, 1e-9},
		{"eviltransform beijing inverse", GCJ02ToWGS84, orb.Point{116.38404722455657, 39.91334545536069}, orb.Point{116.377817, 39.911954}, 1e-9},
		{"coordtransform wgs84togcj02 inverse", GCJ02ToWGS84, orb.Point{116.41024449916938, 39.91640428150164}, orb.Point{116.404, 39.915}, 1e-9},
		{"coordtransform gcj02tobd09 inverse", BD09ToGCJ02, orb.Point{116.41036949371029, 39.92133699351021}, orb.Point{116.404, 39.915}, 1e-9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.f(tt.in)
			if math.Abs(got[0]-tt.want[0]) > tt.tolDeg || math.Abs(got[1]-tt.want[1]) > tt.tolDeg {
				t.Errorf("got %.15f, want %.15f (tolerance %g°)", got, tt.want, tt.tolDeg)
			}
		})
	}
}

// TestInverseOfForward computes forward values with the published formula at
// landmarks of Beijing and checks that every inverse recovers the input.
func TestInverseOfForward(t *testing.T) {
	landmarks := []struct {
		name string
		wgs  orb.Point
	}{
		{"Tiananmen flagpole", orb.Point{116.391275, 39.903185}},
		{"Fengtai railway station", orb.Point{116.284, 39.8505}},
		{"Fengtai subdistrict centre", orb.Point{116.2875, 39.8575}},
		{"Beijing Capital Airport", orb.Point{116.5871, 40.0799}},
		{"Badaling", orb.Point{116.0169, 40.3569}},
	}
	for _, lm := range landmarks {
		t.Run(lm.name, func(t *testing.T) {
			gcj := WGS84ToGCJ02(lm.wgs)
			bd := WGS84ToBD09(lm.wgs)
			checks := []struct {
				what      string
				got, want orb.Point
			}{
				{"GCJ02ToWGS84", GCJ02ToWGS84(gcj), lm.wgs},
				{"BD09ToWGS84", BD09ToWGS84(bd), lm.wgs},
				{"BD09ToGCJ02", BD09ToGCJ02(bd), gcj},
				{"ToWGS84(GCJ02)", ToWGS84(GCJ02, gcj), lm.wgs},
				{"ToWGS84(BD09)", ToWGS84(BD09, bd), lm.wgs},
			}
			for _, c := range checks {
				if d := Distance(c.got, c.want); d > 0.001 {
					t.Errorf("%s: off by %.4f m", c.what, d)
				}
			}
		})
	}
}

func TestRoundTrip(t *testing.T) {
	for _, grid := range testGrids() {
		t.Run(grid.name, func(t *testing.T) {
			var maxGCJ, maxBD, maxBDGCJ float64
			var worstGCJ, worstBD orb.Point
			for _, p := range grid.pts {
				if d := Distance(p, GCJ02ToWGS84(WGS84ToGCJ02(p))); d > maxGCJ {
					maxGCJ, worstGCJ = d, p
				}
				if d := Distance(p, BD09ToWGS84(WGS84ToBD09(p))); d > maxBD {
					maxBD, worstBD = d, p
				}
				if d := Distance(p, BD09ToGCJ02(GCJ02ToBD09(p))); d > maxBDGCJ {
					maxBDGCJ = d
				}
			}
			t.Logf("%d points: max round-trip error WGS84→GCJ02→WGS84 %.3g m, WGS84→BD09→WGS84 %.3g m, GCJ02→BD09→GCJ02 %.3g m",
				len(grid.pts), maxGCJ, maxBD, maxBDGCJ)
			if maxGCJ >= maxRoundTripErrM {
				t.Errorf("WGS84→GCJ02→WGS84 error %.3f m at %v, want < %g m", maxGCJ, worstGCJ, maxRoundTripErrM)
			}
			if maxBD >= maxRoundTripErrM {
				t.Errorf("WGS84→BD09→WGS84 error %.3f m at %v, want < %g m", maxBD, worstBD, maxRoundTripErrM)
			}
			// The iterative inverses are expected to be far better than
			// required: hold them to 1 cm.
			if maxGCJ > 0.01 || maxBD > 0.01 || maxBDGCJ > 0.01 {
				t.Errorf("round-trip errors exceed 1 cm")
			}
		})
	}
}

// TestOneStepInverseIsInsufficient proves the iteration matters: the common
// one-step GCJ-02 inverse misses the 0.5 m target somewhere in Beijing.
func TestOneStepInverseIsInsufficient(t *testing.T) {
	var maxOneStep, maxBDOneStep float64
	for _, p := range gridPoints(beijingMinLon, beijingMaxLon, beijingMinLat, beijingMaxLat, beijingStep) {
		gcj := WGS84ToGCJ02(p)
		maxOneStep = max(maxOneStep, Distance(p, gcjToWGS84OneStep(gcj)))
		maxBDOneStep = max(maxBDOneStep, Distance(gcj, bdToGCJ02OneStep(GCJ02ToBD09(gcj))))
	}
	t.Logf("one-step inverses over Beijing: GCJ02→WGS84 max error %.3f m, BD09→GCJ02 max error %.3f m", maxOneStep, maxBDOneStep)
	if maxOneStep <= maxRoundTripErrM {
		t.Errorf("one-step GCJ02→WGS84 max error %.3f m, expected > %g m", maxOneStep, maxRoundTripErrM)
	}
}

// TestOffsetsInBeijing asserts the magnitude of the shifts: about 500–600 m
// from WGS84 to GCJ-02 and another 840–900 m from GCJ-02 to BD-09.
func TestOffsetsInBeijing(t *testing.T) {
	const (
		minGCJ, maxGCJ = 450.0, 650.0
		minBD, maxBD   = 800.0, 950.0
	)
	for _, grid := range testGrids() {
		t.Run(grid.name, func(t *testing.T) {
			lowG, highG, lowB, highB := math.Inf(1), 0.0, math.Inf(1), 0.0
			for _, p := range grid.pts {
				gcj := WGS84ToGCJ02(p)
				bd := GCJ02ToBD09(gcj)
				g, b := Distance(p, gcj), Distance(gcj, bd)
				lowG, highG = min(lowG, g), max(highG, g)
				lowB, highB = min(lowB, b), max(highB, b)
				// GCJ-02 shifts Beijing east and north.
				if gcj[0] <= p[0] || gcj[1] <= p[1] {
					t.Fatalf("GCJ-02 offset at %v is not north-east: %v", p, gcj)
				}
			}
			t.Logf("WGS84→GCJ02 offset %.0f–%.0f m, GCJ02→BD09 offset %.0f–%.0f m", lowG, highG, lowB, highB)
			if lowG < minGCJ || highG > maxGCJ {
				t.Errorf("GCJ-02 offset range %.0f–%.0f m outside %g–%g m", lowG, highG, minGCJ, maxGCJ)
			}
			if lowB < minBD || highB > maxBD {
				t.Errorf("BD-09 offset range %.0f–%.0f m outside %g–%g m", lowB, highB, minBD, maxBD)
			}
		})
	}
}

func TestOutOfChina(t *testing.T) {
	tests := []struct {
		name string
		p    orb.Point
		want bool
	}{
		{"Beijing", orb.Point{116.4, 39.9}, false},
		{"Urumqi", orb.Point{87.6, 43.8}, false},
		{"Sanya", orb.Point{109.5, 18.25}, false},
		{"Tokyo", orb.Point{139.69, 35.69}, true},
		{"London", orb.Point{-0.1276, 51.5072}, true},
		{"Sydney", orb.Point{151.2, -33.87}, true},
		{"far north", orb.Point{116.4, 60}, true},
		{"far west", orb.Point{70, 39.9}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := OutOfChina(tt.p); got != tt.want {
				t.Fatalf("OutOfChina(%v) = %v, want %v", tt.p, got, tt.want)
			}
			if !tt.want {
				return
			}
			// GCJ-02 offsets are zero outside China, both ways.
			if got := WGS84ToGCJ02(tt.p); got != tt.p {
				t.Errorf("WGS84ToGCJ02(%v) = %v, want unchanged", tt.p, got)
			}
			if got := GCJ02ToWGS84(tt.p); got != tt.p {
				t.Errorf("GCJ02ToWGS84(%v) = %v, want unchanged", tt.p, got)
			}
			// BD-09 is still a perturbation there, and still invertible.
			if d := Distance(tt.p, BD09ToWGS84(WGS84ToBD09(tt.p))); d > 0.01 {
				t.Errorf("BD-09 round trip at %v off by %.3f m", tt.p, d)
			}
		})
	}
}

func TestNonFiniteInput(t *testing.T) {
	for _, p := range []orb.Point{{math.NaN(), 39.9}, {116.4, math.Inf(1)}} {
		for name, f := range map[string]func(orb.Point) orb.Point{
			"GCJ02ToWGS84": GCJ02ToWGS84,
			"BD09ToGCJ02":  BD09ToGCJ02,
			"BD09ToWGS84":  BD09ToWGS84,
		} {
			got := f(p)
			if isFinite(got) {
				t.Errorf("%s(%v) = %v, want a non-finite result", name, p, got)
			}
		}
	}
}

func TestToFromWGS84(t *testing.T) {
	p := orb.Point{116.2875, 39.8575}
	tests := []struct {
		crs  CRS
		from func(orb.Point) orb.Point
	}{
		{WGS84, func(p orb.Point) orb.Point { return p }},
		{CGCS2000, func(p orb.Point) orb.Point { return p }},
		{GCJ02, WGS84ToGCJ02},
		{BD09, WGS84ToBD09},
		// Aliases not passed through ParseCRS are still honoured.
		{CRS("GCJ-02"), WGS84ToGCJ02},
		{CRS("bd09ll"), WGS84ToBD09},
		{CRS("EPSG:4490"), func(p orb.Point) orb.Point { return p }},
		// Unknown names leave the point unchanged.
		{CRS("nonsense"), func(p orb.Point) orb.Point { return p }},
	}
	for _, tt := range tests {
		t.Run(string(tt.crs), func(t *testing.T) {
			want := tt.from(p)
			if got := FromWGS84(tt.crs, p); got != want {
				t.Errorf("FromWGS84 = %v, want %v", got, want)
			}
			if d := Distance(ToWGS84(tt.crs, want), p); d > 0.001 {
				t.Errorf("ToWGS84(FromWGS84(p)) off by %.4f m", d)
			}
		})
	}
}

// equirectangular is the flat-earth distance approximation, accurate to
// about 1e-6 relative for points a kilometre apart.
func equirectangular(a, b orb.Point) float64 {
	dLat := (b[1] - a[1]) * math.Pi / 180
	dLon := (b[0] - a[0]) * math.Pi / 180 * math.Cos((a[1]+b[1])/2*math.Pi/180)
	return math.Hypot(dLat, dLon) * orb.EarthRadius
}

func TestDistance(t *testing.T) {
	oneDegree := math.Pi / 180 * orb.EarthRadius
	short := [2]orb.Point{{116.28, 39.85}, {116.29, 39.857}}
	tests := []struct {
		name string
		a, b orb.Point
		want float64
		tol  float64
	}{
		{"same point", orb.Point{116.4, 39.9}, orb.Point{116.4, 39.9}, 0, 1e-9},
		{"one degree of latitude", orb.Point{116.4, 39}, orb.Point{116.4, 40}, oneDegree, 1e-6},
		{"one degree of longitude on the equator", orb.Point{116, 0}, orb.Point{117, 0}, oneDegree, 1e-6},
		{"symmetric", orb.Point{116.4, 40}, orb.Point{116.4, 39}, oneDegree, 1e-6},
		{"about 1.1 km in the street", short[0], short[1], equirectangular(short[0], short[1]), 0.01},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Distance(tt.a, tt.b); math.Abs(got-tt.want) > tt.tol {
				t.Errorf("Distance(%v, %v) = %.6f, want %.6f", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

func TestTransformGeometry(t *testing.T) {
	shift := func(p orb.Point) orb.Point { return orb.Point{p[0] + 1, p[1] + 2} }
	ring := orb.Ring{{0, 0}, {1, 0}, {1, 1}, {0, 0}}
	shiftedRing := orb.Ring{{1, 2}, {2, 2}, {2, 3}, {1, 2}}
	tests := []struct {
		name string
		in   orb.Geometry
		want orb.Geometry
	}{
		{"nil", nil, nil},
		{"point", orb.Point{1, 1}, orb.Point{2, 3}},
		{"multipoint", orb.MultiPoint{{0, 0}, {1, 1}}, orb.MultiPoint{{1, 2}, {2, 3}}},
		{"linestring", orb.LineString{{0, 0}, {1, 1}}, orb.LineString{{1, 2}, {2, 3}}},
		{"nil linestring", orb.LineString(nil), orb.LineString(nil)},
		{"ring", ring, shiftedRing},
		{"multilinestring", orb.MultiLineString{{{0, 0}, {1, 1}}, {{2, 2}}}, orb.MultiLineString{{{1, 2}, {2, 3}}, {{3, 4}}}},
		{"polygon with hole", orb.Polygon{ring, ring}, orb.Polygon{shiftedRing, shiftedRing}},
		{"multipolygon", orb.MultiPolygon{{ring}, {ring, ring}}, orb.MultiPolygon{{shiftedRing}, {shiftedRing, shiftedRing}}},
		{"empty multipolygon", orb.MultiPolygon{}, orb.MultiPolygon{}},
		{"collection", orb.Collection{orb.Point{0, 0}, orb.LineString{{1, 1}}, orb.Collection{orb.Point{2, 2}}},
			orb.Collection{orb.Point{1, 2}, orb.LineString{{2, 3}}, orb.Collection{orb.Point{3, 4}}}},
		{"bound", orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{1, 1}}, orb.Bound{Min: orb.Point{1, 2}, Max: orb.Point{2, 3}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := orb.Clone(tt.in)
			if before == nil {
				// orb.Clone drops typed nil slices, which cannot be mutated.
				before = tt.in
			}
			got := TransformGeometry(tt.in, shift)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
			if !reflect.DeepEqual(tt.in, before) {
				t.Errorf("input mutated: now %#v, was %#v", tt.in, before)
			}
		})
	}
}

// TestTransformGeometryBoundNonLinear checks that a Bound maps to the box
// around all four transformed corners, not just Min and Max.
func TestTransformGeometryBoundNonLinear(t *testing.T) {
	// Swap the axes: the image of Min/Max alone would be a degenerate box.
	swap := func(p orb.Point) orb.Point { return orb.Point{p[1], -p[0]} }
	b := orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{2, 1}}
	want := orb.Bound{Min: orb.Point{0, -2}, Max: orb.Point{1, 0}}
	if got := TransformGeometry(b, swap); got != want {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestTransformGeometryCRS(t *testing.T) {
	poly := orb.Polygon{{{116.27, 39.845}, {116.305, 39.845}, {116.305, 39.87}, {116.27, 39.87}, {116.27, 39.845}}}
	gcj := TransformGeometry(poly, WGS84ToGCJ02).(orb.Polygon)
	back := TransformGeometry(gcj, GCJ02ToWGS84).(orb.Polygon)
	for i, p := range poly[0] {
		if d := Distance(p, gcj[0][i]); d < 450 || d > 650 {
			t.Errorf("vertex %d shifted by %.1f m", i, d)
		}
		if d := Distance(p, back[0][i]); d > 0.001 {
			t.Errorf("vertex %d round trip off by %.4f m", i, d)
		}
	}
}
