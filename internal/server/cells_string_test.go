package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"minqing/geo/hex"
	"minqing/layers"
	"minqing/stores/sourcetest"
	"minqing/stores/storetest"
)

// TestCellsAreStrings checks, on both stores, that every output gives a
// staff caller the incident's H3 cell as H3 writes it ("8f31aa4141436c4"),
// never as a number a browser rounds: GeoJSON, OGC items and queryables,
// CSV, KML, the z15+ tile and the layer list; and that a CQL2 filter names
// a cell the same way.
func TestCellsAreStrings(t *testing.T) {
	pt := orb.Point{116.2843, 39.8577}
	cell, _ := hex.FromPoint(pt, hex.StoreRes)
	want := hex.String(cell)
	for _, st := range storetest.Kinds() {
		t.Run(st.Name, func(t *testing.T) {
			src := st.Open(t)
			writeLayer(t, src, "incidents", []*layers.Feature{
				sourcetest.Incident(1, pt, "停电"),
				sourcetest.Incident(2, orb.Point{116.29, 39.86}, "停电"),
			})
			s := newTestServer(t, src)
			staff := token(t, src, layers.Staff)
			filter := "/ogc/collections/incidents/items?filter=" + url.QueryEscape("h3 = '"+want+"'")

			jsonH3 := func(t *testing.T, path string, pick func(any) any) {
				t.Helper()
				rec := get(t, s, path, staff)
				if rec.Code != http.StatusOK {
					t.Fatalf("%s: status %d: %s", path, rec.Code, rec.Body)
				}
				if strings.Contains(rec.Body.String(), fmt.Sprint(cell)) {
					t.Errorf("%s: the cell appears as a number", path)
				}
				var v any
				decode(t, rec, &v)
				if got := pick(v); got != want {
					t.Errorf("%s: h3 = %#v, want %q", path, got, want)
				}
			}
			firstH3 := func(v any) any {
				fs, _ := v.(map[string]any)["features"].([]any)
				if len(fs) == 0 {
					return nil
				}
				return fs[0].(map[string]any)["properties"].(map[string]any)["h3"]
			}
			tests := []struct {
				name, path string
				pick       func(any) any
			}{
				{"GeoJSON", "/layers/incidents.geojson", firstH3},
				{"export GeoJSON", "/export/incidents.geojson", firstH3},
				{"OGC items", "/ogc/collections/incidents/items?limit=1", firstH3},
				{"OGC item", "/ogc/collections/incidents/items/1", func(v any) any {
					return v.(map[string]any)["properties"].(map[string]any)["h3"]
				}},
				{"CQL2 filter on a cell string", filter, firstH3},
				{"queryables", "/ogc/collections/incidents/queryables", func(v any) any {
					h3, _ := v.(map[string]any)["properties"].(map[string]any)["h3"].(map[string]any)
					if h3["type"] != "string" {
						return h3["type"]
					}
					return want
				}},
				{"layer list", "/layers", func(v any) any {
					for _, l := range v.(map[string]any)["layers"].([]any) {
						lm := l.(map[string]any)
						if lm["name"] != "incidents" {
							continue
						}
						for _, f := range lm["fields"].([]any) {
							if fm := f.(map[string]any); fm["name"] == "h3" && fm["type"] == "cell" {
								return want
							}
						}
					}
					return nil
				}},
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) { jsonH3(t, tc.path, tc.pick) })
			}
			t.Run("CQL2 filter matches one feature", func(t *testing.T) {
				rec := get(t, s, filter, staff)
				var fc struct{ Features []any }
				decode(t, rec, &fc)
				if len(fc.Features) != 1 {
					t.Errorf("%d features, want 1", len(fc.Features))
				}
			})
			t.Run("bad cell in a filter is a 400", func(t *testing.T) {
				rec := get(t, s, "/ogc/collections/incidents/items?filter="+url.QueryEscape("h3 = 'nonsense'"), staff)
				var e struct{ Code, Message, Param string }
				decode(t, rec, &e)
				if rec.Code != http.StatusBadRequest || e.Param != "filter" || !strings.Contains(e.Message, "H3 cell") {
					t.Errorf("status %d, %+v", rec.Code, e)
				}
			})
			for _, ext := range []string{"csv", "kml"} {
				t.Run(ext, func(t *testing.T) {
					rec := get(t, s, "/export/incidents."+ext, staff)
					if rec.Code != http.StatusOK {
						t.Fatalf("status %d: %s", rec.Code, rec.Body)
					}
					body := rec.Body.String()
					if !strings.Contains(body, want) || strings.Contains(body, fmt.Sprint(cell)) {
						t.Errorf("%s export does not write the cell as %q", ext, want)
					}
				})
			}
			t.Run("tile z16", func(t *testing.T) {
				rec := get(t, s, tilePath("incidents", maptile.At(pt, 16)), staff)
				if rec.Code != http.StatusOK {
					t.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
				l := decodeMVT(t, rec.Body.Bytes())["incidents"]
				if l == nil || len(l.Features) == 0 {
					t.Fatal("no incidents in the tile")
				}
				if got := l.Features[0].Properties["h3"]; got != want {
					t.Errorf("h3 = %#v, want %q", got, want)
				}
			})
		})
	}
}
