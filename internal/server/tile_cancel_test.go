package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb/maptile"

	"minqing/deploy/fengtai"
	"minqing/layers"
)

// blockingSource is a Source whose Tile, Features and CellCounts wait for
// its context to end, and report that they did.
type blockingSource struct {
	layers.Source // unused methods panic
	started       chan struct{}
	canceled      chan error
}

func (b *blockingSource) Versions(ctx context.Context) (map[string]int64, error) {
	return map[string]int64{}, nil
}

func (b *blockingSource) Tile(ctx context.Context, req layers.TileRequest) ([]byte, error) {
	return nil, b.block(ctx)
}

func (b *blockingSource) Features(ctx context.Context, l *layers.Layer, q layers.Query, fn func(*layers.Feature) error) error {
	return b.block(ctx)
}

func (b *blockingSource) CellCounts(ctx context.Context, l *layers.Layer, res int, q layers.Query, groupBy string) ([]layers.CellCount, error) {
	return nil, b.block(ctx)
}

// block waits for ctx to end and reports that it did.
func (b *blockingSource) block(ctx context.Context) error {
	close(b.started)
	select {
	case <-ctx.Done():
		b.canceled <- ctx.Err()
		return ctx.Err()
	case <-time.After(time.Minute):
		return errors.New("blockingSource: the context was never canceled")
	}
}

// request starts a GET of path on ts and returns a cancel func that hangs up.
func hangUpAfter(t *testing.T, url string, started <-chan struct{}) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			t.Errorf("request finished with %d before the client hung up", resp.StatusCode)
		}
	}()
	select {
	case <-started:
	case <-time.After(30 * time.Second):
		t.Fatal("the store never got the tile request")
	}
	cancel()
	<-done
}

// TestTileClientHangUpCancelsTheStore: whatever the store is asked first
// for a tile — its points, its clusters' counts, or (under a time window and
// a category) the counts of the whole months around the window — a client
// that hangs up ends it.
func TestTileClientHangUpCancelsTheStore(t *testing.T) {
	for _, path := range []string{
		"/tiles/incidents/15/26968/12422.mvt",
		"/tiles/incidents/15/26968/12422.mvt?datetime=2026-11-02/2026-12-02&category=%E6%BC%8F%E6%B0%B4",
		"/tiles/incidents/16/53937/24844.mvt?datetime=2026-11-26/2026-12-02",
	} {
		t.Run(path, func(t *testing.T) {
			src := &blockingSource{started: make(chan struct{}), canceled: make(chan error, 1)}
			ts := httptest.NewServer(newTestServer(t, src).Handler())
			defer ts.Close()
			hangUpAfter(t, ts.URL+path, src.started)
			select {
			case err := <-src.canceled:
				if !errors.Is(err, context.Canceled) {
					t.Errorf("store context ended with %v, want context.Canceled", err)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("the store's context was not canceled after the client hung up")
			}
		})
	}
}

// TestTileHangUpCancelsPostGISQuery makes the tile query slow (the
// incidents table behind a view that sleeps 0.3 s per row, 100 rows in the
// tile), hangs up, and checks in pg_stat_activity that the query stops long
// before it would have finished: it was canceled in PostgreSQL, not left to
// run after the client went away.
func TestTileHangUpCancelsPostGISQuery(t *testing.T) {
	url := pgtestURL(t)
	st := openPostGIS(t, url)
	ctx := context.Background()
	inc, _ := fengtai.Catalog().Lookup("incidents")
	tl := maptile.New(26968, 12422, 15)
	var fs []*layers.Feature
	for i := range 100 {
		fs = append(fs, &layers.Feature{Geometry: tl.Center(), Props: map[string]any{
			"source": "12345", "category": "停电", "status": "received",
			"received_at": time.Date(2026, 3, 1, 8, i%60, 0, 0, layers.Shanghai)}})
	}
	if _, err := st.Write(ctx, inc, layers.WriteOptions{}, &sliceReader{fs: fs}); err != nil {
		t.Fatal(err)
	}
	mon, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer mon.Close(ctx)
	for _, sql := range []string{
		"ALTER TABLE incidents RENAME TO incidents_data",
		"CREATE FUNCTION mq_slow() RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$ BEGIN PERFORM pg_sleep(0.3); RETURN true; END $$",
		"CREATE VIEW incidents AS SELECT * FROM incidents_data WHERE mq_slow()",
	} {
		if _, err := mon.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	ts := httptest.NewServer(newTestServer(t, st).Handler())
	defer ts.Close()
	sleepers := func() int {
		var n int
		// The tile's own query asks a tile's box (ST_MakeEnvelope or
		// ST_TileEnvelope); the point index's load of the whole layer, which
		// a first tile may start in the background for later tiles, asks
		// none and is bounded by the store deadline instead.
		err := mon.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'PgSleep' AND query LIKE '%Envelope%'").Scan(&n)
		if err != nil {
			t.Error(err)
			return -1
		}
		return n
	}
	started := make(chan struct{})
	stop := make(chan struct{})
	go func() {
		defer close(stop)
		for range 600 {
			if sleepers() > 0 {
				close(started)
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	}()
	hangUpAfter(t, ts.URL+tilePath("incidents", tl), started)
	<-stop
	// Uncanceled, the query would sleep for 30 s more.
	for range 100 {
		if sleepers() == 0 {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("the tile query still runs in PostgreSQL 10 s after the client hung up")
}

// countsDown is a store gone away: every read fails as unavailable, and it
// tells how many counts it was asked.
type countsDown struct {
	layers.Source // unused methods panic
	counts        int
}

var errCountsDown = fmt.Errorf("postgis: connection lost: %w", layers.ErrUnavailable)

func (c *countsDown) Versions(ctx context.Context) (map[string]int64, error) {
	return map[string]int64{}, nil
}

func (c *countsDown) Tile(ctx context.Context, req layers.TileRequest) ([]byte, error) {
	return nil, errCountsDown
}

func (c *countsDown) Features(ctx context.Context, l *layers.Layer, q layers.Query, fn func(*layers.Feature) error) error {
	return errCountsDown
}

func (c *countsDown) CellCounts(ctx context.Context, l *layers.Layer, res int, q layers.Query, groupBy string) ([]layers.CellCount, error) {
	c.counts++
	return nil, errCountsDown
}

// TestTileStoreGoneWhileCounting: a store that goes away while a tile's
// counts are read — the whole months' bound under a time window and a
// category, or the clusters — gives a 503 with Retry-After, not a tile.
func TestTileStoreGoneWhileCounting(t *testing.T) {
	for _, path := range []string{
		"/tiles/incidents/15/26968/12422.mvt?datetime=2026-11-02/2026-12-02&category=%E6%BC%8F%E6%B0%B4",
		"/tiles/incidents/16/53937/24844.mvt?datetime=2026-11-26/2026-12-02",
	} {
		t.Run(path, func(t *testing.T) {
			src := &countsDown{}
			rec := get(t, newTestServer(t, src), path, "")
			if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
				t.Errorf("%d, Retry-After %q: want 503 with Retry-After; %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
			}
			if src.counts == 0 {
				t.Error("the store was never asked a count: the tile did not take the counting path")
			}
		})
	}
}
