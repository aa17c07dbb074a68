package importers

import (
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func TestGeomCheck(t *testing.T) {
	sq := orb.Ring{{0, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}}
	cw := orb.Ring{{0, 0}, {0, 4}, {4, 4}, {4, 0}, {0, 0}}
	tests := []struct {
		name     string
		g        orb.Geometry
		noRepair bool
		wantErr  string // "" : valid
		repairs  string // expected repairs, joined with "; "
	}{
		{"valid square", orb.Polygon{sq}, false, "", ""},
		{"clockwise outer ring", orb.Polygon{cw}, false, "", "turned the outer ring counter-clockwise"},
		{"clockwise kept without repair", orb.Polygon{cw}, true, "", ""},
		{"unclosed ring", orb.Polygon{sq[:4]}, false, "", "outer ring: closed the ring"},
		{"unclosed ring without repair", orb.Polygon{sq[:4]}, true, "not closed", ""},
		{"repeated points", orb.Polygon{{{0, 0}, {4, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}}}, false, "", "removed 1 repeated point(s)"},
		{"repeated points without repair are no crossing", orb.Polygon{{{0, 0}, {4, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}}}, true, "", ""},
		{"bow-tie", orb.Polygon{{{0, 0}, {4, 4}, {4, 0}, {0, 4}, {0, 0}}}, false, "crosses itself near (2.000000, 2.000000)", ""},
		{"figure eight through a vertex", orb.Polygon{{{0, 0}, {2, 2}, {4, 0}, {4, 4}, {2, 2}, {0, 4}, {0, 0}}}, false, "crosses itself", ""},
		{"spike", orb.Polygon{{{0, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 6}, {0, 4}, {0, 0}}}, false, "crosses itself", ""},
		{"two points", orb.Polygon{{{0, 0}, {1, 1}, {0, 0}}}, false, "three different points, it has 2", ""},
		{"collinear", orb.Polygon{{{0, 0}, {1, 1}, {2, 2}, {0, 0}}}, false, "", ""}, // folds back on itself
		{"hole inside", orb.Polygon{sq, {{1, 1}, {1, 2}, {2, 2}, {2, 1}, {1, 1}}}, false, "", ""},
		{"hole counter-clockwise", orb.Polygon{sq, {{1, 1}, {2, 1}, {2, 2}, {1, 2}, {1, 1}}}, false, "", "turned hole 1 clockwise"},
		{"hole touching the shell at a point", orb.Polygon{sq, {{0, 2}, {2, 3}, {2, 1}, {0, 2}}}, false, "", ""},
		{"hole outside", orb.Polygon{sq, {{5, 5}, {5, 6}, {6, 6}, {6, 5}, {5, 5}}}, false, "hole 1 lies outside", ""},
		{"hole crossing the shell", orb.Polygon{sq, {{3, 1}, {3, 2}, {5, 2}, {5, 1}, {3, 1}}}, false, "the outer ring and hole 1 cross", ""},
		{"multipolygon names the polygon", orb.MultiPolygon{{sq}, {{{0, 0}, {4, 4}, {4, 0}, {0, 4}, {0, 0}}}}, false, "polygon 2: the outer ring crosses itself", ""},
		{"NaN", orb.Point{math.NaN(), 1}, false, "not a finite number", ""},
		{"line of one point", orb.LineString{{1, 1}, {1, 1}}, false, "two different points", ""},
		{"line with repeats", orb.LineString{{1, 1}, {1, 1}, {2, 2}}, false, "", "removed 1 repeated point(s)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			gc := geomCheck{repair: !tc.noRepair}
			_, err := gc.check(tc.g)
			switch {
			case tc.name == "collinear":
				if err == nil || !(strings.Contains(err.Error(), "no area") || strings.Contains(err.Error(), "crosses itself")) {
					t.Errorf("err = %v, want no area or crossing", err)
				}
				return
			case tc.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("err = %v, want %q", err, tc.wantErr)
			}
			if got := strings.Join(gc.repairs, "; "); tc.wantErr == "" && !strings.Contains(got, tc.repairs) || (tc.repairs == "" && got != "") {
				t.Errorf("repairs = %q, want %q", got, tc.repairs)
			}
		})
	}
}

func TestRegionProblem(t *testing.T) {
	bj := Beijing()
	tests := []struct {
		name   string
		g      orb.Geometry
		region orb.Bound
		want   string
	}{
		{"inside", orb.Point{116.28, 39.85}, bj, ""},
		{"swapped", orb.Point{39.85, 116.28}, bj, "swapped"},
		{"zero", orb.Point{0, 0}, bj, "0,0"},
		{"sea", orb.Point{120.5, 38.9}, bj, "(120.500000, 38.900000) is outside"},
		{"one vertex out", orb.LineString{{116.28, 39.85}, {118, 39.85}}, bj, "(118.000000, 39.850000)"},
		{"no region", orb.Point{0, 0}, orb.Bound{}, ""},
	}
	for _, tc := range tests {
		got := regionProblem(tc.g, tc.region)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestUnwrap(t *testing.T) {
	p := orb.Point{1, 2}
	tests := []struct {
		want string
		in   orb.Geometry
		out  string
	}{
		{"Point", orb.MultiPoint{p}, "Point"},
		{"Point", orb.MultiPoint{p, p}, "MultiPoint"},
		{"LineString", orb.MultiLineString{{p, {3, 4}}}, "LineString"},
		{"MultiPolygon", orb.Collection{orb.Polygon{{p}}, orb.Polygon{{p}}}, "MultiPolygon"},
		{"Point", orb.Collection{orb.Collection{p}}, "Point"},
		{"Point", orb.Collection{p, orb.LineString{p}}, "GeometryCollection"},
	}
	for _, tc := range tests {
		if got := unwrap(tc.want, tc.in).GeoJSONType(); got != tc.out {
			t.Errorf("unwrap(%s, %v) = %s, want %s", tc.want, tc.in, got, tc.out)
		}
	}
}
