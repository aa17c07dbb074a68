package gpkg_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/mattn/go-sqlite3"
	"github.com/pressly/goose/v3"

	"minqing/deploy/fengtai"
	"minqing/layers"
	"minqing/stores/gpkg"
	"minqing/stores/sourcetest"
)

// TestMigrationFillsRes10Rollups: a file at migration 00008, whose rollups
// keep days and categories up to res 9, holds incidents, some of them then
// moved to another category and some deleted by a client that left the
// rollups' delta pending; once opened (migrated and flushed), every count
// read from the rollups equals the raw rows', days and categories at res
// 10 included: 00009 filled them from the rows already counted, and the
// flush added the pending delta once.
func TestMigrationFillsRes10Rollups(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "upgrade.gpkg")
	cat := fengtai.Catalog()
	l, _ := cat.Get("incidents", layers.Admin)
	st, err := gpkg.Open(ctx, path, cat)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Write(ctx, l, layers.WriteOptions{}, &sourcetest.Slice{Features: sourcetest.RollupIncidents(7, 400)}); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	db, err := sql.Open(otherClient, "file:"+path+"?_foreign_keys=1")
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, os.DirFS("migrations"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, 8); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"UPDATE incidents SET category = '停电' WHERE id % 7 = 0",
		"DELETE FROM incidents WHERE id % 11 = 0",
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var pending int
	if err := db.QueryRow("SELECT count(*) FROM incident_rollup_delta").Scan(&pending); err != nil || pending == 0 {
		t.Fatalf("%d rows of delta pending, %v: want some", pending, err)
	}
	db.Close()

	st = openAt(t, path)
	sourcetest.RollupsMatchRaw(t, st, cat, "after migration 00009")
}

// otherClient is a SQLite driver with the GeoPackage R-tree triggers'
// functions, as another GeoPackage client has them, and nothing else of
// the store's.
const otherClient = "sqlite3_other_client"

func init() {
	sql.Register(otherClient, &sqlite3.SQLiteDriver{ConnectHook: gpkg.RegisterFuncs})
}
