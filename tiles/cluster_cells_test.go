package tiles_test

import (
	"context"
	"testing"

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
// then asks H3 per point), and checks every cluster's count against the
// points LatLngToCell puts in its cell: each cell with points shows once,
// with all of them.
func TestClustersAreExactCells(t *testing.T) {
	pts := sourcetest.EdgePoints(3000)
	fs := make([]*layers.Feature, len(pts))
	for i, p := range pts {
		fs[i] = sourcetest.Incident(i, p, "停电")
		fs[i].ID = int64(i + 1)
	}
	src := &memSource{feats: map[string][]*layers.Feature{"incidents": fs}}
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
