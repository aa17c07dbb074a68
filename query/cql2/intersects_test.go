package cql2

import (
	"testing"

	"github.com/paulmach/orb"
)

func TestIntersects(t *testing.T) {
	square := orb.Polygon{{{0, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}}}
	donut := orb.Polygon{
		{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}},
		{{3, 3}, {7, 3}, {7, 7}, {3, 7}, {3, 3}},
	}
	box := func(x1, y1, x2, y2 float64) orb.Bound {
		return orb.Bound{Min: orb.Point{x1, y1}, Max: orb.Point{x2, y2}}
	}
	tests := []struct {
		name string
		a, b orb.Geometry
		want bool
	}{
		{"point in box", orb.Point{1, 1}, box(0, 0, 2, 2), true},
		{"point on box edge", orb.Point{2, 1}, box(0, 0, 2, 2), true},
		{"point on box corner", orb.Point{2, 2}, box(0, 0, 2, 2), true},
		{"point outside box", orb.Point{3, 1}, box(0, 0, 2, 2), false},
		{"point = point", orb.Point{1, 2}, orb.Point{1, 2}, true},
		{"point <> point", orb.Point{1, 2}, orb.Point{2, 1}, false},
		{"point in polygon", orb.Point{1, 1}, square, true},
		{"point on polygon edge", orb.Point{0, 2}, square, true},
		{"point in hole", orb.Point{5, 5}, donut, false},
		{"point on hole edge", orb.Point{3, 5}, donut, true},
		{"point on hole corner", orb.Point{7, 7}, donut, true},
		{"point in donut ring", orb.Point{1, 5}, donut, true},
		{"point on line", orb.Point{1, 1}, orb.LineString{{0, 0}, {2, 2}}, true},
		{"point at line end", orb.Point{2, 2}, orb.LineString{{0, 0}, {2, 2}}, true},
		{"point off line", orb.Point{1, 1.1}, orb.LineString{{0, 0}, {2, 2}}, false},
		{"point beyond line", orb.Point{3, 3}, orb.LineString{{0, 0}, {2, 2}}, false},
		{"line through box, no vertex inside", orb.LineString{{-1, 1}, {3, 1}}, box(0, 0, 2, 2), true},
		{"line diagonal past box corner", orb.LineString{{-1, 0.5}, {0.5, -1}}, box(0, 0, 2, 2), false},
		{"line touching box corner", orb.LineString{{2, 2}, {3, 3}}, box(0, 0, 2, 2), true},
		{"line inside polygon", orb.LineString{{1, 1}, {2, 2}}, square, true},
		{"line inside hole", orb.LineString{{4, 4}, {6, 6}}, donut, false},
		{"line from hole to ring", orb.LineString{{5, 5}, {5, 1}}, donut, true},
		{"line along hole edge", orb.LineString{{3, 4}, {3, 6}}, donut, true},
		{"lines crossing", orb.LineString{{0, 0}, {2, 2}}, orb.LineString{{0, 2}, {2, 0}}, true},
		{"lines parallel", orb.LineString{{0, 0}, {2, 2}}, orb.LineString{{0, 1}, {2, 3}}, false},
		{"lines collinear overlap", orb.LineString{{0, 0}, {2, 2}}, orb.LineString{{1, 1}, {3, 3}}, true},
		{"lines collinear apart", orb.LineString{{0, 0}, {1, 1}}, orb.LineString{{2, 2}, {3, 3}}, false},
		{"lines T", orb.LineString{{0, 0}, {2, 0}}, orb.LineString{{1, 0}, {1, 5}}, true},
		{"polygon inside polygon", orb.Polygon{{{1, 1}, {2, 1}, {2, 2}, {1, 1}}}, square, true},
		{"polygon containing box", square, box(1, 1, 2, 2), true},
		{"box containing polygon", box(-1, -1, 5, 5), square, true},
		{"polygon in hole", orb.Polygon{{{4, 4}, {6, 4}, {6, 6}, {4, 4}}}, donut, false},
		{"polygon covering hole", box(2, 2, 8, 8), donut, true},
		{"polygons sharing an edge", square, orb.Polygon{{{4, 0}, {8, 0}, {8, 4}, {4, 4}, {4, 0}}}, true},
		{"triangles with overlapping boxes", orb.Polygon{{{0, 0}, {4, 0}, {0, 4}, {0, 0}}},
			orb.Polygon{{{4, 4}, {4, 2.1}, {2.1, 4}, {4, 4}}}, false},
		{"donut vs box crossing ring", donut, box(-1, 5, 1, 6), true},
		{"multipoint one inside", orb.MultiPoint{{9, 9}, {1, 1}}, square, true},
		{"multipoint none inside", orb.MultiPoint{{9, 9}, {5, 5}}, square, false},
		{"multipolygon", orb.MultiPolygon{square, {{{20, 20}, {21, 20}, {21, 21}, {20, 20}}}}, orb.Point{20.5, 20.2}, true},
		{"multilinestring", orb.MultiLineString{{{10, 10}, {11, 11}}, {{-1, 2}, {1, 2}}}, square, true},
		{"collection", orb.Collection{orb.Point{50, 50}, orb.LineString{{1, 1}, {1, 2}}}, square, true},
		{"ring", orb.Ring{{0, 0}, {4, 0}, {4, 4}, {0, 0}}, orb.Point{3, 1}, true},
		{"unclosed ring edge", orb.Polygon{{{0, 0}, {4, 0}, {4, 4}}}, orb.LineString{{-1, 1}, {1, -1}}, true},
		{"point-like box", box(1, 1, 1, 1), square, true},
		{"point-like box outside", box(5, 5, 5, 5), square, false},
		{"one-point linestring", orb.LineString{{1, 1}}, square, true},
		{"empty polygon", orb.Polygon{}, square, false},
		{"empty multipoint", orb.MultiPoint{}, square, false},
		{"empty linestring", orb.LineString{}, square, false},
		{"inverted bound", orb.Bound{Min: orb.Point{1, 1}, Max: orb.Point{0, 0}}, square, false},
		{"lon/lat: 丰台 point in box", orb.Point{116.287, 39.858}, box(116.2, 39.8, 116.4, 39.9), true},
	}
	for _, tt := range tests {
		if got := intersects(tt.a, tt.b); got != tt.want {
			t.Errorf("%s: intersects(a, b) = %v, want %v", tt.name, got, tt.want)
		}
		if got := intersects(tt.b, tt.a); got != tt.want {
			t.Errorf("%s: intersects(b, a) = %v, want %v", tt.name, got, tt.want)
		}
	}
}
