package tiles_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"minqing/geo/hex"
	"minqing/layers"
	"minqing/tiles"
)

// richLayer is the incidents layer with a property of every type more,
// public and staff.
func richLayer(t testing.TB, maxFeatures int) *layers.Layer {
	l := *layer(t, "incidents")
	l.MaxTileFeatures = maxFeatures
	l.Fields = append(slices.Clone(l.Fields),
		layers.Field{Name: "score", Type: layers.Float, Access: layers.Public},
		layers.Field{Name: "visits", Type: layers.Int, Access: layers.Staff},
		layers.Field{Name: "due_day", Type: layers.Date, Access: layers.Staff},
	)
	return &l
}

// richIncidents returns n points of richLayer, a third of them crowded
// into one z15 tile (so that the tile is clustered), with
// values shared between fields, missing values, NaNs and every type.
func richIncidents(n int) []*layers.Feature {
	r := rand.New(rand.NewPCG(3, 4))
	base := time.Date(2025, 6, 1, 8, 0, 0, 0, layers.Shanghai)
	words := []string{"停电", "漏水", "施工扰民", "open", "closed"}
	out := make([]*layers.Feature, n)
	for i := range out {
		p := orb.Point{116.270 + 0.035*r.Float64(), 39.845 + 0.025*r.Float64()}
		if i%3 == 0 {
			p = orb.Point{116.283 + 0.003*r.Float64(), 39.8545 + 0.003*r.Float64()}
		}
		cell, err := hex.FromPoint(p, hex.StoreRes)
		if err != nil {
			panic(err)
		}
		props := map[string]any{
			"external_id": fmt.Sprintf("T-%d", i), "source": words[r.IntN(5)], "category": words[r.IntN(3)],
			"subcategory": words[r.IntN(5)], // shares values with category and source
			"status":      words[3+r.IntN(2)], "received_at": base.Add(time.Duration(i) * time.Hour),
			"satisfied": r.IntN(2) == 0, "h3": cell, "visits": int64(r.IntN(4)),
			"score": float64(r.IntN(7)) / 2, "due_day": base.AddDate(0, 0, r.IntN(30)),
		}
		if i%7 == 0 {
			delete(props, "subcategory")
			props["description"] = nil
		}
		if i%11 == 0 {
			props["score"] = math.NaN()
		}
		out[i] = &layers.Feature{ID: int64(i + 1), Geometry: p, Props: props}
	}
	return out
}

// loadedIndex returns an index over src that holds l at version 1.
func loadedIndex(t *testing.T, src *versionedSource, l *layers.Layer) *tiles.PointIndex {
	t.Helper()
	ix := tiles.NewPointIndex(src)
	c := maptile.At(orb.Point{116.2875, 39.8575}, 16)
	req := layers.TileRequest{Layers: []*layers.Layer{l}, Z: 16, X: int(c.X), Y: int(c.Y)}
	deadline := time.Now().Add(10 * time.Second)
	for !ix.Ready(l, 1) {
		if _, err := tiles.Render(context.Background(), ix.At(src, map[string]int64{l.Name: 1}), req); err != nil {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			t.Fatal("the index never loaded")
		}
		time.Sleep(5 * time.Millisecond)
	}
	return ix
}

// TestIndexCutsTheStoresTiles renders every tile of the street at z12–z17
// from the loaded point index (cut from its prepared points, clusters
// counted from its cells) and from the store alone: the same bytes, for
// the public and staff, with and without a time window, under a cap above
// and below the point budget; and the index is not read from the store
// for them.
func TestIndexCutsTheStoresTiles(t *testing.T) {
	ctx := context.Background()
	from := time.Date(2025, 7, 1, 0, 0, 0, 0, layers.Shanghai)
	to := from.AddDate(0, 2, 0)
	for _, tc := range []struct {
		name string
		max  int
	}{
		{"cap above budget", 20000},
		{"cap below budget", 300},
		{"no cap", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := richLayer(t, tc.max)
			mem := &memSource{feats: map[string][]*layers.Feature{l.Name: richIncidents(13000)}}
			src := &versionedSource{mem: mem, version: 1}
			ix := loadedIndex(t, src, l)
			queries := []map[string]layers.Query{nil, {l.Name: {Time: &layers.TimeRange{Start: &from, End: &to}}}}
			tested, clustered := 0, 0
			for z := 12; z <= 17; z++ {
				for _, tile := range streetTiles(z) {
					for _, role := range []layers.Role{layers.Public, layers.Staff} {
						for qi, q := range queries {
							req := layers.TileRequest{Layers: []*layers.Layer{l}, Z: z, X: int(tile.X), Y: int(tile.Y), Role: role, Query: q}
							want, err := tiles.Render(ctx, mem, req)
							if err != nil {
								t.Fatal(err)
							}
							before := src.reads()
							got, err := tiles.Render(ctx, ix.At(src, map[string]int64{l.Name: 1}), req)
							if err != nil {
								t.Fatal(err)
							}
							if !bytes.Equal(got, want) {
								t.Fatalf("%d/%d/%d %s, query %d: the index's tile (%d B) differs from the store's (%d B)", z, tile.X, tile.Y, role, qi, len(got), len(want))
							}
							if src.reads() != before {
								t.Fatalf("%d/%d/%d: the loaded index read the store", z, tile.X, tile.Y)
							}
							tested++
							if z >= l.ClusterBelowZoom && bytes.Contains(want, []byte("count")) {
								clustered++
							}
						}
					}
				}
			}
			if tc.max != 300 && clustered == 0 {
				t.Error("no tile at z15 or deeper was clustered: the test misses the budget")
			}
			t.Logf("%d tiles, %d clustered at z15+", tested, clustered)
		})
	}
}

// TestIndexFallsBackOnValuesItCannotPrepare: a layer with a value a tile
// cannot hold gives the store path's error, and one with a negative zero
// the store path's bytes.
func TestIndexFallsBackOnValuesItCannotPrepare(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name    string
		value   any
		wantErr bool
	}{
		{"negative zero", math.Copysign(0, -1), false},
		{"unencodable", struct{}{}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := richLayer(t, 20000)
			fs := richIncidents(500)
			fs[1].Props["score"] = tc.value
			fs[2].Props["score"] = 0.0
			mem := &memSource{feats: map[string][]*layers.Feature{l.Name: fs}}
			src := &versionedSource{mem: mem, version: 1}
			ix := loadedIndex(t, src, l)
			for _, tile := range streetTiles(16) {
				req := layers.TileRequest{Layers: []*layers.Layer{l}, Z: 16, X: int(tile.X), Y: int(tile.Y)}
				want, werr := tiles.Render(ctx, mem, req)
				got, gerr := tiles.Render(ctx, ix.At(src, map[string]int64{l.Name: 1}), req)
				if (werr != nil) != (gerr != nil) || !bytes.Equal(got, want) {
					t.Fatalf("%v: index %d B, %v; store %d B, %v", tile, len(got), gerr, len(want), werr)
				}
				if tc.wantErr && werr != nil {
					return
				}
			}
			if tc.wantErr {
				t.Error("no tile failed on the unencodable value")
			}
		})
	}
}
