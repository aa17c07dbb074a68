package gpkg_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3" // the plain driver, to look inside the file
	"github.com/paulmach/orb"

	"minqing/deploy/fengtai"
	"minqing/layers"
	"minqing/stores/gpkg"
	"minqing/stores/sourcetest"
)

// raw opens the file with the plain SQLite driver, as another tool would.
func raw(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_query_only=1")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func queryInt(t *testing.T, db *sql.DB, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func TestOpenCreatesAGeoPackage(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "new.gpkg")
	st := openAt(t, path)
	if !st.Created() {
		t.Error("Created() = false for a new file")
	}
	st.Close()
	st = openAt(t, path)
	if st.Created() {
		t.Error("Created() = true for an existing file")
	}
	if n, err := st.Migrate(ctx); err != nil || n != 0 {
		t.Errorf("migrating a migrated file: %d applied, %v; want 0", n, err)
	}
	db := raw(t, path)
	if id := queryInt(t, db, "PRAGMA application_id"); id != gpkg.ApplicationID {
		t.Errorf("application_id = %#x, want GPKG", id)
	}
	if v := queryInt(t, db, "PRAGMA user_version"); v != gpkg.UserVersion {
		t.Errorf("user_version = %d, want %d", v, gpkg.UserVersion)
	}
	var mode string
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
	for _, srs := range []int{4326, 0, -1} {
		if queryInt(t, db, "SELECT count(*) FROM gpkg_spatial_ref_sys WHERE srs_id = ?", srs) != 1 {
			t.Errorf("gpkg_spatial_ref_sys has no srs_id %d", srs)
		}
	}
	for _, l := range fengtai.Catalog().All() {
		checks := map[string]string{
			"gpkg_contents":         "SELECT count(*) FROM gpkg_contents WHERE table_name = ? AND data_type = 'features' AND srs_id = 4326",
			"gpkg_geometry_columns": "SELECT count(*) FROM gpkg_geometry_columns WHERE table_name = ? AND column_name = 'geom' AND geometry_type_name = upper(?) AND srs_id = 4326",
			"gpkg_extensions":       "SELECT count(*) FROM gpkg_extensions WHERE table_name = ? AND column_name = 'geom' AND extension_name = 'gpkg_rtree_index' AND ? <> ''",
			"rtree table":           "SELECT count(*) FROM sqlite_master WHERE name = 'rtree_' || ? || '_geom' AND ? <> ''",
			"rtree triggers":        "SELECT count(*) = 6 FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'rtree_' || ? || '_geom_%' AND ? <> ''",
		}
		for what, q := range checks {
			if queryInt(t, db, q, l.Name, l.Geometry) != 1 {
				t.Errorf("%s: missing from %s", l.Name, what)
			}
		}
	}
	for _, internal := range []string{"tokens", "incident_contacts", "layer_versions", "goose_db_version"} {
		if queryInt(t, db, "SELECT count(*) FROM gpkg_contents WHERE table_name = ?", internal) != 0 {
			t.Errorf("internal table %s is registered in gpkg_contents", internal)
		}
		if queryInt(t, db, "SELECT count(*) FROM sqlite_master WHERE name = ?", internal) != 1 {
			t.Errorf("internal table %s does not exist", internal)
		}
	}
}

func TestOpenRefuses(t *testing.T) {
	dir := t.TempDir()
	other := filepath.Join(dir, "other.sqlite")
	db, err := sql.Open("sqlite3", other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE accounts (id INTEGER PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	text := filepath.Join(dir, "notes.gpkg")
	if err := os.WriteFile(text, []byte(strings.Repeat("这不是数据库。\n", 100)), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, want string
		exists           bool
	}{
		{"another SQLite file", other, "not a GeoPackage", true},
		{"a text file", text, "not a database", true},
		{"a missing directory", filepath.Join(dir, "no", "such.gpkg"), "unable to open", false},
	}
	for _, tc := range tests {
		st, err := gpkg.Open(context.Background(), tc.path, fengtai.Catalog())
		if err == nil {
			st.Close()
			t.Errorf("%s: opened", tc.name)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
		if _, err := os.Stat(tc.path); (err == nil) != tc.exists {
			t.Errorf("%s: the file exists = %v after the failed open, want %v", tc.name, err == nil, tc.exists)
		}
	}
}

// TestRTreeFollowsWrites checks the R-tree triggers (and the SQL functions
// they call) through inserts, upserts that move features, replaces and
// deletes: the index always holds exactly the table's rows and boxes.
func TestRTreeFollowsWrites(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "rtree.gpkg")
	st := openAt(t, path)
	l, _ := fengtai.Catalog().Lookup("incidents")
	db := raw(t, path)
	check := func(step string) {
		t.Helper()
		rows := queryInt(t, db, "SELECT count(*) FROM incidents")
		if idx := queryInt(t, db, "SELECT count(*) FROM rtree_incidents_geom"); rows != idx {
			t.Errorf("%s: %d rows, %d R-tree entries", step, rows, idx)
		}
		rs, err := db.Query("SELECT t.id, t.geom, r.minx, r.maxx, r.miny, r.maxy FROM incidents t LEFT JOIN rtree_incidents_geom r ON r.id = t.id")
		if err != nil {
			t.Fatal(err)
		}
		defer rs.Close()
		for rs.Next() {
			var id int64
			var blob []byte
			var box [4]sql.NullFloat64
			if err := rs.Scan(&id, &blob, &box[0], &box[1], &box[2], &box[3]); err != nil {
				t.Fatal(err)
			}
			env, _, err := gpkg.Envelope(blob)
			if err != nil || !box[0].Valid {
				t.Errorf("%s: row %d: no R-tree entry (%v)", step, id, err)
				continue
			}
			// The R-tree keeps float32 boxes, rounded outwards.
			want := [4]float64{env.Min[0], env.Max[0], env.Min[1], env.Max[1]}
			for i, w := range want {
				if d := box[i].Float64 - w; d > 1e-4 || d < -1e-4 || (i%2 == 0 && d > 0) || (i%2 == 1 && d < 0) {
					t.Errorf("%s: row %d: R-tree box %v, geometry box %v", step, id, box, want)
					break
				}
			}
		}
	}
	fs := []*layers.Feature{
		sourcetest.Incident(1, orb.Point{116.271, 39.846}, "漏水"),
		sourcetest.Incident(2, orb.Point{116.300, 39.866}, "停电"),
	}
	if _, err := st.Write(ctx, l, layers.WriteOptions{}, &sourcetest.Slice{Features: fs}); err != nil {
		t.Fatal(err)
	}
	check("insert")

	// Move incident 1 across the street: the upsert updates the geometry.
	moved := sourcetest.Incident(1, orb.Point{116.302, 39.868}, "漏水")
	res, err := st.Write(ctx, l, layers.WriteOptions{Mode: layers.Upsert}, &sourcetest.Slice{Features: []*layers.Feature{moved}})
	if err != nil || res.Updated != 1 {
		t.Fatalf("upsert: %+v, %v", res, err)
	}
	check("upsert")
	sw := orb.Bound{Min: orb.Point{116.270, 39.845}, Max: orb.Point{116.275, 39.850}}
	ne := orb.Bound{Min: orb.Point{116.301, 39.867}, Max: orb.Point{116.303, 39.869}}
	if n, _ := st.Count(ctx, l, layers.Query{BBox: &sw}); n != 0 {
		t.Errorf("the old place still finds %d incidents", n)
	}
	if n, _ := st.Count(ctx, l, layers.Query{BBox: &ne}); n != 1 {
		t.Errorf("the new place finds %d incidents, want 1", n)
	}
	var minx, maxx float64
	if err := db.QueryRow("SELECT minx, maxx FROM rtree_incidents_geom WHERE id = ?", res.IDs[0]).Scan(&minx, &maxx); err != nil || minx > 116.302 || maxx < 116.302 || 116.302-minx > 1e-4 {
		t.Errorf("R-tree box of the moved incident: [%v, %v], %v; want around 116.302", minx, maxx, err)
	}

	if err := st.Delete(ctx, l, res.IDs[0]); err != nil {
		t.Fatal(err)
	}
	check("delete")
	if _, err := st.Write(ctx, l, layers.WriteOptions{Mode: layers.Replace}, &sourcetest.Slice{Features: []*layers.Feature{
		sourcetest.Incident(5, orb.Point{116.28, 39.85}, "停电"),
	}}); err != nil {
		t.Fatal(err)
	}
	check("replace")

	// gpkg_contents keeps the extent of what a replace wrote.
	var cminx, cmaxy float64
	if err := db.QueryRow("SELECT min_x, max_y FROM gpkg_contents WHERE table_name = 'incidents'").Scan(&cminx, &cmaxy); err != nil || cminx != 116.28 || cmaxy != 39.85 {
		t.Errorf("gpkg_contents extent after replace: min_x %v max_y %v, %v", cminx, cmaxy, err)
	}
}

// TestVersionsSeeOtherWriters: a write through another connection to the
// file (another process, such as "minqing import" beside "minqing serve")
// bumps the version this store reports.
func TestVersionsSeeOtherWriters(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "versions.gpkg")
	a, b := openAt(t, path), openAt(t, path)
	before, err := a.Versions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	l, _ := fengtai.Catalog().Lookup("incidents")
	if _, err := b.Write(ctx, l, layers.WriteOptions{}, &sourcetest.Slice{Features: []*layers.Feature{
		sourcetest.Incident(1, orb.Point{116.28, 39.85}, "停电"),
	}}); err != nil {
		t.Fatal(err)
	}
	after, err := a.Versions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after["incidents"] <= before["incidents"] || after["patches"] != before["patches"] {
		t.Errorf("versions %v → %v: want incidents to grow and nothing else", before, after)
	}
}

// TestDuplicateKeyIsInvalid: a row whose key another row has is bad input,
// named by its position.
func TestDuplicateKeyIsInvalid(t *testing.T) {
	st := openAt(t, filepath.Join(t.TempDir(), "dup.gpkg"))
	l, _ := fengtai.Catalog().Lookup("incidents")
	fs := []*layers.Feature{
		sourcetest.Incident(1, orb.Point{116.28, 39.85}, "停电"),
		sourcetest.Incident(2, orb.Point{116.28, 39.85}, "停电"),
		sourcetest.Incident(1, orb.Point{116.29, 39.86}, "漏水"),
	}
	_, err := st.Write(context.Background(), l, layers.WriteOptions{}, &sourcetest.Slice{Features: fs})
	if err == nil || !strings.Contains(err.Error(), "feature 3") || !strings.Contains(err.Error(), "external_id") {
		t.Fatalf("err = %v, want an invalid-input error naming feature 3 and external_id", err)
	}
	if n, _ := st.Count(context.Background(), l, layers.Query{}); n != 0 {
		t.Errorf("after a rejected write: %d rows, want 0", n)
	}
}
