package geo

import (
	"testing"

	"github.com/paulmach/orb"
)

// TestWKT writes each geometry in both styles: the exports' (rounded,
// compact) and CQL2 text's (exact, spaced).
func TestWKT(t *testing.T) {
	sq := orb.Ring{{0, 0}, {1, 0}, {1, 1}, {0, 0}}
	for _, tc := range []struct {
		name         string
		g            orb.Geometry
		export, cql2 string
	}{
		{"nil", nil, "", ""},
		{"point", orb.Point{116.2812345678, 39.8512}, "POINT(116.281235 39.8512)", "POINT(116.2812345678 39.8512)"},
		{"tiny", orb.Point{1e-7, -0.5}, "POINT(0 -0.5)", "POINT(1e-07 -0.5)"},
		{"multipoint", orb.MultiPoint{{1, 2}, {3, 4}}, "MULTIPOINT((1 2),(3 4))", "MULTIPOINT((1 2), (3 4))"},
		{"linestring", orb.LineString{{1, 2}, {3, 4}}, "LINESTRING(1 2,3 4)", "LINESTRING(1 2, 3 4)"},
		{"empty linestring", orb.LineString{}, "LINESTRING EMPTY", "LINESTRING EMPTY"},
		{"multilinestring", orb.MultiLineString{{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}}, "MULTILINESTRING((1 2,3 4),(5 6,7 8))", "MULTILINESTRING((1 2, 3 4), (5 6, 7 8))"},
		{"ring", sq, "POLYGON((0 0,1 0,1 1,0 0))", "POLYGON((0 0, 1 0, 1 1, 0 0))"},
		{"polygon with hole", orb.Polygon{sq, sq}, "POLYGON((0 0,1 0,1 1,0 0),(0 0,1 0,1 1,0 0))", "POLYGON((0 0, 1 0, 1 1, 0 0), (0 0, 1 0, 1 1, 0 0))"},
		{"multipolygon", orb.MultiPolygon{{sq}, {sq}}, "MULTIPOLYGON(((0 0,1 0,1 1,0 0)),((0 0,1 0,1 1,0 0)))", "MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)), ((0 0, 1 0, 1 1, 0 0)))"},
		{"bound", orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{1, 1}}, "POLYGON((0 0,1 0,1 1,0 1,0 0))", "POLYGON((0 0, 1 0, 1 1, 0 1, 0 0))"},
		{"collection", orb.Collection{orb.Point{1, 2}, orb.LineString{{1, 2}, {3, 4}}}, "GEOMETRYCOLLECTION(POINT(1 2),LINESTRING(1 2,3 4))", "GEOMETRYCOLLECTION(POINT(1 2), LINESTRING(1 2, 3 4))"},
	} {
		if got := (WKT{Prec: 6}).String(tc.g); got != tc.export {
			t.Errorf("%s, export style: %s, want %s", tc.name, got, tc.export)
		}
		if got := (WKT{Prec: -1, Spaced: true}).String(tc.g); got != tc.cql2 {
			t.Errorf("%s, CQL2 style: %s, want %s", tc.name, got, tc.cql2)
		}
	}
}

func TestRound(t *testing.T) {
	for _, tc := range []struct {
		x    float64
		prec int
		want float64
	}{{1.23456, 2, 1.23}, {-1.235, 2, -1.24}, {0.5, 0, 1}, {116.28123456789, 6, 116.281235}} {
		if got := Round(tc.x, tc.prec); got != tc.want {
			t.Errorf("Round(%v, %d) = %v, want %v", tc.x, tc.prec, got, tc.want)
		}
	}
}
