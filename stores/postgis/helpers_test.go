package postgis

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"minqing/deploy/fengtai"
	"minqing/deploy/fengtai/demo"
	"minqing/internal/pgtest"
	"minqing/layers"
)

// migratedStore opens a store of the street's catalog on a fresh test
// database and migrates it; the store is closed when the test ends.
func migratedStore(t *testing.T) (*Store, *layers.Catalog) {
	t.Helper()
	ctx := context.Background()
	cat := fengtai.Catalog()
	st, err := Open(ctx, pgtest.New(t), cat)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return st, cat
}

// demoAsOf is the day the plan tests' demo incidents end.
var demoAsOf = time.Date(2026, 3, 1, 0, 0, 0, 0, layers.Shanghai)

// analysedDemo is migratedStore with n demo incidents up to demoAsOf,
// analysed, for the tests that look at the planner's plans.
func analysedDemo(t *testing.T, n int) (*Store, *layers.Catalog) {
	t.Helper()
	ctx := context.Background()
	st, cat := migratedStore(t)
	if _, err := demo.Load(ctx, st, cat, demo.Options{Incidents: n, AsOf: demoAsOf}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := st.pool.Exec(ctx, "ANALYZE"); err != nil {
		t.Fatal(err)
	}
	return st, cat
}

// explain returns the JSON plan of sql, and its nodes, under
// plan_cache_mode mode (auto, or force_generic_plan: the plan a cached
// statement may fall back to).
func explain(t *testing.T, st *Store, mode, sql string, args []any) (string, []any) {
	t.Helper()
	ctx := context.Background()
	conn, err := st.pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	var plan string
	if _, err = conn.Exec(ctx, "SET plan_cache_mode = "+mode); err == nil {
		err = conn.QueryRow(ctx, "EXPLAIN (FORMAT JSON) "+sql, args...).Scan(&plan)
	}
	_, _ = conn.Exec(ctx, "RESET plan_cache_mode")
	if err != nil {
		t.Fatal(err)
	}
	var nodes []any
	if err := json.Unmarshal([]byte(plan), &nodes); err != nil {
		t.Fatal(err)
	}
	return plan, nodes
}
