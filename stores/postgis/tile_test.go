package postgis_test

import (
	"context"
	"fmt"
	"math"
	"sort"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"minqing/deploy/fengtai"
	"minqing/deploy/fengtai/demo"
	"minqing/internal/pgtest"
	"minqing/layers"
	"minqing/stores/postgis"
	"minqing/tiles"
)

// demoStore returns a migrated store holding the demo data with n incidents.
func demoStore(t testing.TB, n int) (*postgis.Store, *layers.Catalog) {
	t.Helper()
	ctx := context.Background()
	cat := fengtai.Catalog()
	st, err := postgis.Open(ctx, pgtest.New(t), cat)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	asOf := time.Date(2026, 3, 1, 0, 0, 0, 0, layers.Shanghai)
	if _, err := demo.Load(ctx, st, cat, demo.Options{Incidents: n, AsOf: asOf}, nil); err != nil {
		t.Fatal(err)
	}
	return st, cat
}

// streetTiles returns the tiles at zoom z covering the street's area.
func streetTiles(z int) []maptile.Tile {
	lo := maptile.At(orb.Point{116.270, 39.870}, maptile.Zoom(z))
	hi := maptile.At(orb.Point{116.305, 39.845}, maptile.Zoom(z))
	var out []maptile.Tile
	for x := lo.X; x <= hi.X; x++ {
		for y := lo.Y; y <= hi.Y; y++ {
			out = append(out, maptile.New(x, y, maptile.Zoom(z)))
		}
	}
	return out
}

func mustLayers(t testing.TB, cat *layers.Catalog, names ...string) []*layers.Layer {
	t.Helper()
	var out []*layers.Layer
	for _, n := range names {
		l, ok := cat.Lookup(n)
		if !ok {
			t.Fatalf("no layer %s", n)
		}
		out = append(out, l)
	}
	return out
}

func decode(t *testing.T, b []byte) map[string]*mvt.Layer {
	t.Helper()
	out := map[string]*mvt.Layer{}
	if len(b) == 0 {
		return out
	}
	ls, err := mvt.Unmarshal(b)
	if err != nil {
		t.Fatalf("tile does not decode: %v", err)
	}
	for _, l := range ls {
		out[l.Name] = l
	}
	return out
}

// featuresOnly is the store with nothing but its features: tiles.Render
// encodes them in Go, as it does for the embedded store.
type featuresOnly struct{ st *postgis.Store }

func (f featuresOnly) Features(ctx context.Context, l *layers.Layer, q layers.Query, fn func(*layers.Feature) error) error {
	return f.st.Features(ctx, l, q, fn)
}

// TestTileMatchesGoEncoder renders the same tiles with ST_AsMVT (the
// store's Tile) and with the Go encoder over this store's features
// (tiles.Render of its Features, as for the embedded store): the two must
// agree on layers, feature ids, properties and point positions, for the
// public and for staff. Clusters made of the store's CellCounts must agree
// with clusters of each point's cell computed in Go.
func TestTileMatchesGoEncoder(t *testing.T) {
	st, cat := demoStore(t, 3000)
	ctx := context.Background()
	ls := mustLayers(t, cat, "communities", "streets", "incidents", "care_targets", "demolitions")
	for _, role := range []layers.Role{layers.Public, layers.Staff} {
		for _, z := range []int{11, 13, 14, 15, 16} {
			for _, tl := range streetTiles(z) {
				req := layers.TileRequest{Layers: ls, Z: z, X: int(tl.X), Y: int(tl.Y), Role: role}
				if role == layers.Public {
					req.Layers = ls[:3] // care_targets is staff-only
				}
				var pg []byte
				var err error
				if z >= 15 {
					// Every layer as ST_AsMVT writes it, with the layers' caps.
					sreq := req
					sreq.Query = map[string]layers.Query{}
					for _, l := range req.Layers {
						sreq.Query[l.Name] = layers.Query{Limit: l.MaxTileFeatures}
					}
					pg, err = st.Tile(ctx, sreq)
				} else {
					pg, err = tiles.Render(ctx, st, req)
				}
				if err != nil {
					t.Fatalf("%v %d/%d/%d: %v", role, z, tl.X, tl.Y, err)
				}
				goTile, err := tiles.Render(ctx, featuresOnly{st}, req)
				if err != nil {
					t.Fatal(err)
				}
				compareTiles(t, fmt.Sprintf("%v %d/%d/%d", role, z, tl.X, tl.Y), decode(t, pg), decode(t, goTile))
			}
		}
	}
}

func compareTiles(t *testing.T, name string, pg, gt map[string]*mvt.Layer) {
	t.Helper()
	if len(pg) != len(gt) {
		t.Errorf("%s: PostGIS has layers %v, Go %v", name, keys(pg), keys(gt))
		return
	}
	for n, pl := range pg {
		gl, ok := gt[n]
		if !ok {
			t.Errorf("%s: layer %s only in PostGIS", name, n)
			continue
		}
		byID := map[any]int{}
		for i, f := range gl.Features {
			byID[f.ID] = i
		}
		if len(pl.Features) != len(gl.Features) && n != "streets" && n != "communities" {
			t.Errorf("%s %s: PostGIS %d features, Go %d", name, n, len(pl.Features), len(gl.Features))
		}
		for _, pf := range pl.Features {
			i, ok := byID[pf.ID]
			if !ok {
				if pf.Geometry.Dimensions() == 0 {
					t.Errorf("%s %s: feature %v only in PostGIS", name, n, pf.ID)
				}
				continue // a sliver of line or polygon the encoders clip differently
			}
			gf := gl.Features[i]
			for k, v := range pf.Properties {
				if gf.Properties[k] != v {
					t.Errorf("%s %s %v: %s = %v (PostGIS) vs %v (Go)", name, n, pf.ID, k, v, gf.Properties[k])
				}
			}
			if len(pf.Properties) != len(gf.Properties) {
				t.Errorf("%s %s %v: properties %v vs %v", name, n, pf.ID, pf.Properties, gf.Properties)
			}
			if p, ok := pf.Geometry.(orb.Point); ok {
				q := gf.Geometry.(orb.Point)
				if math.Abs(p[0]-q[0]) > 1 || math.Abs(p[1]-q[1]) > 1 {
					t.Errorf("%s %s %v: at %v (PostGIS) vs %v (Go)", name, n, pf.ID, p, q)
				}
			}
		}
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestTileClustersCountEveryIncidentOnce sums the clusters of every tile
// covering the street at each clustered zoom: each incident is counted once,
// and each H3 cell shows in one tile only.
func TestTileClustersCountEveryIncidentOnce(t *testing.T) {
	st, cat := demoStore(t, 2000)
	ctx := context.Background()
	inc := mustLayers(t, cat, "incidents")
	for _, z := range []int{10, 12, 13, 14} {
		var sum int64
		cells := map[any]bool{}
		around := map[maptile.Tile]bool{}
		for _, tl := range streetTiles(z) {
			for _, nb := range neighbours(tl) {
				around[nb] = true
			}
		}
		for nb := range around {
			b, err := tiles.Render(ctx, st, layers.TileRequest{Layers: inc, Z: z, X: int(nb.X), Y: int(nb.Y)})
			if err != nil {
				t.Fatal(err)
			}
			l := decode(t, b)["incidents"]
			if l == nil {
				continue
			}
			for _, f := range l.Features {
				if cells[f.ID] {
					t.Errorf("z%d: cell %v in two tiles", z, f.ID)
				}
				cells[f.ID] = true
				n, _ := f.Properties["count"].(float64)
				sum += int64(n)
				if len(f.Properties) != 1 {
					t.Errorf("z%d: cluster properties %v, want only count", z, f.Properties)
				}
			}
		}
		if sum != 2000 {
			t.Errorf("z%d: clusters count %d incidents, want 2000", z, sum)
		}
	}
}

// neighbours returns t and the eight tiles around it.
func neighbours(t maptile.Tile) []maptile.Tile {
	var out []maptile.Tile
	for dx := -1; dx <= 1; dx++ {
		for dy := -1; dy <= 1; dy++ {
			out = append(out, maptile.New(uint32(int(t.X)+dx), uint32(int(t.Y)+dy), t.Z))
		}
	}
	return out
}

func TestTileRules(t *testing.T) {
	st, cat := demoStore(t, 1000)
	ctx := context.Background()
	inc := mustLayers(t, cat, "incidents")
	capped := *inc[0]
	capped.MaxTileFeatures = 7
	center := maptile.At(orb.Point{116.2875, 39.8575}, 15)
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, layers.Shanghai)
	tests := []struct {
		name  string
		req   layers.TileRequest
		check func(t *testing.T, got map[string]*mvt.Layer)
	}{
		{"public sees no staff property", layers.TileRequest{Layers: inc, Z: 13, X: int(center.X) >> 2, Y: int(center.Y) >> 2}, nil},
		{"cap", layers.TileRequest{Layers: []*layers.Layer{&capped}, Z: 14, X: int(center.X) >> 1, Y: int(center.Y) >> 1},
			func(t *testing.T, got map[string]*mvt.Layer) {
				if n := len(got["incidents"].Features); n != 7 {
					t.Errorf("%d clusters, want the cap of 7", n)
				}
			}},
		{"cap on points", layers.TileRequest{Layers: []*layers.Layer{&capped}, Z: 15, X: int(center.X), Y: int(center.Y)},
			func(t *testing.T, got map[string]*mvt.Layer) {
				if n := len(got["incidents"].Features); n != 7 {
					t.Errorf("%d features, want the cap of 7", n)
				}
			}},
		{"filters", layers.TileRequest{Layers: inc, Z: 15, X: int(center.X), Y: int(center.Y), Query: map[string]layers.Query{
			"incidents": {Time: &layers.TimeRange{Start: &from}, Equal: map[string][]any{"category": {"停车管理", "供暖"}, "status": {"closed"}}}}},
			func(t *testing.T, got map[string]*mvt.Layer) {
				for _, f := range got["incidents"].Features {
					c := f.Properties["category"]
					if (c != "停车管理" && c != "供暖") || f.Properties["status"] != "closed" || f.Properties["received_at"].(float64) < float64(from.Unix()) {
						t.Errorf("feature %v passes no filter: %v", f.ID, f.Properties)
					}
				}
			}},
		{"outside the zoom range", layers.TileRequest{Layers: mustLayers(t, cat, "streets"), Z: 11, X: int(center.X) >> 4, Y: int(center.Y) >> 4},
			func(t *testing.T, got map[string]*mvt.Layer) {
				if len(got) != 0 {
					t.Errorf("streets at z11 (min 12): %v, want an empty tile", keys(got))
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := tiles.Render(ctx, st, tc.req)
			if err != nil {
				t.Fatal(err)
			}
			got := decode(t, b)
			for _, l := range got {
				for _, f := range l.Features {
					for _, staff := range []string{"description", "address", "unit", "external_id", "h3"} {
						if _, ok := f.Properties[staff]; ok {
							t.Errorf("public tile has staff property %s", staff)
						}
					}
				}
			}
			if tc.check != nil {
				tc.check(t, got)
			}
		})
	}
}

func TestTileBadRequest(t *testing.T) {
	st, cat := demoStore(t, 10)
	for _, zxy := range [][3]int{{23, 0, 0}, {-1, 0, 0}, {2, 4, 0}, {2, 0, -1}} {
		_, err := st.Tile(context.Background(), layers.TileRequest{Layers: mustLayers(t, cat, "incidents"), Z: zxy[0], X: zxy[1], Y: zxy[2]})
		if err == nil {
			t.Errorf("tile %v: no error", zxy)
		}
	}
}
