package server

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkRequestOverhead measures the middleware around a request: a
// cached tile and the layer list, through the whole handler (access log to
// a discarding logger, metrics, stall writer, query checks).
func BenchmarkRequestOverhead(b *testing.B) {
	t := &testing.T{}
	src := ogcStores()[1].open(t)
	ogcSeed(t, src, 50)
	s := newTestServer(t, src)
	for _, path := range []string{"/tiles/incidents/14/13479/6208.mvt?category=停电", "/layers", "/ogc/collections/incidents/items?limit=10&bbox=116,39,117,40"} {
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
