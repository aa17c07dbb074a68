package tiles_test

import (
	"context"
	"errors"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"minqing/layers"
	"minqing/tiles"
)

func streetTiles(z int) []maptile.Tile {
	lo := maptile.At(orb.Point{116.270, 39.870}, maptile.Zoom(z))
	hi := maptile.At(orb.Point{116.305, 39.845}, maptile.Zoom(z))
	var out []maptile.Tile
	for x := lo.X - 1; x <= hi.X+1; x++ {
		for y := lo.Y - 1; y <= hi.Y+1; y++ {
			out = append(out, maptile.New(x, y, maptile.Zoom(z)))
		}
	}
	return out
}

func render(t *testing.T, src tiles.FeatureSource, req layers.TileRequest) map[string]*mvt.Layer {
	t.Helper()
	body, err := tiles.Render(context.Background(), src, req)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*mvt.Layer{}
	if body == nil {
		return out
	}
	ls, err := mvt.Unmarshal(body)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls {
		out[l.Name] = l
	}
	return out
}

func TestRenderClustersCountEachPointOnce(t *testing.T) {
	src := &memSource{feats: map[string][]*layers.Feature{"incidents": incidents(3000)}}
	inc := layer(t, "incidents")
	for _, z := range []int{10, 12, 13, 14} {
		total := 0.0
		cells := map[any]bool{}
		for _, tl := range streetTiles(z) {
			l := render(t, src, layers.TileRequest{Layers: []*layers.Layer{inc}, Z: z, X: int(tl.X), Y: int(tl.Y)})["incidents"]
			if l == nil {
				continue
			}
			for _, f := range l.Features {
				if cells[f.ID] {
					t.Errorf("z%d: cell %v in two tiles", z, f.ID)
				}
				cells[f.ID] = true
				total += f.Properties["count"].(float64)
				if len(f.Properties) != 1 {
					t.Errorf("cluster has properties %v", f.Properties)
				}
			}
		}
		if total != 3000 {
			t.Errorf("z%d: clusters count %v points, want 3000", z, total)
		}
	}
}

func TestRenderRules(t *testing.T) {
	src := &memSource{feats: map[string][]*layers.Feature{"incidents": incidents(2000), "communities": communities()}}
	inc, com := layer(t, "incidents"), layer(t, "communities")
	capped := *inc
	capped.MaxTileFeatures = 5
	c := maptile.At(orb.Point{116.2875, 39.8575}, 15)
	tests := []struct {
		name string
		req  layers.TileRequest
		want map[string]int // features per layer; -1: some
	}{
		{"points and polygons", layers.TileRequest{Layers: []*layers.Layer{com, inc}, Z: 15, X: int(c.X), Y: int(c.Y)}, map[string]int{"communities": -1, "incidents": -1}},
		{"cap", layers.TileRequest{Layers: []*layers.Layer{&capped}, Z: 15, X: int(c.X), Y: int(c.Y)}, map[string]int{"incidents": 5}},
		{"cap on clusters", layers.TileRequest{Layers: []*layers.Layer{&capped}, Z: 14, X: int(c.X / 2), Y: int(c.Y / 2)}, map[string]int{"incidents": 5}},
		{"below min zoom", layers.TileRequest{Layers: []*layers.Layer{com, inc}, Z: 9, X: int(c.X >> 6), Y: int(c.Y >> 6)}, map[string]int{}},
		{"filter", layers.TileRequest{Layers: []*layers.Layer{inc}, Z: 15, X: int(c.X), Y: int(c.Y),
			Query: map[string]layers.Query{"incidents": {Equal: map[string][]any{"category": {"停电"}}}}}, map[string]int{"incidents": -1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := render(t, src, tc.req)
			if len(got) != len(tc.want) {
				t.Fatalf("layers %v, want %v", got, tc.want)
			}
			for name, n := range tc.want {
				l := got[name]
				if l == nil || (n >= 0 && len(l.Features) != n) || len(l.Features) == 0 {
					t.Errorf("%s: %v features, want %d", name, l, n)
					continue
				}
				for _, f := range l.Features {
					if _, ok := f.Properties["description"]; ok {
						t.Error("public tile has description")
					}
					if cat, ok := f.Properties["category"]; ok && tc.name == "filter" && cat != "停电" {
						t.Errorf("filtered tile has category %v", cat)
					}
				}
			}
		})
	}
}

func TestRenderStaffSeeStaffFields(t *testing.T) {
	src := &memSource{feats: map[string][]*layers.Feature{"incidents": incidents(500)}}
	c := maptile.At(orb.Point{116.2875, 39.8575}, 15)
	l := render(t, src, layers.TileRequest{Layers: []*layers.Layer{layer(t, "incidents")}, Z: 15, X: int(c.X), Y: int(c.Y), Role: layers.Staff})["incidents"]
	if l == nil || l.Features[0].Properties["description"] != "诉求内容" {
		t.Fatalf("staff tile lacks description")
	}
}

func TestRenderBadTileAndCancel(t *testing.T) {
	src := &memSource{feats: map[string][]*layers.Feature{"incidents": incidents(10)}}
	inc := layer(t, "incidents")
	for _, zxy := range [][3]int{{23, 0, 0}, {-1, 0, 0}, {3, 8, 0}, {3, 0, 8}, {3, -1, 0}} {
		_, err := tiles.Render(context.Background(), src, layers.TileRequest{Layers: []*layers.Layer{inc}, Z: zxy[0], X: zxy[1], Y: zxy[2]})
		if !errors.Is(err, layers.ErrInvalid) {
			t.Errorf("%v: %v, want an invalid-request error", zxy, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c := maptile.At(orb.Point{116.2875, 39.8575}, 15)
	_, err := tiles.Render(ctx, src, layers.TileRequest{Layers: []*layers.Layer{inc}, Z: 15, X: int(c.X), Y: int(c.Y)})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("canceled: %v", err)
	}
}
