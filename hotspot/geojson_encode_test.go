package hotspot

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"minqing/disclose"
	"minqing/geo/hex"
	"minqing/layers"
)

// TestAppendFloatAndStringAreEncodingJSONs: numbers and strings come out
// byte for byte as encoding/json writes them.
func TestAppendFloatAndStringAreEncodingJSONs(t *testing.T) {
	for _, f := range []float64{0, 1, -1.5, 0.05, 1e-6, 9.99e-7, 1.234e-12, -3e-9, 1e20, 1e21, 123456789.123, 5e-324, math.MaxFloat64, 2.5758293035489004} {
		want, _ := json.Marshal(f)
		got, err := appendFloat(nil, f)
		if err != nil || string(got) != string(want) {
			t.Errorf("appendFloat(%v) = %s, %v; want %s", f, got, err, want)
		}
	}
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if _, err := appendFloat(nil, f); err == nil {
			t.Errorf("appendFloat(%v): no error", f)
		}
	}
	for _, s := range []string{"", "8931aa4a6dbffff", "hot_99", "新热点", "a<b>&c", `say "hi"`, "back\\slash", "tab\there", "\x01", "\xff bad", "\u2028"} {
		want, _ := json.Marshal(s)
		if got := appendString(nil, s); string(got) != string(want) {
			t.Errorf("appendString(%q) = %s, want %s", s, got, want)
		}
	}
}

// TestGeoJSONIsTheFeatureCollection: the bytes GeoJSON writes read back as
// json.Marshal of FeatureCollection does — every property and member the
// same, coordinates within the 7 decimals written — for a public analysis
// (suppressed and partial cells, months), a staff one and an emerging one
// (trends, series with withheld steps).
func TestGeoJSONIsTheFeatureCollection(t *testing.T) {
	c0, err := hex.FromPoint(orb.Point{116.285, 39.857}, 9)
	if err != nil {
		t.Fatal(err)
	}
	ring := ringOf(c0)
	t1 := time.Date(2026, 3, 1, 0, 0, 0, 0, layers.Shanghai)
	t2, t3 := t1.AddDate(0, 1, 0), t1.AddDate(0, 2, 0)
	cells := []CellResult{
		{Cell: c0, InArea: true, Count: 12, Result: Result{Z: 2.5758293035489004, P: 0.00999, Class: Hot99}},
		{Cell: ring[0], InArea: true, Suppressed: true, Result: Result{Z: math.NaN(), P: math.NaN()}},
		{Cell: ring[1], InArea: false, Count: 7, Partial: true, Result: Result{Z: -0.3, P: 0.76, Class: NotSignificant}},
		{Cell: ring[2], InArea: true, Count: 0, Result: Result{Z: -1e-9, P: 1, Class: NotSignificant}},
	}
	withTrends := func(cs []CellResult) []CellResult {
		out := append([]CellResult(nil), cs...)
		out[0].Trend = &CellTrend{Tau: 0.8, P: 1.2e-7, Label: LabelIntensifying, Series: []int64{3, -1, 0, 9}}
		out[2].Trend = &CellTrend{Tau: math.Copysign(0, -1), P: 1, Label: "", Series: nil}
		return out
	}
	analyses := map[string]*Analysis{
		"public": {Params: Params{Res: 9, K: 1, FDR: true}, Cells: cells, Total: 19, TotalPartial: true, MinCount: 5,
			Months: []disclose.Month{{Year: 2026, Mon: 2}, {Year: 2026, Mon: 3}}},
		"public, total withheld": {Params: Params{Res: 9, K: 1}, Cells: cells[1:2], TotalSuppressed: true, MinCount: 5},
		"staff":                  {Params: Params{Res: 8, K: 2}, Cells: cells, Total: 19},
		"emerging": {Params: Params{Res: 9, K: 1}, Cells: withTrends(cells), Total: 19,
			Steps: []layers.TimeRange{{Start: &t1, End: &t2}, {Start: &t2, End: &t3}}},
		"no cells": {Params: Params{Res: 9, K: 1}},
	}
	for name, a := range analyses {
		t.Run(name, func(t *testing.T) {
			for i := range a.Cells { // NaN is withheld as null, never encoded
				if a.Cells[i].Suppressed {
					continue
				}
				if math.IsNaN(a.Cells[i].Z) {
					t.Fatal("bad fixture")
				}
			}
			want, err := json.Marshal(a.FeatureCollection())
			if err != nil {
				t.Fatal(err)
			}
			got, err := a.GeoJSON()
			if err != nil {
				t.Fatal(err)
			}
			if !json.Valid(got) {
				t.Fatalf("invalid JSON: %.300s", got)
			}
			wfc, err := geojson.UnmarshalFeatureCollection(want)
			if err != nil {
				t.Fatal(err)
			}
			gfc, err := geojson.UnmarshalFeatureCollection(got)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(gfc.ExtraMembers, wfc.ExtraMembers) {
				t.Errorf("members\n got %v\nwant %v", gfc.ExtraMembers, wfc.ExtraMembers)
			}
			if len(gfc.Features) != len(wfc.Features) {
				t.Fatalf("%d features, want %d", len(gfc.Features), len(wfc.Features))
			}
			for i, g := range gfc.Features {
				w := wfc.Features[i]
				if !reflect.DeepEqual(g.Properties, w.Properties) {
					t.Errorf("feature %d properties\n got %v\nwant %v", i, g.Properties, w.Properties)
				}
				gp, wp := g.Geometry.(orb.Polygon), w.Geometry.(orb.Polygon)
				if len(gp) != 1 || len(gp[0]) != len(wp[0]) {
					t.Fatalf("feature %d: geometry %v, want %v", i, g.Geometry, w.Geometry)
				}
				for j := range gp[0] {
					if d := math.Max(math.Abs(gp[0][j][0]-wp[0][j][0]), math.Abs(gp[0][j][1]-wp[0][j][1])); d > 5e-8 {
						t.Errorf("feature %d point %d: %v, want %v", i, j, gp[0][j], wp[0][j])
					}
				}
			}
			// Properties in the order encoding/json writes them.
			if i := strings.Index(string(got), `"properties":{"class"`); len(a.Cells) > 0 && i < 0 {
				t.Errorf("properties not in key order: %.400s", got)
			}
		})
	}
	bad := &Analysis{Params: Params{Res: 9, K: 1}, Cells: []CellResult{{Cell: c0, InArea: true, Count: 1, Result: Result{Z: math.Inf(1)}}}}
	if _, err := bad.GeoJSON(); err == nil {
		t.Error("an infinite z was encoded")
	}
}
