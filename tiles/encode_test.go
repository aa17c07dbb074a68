package tiles_test

import (
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/planar"

	"minqing/deploy/fengtai"
	"minqing/layers"
	"minqing/tiles"
)

func layer(t testing.TB, name string) *layers.Layer {
	t.Helper()
	l, ok := fengtai.Catalog().Lookup(name)
	if !ok {
		t.Fatalf("no layer %s", name)
	}
	return l
}

func TestEncode(t *testing.T) {
	tl := maptile.At(orb.Point{116.2875, 39.8575}, 14)
	b := tl.Bound()
	mid := b.Center()
	inc := layer(t, "incidents")
	com := layer(t, "communities")
	at := time.Date(2026, 3, 5, 14, 3, 7, 500, layers.Shanghai)
	ring := orb.Ring{{b.Min[0] - 0.1, b.Min[1] - 0.1}, {mid[0], b.Min[1] - 0.1}, {mid[0], mid[1]}, {b.Min[0] - 0.1, mid[1]}, {b.Min[0] - 0.1, b.Min[1] - 0.1}}
	ls := []tiles.Layer{
		{Name: "communities", Fields: com.Fields, Features: []*layers.Feature{
			{ID: 7, Geometry: orb.MultiPolygon{{ring}}, Props: map[string]any{"name": "正阳北里", "households": int64(812), "area_m2": 1.5, "has_property_management": false}},
			{ID: 8, Geometry: orb.Polygon{orb.Ring{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}, Props: map[string]any{"name": "far away"}},
		}},
		{Name: "incidents", Fields: inc.VisibleFields(layers.Public), Features: []*layers.Feature{
			{ID: 42, Geometry: mid, Props: map[string]any{"category": "停电", "received_at": at, "description": "staff only", "satisfied": true, "closed_at": nil}},
			{ID: 43, Geometry: orb.Point{b.Max[0] + 0.01, mid[1]}, Props: map[string]any{"category": "漏水"}}, // beyond the buffer
		}},
		{Name: "streets", Fields: layer(t, "streets").Fields}, // nothing: left out
	}
	body, err := tiles.Encode(tl, ls, tiles.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := mvt.Unmarshal(body)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Name != "communities" || got[1].Name != "incidents" {
		t.Fatalf("layers %v", names(got))
	}
	if got[0].Extent != 4096 || got[0].Version != 2 {
		t.Errorf("extent %d version %d", got[0].Extent, got[0].Version)
	}
	if len(got[0].Features) != 1 || got[0].Features[0].ID != float64(7) {
		t.Fatalf("communities: %d features", len(got[0].Features))
	}
	c := got[0].Features[0]
	if c.Properties["name"] != "正阳北里" || c.Properties["households"] != float64(812) || c.Properties["has_property_management"] != false {
		t.Errorf("community properties %v", c.Properties)
	}
	poly := c.Geometry.(orb.Polygon)
	if bd := poly.Bound(); bd.Min[0] != -64 || bd.Min[1] < 2047 || bd.Max[0] != 2048 || bd.Max[1] != 4160 {
		t.Errorf("clipped polygon bound %v, want [-64,2048]×[2048,4160]", bd)
	}
	// MVT exterior rings have positive area in tile coordinates (y down).
	if a := ringArea(poly[0]); a <= 0 {
		t.Errorf("exterior ring area %v, want > 0", a)
	}
	if len(got[1].Features) != 1 {
		t.Fatalf("incidents: %d features, want 1 (one is beyond the buffer)", len(got[1].Features))
	}
	f := got[1].Features[0]
	if p := f.Geometry.(orb.Point); p != (orb.Point{2048, 2048}) {
		t.Errorf("point at %v, want the tile centre", p)
	}
	want := map[string]any{"category": "停电", "received_at": float64(at.Unix()), "satisfied": true}
	if len(f.Properties) != len(want) {
		t.Errorf("properties %v, want %v", f.Properties, want)
	}
	for k, v := range want {
		if f.Properties[k] != v {
			t.Errorf("%s = %v, want %v", k, f.Properties[k], v)
		}
	}
}

// ringArea is the surveyor's formula, as the MVT specification states it.
func ringArea(r orb.Ring) float64 {
	return planar.Area(r) * float64(orientationSign(r))
}

func orientationSign(r orb.Ring) int {
	if r.Orientation() == orb.CCW {
		return 1
	}
	return -1
}

func names(ls mvt.Layers) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.Name)
	}
	return out
}

func TestEncodeEmpty(t *testing.T) {
	body, err := tiles.Encode(maptile.New(0, 0, 1), []tiles.Layer{{Name: "incidents", Features: []*layers.Feature{{ID: 1, Geometry: orb.Point{116, 39}}}}}, tiles.Options{})
	if err != nil || body != nil {
		t.Errorf("tile with nothing in it: %d bytes, %v; want nil", len(body), err)
	}
}

func TestValue(t *testing.T) {
	at := time.Date(2026, 3, 5, 6, 3, 0, 0, time.UTC)
	tests := []struct {
		typ  layers.FieldType
		in   any
		want any
	}{
		{layers.Time, at, at.Unix()},
		{layers.Date, time.Date(2026, 3, 5, 0, 0, 0, 0, layers.Shanghai), "2026-03-05"},
		{layers.Int, int64(3), int64(3)},
		{layers.Float, 2.5, 2.5},
		{layers.Bool, false, false},
		{layers.String, "停电", "停电"},
		{layers.String, nil, nil},
	}
	for _, tc := range tests {
		if got := tiles.Value(layers.Field{Name: "f", Type: tc.typ}, tc.in); got != tc.want {
			t.Errorf("%s %v → %v, want %v", tc.typ, tc.in, got, tc.want)
		}
	}
}
