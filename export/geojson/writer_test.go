package geojson

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/paulmach/orb"
	orbjson "github.com/paulmach/orb/geojson"

	"minqing/layers"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func TestWriterGolden(t *testing.T) {
	cols := []layers.Field{
		{Name: "name", Type: layers.String},
		{Name: "households", Type: layers.Int},
		{Name: "area_m2", Type: layers.Float},
		{Name: "has_property_management", Type: layers.Bool},
		{Name: "received_at", Type: layers.Time},
		{Name: "date", Type: layers.Date},
		{Name: "missing", Type: layers.String},
	}
	feats := []*layers.Feature{
		{ID: 1, Geometry: orb.Point{116.281234567891, 39.851234567891}, Props: map[string]any{
			"name": "北大地西区 \"无物业\"", "households": int64(1830), "area_m2": 1234.5,
			"has_property_management": false,
			"received_at":             time.Date(2026, 3, 5, 6, 3, 0, 0, time.UTC),
			"date":                    time.Date(2019, 7, 1, 0, 0, 0, 0, layers.Shanghai),
		}},
		{ID: 2, Geometry: orb.MultiPolygon{{{{116.27, 39.845}, {116.28, 39.845}, {116.28, 39.85}, {116.27, 39.845}}}}, Props: map[string]any{}},
		{ID: 3, Geometry: orb.LineString{{116.27, 39.845}, {116.28, 39.85}}, Props: map[string]any{"name": "北大街"}},
	}
	var buf bytes.Buffer
	w := NewWriter(&buf, cols, -1)
	if err := w.Begin(Member{Key: "name", Value: "测试"}); err != nil {
		t.Fatal(err)
	}
	for _, f := range feats {
		if err := w.Write(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.End(Member{Key: "numberReturned", Value: 3}); err != nil {
		t.Fatal(err)
	}
	if w.Count() != 3 {
		t.Errorf("count %d", w.Count())
	}
	// Valid GeoJSON that orb reads back, coordinates rounded to 7 decimals.
	fc, err := orbjson.UnmarshalFeatureCollection(buf.Bytes())
	if err != nil {
		t.Fatalf("not GeoJSON: %v\n%s", err, buf.String())
	}
	if p := fc.Features[0].Geometry.(orb.Point); p != (orb.Point{116.2812346, 39.8512346}) {
		t.Errorf("point %v not rounded to 7 decimals", p)
	}
	var generic map[string]any
	if err := json.Unmarshal(buf.Bytes(), &generic); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "features.golden.json")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("output differs from %s (run with -update if intended):\n%s", golden, buf.String())
	}
}
