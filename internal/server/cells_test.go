package server

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
	"github.com/uber/h3-go/v4"

	"minqing/deploy/fengtai"
	"minqing/deploy/fengtai/demo"
	"minqing/layers"
	"minqing/stores/storetest"
)

// cellsAsOf is the end of the demo's incident window in the cell tests.
var cellsAsOf = time.Date(2026, 3, 1, 0, 0, 0, 0, layers.Shanghai)

// demoPoints loads the default demo (20,000 incidents) into src and returns
// the incidents' points as the store gives them back.
func demoPoints(t *testing.T, src layers.Source) []orb.Point {
	t.Helper()
	ctx := context.Background()
	cat := fengtai.Catalog()
	if _, err := demo.Load(ctx, src, cat, demo.Options{Incidents: demo.DefaultIncidents, AsOf: cellsAsOf}, nil); err != nil {
		t.Fatal(err)
	}
	inc, _ := cat.Lookup("incidents")
	var pts []orb.Point
	err := src.Features(ctx, inc, layers.Query{Role: layers.Admin, Properties: []string{}}, func(f *layers.Feature) error {
		pts = append(pts, f.Geometry.(orb.Point))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(pts) != demo.DefaultIncidents {
		t.Fatalf("read back %d incidents, want %d", len(pts), demo.DefaultIncidents)
	}
	return pts
}

// recountCells counts points per H3 cell of resolution res with h3-go's
// LatLngToCell itself (not the store, nor package hex): the hexagon a map
// draws around each point. parentDiffers counts the points whose
// resolution-15 cell has another parent at res.
func recountCells(pts []orb.Point, res int) (counts map[int64]int64, parentDiffers int) {
	counts = map[int64]int64{}
	for _, p := range pts {
		ll := h3.NewLatLng(p[1], p[0])
		c := h3.LatLngToCell(ll, res)
		counts[int64(c)]++
		if h3.LatLngToCell(ll, 15).Parent(res) != c {
			parentDiffers++
		}
	}
	return counts, parentDiffers
}

// TestHotspotCountsEqualRecount loads the demo into each store and checks
// that, at every hot-spot resolution 7–11, every cell count of CellCounts
// and of the staff /hotspots?res=r response equals a per-point recount with
// H3's LatLngToCell, and that /hotspots names cells as strings.
func TestHotspotCountsEqualRecount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		pts := demoPoints(t, src)
		s := newTestServer(t, src)
		staff := token(t, src, layers.Staff)
		inc, _ := fengtai.Catalog().Lookup("incidents")
		for res := 7; res <= 11; res++ {
			t.Run(fmt.Sprintf("res%d", res), func(t *testing.T) {
				want, differs := recountCells(pts, res)
				if differs == 0 {
					t.Fatalf("no demo point has another res-%d cell than its res-15 parent: nothing tested", res)
				}
				t.Logf("%d of %d points lie in another res-%d cell than their res-15 cell's parent", differs, len(pts), res)

				ccs, err := src.CellCounts(context.Background(), inc, res, layers.Query{Role: layers.Staff}, "")
				if err != nil {
					t.Fatal(err)
				}
				got := map[int64]int64{}
				for _, c := range ccs {
					got[c.Cell] += c.Count
				}
				compareCounts(t, "CellCounts", got, want)

				rec := get(t, s, fmt.Sprintf("/hotspots?res=%d", res), staff)
				if rec.Code != http.StatusOK {
					t.Fatalf("/hotspots: status %d: %s", rec.Code, rec.Body)
				}
				var fc struct {
					Features []struct {
						Properties map[string]any `json:"properties"`
					} `json:"features"`
				}
				decode(t, rec, &fc)
				got = map[int64]int64{}
				for _, f := range fc.Features {
					s, ok := f.Properties["h3"].(string)
					if !ok {
						t.Fatalf("/hotspots: h3 is %T %v, want a string", f.Properties["h3"], f.Properties["h3"])
					}
					c := h3.Cell(h3.IndexFromString(s))
					if !c.IsValid() || c.Resolution() != res || c.String() != s {
						t.Fatalf("/hotspots: h3 %q is not a res-%d cell", s, res)
					}
					if n, ok := f.Properties["count"].(float64); ok && n > 0 {
						got[int64(c)] = int64(n)
					}
				}
				compareCounts(t, "/hotspots", got, want)
			})
		}
	})
}

// TestTileClustersEqualRecount checks that the incident clusters of the
// tiles at z12–z14, over every tile around the demo, are the exact cells
// of ClusterRes(z): each cluster's count equals the recount of the points
// LatLngToCell puts in its cell, and every cell shows once.
func TestTileClustersEqualRecount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		pts := demoPoints(t, src)
		s := newTestServer(t, src)
		bound := orb.MultiPoint(pts).Bound()
		for z := maptile.Zoom(12); z <= 14; z++ {
			t.Run(fmt.Sprintf("z%d", z), func(t *testing.T) {
				res := int(z) - 5
				want, differs := recountCells(pts, res)
				if differs == 0 {
					t.Fatalf("no point has another res-%d cell than its res-15 parent: nothing tested", res)
				}
				// Tile ids are whole numbers the decoder reads as float64:
				// exact enough to tell cells of res ≤ 9 apart.
				byID := map[float64]int64{}
				for c := range want {
					if _, dup := byID[float64(c)]; dup {
						t.Fatalf("two cells share the float64 id %v", float64(c))
					}
					byID[float64(c)] = c
				}
				got := map[int64]int64{}
				min, max := maptile.At(orb.Point{bound.Min[0], bound.Max[1]}, z), maptile.At(orb.Point{bound.Max[0], bound.Min[1]}, z)
				// A cluster shows in the tile of its cell's centre, which
				// may lie one tile beyond the points.
				for x := min.X - 1; x <= max.X+1; x++ {
					for y := min.Y - 1; y <= max.Y+1; y++ {
						rec := get(t, s, tilePath("incidents", maptile.New(x, y, z)), "")
						if rec.Code == http.StatusNoContent {
							continue
						}
						if rec.Code != http.StatusOK {
							t.Fatalf("tile %d/%d/%d: status %d: %s", z, x, y, rec.Code, rec.Body)
						}
						l := decodeMVT(t, rec.Body.Bytes())["incidents"]
						if l == nil {
							continue
						}
						for _, f := range l.Features {
							id, _ := f.ID.(float64)
							c, ok := byID[id]
							if !ok {
								t.Errorf("tile %d/%d/%d: cluster id %v is no cell with points", z, x, y, f.ID)
								continue
							}
							if _, seen := got[c]; seen {
								t.Errorf("cell %s shows in two tiles", h3.Cell(c))
							}
							n, _ := f.Properties["count"].(float64)
							got[c] = int64(n)
						}
					}
				}
				compareCounts(t, fmt.Sprintf("z%d clusters", z), got, want)
			})
		}
	})
}

// compareCounts reports every cell whose count differs from the recount.
func compareCounts(t *testing.T, what string, got, want map[int64]int64) {
	t.Helper()
	bad := 0
	for c, n := range want {
		if got[c] != n {
			bad++
			if bad <= 10 {
				t.Errorf("%s: cell %s: %d, recount %d", what, h3.Cell(c), got[c], n)
			}
		}
	}
	for c, n := range got {
		if _, ok := want[c]; !ok {
			bad++
			if bad <= 10 {
				t.Errorf("%s: cell %s: %d, recount 0", what, h3.Cell(c), n)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%s: %d of %d cells differ from the recount", what, bad, len(want))
	}
}
