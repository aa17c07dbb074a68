package server

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"minqing/deploy/fengtai"
	"minqing/geo/hex"
	"minqing/hotspot"
	"minqing/layers"
	"minqing/stores/sourcetest"
	"minqing/stores/storetest"
)

// hotspotT0 is when the test incidents were received.
var hotspotT0 = time.Date(2026, 3, 1, 9, 0, 0, 0, layers.Shanghai)

// writeLayer writes features to a layer of src.
func writeLayer(t *testing.T, src layers.Source, layer string, fs []*layers.Feature) {
	t.Helper()
	l, _ := fengtai.Catalog().Lookup(layer)
	if _, err := src.Write(context.Background(), l, layers.WriteOptions{}, &sourcetest.Slice{Features: fs}); err != nil {
		t.Fatalf("write %s: %v", layer, err)
	}
}

// hotspotIncidents returns n incidents at the centre of cell c, the i-th
// received i minutes after at.
func hotspotIncidents(c hex.Cell, n int, at time.Time, category string) []*layers.Feature {
	out := make([]*layers.Feature, n)
	for i := range out {
		f := sourcetest.Incident(i, hex.Center(c), category)
		f.Props["external_id"] = fmt.Sprintf("HS-%s-%s-%d-%d", hex.String(c), category, at.Unix(), i)
		f.Props["received_at"] = at.Add(time.Duration(i) * time.Minute)
		f.Props["closed_at"] = nil
		out[i] = f
	}
	return out
}

// handGrid is the 7-cell grid of the hand computation (see
// TestHotspotsByHandThroughTheEndpoint). It returns the centre cell, the
// ring cells (sorted) and the cell with 8 incidents.
type handGrid struct {
	c0    hex.Cell
	ring  []hex.Cell
	eight hex.Cell
	three hex.Cell
}

// loadHandGrid writes a patch covering exactly the radius-1 disk around c0
// and 12 incidents in c0, 8 in ring[0], 3 in ring[3] and 2 in each other ring
// cell; plus 10 care targets in c0, which must never be counted.
func loadHandGrid(t *testing.T, src layers.Source) handGrid {
	t.Helper()
	c0, err := hex.FromPoint(orb.Point{116.285, 39.857}, 9)
	if err != nil {
		t.Fatal(err)
	}
	var g handGrid
	g.c0 = c0
	for _, d := range hex.Disk(c0, 1) {
		if d != c0 {
			g.ring = append(g.ring, d)
		}
	}
	slices.Sort(g.ring)
	g.eight, g.three = g.ring[0], g.ring[3]

	r := diskPatch(t, c0, 1)
	ctr := hex.Center(c0)
	writeLayer(t, src, "patches", []*layers.Feature{{Geometry: orb.MultiPolygon{{r}}, Props: map[string]any{"name": "第一片区", "leader": "王片长"}}})
	writeLayer(t, src, "communities", []*layers.Feature{{Geometry: orb.MultiPolygon{{r}}, Props: map[string]any{"code": "C01", "name": "新华街北里", "patch": "第一片区"}}})

	fs := hotspotIncidents(c0, 12, hotspotT0, "水管爆裂")
	fs = append(fs, hotspotIncidents(g.eight, 8, hotspotT0, "停电")...)
	for _, c := range g.ring[1:] {
		n := 2
		if c == g.three {
			n = 3
		}
		fs = append(fs, hotspotIncidents(c, n, hotspotT0, "漏水")...)
	}
	writeLayer(t, src, "incidents", fs)

	care := make([]*layers.Feature, 10)
	for i := range care {
		care[i] = &layers.Feature{Geometry: ctr, Props: map[string]any{"code": fmt.Sprintf("BF-%03d", i), "kind": "独居老人"}}
	}
	writeLayer(t, src, "care_targets", care)
	return g
}

// diskPatch returns a ring whose cells (by centre) are exactly hex.Disk(c,
// k): the centres of the ring at distance k in angular order, scaled out
// from c's centre by 1 + 0.5/k.
func diskPatch(t *testing.T, c hex.Cell, k int) orb.Ring {
	t.Helper()
	ctr := hex.Center(c)
	inner := hex.Disk(c, k-1)
	var pts []orb.Point
	for _, d := range hex.Disk(c, k) {
		if !slices.Contains(inner, d) {
			pts = append(pts, hex.Center(d))
		}
	}
	ang := func(p orb.Point) float64 { return math.Atan2(p[1]-ctr[1], p[0]-ctr[0]) }
	slices.SortFunc(pts, func(a, b orb.Point) int {
		if ang(a) < ang(b) {
			return -1
		}
		return 1
	})
	scale := 1 + 0.5/float64(k)
	var r orb.Ring
	for _, p := range pts {
		r = append(r, orb.Point{ctr[0] + scale*(p[0]-ctr[0]), ctr[1] + scale*(p[1]-ctr[1])})
	}
	r = append(r, r[0])
	cells, err := hex.PolygonCells(orb.Polygon{r}, hex.Res(c))
	if err != nil || len(cells) != 3*k*(k+1)+1 {
		t.Fatalf("patch covers %d cells (%v), want the %d of the disk", len(cells), err, 3*k*(k+1)+1)
	}
	return r
}

// hexFeatures decodes a /hotspots response by cell.
func hexFeatures(t *testing.T, body []byte) (*geojson.FeatureCollection, map[string]*geojson.Feature) {
	t.Helper()
	fc, err := geojson.UnmarshalFeatureCollection(body)
	if err != nil {
		t.Fatalf("not GeoJSON: %v\n%.300s", err, body)
	}
	m := map[string]*geojson.Feature{}
	for _, f := range fc.Features {
		m[f.Properties.MustString("h3")] = f
	}
	return fc, m
}

// TestHotspotsByHandThroughTheEndpoint checks GET /hotspots on PostGIS
// against Gi* worked by hand. n = 7 cells, Σx = 12+8+3+4·2 = 31,
// Σx² = 144+64+9+16 = 233, X̄ = 31/7, S = √(233/7 − (31/7)²). Each ring cell
// has 4 neighbours (itself, c0 and two ring cells), so its denominator is
// S·√((7·4 − 4²)/6) = S·√2 and its numerator Σ_N x − 4·31/7. c0's
// neighbourhood is the whole area: z = 0.
func TestHotspotsByHandThroughTheEndpoint(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		g := loadHandGrid(t, src)
		s := newTestServer(t, src)
		staff := token(t, src, layers.Staff)

		counts := map[hex.Cell]float64{g.c0: 12}
		for _, c := range g.ring {
			counts[c] = 2
		}
		counts[g.eight], counts[g.three] = 8, 3
		// Gi* over the counts m: a public caller's are the published ones
		// (12 and 8; the cells below 5 count as 0: Σx = 20, Σx² = 208).
		zOf := func(m map[hex.Cell]float64, c hex.Cell) float64 {
			var sum1, sum2 float64
			for _, n := range m {
				sum1 += n
				sum2 += n * n
			}
			S := math.Sqrt(sum2/7 - (sum1/7)*(sum1/7))
			if c == g.c0 {
				return 0
			}
			sum := m[c] + m[g.c0]
			for _, d := range g.ring {
				if d != c && slices.Contains(hex.Disk(c, 1), d) {
					sum += m[d]
				}
			}
			return (sum - 4*sum1/7) / (S * math.Sqrt2)
		}
		published := map[hex.Cell]float64{}
		for c, n := range counts {
			if n >= 5 {
				published[c] = n
			}
		}

		for _, who := range []struct {
			name, secret string
		}{{"staff", staff}, {"public", ""}} {
			t.Run(who.name, func(t *testing.T) {
				wantZ := func(c hex.Cell) float64 { return zOf(counts, c) }
				if who.secret == "" {
					wantZ = func(c hex.Cell) float64 { return zOf(published, c) }
				}
				rec := get(t, s, "/hotspots?res=9", who.secret)
				if rec.Code != http.StatusOK {
					t.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
				if ct := rec.Header().Get("Content-Type"); ct != "application/geo+json" {
					t.Errorf("content type %q", ct)
				}
				fc, byH3 := hexFeatures(t, rec.Body.Bytes())
				if len(fc.Features) != 7 {
					t.Fatalf("%d hexagons, want 7", len(fc.Features))
				}
				for c, n := range counts {
					f := byH3[hex.String(c)]
					if f == nil {
						t.Fatalf("cell %s missing", hex.String(c))
					}
					suppressed := who.secret == "" && n < 5
					if f.Properties["suppressed"] != suppressed {
						t.Errorf("cell with %v incidents: suppressed = %v, want %v", n, f.Properties["suppressed"], suppressed)
					}
					if suppressed {
						if f.Properties["count"] != nil || f.Properties["z"] != nil {
							t.Errorf("suppressed cell shows count %v z %v", f.Properties["count"], f.Properties["z"])
						}
						if f.Properties["class"] != string(hotspot.Classify(wantZ(c))) {
							t.Errorf("suppressed cell class %v", f.Properties["class"])
						}
						continue
					}
					if f.Properties["count"] != n {
						t.Errorf("cell %s: count %v, want %v (care targets are never counted)", hex.String(c), f.Properties["count"], n)
					}
					z, _ := f.Properties["z"].(float64)
					if math.Abs(z-wantZ(c)) > 1e-9 {
						t.Errorf("cell %s: z = %.12f, want %.12f", hex.String(c), z, wantZ(c))
					}
					if p, _ := f.Properties["p"].(float64); math.Abs(p-hotspot.TwoSidedP(wantZ(c))) > 1e-9 {
						t.Errorf("cell %s: p = %v", hex.String(c), p)
					}
				}
				// The 3-incident cell: no count for the public, 3 for staff.
				f3 := byH3[hex.String(g.three)]
				if who.secret == "" && (f3.Properties["count"] != nil || f3.Properties["suppressed"] != true) {
					t.Errorf("public sees the 3-cell as %v", f3.Properties)
				}
				if who.secret != "" && f3.Properties["count"] != 3.0 {
					t.Errorf("staff sees the 3-cell count as %v", f3.Properties["count"])
				}
			})
		}
	})
}

func TestHotspotsBadParams(t *testing.T) {
	src := newEmbedded(t)
	s := newTestServer(t, src)
	staff := token(t, src, layers.Staff)
	tests := []struct {
		name, target, secret, param string
	}{
		{"res 3", "/hotspots?res=3", "", "res"},
		{"res 14", "/hotspots?res=14", staff, "res"},
		{"res 10 for the public", "/hotspots?res=10", "", "res"},
		{"res 0", "/hotspots?res=0", "", "res"},
		{"res not a number", "/hotspots?res=nine", "", "res"},
		{"inverted window", "/hotspots?datetime=2026-02-01/2026-01-01", "", "datetime"},
		{"bad datetime", "/hotspots?datetime=yesterday", "", "datetime"},
		{"unknown category", "/hotspots?category=火星", "", "category"},
		{"unknown parameter", "/hotspots?colour=red", "", "colour"},
		{"staff-only property for the public", "/hotspots?unit=社区居委会", "", "unit"},
		{"k 4", "/hotspots?k=4", "", "k"},
		{"k 0", "/hotspots?k=0", "", "k"},
		{"fdr maybe", "/hotspots?fdr=maybe", "", "fdr"},
		{"steps without a window", "/hotspots?steps=4", "", "steps"},
		{"steps 30", "/hotspots?steps=30&datetime=2026-01-01/2026-06-30", "", "steps"},
		{"series without steps", "/hotspots?series=true", "", "series"},
		{"summary top 0", "/hotspots/summary?top=0", "", "top"},
		{"summary by p", "/hotspots/summary?by=p", "", "by"},
		{"summary res 3", "/hotspots/summary?res=3", "", "res"},
		{"tile res 10 for the public", "/tiles/hotspots/14/13489/6208.mvt?res=10", "", "res"},
		{"tile unknown parameter", "/tiles/hotspots/14/13489/6208.mvt?layer=care_targets", "", "layer"},
		{"tile z out of range", "/tiles/hotspots/30/0/0.mvt", "", "z"},
		{"tilejson unknown category", "/tiles/hotspots.json?category=火星", "", "category"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := get(t, s, tc.target, tc.secret)
			if rec.Code != http.StatusBadRequest {
				t.Fatalf("status %d, want 400: %s", rec.Code, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("content type %q", ct)
			}
			var body apiError
			decode(t, rec, &body)
			if body.Param != tc.param || body.Code != "bad_request" || len(body.Message) < 10 {
				t.Errorf("body %+v, want param %s and a sentence", body, tc.param)
			}
		})
	}
	// Staff may go to res 11 and filter on staff-only properties.
	for _, target := range []string{"/hotspots?res=11", "/hotspots?unit=社区居委会"} {
		if rec := get(t, s, target, staff); rec.Code != http.StatusOK {
			t.Errorf("staff %s: %d %s", target, rec.Code, rec.Body)
		}
	}
}

func TestHotspotsFDRAndTrendsThroughTheEndpoint(t *testing.T) {
	src := newPostGIS(t)
	g := loadHandGrid(t, src)
	// A second month in which c0 and its ring triple.
	later := hotspotT0.AddDate(0, 1, 0)
	fs := hotspotIncidents(g.c0, 36, later, "水管爆裂")
	fs = append(fs, hotspotIncidents(g.eight, 4, later, "停电")...)
	writeLayer(t, src, "incidents", fs)
	s := newTestServer(t, src)
	staff := token(t, src, layers.Staff)

	// FDR, on a 37-cell area with a strong cluster and a noisy background:
	// the classes are those of the plain run corrected by BH.
	fdrSrc := newPostGIS(t)
	writeLayer(t, fdrSrc, "patches", []*layers.Feature{{Geometry: orb.MultiPolygon{{diskPatch(t, g.c0, 3)}}, Props: map[string]any{"name": "第一片区"}}})
	disk := hex.Disk(g.c0, 3)
	slices.Sort(disk)
	var bg []*layers.Feature
	for i, c := range disk {
		n := (i * 7) % 5
		switch {
		case c == g.c0:
			n = 40
		case slices.Contains(g.ring, c):
			n = 15 + i%4
		}
		bg = append(bg, hotspotIncidents(c, n, hotspotT0, "漏水")...)
	}
	writeLayer(t, fdrSrc, "incidents", bg)
	fdrServer := newTestServer(t, fdrSrc)
	fdrStaff := token(t, fdrSrc, layers.Staff)
	plain := get(t, fdrServer, "/hotspots", fdrStaff)
	corrected := get(t, fdrServer, "/hotspots?fdr=true", fdrStaff)
	if plain.Code != 200 || corrected.Code != 200 {
		t.Fatalf("%d %d", plain.Code, corrected.Code)
	}
	pfc, _ := hexFeatures(t, plain.Body.Bytes())
	_, cBy := hexFeatures(t, corrected.Body.Bytes())
	rs := make([]hotspot.Result, len(pfc.Features))
	for i, f := range pfc.Features {
		rs[i] = hotspot.Result{Z: f.Properties.MustFloat64("z"), P: f.Properties.MustFloat64("p"), Class: hotspot.Class(f.Properties.MustString("class"))}
	}
	changed := 0
	for i, want := range hotspot.FDR(rs) {
		got := cBy[pfc.Features[i].Properties.MustString("h3")]
		if got.Properties.MustString("class") != string(want.Class) {
			t.Errorf("cell %d: class %s with fdr, want %s", i, got.Properties.MustString("class"), want.Class)
		}
		if want.Class != rs[i].Class {
			changed++
		}
	}
	if changed == 0 {
		t.Error("FDR changes no class on this grid: the test does not exercise it")
	}

	// Trends: two monthly steps; series sum to the count.
	q := url.Values{"datetime": {"2026-03-01/2026-04-30"}, "steps": {"2"}, "series": {"true"}}
	rec := get(t, s, "/hotspots?"+q.Encode(), staff)
	if rec.Code != 200 {
		t.Fatalf("steps: %d %s", rec.Code, rec.Body)
	}
	fc, byH3 := hexFeatures(t, rec.Body.Bytes())
	if steps, ok := fc.ExtraMembers["steps"].([]any); !ok || len(steps) != 2 {
		t.Errorf("steps member %v", fc.ExtraMembers["steps"])
	}
	for _, f := range fc.Features {
		for _, k := range []string{"tau", "trend_p", "label", "series"} {
			if _, ok := f.Properties[k]; !ok {
				t.Errorf("cell %s lacks %s", f.Properties.MustString("h3"), k)
			}
		}
		series, _ := f.Properties["series"].([]any)
		sum := 0.0
		for _, v := range series {
			sum += v.(float64)
		}
		if len(series) != 2 || sum != f.Properties.MustFloat64("count") {
			t.Errorf("cell %s: series %v, count %v", f.Properties.MustString("h3"), series, f.Properties["count"])
		}
	}
	if got := byH3[hex.String(g.c0)].Properties["series"]; fmt.Sprint(got) != "[12 36]" {
		t.Errorf("c0 series %v, want [12 36]", got)
	}
	// Without series, no series; with category, only that category.
	rec = get(t, s, "/hotspots?datetime=2026-03-01/2026-04-30&steps=2&category=停电", staff)
	_, byH3 = hexFeatures(t, rec.Body.Bytes())
	if f := byH3[hex.String(g.eight)]; f.Properties["count"] != 12.0 || f.Properties["series"] != nil {
		t.Errorf("category filter with steps: %v", f.Properties)
	}
}

func TestHotspotSummaryEndpoint(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		g := loadHandGrid(t, src)
		s := newTestServer(t, src)
		staff := token(t, src, layers.Staff)
		var sum hotspot.Summary
		rec := get(t, s, "/hotspots/summary?by=count&top=2", staff)
		if rec.Code != 200 {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
		decode(t, rec, &sum)
		if len(sum.Top) != 2 || sum.Top[0].H3 != hex.String(g.c0) || *sum.Top[0].Count != 12 || *sum.Total != 31 {
			t.Fatalf("summary %+v", sum)
		}
		if sum.Top[0].Community != "新华街北里" || sum.Top[0].Patch != "第一片区" {
			t.Errorf("top cell community %q patch %q", sum.Top[0].Community, sum.Top[0].Patch)
		}
		if len(sum.Top[0].Categories) != 1 || sum.Top[0].Categories[0] != (hotspot.CategoryCount{Category: "水管爆裂", Count: 12}) {
			t.Errorf("categories %v", sum.Top[0].Categories)
		}
		if sum.Top[1].H3 != hex.String(g.eight) {
			t.Errorf("second cell %s, want the 8-cell", sum.Top[1].H3)
		}
		// Public: the same cells, small counts withheld.
		rec = get(t, s, "/hotspots/summary?top=7", "")
		var pub map[string]any
		decode(t, rec, &pub)
		if pub["min_count"] != 5.0 || len(pub["top"].([]any)) != 7 {
			t.Errorf("public summary %v", pub)
		}
		for _, raw := range pub["top"].([]any) {
			tp := raw.(map[string]any)
			if tp["suppressed"] == true && (tp["count"] != nil || len(tp["categories"].([]any)) != 0) {
				t.Errorf("suppressed top cell shows %v", tp)
			}
		}
	})
}

func TestLayersListsHotspots(t *testing.T) {
	src := newEmbedded(t)
	s := newTestServer(t, src)
	rec := get(t, s, "/layers", "")
	var body struct {
		Layers []layerInfo `json:"layers"`
	}
	decode(t, rec, &body)
	i := slices.IndexFunc(body.Layers, func(l layerInfo) bool { return l.Name == "hotspots" })
	if i < 0 {
		t.Fatalf("/layers has no hotspots: %s", rec.Body)
	}
	hs := body.Layers[i]
	hrefs := map[string]bool{}
	for _, l := range hs.Links {
		hrefs[l.Href] = true
	}
	for _, want := range []string{"/hotspots", "/hotspots/summary", "/tiles/hotspots.json", "/tiles/hotspots/{z}/{x}/{y}.mvt"} {
		if !hrefs[want] {
			t.Errorf("hotspots links lack %s: %v", want, hs.Links)
		}
	}
	names := map[string]bool{}
	for _, f := range hs.Fields {
		names[f.Name] = true
	}
	for _, want := range []string{"h3", "count", "z", "p", "class", "suppressed"} {
		if !names[want] {
			t.Errorf("hotspots fields lack %s", want)
		}
	}
}

func TestHotspotTiles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		g := loadHandGrid(t, src)
		s := newTestServer(t, src)
		staff := token(t, src, layers.Staff)
		tile := maptile.At(hex.Center(g.c0), 15)
		path := fmt.Sprintf("/tiles/hotspots/%d/%d/%d.mvt", tile.Z, tile.X, tile.Y)

		for _, tc := range []struct {
			name, query, secret string
			res                 int
		}{
			{"public: res from zoom, capped at 9", "", "", 9},
			{"staff: res from zoom", "", staff, 10},
			{"res given", "?res=8", staff, 8},
		} {
			t.Run(tc.name, func(t *testing.T) {
				rec := get(t, s, path+tc.query, tc.secret)
				if rec.Code != http.StatusOK {
					t.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
				if ct := rec.Header().Get("Content-Type"); ct != mediaMVT {
					t.Errorf("content type %q", ct)
				}
				ls, err := mvt.Unmarshal(rec.Body.Bytes())
				if err != nil {
					t.Fatal(err)
				}
				if len(ls) != 1 || ls[0].Name != "hotspots" || len(ls[0].Features) == 0 {
					t.Fatalf("layers %v", ls)
				}
				for _, f := range ls[0].Features {
					c, err := hex.Parse(f.Properties.MustString("h3"))
					if err != nil || hex.Res(c) != tc.res {
						t.Errorf("cell %v of res %d, want %d", f.Properties["h3"], hex.Res(c), tc.res)
					}
					if _, ok := f.Properties["class"]; !ok {
						t.Errorf("no class: %v", f.Properties)
					}
					if f.Properties["suppressed"] == true {
						if _, ok := f.Properties["count"]; ok {
							t.Errorf("suppressed hexagon carries a count: %v", f.Properties)
						}
					}
				}
			})
		}
		// Far from the street: no hexagon, 204 as other empty tiles.
		if rec := get(t, s, "/tiles/hotspots/15/0/0.mvt", ""); rec.Code != http.StatusNoContent {
			t.Errorf("empty tile: %d", rec.Code)
		}

		// TileJSON.
		rec := get(t, s, "/tiles/hotspots.json?category=停电", "")
		if rec.Code != 200 {
			t.Fatalf("tilejson: %d %s", rec.Code, rec.Body)
		}
		var tj struct {
			TileJSON     string   `json:"tilejson"`
			Tiles        []string `json:"tiles"`
			VectorLayers []struct {
				ID     string            `json:"id"`
				Fields map[string]string `json:"fields"`
			} `json:"vector_layers"`
			Bounds [4]float64 `json:"bounds"`
		}
		decode(t, rec, &tj)
		if tj.TileJSON != "3.0.0" || len(tj.VectorLayers) != 1 || tj.VectorLayers[0].ID != "hotspots" {
			t.Fatalf("tilejson %+v", tj)
		}
		if tj.VectorLayers[0].Fields["z"] != "Number" || tj.VectorLayers[0].Fields["class"] != "String" {
			t.Errorf("fields %v", tj.VectorLayers[0].Fields)
		}
		if len(tj.Tiles) != 1 || !strings.Contains(tj.Tiles[0], "/tiles/hotspots/{z}/{x}/{y}.mvt?category=") {
			t.Errorf("tiles %v", tj.Tiles)
		}
		if tj.Bounds[0] < 116.2 || tj.Bounds[2] > 116.4 {
			t.Errorf("bounds %v", tj.Bounds)
		}
	})
}

// TestHotspotRoutesArePreferredToTileParams checks that echo sends
// /tiles/hotspots/… and /tiles/hotspots.json to the hotspot handlers, and
// everything else under /tiles to the tile engine.
func TestHotspotRoutesArePreferredToTileParams(t *testing.T) {
	src := newEmbedded(t)
	g := loadHandGrid(t, src)
	s := newTestServer(t, src)
	tile := maptile.At(hex.Center(g.c0), 15)
	zxy := fmt.Sprintf("%d/%d/%d.mvt", tile.Z, tile.X, tile.Y)

	rec := get(t, s, "/tiles/hotspots/"+zxy, "")
	if ls, err := mvt.Unmarshal(rec.Body.Bytes()); err != nil || len(ls) != 1 || ls[0].Name != "hotspots" {
		t.Errorf("/tiles/hotspots/…: %d, layers %v (%v)", rec.Code, ls, err)
	}
	rec = get(t, s, "/tiles/incidents/"+zxy, "")
	if rec.Code != http.StatusOK {
		t.Fatalf("/tiles/incidents/…: %d %s", rec.Code, rec.Body)
	}
	if ls, err := mvt.Unmarshal(rec.Body.Bytes()); err != nil || len(ls) != 1 || ls[0].Name != "incidents" {
		t.Errorf("/tiles/incidents/…: layers %v (%v)", ls, err)
	}
	// A list naming hotspots goes to the tile engine, which does not know it.
	if rec := get(t, s, "/tiles/hotspots,incidents/"+zxy, ""); rec.Code != http.StatusNotFound {
		t.Errorf("/tiles/hotspots,incidents/…: %d, want the tile engine's 404", rec.Code)
	}
	rec = get(t, s, "/tiles/incidents.json", "")
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"id":"incidents"`) {
		t.Errorf("/tiles/incidents.json: %d %.200s", rec.Code, rec.Body)
	}
	rec = get(t, s, "/tiles/hotspots.json", "")
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"id":"hotspots"`) {
		t.Errorf("/tiles/hotspots.json: %d %.200s", rec.Code, rec.Body)
	}
}

func TestHotspotsFollowWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		g := loadHandGrid(t, src)
		s := newTestServer(t, src)
		staff := token(t, src, layers.Staff)
		count := func() any {
			_, by := hexFeatures(t, get(t, s, "/hotspots", staff).Body.Bytes())
			return by[hex.String(g.c0)].Properties["count"]
		}
		if got := count(); got != 12.0 {
			t.Fatalf("c0 count %v", got)
		}
		writeLayer(t, src, "incidents", hotspotIncidents(g.c0, 5, hotspotT0.AddDate(0, 0, 3), "漏水"))
		if got := count(); got != 17.0 {
			t.Errorf("after writing 5 more: c0 count %v, want 17 (the cache follows the store's version)", got)
		}
	})
}
