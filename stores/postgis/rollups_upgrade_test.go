package postgis

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/stdlib"

	"minqing/layers"
	"minqing/stores/sourcetest"
)

// TestMigrationFillsRes10Rollups: a database at migration 00010, whose
// rollups keep days and categories up to res 9, holds incidents written
// through the bulk path and through the trigger, then moved and deleted
// under it; once migrated, every count read from the rollups equals the
// raw rows' (days and categories at res 10 included), so 00011 filled
// them from the rows there, and its trigger keeps them from then on.
func TestMigrationFillsRes10Rollups(t *testing.T) {
	ctx := context.Background()
	st, cat := migratedStore(t)
	l, _ := cat.Get("incidents", layers.Admin)
	fs := sourcetest.RollupIncidents(7, 400)
	if _, err := st.Write(ctx, l, layers.WriteOptions{}, &sourcetest.Slice{Features: fs[:300]}); err != nil {
		t.Fatal(err)
	}
	db := stdlib.OpenDBFromPool(st.pool)
	defer db.Close()
	p, err := provider(db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, 10); err != nil {
		t.Fatal(err)
	}
	// Under 00010, through its trigger: more rows, some moved in time and
	// category, some deleted.
	old := rollupsAfter
	rollupsAfter = 1 << 30
	t.Cleanup(func() { rollupsAfter = old })
	if _, err := st.Write(ctx, l, layers.WriteOptions{}, &sourcetest.Slice{Features: fs[300:]}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"UPDATE incidents SET category = '停电', received_at = received_at + interval '3 days 5 hours' WHERE id % 7 = 0",
		"DELETE FROM incidents WHERE id % 11 = 0",
	} {
		if _, err := st.pool.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	rollupsAfter = old
	if n, err := st.Migrate(ctx); err != nil || n != 2 {
		t.Fatalf("migrate: %d applied, %v; want 00011 and 00012", n, err)
	}
	sourcetest.RollupsMatchRaw(t, st, cat, "after migration 00011")
	// And kept from then on: a bulk write (the rollups added up in Go).
	more := sourcetest.RollupIncidents(8, 200)
	for _, f := range more {
		f.Props["external_id"] = "12345-U-" + f.Props["external_id"].(string)[len("12345-T-"):]
	}
	if _, err := st.Write(ctx, l, layers.WriteOptions{}, &sourcetest.Slice{Features: more}); err != nil {
		t.Fatal(err)
	}
	sourcetest.RollupsMatchRaw(t, st, cat, "after a bulk write")
}
