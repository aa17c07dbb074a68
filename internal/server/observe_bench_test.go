package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"minqing/deploy/fengtai"
	"minqing/layers"
	"minqing/stores/gpkg"
	"minqing/stores/sourcetest"
)

// BenchmarkRequestOverhead measures a request through the whole handler,
// middleware included (access log to a discarding logger, metrics, stall
// writer, query checks): a cached tile, the layer list and an OGC page.
func BenchmarkRequestOverhead(b *testing.B) {
	ctx := context.Background()
	src, err := gpkg.Open(ctx, filepath.Join(b.TempDir(), "bench.gpkg"), fengtai.Catalog())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { src.Close() })
	inc, _ := fengtai.Catalog().Lookup("incidents")
	var fs []*layers.Feature
	for i := 0; i < 50; i++ {
		fs = append(fs, ogcIncident(i))
	}
	if _, err := src.Write(ctx, inc, layers.WriteOptions{}, &sourcetest.Slice{Features: fs}); err != nil {
		b.Fatal(err)
	}
	// An info-level logger writing nowhere: the access line is formatted, as
	// in production.
	s := New(Config{}, src, fengtai.Catalog(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	for _, path := range []string{"/healthz", "/tiles/incidents/14/13479/6208.mvt?category=停电", "/layers", "/ogc/collections/incidents/items?limit=10&bbox=116,39,117,40"} {
		b.Run(path, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			for b.Loop() {
				rec := httptest.NewRecorder()
				s.Handler().ServeHTTP(rec, req)
				if rec.Code >= 300 {
					b.Fatal(rec.Code)
				}
			}
		})
	}
}
