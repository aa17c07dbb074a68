package layers_test

import (
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"minqing/deploy/fengtai"
	"minqing/layers"
)

func TestCheckAndPrepare(t *testing.T) {
	cat := fengtai.Catalog()
	inc, _ := cat.Lookup("incidents")
	good := func() *layers.Feature {
		return &layers.Feature{Geometry: orb.Point{116.28, 39.85}, Props: map[string]any{
			"source": "12345", "category": "停电", "status": "received", "received_at": mustTime(t, "2026-03-05 14:03"),
		}}
	}
	tests := []struct {
		name   string
		mutate func(f *layers.Feature)
		want   []string // substrings of the error; none means valid
	}{
		{"valid", func(f *layers.Feature) {}, nil},
		{"line in a point layer", func(f *layers.Feature) { f.Geometry = orb.LineString{{1, 2}, {3, 4}} }, []string{"LineString"}},
		{"missing required", func(f *layers.Feature) { delete(f.Props, "category"); delete(f.Props, "status") }, []string{"category is required", "status is required"}},
		{"wrong type", func(f *layers.Feature) { f.Props["satisfied"] = "yes" }, []string{"satisfied must be of type bool"}},
		{"outside vocabulary", func(f *layers.Feature) { f.Props["source"] = "飞鸽传书" }, []string{"source"}},
		{"unknown field", func(f *layers.Feature) { f.Props["phone"] = "138" }, []string{"phone is not a field"}},
		{"NUL in text", func(f *layers.Feature) { f.Props["description"] = "x\x00y" }, []string{"NUL"}},
		{"invalid UTF-8", func(f *layers.Feature) { f.Props["address"] = "\xb1\xb1\xbe\xa9" }, []string{"UTF-8"}},
	}
	for _, tc := range tests {
		f := good()
		tc.mutate(f)
		err := layers.Prepare(inc, f)
		if len(tc.want) == 0 {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			if c, ok := f.Props["h3"].(int64); !ok || c == 0 {
				t.Errorf("%s: h3 not computed: %v", tc.name, f.Props["h3"])
			}
			continue
		}
		for _, w := range tc.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%s: err = %v, want it to say %q", tc.name, err, w)
			}
		}
	}
	// A Polygon is promoted for a MultiPolygon layer.
	com, _ := cat.Lookup("communities")
	f := &layers.Feature{Geometry: orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}, Props: map[string]any{"code": "C1", "name": "x"}}
	if err := layers.Prepare(com, f); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.Geometry.(orb.MultiPolygon); !ok {
		t.Errorf("polygon not promoted: %T", f.Geometry)
	}
}

func mustTime(t *testing.T, s string) any {
	v, err := layers.ParseTime(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
