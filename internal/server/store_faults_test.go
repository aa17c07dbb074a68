package server

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"minqing/deploy/fengtai"
	"minqing/internal/pgtest"
	"minqing/layers"
	"minqing/stores/sourcetest"
)

// TestBackendKilledIs503: when the database terminates the server's pooled
// connection (pg_terminate_backend: SQLSTATE 57P01, as in a fast shutdown),
// the request that finds it dead answers 503 "unavailable" as JSON, not
// 500, and the pool serves the request after.
func TestBackendKilledIs503(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, s, admin := killableServer(ctx, t)

	const path = "/ogc/collections/demolitions/items?limit=1"
	if rec := get(t, s, path, ""); rec.Code != http.StatusOK {
		t.Fatalf("before: %d %s", rec.Code, rec.Body)
	}
	unavailableThenServed(ctx, t, s, admin, path, "")
}

// TestTileBackendKilledIs503: the same for a tile the store renders in SQL
// (a community's polygon, searched through geom's index), asked first on a
// killed connection so that no cache answers it.
func TestTileBackendKilledIs503(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	src, s, admin := killableServer(ctx, t)
	com, _ := fengtai.Catalog().Lookup("communities")
	tl := maptile.At(orb.Point{116.2875, 39.8575}, 15)
	square := orb.Polygon{{{116.2865, 39.8565}, {116.2885, 39.8565}, {116.2885, 39.8585}, {116.2865, 39.8585}, {116.2865, 39.8565}}}
	fs := []*layers.Feature{{Geometry: square, Props: map[string]any{"code": "T1", "name": "测试社区"}}}
	if _, err := src.Write(ctx, com, layers.WriteOptions{}, &sliceReader{fs: fs}); err != nil {
		t.Fatal(err)
	}
	unavailableThenServed(ctx, t, s, admin, fmt.Sprintf("/tiles/communities/%d/%d/%d.mvt", tl.Z, tl.X, tl.Y), "")
}

// TestIncidentTileBackendKilledIs503: the same for a staff incidents tile
// at z16, which is decided by its clusters first (tiles.ClustersFirst):
// its first statement, the count of its cells, meets the killed
// connection.
func TestIncidentTileBackendKilledIs503(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	src, s, admin := killableServer(ctx, t)
	inc, _ := fengtai.Catalog().Get("incidents", layers.Admin)
	c := orb.Point{116.2875, 39.8575}
	fs := make([]*layers.Feature, 300)
	for i := range fs {
		fs[i] = sourcetest.Incident(i, orb.Point{c[0] + float64(i%20)*0.0001, c[1] + float64(i/20)*0.0001}, "停电")
	}
	if _, err := src.Write(ctx, inc, layers.WriteOptions{}, &sliceReader{fs: fs}); err != nil {
		t.Fatal(err)
	}
	staff := token(t, src, layers.Staff)
	if rec := get(t, s, "/ogc/collections/demolitions/items?limit=1", staff); rec.Code != http.StatusOK { // the token is resolved
		t.Fatalf("before: %d %s", rec.Code, rec.Body)
	}
	tl := maptile.At(c, 16)
	unavailableThenServed(ctx, t, s, admin, fmt.Sprintf("/tiles/incidents/%d/%d/%d.mvt", tl.Z, tl.X, tl.Y), staff)
}

// killableServer is a server over a PostGIS store, and a connection of
// its own to the same database to kill the server's from.
func killableServer(ctx context.Context, t *testing.T) (layers.Source, *Server, *pgx.Conn) {
	t.Helper()
	url := pgtest.New(t)
	src := openPostGIS(t, url)
	admin, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close(context.Background()) })
	return src, newTestServer(t, src), admin
}

// unavailableThenServed kills the server's connections: the request that
// finds them dead must answer 503 as JSON, and the next one be served (the
// pool has recovered).
func unavailableThenServed(ctx context.Context, t *testing.T, s *Server, admin *pgx.Conn, path, secret string) {
	t.Helper()
	killBackends(ctx, t, admin)
	rec := get(t, s, path, secret)
	var body struct{ Code, Message string }
	decode(t, rec, &body)
	if rec.Code != http.StatusServiceUnavailable || body.Code == "" || body.Message == "" {
		t.Errorf("on a killed connection: %d %s, want 503 JSON", rec.Code, rec.Body)
	}
	if rec := get(t, s, path, secret); rec.Code != http.StatusOK {
		t.Errorf("the request after: %d %s, want it served", rec.Code, rec.Body)
	}
}

// killBackends terminates every other backend of admin's database (the
// pool's idle connections) until none that started before the kill is
// left. The store's version listener reconnects at once, so only those
// backends are waited for.
func killBackends(ctx context.Context, t *testing.T, admin *pgx.Conn) {
	t.Helper()
	var killedAt time.Time
	if err := admin.QueryRow(ctx, "SELECT clock_timestamp()").Scan(&killedAt); err != nil {
		t.Fatal(err)
	}
	// A connection being opened at killedAt shows in pg_stat_activity only
	// once it is up: each round terminates what is there again.
	const others = "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_start <= $1"
	for n := 1; n > 0; {
		if _, err := admin.Exec(ctx, "SELECT pg_terminate_backend(pid) "+others, killedAt); err != nil {
			t.Fatal(err)
		}
		if err := admin.QueryRow(ctx, "SELECT count(*) "+others, killedAt).Scan(&n); err != nil {
			t.Fatal(err)
		}
	}
}

// TestTokenAndRatesWhenTheStoreGoes: a token the server has not resolved
// yet, and staff /rates (whose facts catch up with the store first), meet
// a killed connection: each answers 503 as JSON, not 401 or a stale or
// empty table, and the request after is served.
func TestTokenAndRatesWhenTheStoreGoes(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	src, s, admin := killableServer(ctx, t)
	staff := token(t, src, layers.Staff)
	if rec := get(t, s, "/rates", staff); rec.Code != http.StatusOK { // the facts are read
		t.Fatalf("before: %d %s", rec.Code, rec.Body)
	}
	fresh := token(t, src, layers.Staff) // not resolved by the server yet
	for _, c := range []struct{ name, path, secret string }{
		{"a token not resolved yet", "/ogc/collections/demolitions/items?limit=1", fresh},
		{"rates after a write", "/rates", staff},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := admin.Exec(ctx, "UPDATE layer_versions SET version = version + 1 WHERE layer = 'incidents'"); err != nil {
				t.Fatal(err)
			}
			unavailableThenServed(ctx, t, s, admin, c.path, c.secret)
		})
	}
}
