package tiles_test

import (
	"bytes"
	"context"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"minqing/layers"
	"minqing/tiles"
)

// unorderedSource is a memSource that takes Query.Unordered at its word:
// asked for it, it gives the features highest ids first (and stops at the
// limit there), as a store's scan in heap order may. It records the
// queries and how many features it gave.
type unorderedSource struct {
	*memSource
	queries []layers.Query
	given   []int // per query
}

func (u *unorderedSource) Features(ctx context.Context, l *layers.Layer, q layers.Query, fn func(*layers.Feature) error) error {
	u.queries = append(u.queries, q)
	u.given = append(u.given, 0)
	i := len(u.given) - 1
	count := func(f *layers.Feature) error { u.given[i]++; return fn(f) }
	if !q.Unordered {
		return u.memSource.Features(ctx, l, q, count)
	}
	all := q
	all.Limit, all.Unordered = 0, false
	var fs []*layers.Feature
	if err := u.memSource.Features(ctx, l, all, func(f *layers.Feature) error { fs = append(fs, f); return nil }); err != nil {
		return err
	}
	slices.Reverse(fs)
	if q.Limit > 0 && len(fs) > q.Limit {
		fs = fs[:q.Limit]
	}
	for _, f := range fs {
		if err := count(f); err != nil {
			return err
		}
	}
	return nil
}

// TestRenderPointsInAnyOrder: a tile's points are asked for in any order,
// a few more than the budget, and the tile is byte for byte the one read
// in id order — under the budget, over it (clusters), and when what the
// store gave first lies in the unit beyond the buffer that the search box
// holds but the tile does not (the tile then reads every point, in order).
// The tile is deeper than tiles.ClustersFirstMaxZoom, so that its points
// are read before anything is counted.
func TestRenderPointsInAnyOrder(t *testing.T) {
	inc := layer(t, "incidents")
	z := tiles.ClustersFirstMaxZoom + 1
	tile := maptile.At(orb.Point{116.2875, 39.8575}, maptile.Zoom(z))
	b := tile.Bound()
	unit := (b.Max[0] - b.Min[0]) / 4096
	// inside returns n points spread over the tile, ids from first.
	inside := func(first, n int) []*layers.Feature {
		out := make([]*layers.Feature, n)
		for i := range out {
			x := b.Min[0] + (b.Max[0]-b.Min[0])*(0.05+0.9*float64(i%97)/97)
			y := b.Min[1] + (b.Max[1]-b.Min[1])*(0.05+0.9*float64(i/97%89)/89)
			out[i] = point(int64(first+i), x, y)
		}
		return out
	}
	// ring returns n points in the unit beyond the buffer, east of the tile
	// (rounding to 4,161 where the tile and its buffer end at 4,160).
	ring := func(first, n int) []*layers.Feature {
		out := make([]*layers.Feature, n)
		for i := range out {
			y := b.Min[1] + (b.Max[1]-b.Min[1])*float64(i+1)/float64(n+1)
			out[i] = point(int64(first+i), b.Max[0]+(tiles.DefaultBuffer+0.8)*unit, y)
		}
		return out
	}
	under := tiles.PointBudget - 96 // in the tile, with those beyond it more than the budget
	tests := []struct {
		name     string
		feats    []*layers.Feature
		points   int  // features in the tile, 0: clusters
		fellBack bool // read again in order
	}{
		{"under the budget", inside(1, under-900), under - 900, false},
		{"over the budget", inside(1, 2*tiles.PointBudget), 0, false},
		{"the first given do not show", append(inside(1, under), ring(under+1, 600)...), under, true},
		{"a few given do not show", append(inside(1, under), ring(under+1, 20)...), under, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			feats := map[string][]*layers.Feature{"incidents": tc.feats}
			req := layers.TileRequest{Layers: []*layers.Layer{inc}, Z: z, X: int(tile.X), Y: int(tile.Y)}
			want, err := tiles.Render(context.Background(), &memSource{feats: feats}, req)
			if err != nil {
				t.Fatal(err)
			}
			src := &unorderedSource{memSource: &memSource{feats: feats}}
			got, err := tiles.Render(context.Background(), src, req)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("tile read in any order (%d bytes) differs from the tile read in id order (%d bytes)", len(got), len(want))
			}
			l := render(t, &memSource{feats: feats}, req)["incidents"]
			if n := len(l.Features); tc.points > 0 && n != tc.points || tc.points == 0 && (n == 0 || l.Features[0].Properties["count"] == nil) {
				t.Fatalf("%d features (first %v), want %d points (0: clusters)", n, l.Features[0].Properties, tc.points)
			}
			// The points' read is the first with a bbox; reading them again
			// in order searches the same box (clusters search a wider one).
			at := slices.IndexFunc(src.queries, func(q layers.Query) bool { return q.BBox != nil })
			if at < 0 {
				t.Fatal("no points read")
			}
			first := src.queries[at]
			if !first.Unordered || first.Limit <= tiles.PointBudget {
				t.Errorf("points asked with Unordered %v, Limit %d: want any order, more than the budget %d", first.Unordered, first.Limit, tiles.PointBudget)
			}
			if src.given[at] > first.Limit {
				t.Errorf("the store gave %d points, more than the %d asked", src.given[at], first.Limit)
			}
			again := 0
			for _, q := range src.queries[at+1:] {
				if q.BBox != nil && *q.BBox == *first.BBox && !q.Unordered && q.Limit == 0 {
					again++
				}
			}
			if (again > 0) != tc.fellBack {
				t.Errorf("%d reads again in id order, want them: %v", again, tc.fellBack)
			}
		})
	}
}

func point(id int64, x, y float64) *layers.Feature {
	return &layers.Feature{ID: id, Geometry: orb.Point{x, y}, Props: map[string]any{"category": "漏水", "status": "closed", "source": "12345"}}
}
