package export

import (
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"minqing/layers"
)

func TestGeoJSON(t *testing.T) {
	l := testLayer(t, "incidents")
	o := Options{Layer: l, Columns: l.VisibleFields(layers.Public)}
	b := encodeAll(t, GeoJSON, o, []*layers.Feature{incident(1), incident(2)})
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		t.Fatalf("not GeoJSON: %v\n%s", err, b)
	}
	if len(fc.Features) != 2 || fc.ExtraMembers["name"] != "incidents" {
		t.Fatalf("%d features, name %v", len(fc.Features), fc.ExtraMembers["name"])
	}
	f := fc.Features[0]
	if !orb.Equal(f.Geometry, orb.Point{116.2812346, 39.8523457}) {
		t.Errorf("geometry = %v, want 7 decimals", f.Geometry)
	}
	if f.Properties["received_at"] != "2026-03-05T15:03:07+08:00" || f.Properties["category"] != "水管爆裂" {
		t.Errorf("properties = %v", f.Properties)
	}
	if _, ok := f.Properties["description"]; ok {
		t.Errorf("public GeoJSON has the staff-only description")
	}
}
