package gpkg_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	_ "github.com/mattn/go-sqlite3" // the "sqlite3" driver, for building an old file
	"github.com/pressly/goose/v3"

	"minqing/deploy/fengtai"
	"minqing/layers"
	"minqing/layers/lifecycle"
	"minqing/layers/lifecycle/lifecycletest"
)

// TestUpgradeFromBeforeIncidentEvents: a file made by a build before the
// record of steps (its first migration only, testdata) opens, gains the
// incidents' new columns and the events table, and takes steps.
func TestUpgradeFromBeforeIncidentEvents(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.gpkg")
	old, err := os.ReadFile("testdata/schema_before_00003.sql")
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite3", "file:"+path+"?_foreign_keys=1")
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, fstest.MapFS{"00001_schema.sql": {Data: old}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatal(err)
	}
	db.Close()

	st := openAt(t, path)
	id := lifecycletest.NewIncident(t, st, lifecycle.Received)
	due := time.Date(2026, 6, 1, 10, 0, 0, 0, layers.Shanghai)
	e := lifecycle.Event{At: time.Date(2026, 6, 1, 9, 5, 0, 0, layers.Shanghai), Who: "x", Action: lifecycle.Dispatch, Unit: "城管科", Level: "科室"}
	if _, _, err := st.AppendEvent(ctx, id, e, &lifecycle.Due{Response: &due}); err != nil {
		t.Fatal(err)
	}
	l, _ := fengtai.Catalog().Lookup("incidents")
	f, err := st.Feature(ctx, l, id, layers.Admin)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := f.Props["response_due"].(time.Time); !got.Equal(due) || f.Props["status"] != "dispatched" {
		t.Errorf("upgraded file: %v", f.Props)
	}
	if err := st.IntegrityCheck(ctx); err != nil {
		t.Error(err)
	}
}
