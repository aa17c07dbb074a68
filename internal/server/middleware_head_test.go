package server

import (
	"net/http"
	"strconv"
	"testing"

	"minqing/layers"
	"minqing/stores/storetest"
)

// TestHEADEverywhere: every GET route answers HEAD with the same status and
// headers and no body, on both stores.
func TestHEADEverywhere(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		fx := ogcSeed(t, src, 20)
		s := newTestServer(t, src)
		routes := []string{
			"/healthz", "/readyz", "/metrics",
			"/", "/embed", "/config.json", "/static/js/api.js",
			"/layers", "/layers/incidents.geojson",
			"/tiles/incidents/14/13479/6208.mvt", "/tiles/incidents.json",
			"/tiles/hotspots.json", "/tiles/hotspots/14/13479/6208.mvt",
			"/ogc", "/ogc/conformance", "/ogc/api", "/ogc/collections", "/ogc/collections/incidents",
			"/ogc/collections/incidents/queryables", "/ogc/collections/incidents/items",
			"/ogc/collections/incidents/items/" + itoa64(fx.incidents[0].ID),
			"/export/incidents.csv", "/export/incidents.kml",
			"/hotspots", "/hotspots/summary",
			"/nope",
		}
		for _, path := range routes {
			t.Run(path, func(t *testing.T) {
				g := do(t, s, http.MethodGet, path, "")
				h := do(t, s, http.MethodHead, path, "")
				if h.Code != g.Code || h.Code == http.StatusMethodNotAllowed {
					t.Errorf("HEAD %d, GET %d", h.Code, g.Code)
				}
				if h.Body.Len() != 0 {
					t.Errorf("HEAD has a %d-byte body", h.Body.Len())
				}
				for _, k := range []string{"Content-Type", "Cache-Control", "ETag"} {
					if h.Header().Get(k) != g.Header().Get(k) {
						t.Errorf("%s: HEAD %q, GET %q", k, h.Header().Get(k), g.Header().Get(k))
					}
				}
			})
		}
	})
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// TestProbesNeverAuthenticate: /healthz and /readyz answer 200 to a revoked
// or unknown token (a probe must not fail on credentials), while other
// routes refuse it.
func TestProbesNeverAuthenticate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		secret := token(t, src, layers.Staff)
		toks, err := src.Tokens(t.Context())
		if err != nil || len(toks) == 0 {
			t.Fatal(err)
		}
		if err := src.RevokeToken(t.Context(), toks[0].ID); err != nil {
			t.Fatal(err)
		}
		s := newTestServer(t, src)
		for _, tc := range []struct {
			method, path string
			status       int
		}{
			{http.MethodGet, "/healthz", 200}, {http.MethodHead, "/healthz", 200},
			{http.MethodGet, "/readyz", 200}, {http.MethodHead, "/readyz", 200},
			{http.MethodGet, "/healthz?token=" + secret, 200},
			{http.MethodGet, "/layers", 401},
		} {
			if rec := do(t, s, tc.method, tc.path, secret); rec.Code != tc.status {
				t.Errorf("%s %s with a revoked token: %d, want %d", tc.method, tc.path, rec.Code, tc.status)
			}
		}
	})
}
