package tiles_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"minqing/geo/hex"
	"minqing/layers"
	"minqing/stores/sourcetest"
	"minqing/tiles"
)

// TestClustersAreExactCells renders the cluster tiles at z10–z14 around
// points close to cell edges, from a source without stored cells (Render
// then asks H3 per point) and from one that counts per cell as a store does
// (Render then asks for the cells centred in each tile), and checks every cluster's count against the
// points LatLngToCell puts in its cell: each cell with points shows once,
// with all of them.
func TestClustersAreExactCells(t *testing.T) {
	pts := sourcetest.EdgePoints(3000)
	fs := make([]*layers.Feature, len(pts))
	for i, p := range pts {
		fs[i] = sourcetest.Incident(i, p, "停电")
		fs[i].ID = int64(i + 1)
	}
	mem := &memSource{feats: map[string][]*layers.Feature{"incidents": fs}}
	for _, tc := range []struct {
		name string
		src  tiles.FeatureSource
	}{
		{"H3 per point", mem},
		{"store counts of the tile's cells", &countingSource{memSource: mem}},
	} {
		t.Run(tc.name, func(t *testing.T) { clustersAreExactCells(t, tc.src, pts) })
	}
}

func clustersAreExactCells(t *testing.T, src tiles.FeatureSource, pts []orb.Point) {
	inc := layer(t, "incidents")
	bound := orb.MultiPoint(pts).Bound()
	for z := maptile.Zoom(10); z <= 14; z++ {
		res := tiles.ClusterRes(int(z))
		want := map[float64]int64{}
		parentDiffers := 0
		for _, p := range pts {
			c, _ := hex.FromPoint(p, res)
			want[float64(c)]++
			fine, _ := hex.FromPoint(p, hex.StoreRes)
			if hex.Parent(fine, res) != c {
				parentDiffers++
			}
		}
		if parentDiffers == 0 {
			t.Fatalf("z%d: no point's parent differs from its cell: nothing tested", z)
		}
		got := map[float64]int64{}
		lo, hi := maptile.At(orb.Point{bound.Min[0], bound.Max[1]}, z), maptile.At(orb.Point{bound.Max[0], bound.Min[1]}, z)
		for x := lo.X; x <= hi.X; x++ {
			for y := lo.Y; y <= hi.Y; y++ {
				b, err := tiles.Render(context.Background(), src, layers.TileRequest{Layers: []*layers.Layer{inc}, Z: int(z), X: int(x), Y: int(y)})
				if err != nil {
					t.Fatal(err)
				}
				ls, err := mvt.Unmarshal(b)
				if err != nil {
					t.Fatal(err)
				}
				for _, l := range ls {
					for _, f := range l.Features {
						id, _ := f.ID.(float64)
						if _, dup := got[id]; dup {
							t.Errorf("z%d: cell %v in two tiles", z, id)
						}
						n, _ := f.Properties["count"].(float64)
						got[id] = int64(n)
					}
				}
			}
		}
		for c, n := range want {
			if got[c] != n {
				t.Errorf("z%d cell %v: count %d, want %d", z, c, got[c], n)
			}
		}
		if len(got) != len(want) {
			t.Errorf("z%d: %d clusters, want %d", z, len(got), len(want))
		}
	}
}

// TestTileCellsAreTheCellsCentredInTheTile compares TileCells with every
// cell near the tile whose centre maptile.At puts in it, at the zooms and
// resolutions clusters use, in Beijing, on the equator, far north and
// beside the antimeridian (where tile edges and H3's arcs differ most).
func TestTileCellsAreTheCellsCentredInTheTile(t *testing.T) {
	for _, tc := range []struct {
		name string
		at   orb.Point
	}{
		{"Beijing", orb.Point{116.2875, 39.8575}},
		{"equator", orb.Point{0.001, 0.001}},
		{"far north", orb.Point{25.7, 70.1}},
		{"antimeridian", orb.Point{179.999, -16.5}},
	} {
		for _, z := range []maptile.Zoom{6, 9, 10, 12, 14, 15, 16, 18} {
			tl := maptile.At(tc.at, z)
			res := tiles.ClusterRes(int(z))
			got, ok := tiles.TileCells(tl, res)
			if !ok {
				t.Errorf("%s z%d: refused", tc.name, z)
				continue
			}
			// Brute force: the cells of a disk around the tile's centre
			// wide enough to hold the tile, kept when centred in it.
			b := tl.Bound()
			centre, _ := hex.FromPoint(b.Center(), res)
			k := 2
			for _, corner := range []orb.Point{b.Min, b.Max, {b.Min[0], b.Max[1]}, {b.Max[0], b.Min[1]}} {
				c, _ := hex.FromPoint(corner, res)
				if d := gridDistance(t, centre, c); d+2 > k {
					k = d + 2
				}
			}
			var want []int64
			for _, c := range hex.Disk(centre, k) {
				if maptile.At(hex.Center(c), z) == tl {
					want = append(want, c)
				}
			}
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("%s z%d res %d: %d cells, want %d", tc.name, z, res, len(got), len(want))
			}
			if len(want) == 0 && z >= 12 {
				t.Errorf("%s z%d: no cell centred in the tile: nothing tested", tc.name, z)
			}
		}
	}
	if _, ok := tiles.TileCells(maptile.New(0, 0, 0), 5); ok {
		t.Error("the world tile at resolution 5 was listed")
	}
}

// gridDistance is the H3 grid distance between a and b, found by growing
// a disk around a (the cells here are at most a few hundred apart).
func gridDistance(t *testing.T, a, b int64) int {
	t.Helper()
	for k := 0; k < 400; k++ {
		if slices.Contains(hex.Disk(a, k), b) {
			return k
		}
	}
	t.Fatalf("cells %x and %x are too far apart", a, b)
	return 0
}

// TestCountsFirstNeverReadsTheDensePoints renders the street's tiles at
// z15–z16 over a dense set of incidents from a source that counts per cell
// and from one that does not: the tiles are the same, and on the counting
// source a tile whose inner cells hold more than the budget is served as
// clusters without reading its points.
func TestCountsFirstNeverReadsTheDensePoints(t *testing.T) {
	// 20,000 incidents squeezed into a sixteenth of the street: its z15
	// tiles hold more than the budget.
	fs := incidents(20_000)
	for _, f := range fs {
		p := f.Geometry.(orb.Point)
		f.Geometry = orb.Point{116.2875 + (p[0]-116.2875)/4, 39.8575 + (p[1]-39.8575)/4}
	}
	inc := layer(t, "incidents")
	mem := &memSource{feats: map[string][]*layers.Feature{"incidents": fs}}
	counting := &countingSource{memSource: mem}
	var tally denseTally
	for _, z := range []int{15, 16} {
		for _, tl := range streetTiles(z) {
			tally.render(t, mem, counting, layers.TileRequest{Layers: []*layers.Layer{inc}, Z: z, X: int(tl.X), Y: int(tl.Y), Role: layers.Staff})
		}
	}
	tally.check(t)
	if counting.cellReads == 0 {
		t.Error("the counting source was never asked for counts")
	}
}

// denseTally counts the tiles render found over the budget, and those of
// them served without reading a point.
type denseTally struct{ clustered, skipped int }

// render renders req from mem and from counting, which must give the same
// bytes, tallies the tile and returns it.
func (d *denseTally) render(t *testing.T, mem *memSource, counting *countingSource, req layers.TileRequest) []byte {
	t.Helper()
	want, err := tiles.Render(context.Background(), mem, req)
	if err != nil {
		t.Fatal(err)
	}
	before := counting.pointReads
	got, err := tiles.Render(context.Background(), counting, req)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("z%d %d/%d: the counting source's tile differs", req.Z, req.X, req.Y)
	}
	ls, _ := mvt.Unmarshal(got)
	if len(ls) == 1 && len(ls[0].Features) > 0 && len(ls[0].Features[0].Properties) == 1 {
		d.clustered++
		if counting.pointReads == before {
			d.skipped++
		}
	}
	return got
}

// check fails unless some tiles were over the budget and served so.
func (d *denseTally) check(t *testing.T) {
	t.Helper()
	if d.clustered == 0 || d.skipped == 0 {
		t.Errorf("%d tiles over budget, %d of them without reading points: nothing tested", d.clustered, d.skipped)
	}
}

// TestLowZoomClustersFromCounts renders the street's tile at z0–z9 (z0–z4:
// too many cells to name, so every cell is counted) from a source that
// counts per cell and from one that does not: the same bytes.
func TestLowZoomClustersFromCounts(t *testing.T) {
	mem := &memSource{feats: map[string][]*layers.Feature{"incidents": incidents(3000)}}
	counting := &countingSource{memSource: mem}
	inc := layer(t, "incidents")
	for z := 0; z <= 9; z++ {
		tl := maptile.At(orb.Point{116.2875, 39.8575}, maptile.Zoom(z))
		req := layers.TileRequest{Layers: []*layers.Layer{inc}, Z: z, X: int(tl.X), Y: int(tl.Y), Role: layers.Staff}
		if inc.MinZoom > z {
			inc2 := *inc
			inc2.MinZoom = 0
			req.Layers = []*layers.Layer{&inc2}
		}
		want, err := tiles.Render(context.Background(), mem, req)
		if err != nil {
			t.Fatal(err)
		}
		got, err := tiles.Render(context.Background(), counting, req)
		if err != nil {
			t.Fatal(err)
		}
		if len(want) == 0 || !bytes.Equal(got, want) {
			t.Errorf("z%d: %d bytes from counts, %d from the points", z, len(got), len(want))
		}
	}
	if counting.cellReads == 0 || counting.pointReads != 0 {
		t.Errorf("%d count reads, %d point reads: want counts only", counting.cellReads, counting.pointReads)
	}
}

// denseWeek returns 30,000 incidents in a sixteenth of the street, one
// every 30 s over ten and a half days from 1 June 2025 08:00, and the
// bounds of the seven whole Beijing days from 2 June.
func denseWeek() (fs []*layers.Feature, from, until time.Time) {
	fs = incidents(30_000)
	base := time.Date(2025, 6, 1, 8, 0, 0, 0, layers.Shanghai)
	for i, f := range fs {
		p := f.Geometry.(orb.Point)
		f.Geometry = orb.Point{116.2875 + (p[0]-116.2875)/4, 39.8575 + (p[1]-39.8575)/4}
		f.Props["received_at"] = base.Add(time.Duration(i) * 30 * time.Second)
	}
	from = time.Date(2025, 6, 2, 0, 0, 0, 0, layers.Shanghai)
	return fs, from, from.AddDate(0, 0, 7).Add(-time.Microsecond)
}

// TestFilteredTilesCountFromRollups renders the street's z15 tiles over
// dense incidents with a window of whole Beijing days and with a category,
// from a source that counts per cell and one that does not: the tiles are
// the same, the counting source is never asked a count that the rollups
// (days and categories up to layers.RollupDaysMaxRes and RollupDimsMaxRes)
// would leave to the raw rows, and some tiles over the budget are found so
// without reading their points.
func TestFilteredTilesCountFromRollups(t *testing.T) {
	fs, from, until := denseWeek()
	inc := layer(t, "incidents")
	mem := &memSource{feats: map[string][]*layers.Feature{"incidents": fs}}
	for _, tc := range []struct {
		name string
		q    layers.Query
	}{
		{"seven whole days", layers.Query{Time: &layers.TimeRange{Start: &from, End: &until}}},
		{"a category", layers.Query{Equal: map[string][]any{"category": {"漏水"}}}},
	} {
		for _, z := range []int{15, 16} {
			t.Run(fmt.Sprintf("%s z%d", tc.name, z), func(t *testing.T) {
				counting := &countingSource{memSource: mem}
				var tally denseTally
				for _, tl := range streetTiles(z) {
					tally.render(t, mem, counting, layers.TileRequest{Layers: []*layers.Layer{inc}, Z: z, X: int(tl.X), Y: int(tl.Y), Role: layers.Staff,
						Query: map[string]layers.Query{"incidents": tc.q}})
				}
				if counting.rawRows != 0 {
					t.Errorf("the counts asked would read %d raw rows", counting.rawRows)
				}
				tally.check(t)
			})
		}
	}
}

// TestCategoryWindowBoundByMonths: under a time window and a category the
// rollups keep the clusters' resolution by month alone, so a tile's exact
// count reads the window's partial months from the raw rows. A tile whose
// whole months around the window hold at most the budget is read as points
// without that count (no raw row counted); a denser one is still counted
// first and served as clusters. Either way each tile is the same bytes as
// from a source without counts.
func TestCategoryWindowBoundByMonths(t *testing.T) {
	all, from, until := denseWeek() // and a week of 漏水
	q := layers.Query{Time: &layers.TimeRange{Start: &from, End: &until}, Equal: map[string][]any{"category": {"漏水"}}}
	inc := layer(t, "incidents")
	for _, tc := range []struct {
		name  string
		every int // keep every n-th incident
		dense bool
		zooms []int
	}{
		{"sparse: June holds fewer than the budget", 20, false, []int{15, 16}},
		{"dense: counted and clustered", 1, true, []int{15}}, // a z16 tile holds less than the week's 6,720
	} {
		var fs []*layers.Feature
		for i := 0; i < len(all); i += tc.every {
			fs = append(fs, all[i])
		}
		mem := &memSource{feats: map[string][]*layers.Feature{"incidents": fs}}
		for _, z := range tc.zooms {
			t.Run(fmt.Sprintf("%s z%d", tc.name, z), func(t *testing.T) {
				counting := &countingSource{memSource: mem}
				var tally denseTally
				for _, tl := range streetTiles(z) {
					tally.render(t, mem, counting, layers.TileRequest{Layers: []*layers.Layer{inc}, Z: z, X: int(tl.X), Y: int(tl.Y), Role: layers.Staff,
						Query: map[string]layers.Query{"incidents": q}})
				}
				if tc.dense {
					tally.check(t)
					if counting.rawRows == 0 {
						t.Error("no raw row counted: the dense tiles were not counted exactly")
					}
					return
				}
				if counting.rawRows != 0 || tally.clustered != 0 || counting.pointReads == 0 {
					t.Errorf("%d raw rows counted, %d tiles clustered, %d point reads: want the points read, counted from the months' rollups alone",
						counting.rawRows, tally.clustered, counting.pointReads)
				}
			})
		}
	}
}

// TestClustersFirst: up to tiles.ClustersFirstMaxZoom, a tile whose
// cluster cells hold more points than the budget is those clusters, read
// from the counts alone, even where the tile itself holds fewer (here 96
// points fewer than the budget in the tile and 600 just beyond its buffer,
// in cells centred in it), and so at z16 under a category, whose clusters
// are then resolution 10; deeper, or where the counts would not come from
// the rollups whole (a category at z17), the tile is decided by its
// points. Each source gives the same bytes: one without counts, one with,
// and the point index (which skips the counts where its buckets hold few
// points).
func TestClustersFirst(t *testing.T) {
	inc := layer(t, "incidents")
	in := tiles.PointBudget - 96 // points in the tile, then 600 beyond it
	for _, tc := range []struct {
		name     string
		z        int
		q        layers.Query
		points   int // of the in+600
		clusters bool
	}{
		{"z17: counted first", 17, layers.Query{}, in + 600, true},
		{"z17: few points", 17, layers.Query{}, 300, false},
		{"z18: points", tiles.ClustersFirstMaxZoom + 1, layers.Query{}, in + 600, false},
		{"z17 with a category: points", 17, layers.Query{Equal: map[string][]any{"category": {"漏水"}}}, in + 600, false},
		{"z16 with a category: counted first, at res 10", 16, layers.Query{Equal: map[string][]any{"category": {"漏水"}}}, in + 600, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tile := maptile.At(orb.Point{116.2875, 39.8575}, maptile.Zoom(tc.z))
			b := tile.Bound()
			unit := (b.Max[0] - b.Min[0]) / 4096
			var fs []*layers.Feature
			for i := range in {
				x := b.Min[0] + (b.Max[0]-b.Min[0])*(0.05+0.9*float64(i%97)/97)
				y := b.Min[1] + (b.Max[1]-b.Min[1])*(0.05+0.9*float64(i/97%89)/89)
				fs = append(fs, point(int64(i+1), x, y))
			}
			for i := range 600 {
				y := b.Min[1] + (b.Max[1]-b.Min[1])*float64(i+1)/601
				fs = append(fs, point(int64(in+1+i), b.Max[0]+(tiles.DefaultBuffer+0.8)*unit, y))
			}
			fs = fs[:tc.points]
			mem := &memSource{feats: map[string][]*layers.Feature{"incidents": fs}}
			counting := &countingSource{memSource: mem}
			req := layers.TileRequest{Layers: []*layers.Layer{inc}, Z: tc.z, X: int(tile.X), Y: int(tile.Y), Role: layers.Staff,
				Query: map[string]layers.Query{"incidents": tc.q}}
			var tally denseTally
			got := tally.render(t, mem, counting, req)
			vs := &versionedSource{mem: mem, version: 1}
			view := loadedIndex(t, vs, inc).At(vs, map[string]int64{"incidents": 1})
			indexed, err := tiles.Render(context.Background(), view, req)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(indexed, got) {
				t.Errorf("the point index's tile (%d bytes) differs (%d bytes)", len(indexed), len(got))
			}
			ls, _ := mvt.Unmarshal(got)
			if len(ls) != 1 || len(ls[0].Features) == 0 {
				t.Fatalf("%d layers: want one with features", len(ls))
			}
			isClusters := ls[0].Features[0].Properties["count"] != nil
			if isClusters != tc.clusters {
				t.Errorf("clusters: %v (%d features), want %v", isClusters, len(ls[0].Features), tc.clusters)
			}
			if want := min(tc.points, in); !isClusters && len(ls[0].Features) != want {
				t.Errorf("%d points, want the %d in the tile", len(ls[0].Features), want)
			}
			if tc.clusters && tally.skipped != 1 {
				t.Errorf("%d point reads: want the counts alone", counting.pointReads)
			}
		})
	}
}
