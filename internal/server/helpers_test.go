package server

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"minqing/deploy/fengtai"
	"minqing/internal/auth"
	"minqing/internal/pgtest"
	"minqing/layers"
	"minqing/stores/postgis"
	"minqing/stores/storetest"
)

// newPostGIS returns a migrated PostGIS store on a fresh database.
func newPostGIS(t *testing.T) *postgis.Store { return storetest.PostGIS(t) }

// newEmbedded returns a fresh GeoPackage store: the default for tests of
// HTTP behaviour only (parameters, access, routing), which need no PostGIS.
func newEmbedded(t *testing.T) layers.Source { return storetest.GPKG(t) }

// openPostGIS opens and migrates the PostGIS store at url.
func openPostGIS(t *testing.T, url string) *postgis.Store { return storetest.OpenPostGIS(t, url) }

// newTestServer returns a server on src with the Fengtai catalog.
// It publishes incidents' points to the public (--public-incidents points),
// so that the tests of the raw-feature endpoints can play a public caller;
// the default policy (aggregates) is tested with newAggregateServer.
func newTestServer(t *testing.T, src layers.Source) *Server {
	t.Helper()
	return New(Config{PublicIncidents: PublicPoints}, src, fengtai.Catalog(), slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// token creates a token with role in src and returns its secret.
func token(t testing.TB, src layers.Source, role layers.Role) string {
	t.Helper()
	secret, err := auth.Add(context.Background(), src, "test "+role.String(), role)
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

// get performs a GET against the server's handler.
func get(t *testing.T, s *Server, target, secret string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	if secret != "" {
		req.Header.Set("Authorization", "Bearer "+secret)
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return rec
}

// decode decodes a JSON body into v, failing the test on error.
func decode(t *testing.T, rec *httptest.ResponseRecorder, v any) {
	t.Helper()
	if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
		t.Fatalf("body is not JSON: %v\n%s", err, rec.Body.String())
	}
}

// pgtestURL returns the URL of a fresh database.
func pgtestURL(t testing.TB) string { return pgtest.New(t) }
