package postgis

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/paulmach/orb"

	"minqing/deploy/fengtai/demo"
	"minqing/layers"
)

// TestSmallReadsRunWithoutParallelWorkers: a small read (a tile's points,
// an OGC API page, a tile rendered in SQL) plans without parallel workers
// and leaves the session as it found it; a large one keeps the server's
// setting; a small read that fails leaves the store serving; and a tile's
// points asked in any order are a limit of the matching ones.
func TestSmallReadsRunWithoutParallelWorkers(t *testing.T) {
	ctx := context.Background()
	st, cat := migratedStore(t)
	setting := func(small bool) string {
		t.Helper()
		var v string
		err := st.read(ctx, small, "SELECT current_setting('max_parallel_workers_per_gather')", nil, func(rows pgx.Rows) error {
			for rows.Next() {
				if err := rows.Scan(&v); err != nil {
					return err
				}
			}
			return rows.Err()
		})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	var def string
	if err := st.pool.QueryRow(ctx, "SELECT current_setting('max_parallel_workers_per_gather')").Scan(&def); err != nil {
		t.Fatal(err)
	}
	if def == "0" {
		t.Fatal("the server already runs without parallel workers: nothing to tell apart")
	}
	tests := []struct {
		small bool
		want  string
	}{{true, "0"}, {false, def}, {true, "0"}, {false, def}}
	for i, tc := range tests {
		if got := setting(tc.small); got != tc.want {
			t.Errorf("read %d (small %v): max_parallel_workers_per_gather %s, want %s", i, tc.small, got, tc.want)
		}
	}

	// A small read that fails: the error is the statement's, and the next
	// reads (on whatever connection) are served with their own settings.
	err := st.read(ctx, true, "SELECT 1/0", nil, func(rows pgx.Rows) error {
		for rows.Next() {
		}
		return rows.Err()
	})
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "22012" {
		t.Fatalf("failed small read: %v, want division_by_zero", err)
	}
	stop := errors.New("stop")
	err = st.read(ctx, true, "SELECT g FROM generate_series(1, 100000) g", nil, func(rows pgx.Rows) error {
		rows.Next()
		return stop // the caller stops early: the transaction still ends
	})
	if !errors.Is(err, stop) {
		t.Fatalf("small read stopped by its caller: %v", err)
	}
	for range 2 * int(st.pool.Config().MaxConns) {
		if got := setting(false); got != def {
			t.Fatalf("a large read after a failed small one: %s, want %s", got, def)
		}
	}

	// Unordered with a limit: that many, every one in the box, all distinct.
	asOf := time.Date(2026, 3, 1, 0, 0, 0, 0, layers.Shanghai)
	if _, err := demo.Load(ctx, st, cat, demo.Options{Incidents: 3000, AsOf: asOf}, nil); err != nil {
		t.Fatal(err)
	}
	inc, _ := cat.Lookup("incidents")
	box := orb.Bound{Min: orb.Point{116.270, 39.845}, Max: orb.Point{116.305, 39.870}}
	for _, q := range []layers.Query{
		{BBox: &box, Limit: 500, Unordered: true},
		{BBox: &box, Limit: 500},
	} {
		seen := map[int64]bool{}
		var last int64
		inOrder := true
		err := st.Features(ctx, inc, q, func(f *layers.Feature) error {
			if !box.Contains(f.Geometry.(orb.Point)) {
				t.Errorf("feature %d at %v is outside the box", f.ID, f.Geometry)
			}
			if seen[f.ID] {
				t.Errorf("feature %d given twice", f.ID)
			}
			seen[f.ID] = true
			inOrder = inOrder && f.ID > last
			last = f.ID
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(seen) != q.Limit {
			t.Errorf("unordered %v: %d features, want the limit %d", q.Unordered, len(seen), q.Limit)
		}
		if !q.Unordered && !inOrder {
			t.Error("features asked in order came out of order")
		}
	}
}
