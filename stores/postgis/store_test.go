package postgis_test

import (
	"context"
	"testing"

	"minqing/deploy/fengtai"
	"minqing/internal/pgtest"
	"minqing/layers"
	"minqing/stores/postgis"
	"minqing/stores/sourcetest"
)

// open returns a migrated store on a fresh database.
func open(t *testing.T) layers.Source {
	t.Helper()
	ctx := context.Background()
	st, err := postgis.Open(ctx, pgtest.New(t), fengtai.Catalog())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestContract(t *testing.T) { sourcetest.Run(t, open) }

func TestMigrateFromEmptyIsIdempotent(t *testing.T) {
	ctx := context.Background()
	st, err := postgis.Open(ctx, pgtest.New(t), fengtai.Catalog())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	n, err := st.Migrate(ctx)
	if err != nil || n == 0 {
		t.Fatalf("first migrate: %d applied, %v", n, err)
	}
	n, err = st.Migrate(ctx)
	if err != nil || n != 0 {
		t.Fatalf("second migrate: %d applied, %v; want 0", n, err)
	}
	for _, l := range fengtai.Catalog().All() {
		var idx int
		if err := st.Pool().QueryRow(ctx, "SELECT count(*) FROM pg_indexes WHERE tablename = $1 AND indexdef ILIKE '%gist%'", l.Name).Scan(&idx); err != nil {
			t.Fatal(err)
		}
		if idx != 1 {
			t.Errorf("%s has %d GiST indexes, want 1 (geom: tiles search it too)", l.Name, idx)
		}
	}
}
