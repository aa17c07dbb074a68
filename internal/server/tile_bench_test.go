package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"minqing/deploy/fengtai"
	"minqing/deploy/fengtai/demo"
	"minqing/layers"
	"minqing/stores/storetest"
)

// BenchmarkColdTile is bench/tiles.sh's cold path in one process: the
// incidents tiles of the street's area at z15–z17, asked with a staff
// token of a PostGIS server with no tile cache, so that every request is
// rendered (from the point index once it has loaded). It loads the demo's
// 20,000 incidents into a fresh database, or uses the one
// MINQING_BENCH_DATABASE names (a loaded demo).
func BenchmarkColdTile(b *testing.B) {
	ctx := context.Background()
	url := os.Getenv("MINQING_BENCH_DATABASE")
	if url == "" {
		url = pgtestURL(b)
	}
	src := storetest.OpenPostGIS(b, url)
	if os.Getenv("MINQING_BENCH_DATABASE") == "" {
		if _, err := demo.Load(ctx, src, fengtai.Catalog(), demo.Options{}, nil); err != nil {
			b.Fatal(err)
		}
	}
	secret := token(b, src, layers.Staff)
	s := New(Config{TileCacheMB: -1}, src, fengtai.Catalog(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	h := s.Handler()
	serve := func(path string) int {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	// The first tile starts the index's load; wait for it.
	serve(streetTiles(17)[0])
	waitIndexed(b, s, "incidents")
	for _, z := range []int{15, 16, 17} {
		paths := streetTiles(z)
		b.Run(fmt.Sprintf("z%d", z), func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if code := serve(paths[i%len(paths)]); code != http.StatusOK && code != http.StatusNoContent {
					b.Fatalf("GET %s: %d", paths[i%len(paths)], code)
				}
				i++
			}
		})
	}
}

// streetTiles lists the incidents tiles of the street's area (lon
// 116.270–116.305, lat 39.845–39.870) at zoom z, as bench/tiles.sh does.
func streetTiles(z int) []string {
	tile := func(lon, lat float64) (int, int) {
		n := math.Exp2(float64(z))
		x := int((lon + 180) / 360 * n)
		y := int((1 - math.Asinh(math.Tan(lat*math.Pi/180))/math.Pi) / 2 * n)
		return x, y
	}
	x0, y0 := tile(116.270, 39.870)
	x1, y1 := tile(116.305, 39.845)
	var out []string
	for x := x0; x <= x1; x++ {
		for y := y0; y <= y1; y++ {
			out = append(out, fmt.Sprintf("/tiles/incidents/%d/%d/%d.mvt", z, x, y))
		}
	}
	return out
}

// waitIndexed waits until the server's point index holds layer name at the
// current version.
func waitIndexed(tb testing.TB, s *Server, name string) {
	tb.Helper()
	l, _ := s.catalog.Lookup(name)
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		vs, err := s.ext.tiles.versions.Get(context.Background())
		if err != nil {
			tb.Fatal(err)
		}
		if s.ext.tiles.index.Ready(l, vs[name]) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	tb.Fatalf("the point index did not load %s", name)
}
