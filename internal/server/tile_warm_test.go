package server

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"minqing/deploy/fengtai"
	"minqing/layers"
	"minqing/stores/gpkg"
	"minqing/stores/postgis"
	"minqing/stores/storetest"
)

// secondWriter opens a second store on the same database or file: its
// writes come from other connections, as another process's would (a
// "minqing import" while "minqing serve" runs).
func secondWriter(t *testing.T, src layers.Source) layers.Source {
	t.Helper()
	ctx := context.Background()
	var other layers.Source
	var err error
	switch st := src.(type) {
	case *postgis.Store:
		other, err = postgis.Open(ctx, st.Pool().Config().ConnString(), fengtai.Catalog())
	case *gpkg.Store:
		other, err = gpkg.Open(ctx, st.Path(), fengtai.Catalog())
	default:
		t.Fatalf("no second writer for %T", src)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	return other
}

// tileIDs fetches a tile and returns its incident ids.
func tileIDs(t *testing.T, s *Server, tl maptile.Tile) []uint64 {
	t.Helper()
	rec := get(t, s, tilePath("incidents", tl), "")
	if rec.Code == http.StatusNoContent {
		return nil
	}
	if rec.Code != http.StatusOK {
		t.Fatalf("tile: %d %s", rec.Code, rec.Body)
	}
	return featureIDs(decodeMVT(t, rec.Body.Bytes())["incidents"])
}

// waitUntil polls cond for up to 10 s: PostgreSQL tells of another
// process's commit asynchronously (NOTIFY), within a few milliseconds.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); !cond(); {
		if time.Now().After(end) {
			t.Fatalf("after 10s: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func newIncidentAt(p orb.Point) *layers.Feature {
	return &layers.Feature{Geometry: p, Props: map[string]any{"source": "微信", "category": "停电", "status": "received",
		"received_at": time.Date(2026, 3, 2, 9, 30, 0, 0, layers.Shanghai)}}
}

// TestTileCacheSeesOtherProcesses: a write committed by another process
// reaches the next tile (GeoPackage: at once, by data_version; PostGIS:
// as soon as its notification arrives, and at once while the listener is
// down), only the tiles around the write are redrawn, and a warm tile
// costs no read of the versions.
func TestTileCacheSeesOtherProcesses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		loadTileDemo(t, src)
		s := newTestServer(t, src)
		other := secondWriter(t, src)
		inc, _ := s.catalog.Lookup("incidents")
		st := s.ext.tiles
		_, isPG := src.(*postgis.Store)
		if isPG {
			waitUntil(t, "the version listener is up", st.versions.Watched)
		}
		near := centre()
		far := maptile.At(orb.Point{116.2735, 39.8480}, 15) // the street's south-west corner
		if far == near {
			t.Fatal("pick another far tile")
		}
		tileIDs(t, s, near)
		farIDs := tileIDs(t, s, far)

		// Warm: no read of the store per tile.
		reads := st.versions.Reads()
		for range 20 {
			tileIDs(t, s, near)
		}
		if n := st.versions.Reads() - reads; n != 0 {
			t.Errorf("20 warm tiles read the versions %d times, want 0", n)
		}

		write := func(p orb.Point) int64 {
			t.Helper()
			res, err := other.Write(context.Background(), inc, layers.WriteOptions{}, &sliceReader{fs: []*layers.Feature{newIncidentAt(p)}})
			if err != nil {
				t.Fatal(err)
			}
			return res.IDs[0]
		}
		has := func(id int64) bool {
			_, ok := slices.BinarySearch(tileIDs(t, s, near), uint64(id))
			return ok
		}
		id := write(near.Center())
		if isPG {
			waitUntil(t, "the other process's incident is in the tile", func() bool { return has(id) })
		} else if !has(id) {
			t.Fatal("the next tile after another process's commit misses its incident")
		}
		// The far tile was kept: served from the cache, unchanged.
		before := st.cache.Stats()
		if got := tileIDs(t, s, far); !slices.Equal(got, farIDs) {
			t.Errorf("far tile changed: %v → %v", farIDs, got)
		}
		after := st.cache.Stats()
		if after.Hits != before.Hits+1 || after.Kept != before.Kept+1 || after.Misses != before.Misses {
			t.Errorf("far tile after a write near the centre: hits %d→%d, kept %d→%d, misses %d→%d; want served from the cache",
				before.Hits, after.Hits, before.Kept, after.Kept, before.Misses, after.Misses)
		}
		if !isPG {
			return
		}
		// Listener down: every request asks the store, so the very next
		// tile shows another process's commit.
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, src.(*postgis.Store).Pool().Config().ConnString())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'minqing version listener' AND datname = current_database()"); err != nil {
			t.Fatal(err)
		}
		waitUntil(t, "the cache notices the listener is gone", func() bool { return !st.versions.Watched() })
		// A commit while the listener is down (it reconnects within
		// 50 ms, and its reconnection makes the next request read too).
		id2 := write(near.Center())
		if !st.versions.Watched() && !has(id2) {
			t.Error("with the listener down, the next tile missed another process's commit")
		}
		waitUntil(t, "the listener is back", st.versions.Watched)
		id3 := write(near.Center())
		waitUntil(t, "after the reconnect, a commit reaches the tile", func() bool { return has(id3) })
	})
}
