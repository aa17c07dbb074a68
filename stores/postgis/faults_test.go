package postgis_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"minqing/deploy/fengtai"
	"minqing/internal/pgtest"
	"minqing/layers"
	"minqing/stores/postgis"
	"minqing/stores/sourcetest"
)

// incidents writes n incidents (enough rows that a query's answer does not
// fit in the socket buffers).
func incidents(t *testing.T, st *postgis.Store, n int) *layers.Layer {
	t.Helper()
	l, err := fengtai.Catalog().Get("incidents", layers.Admin)
	if err != nil {
		t.Fatal(err)
	}
	fs := make([]*layers.Feature, n)
	for i := range fs {
		fs[i] = sourcetest.Incident(i, orb.Point{116.27 + float64(i%100)*0.0003, 39.845 + float64(i/100%100)*0.0002}, "停电")
	}
	if _, err := st.Write(context.Background(), l, layers.WriteOptions{}, &sourcetest.Slice{Features: fs}); err != nil {
		t.Fatal(err)
	}
	return l
}

// TestBackendKilledMidQuery: a query whose backend is terminated while its
// rows stream (pg_terminate_backend, SQLSTATE 57P01, or the connection's
// EOF) fails with ErrUnavailable, and the pool serves the next call.
func TestBackendKilledMidQuery(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	st := open(t).(*postgis.Store)
	l := incidents(t, st, 20000)

	// From another pooled connection, find the streaming backend by its
	// query and terminate it.
	killed := false
	n := 0
	err := st.Features(ctx, l, layers.Query{Role: layers.Staff}, func(*layers.Feature) error {
		if n++; n == 10 && !killed {
			killed = true
			var victims int
			err := st.Pool().QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
				WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'SELECT id, ST_AsBinary%'`).Scan(&victims)
			if err != nil || victims != 1 {
				return fmt.Errorf("terminate: %d backends, %v", victims, err)
			}
			time.Sleep(200 * time.Millisecond) // let the backend go
		}
		return nil
	})
	if !killed {
		t.Fatalf("the query ended before it could be killed (%d rows, %v)", n, err)
	}
	if !errors.Is(err, layers.ErrUnavailable) {
		t.Fatalf("after pg_terminate_backend: err = %v (%d rows read), want ErrUnavailable", err, n)
	}
	if n >= 20000 {
		t.Fatalf("all %d rows arrived: the query was not cut", n)
	}
	if c, err := st.Count(ctx, l, layers.Query{}); err != nil || c != 20000 {
		t.Errorf("after the kill: count = %d, %v; want the pool to serve 20000", c, err)
	}
}

// TestFaultsAreUnavailable: a server that cannot be reached, a read-only
// server (SQLSTATE 25006, a replica) and a lock not granted in time (55P03)
// are ErrUnavailable; a bad query is not.
func TestFaultsAreUnavailable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cat := fengtai.Catalog()
	l, _ := cat.Get("incidents", layers.Admin)

	t.Run("nobody listens", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		st, err := postgis.Open(ctx, "postgres://postgres@"+addr+"/x?sslmode=disable&connect_timeout=2", cat)
		if err != nil {
			t.Fatal(err) // pgxpool connects lazily
		}
		defer st.Close()
		_, err = st.Count(ctx, l, layers.Query{})
		if !errors.Is(err, layers.ErrUnavailable) {
			t.Errorf("count with no server: err = %v, want ErrUnavailable", err)
		}
		// A tile's points under a time window ask the planner first
		// (pointsByTime): that round trip fails the same way.
		start := time.Date(2026, 11, 25, 0, 0, 0, 0, layers.Shanghai)
		box := orb.Bound{Min: orb.Point{116.28, 39.85}, Max: orb.Point{116.29, 39.86}}
		q := layers.Query{BBox: &box, Time: &layers.TimeRange{Start: &start}, Unordered: true, Limit: 3073}
		err = st.Features(ctx, l, q, func(*layers.Feature) error { return nil })
		if !errors.Is(err, layers.ErrUnavailable) {
			t.Errorf("a tile's points under a window with no server: err = %v, want ErrUnavailable", err)
		}
	})

	url := pgtest.New(t)
	st, err := postgis.Open(ctx, url, cat)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	t.Run("read-only replica", func(t *testing.T) {
		sep := "?"
		if strings.Contains(url, "?") {
			sep = "&"
		}
		ro, err := postgis.Open(ctx, url+sep+"options=-c%20default_transaction_read_only%3Don", cat)
		if err != nil {
			t.Fatal(err)
		}
		defer ro.Close()
		_, err = ro.Write(ctx, l, layers.WriteOptions{}, &sourcetest.Slice{Features: []*layers.Feature{sourcetest.Incident(1, orb.Point{116.28, 39.85}, "停电")}})
		if !errors.Is(err, layers.ErrUnavailable) {
			t.Errorf("write on a read-only server: err = %v, want ErrUnavailable", err)
		}
	})
	t.Run("a lock not granted in time", func(t *testing.T) {
		// Another session holds the table; a write that gives up waiting
		// (SQLSTATE 55P03) is a conflict of the moment, not a bad request.
		tx, err := st.Pool().Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx) //nolint:errcheck // released either way
		if _, err := tx.Exec(ctx, "LOCK TABLE incidents IN ACCESS EXCLUSIVE MODE"); err != nil {
			t.Fatal(err)
		}
		sep := "?"
		if strings.Contains(url, "?") {
			sep = "&"
		}
		impatient, err := postgis.Open(ctx, url+sep+"options=-c%20lock_timeout%3D200", cat)
		if err != nil {
			t.Fatal(err)
		}
		defer impatient.Close()
		_, err = impatient.Write(ctx, l, layers.WriteOptions{}, &sourcetest.Slice{Features: []*layers.Feature{sourcetest.Incident(1, orb.Point{116.28, 39.85}, "停电")}})
		if !errors.Is(err, layers.ErrUnavailable) {
			t.Errorf("write that waited past lock_timeout: err = %v, want ErrUnavailable", err)
		}
	})
	t.Run("pool size from the url", func(t *testing.T) {
		sep := "?"
		if strings.Contains(url, "?") {
			sep = "&"
		}
		small, err := postgis.Open(ctx, url+sep+"pool_max_conns=3", cat)
		if err != nil {
			t.Fatal(err)
		}
		defer small.Close()
		if got := small.Pool().Config().MaxConns; got != 3 {
			t.Errorf("pool_max_conns=3: MaxConns = %d", got)
		}
		if got := st.Pool().Config().MaxConns; got != postgis.DefaultMaxConns() {
			t.Errorf("default MaxConns = %d, want %d", got, postgis.DefaultMaxConns())
		}
	})
	t.Run("a bad query is not a fault", func(t *testing.T) {
		_, err := st.Feature(ctx, l, 999999, layers.Staff)
		if errors.Is(err, layers.ErrUnavailable) || !errors.Is(err, layers.ErrNotFound) {
			t.Errorf("missing feature: err = %v, want ErrNotFound only", err)
		}
	})
	t.Run("pool stats", func(t *testing.T) {
		inUse, idle, waiting := st.PoolStats()
		if inUse != 0 || waiting != 0 || idle < 1 {
			t.Errorf("quiet pool: in use %d, idle %d, waiting %d; want 0, ≥1, 0", inUse, idle, waiting)
		}
	})
}
