package gpkg_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"minqing/deploy/fengtai"
	"minqing/layers"
	"minqing/stores/gpkg"
	"minqing/stores/sourcetest"
)

// bulkIncidents returns incidents from, from+1, … (n of them) with a caller
// each, over a few hundred cells and days; bad (1-based, 0: none) has no
// geometry.
func bulkIncidents(from, n, bad int) []*layers.Feature {
	fs := make([]*layers.Feature, n)
	for j := range fs {
		i := from + j
		fs[j] = sourcetest.Incident(i, orb.Point{116.27 + float64(i%100)*0.0003, 39.845 + float64(i/100%100)*0.0002}, []string{"停电", "漏水", "供暖"}[i%3])
		fs[j].Contact = &layers.Contact{Name: fmt.Sprintf("张%d", i), Phone: fmt.Sprintf("138%08d", i)}
		if j+1 == bad {
			fs[j].Geometry = nil
		}
	}
	return fs
}

// fileState is what a write leaves in a GeoPackage besides the rows: the
// schema (indexes and triggers), the R-tree, the version, the rollups.
func fileState(t *testing.T, db *sql.DB) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		"SELECT group_concat(type || ' ' || name || ' ' || coalesce(sql, ''), char(10)) FROM (SELECT * FROM sqlite_master WHERE name NOT LIKE 'sqlite_stat%' ORDER BY type, name)",
		"SELECT count(*) || ' incidents, ' || coalesce(sum(id), 0) FROM incidents",
		"SELECT count(*) || ' contacts' FROM incident_contacts",
		"SELECT count(*) || ' r-tree entries, ' || coalesce(sum(id * minx * miny), 0) FROM rtree_incidents_geom",
		"SELECT 'version ' || version FROM layer_versions WHERE layer = 'incidents'",
		"SELECT count(*) || ' pending' FROM incident_rollup_delta",
		"SELECT coalesce(group_concat(month, ' '), '') || ' marked' FROM (SELECT month FROM incident_month_marks ORDER BY month)",
		"SELECT coalesce(group_concat(res || '/' || grain || '/' || period || '/' || cell || '=' || n, ' '), '') FROM (SELECT * FROM incident_cell_totals ORDER BY 1, 2, 3, 4)",
		"SELECT coalesce(group_concat(res || '/' || grain || '/' || period || '/' || cell || '/' || category || '/' || source || '=' || n, ' '), '') FROM (SELECT * FROM incident_cell_categories ORDER BY 1, 2, 3, 4, 5, 6)",
	} {
		var s string
		if err := db.QueryRow(q).Scan(&s); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		b.WriteString(s + "\n")
	}
	return b.String()
}

// bulkSetup returns the incidents layer as an admin writes it, and has
// bulkAfter set back when the test ends (the test sets it).
func bulkSetup(t *testing.T) *layers.Layer {
	t.Helper()
	l, err := fengtai.Catalog().Get("incidents", layers.Admin)
	if err != nil {
		t.Fatal(err)
	}
	old := *gpkg.BulkAfter
	t.Cleanup(func() { *gpkg.BulkAfter = old })
	return l
}

// TestBulkWrite: a write in bulk mode (triggers and secondary indexes
// dropped, R-tree, versions and rollups kept by the write) leaves the file
// exactly as writing row by row does; a bad row or a duplicate key late in
// it rolls all of it back — rows, schema, R-tree, version, rollups.
func TestBulkWrite(t *testing.T) {
	ctx := context.Background()
	l := bulkSetup(t)
	// Row by row: the reference. Then in bulk mode, from the 100th row.
	dir := t.TempDir()
	var states [2][]string
	for k, after := range []int64{1 << 40, 100} {
		*gpkg.BulkAfter = after
		path := filepath.Join(dir, fmt.Sprintf("%d.gpkg", k))
		st := openAt(t, path)
		db := raw(t, path)
		write := func(fs []*layers.Feature) error {
			_, err := st.Write(ctx, l, layers.WriteOptions{}, &sourcetest.Slice{Features: fs})
			return err
		}
		// 50 stored first: bulk mode needs the write to be at least as large as the table.
		if err := write(bulkIncidents(0, 50, 0)); err != nil {
			t.Fatal(err)
		}
		before := fileState(t, db)
		for _, tc := range []struct {
			name    string
			fs      []*layers.Feature
			wantErr string
		}{
			{"a bad row late", bulkIncidents(50, 1000, 900), "feature 900"},
			{"a key stored before", append(bulkIncidents(50, 800, 0), bulkIncidents(10, 1, 0)...), "feature 801"},
			{"a key twice in the write", append(bulkIncidents(50, 800, 0), bulkIncidents(60, 1, 0)...), "feature 801"},
		} {
			err := write(tc.fs)
			var inv *layers.InvalidError
			if !errors.As(err, &inv) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("bulk after %d, %s: err = %v, want an invalid %s", after, tc.name, err, tc.wantErr)
			}
			if got := fileState(t, db); got != before {
				t.Fatalf("bulk after %d, %s: the rolled-back write changed the file:\n%.2000s\nwant:\n%.2000s", after, tc.name, got, before)
			}
		}
		if err := write(bulkIncidents(50, 1000, 0)); err != nil {
			t.Fatal(err)
		}
		if err := write(bulkIncidents(1050, 150, 0)); err != nil { // into a larger table: row by row
			t.Fatal(err)
		}
		if n := queryInt(t, db, "SELECT count(*) FROM incidents i JOIN rtree_incidents_geom r USING (id) WHERE r.minx <= r.maxx"); n != 1200 {
			t.Errorf("bulk after %d: %d incidents in the R-tree, want 1200", after, n)
		}
		// The R-tree written whole by the bulk mode, then added to row by
		// row through SQLite, is one SQLite's own check accepts.
		var check string
		if err := db.QueryRowContext(ctx, "SELECT rtreecheck('rtree_incidents_geom')").Scan(&check); err != nil || check != "ok" {
			t.Errorf("bulk after %d: rtreecheck: %q, %v", after, check, err)
		}
		if n := queryInt(t, db, "SELECT count(*) FROM incidents INDEXED BY incidents_cells_idx WHERE h3_9 IS NOT NULL"); n != 1200 {
			t.Errorf("bulk after %d: the rebuilt index holds %d rows, want 1200", after, n)
		}
		// A replace of the 1,200 rows is in bulk mode from its start (the
		// table holds more than bulkAfter rows): the deletes without their
		// triggers, the R-tree written afresh, the rollups netted in Go. A
		// bad row late in it leaves every old row where it was.
		replace := func(fs []*layers.Feature) error {
			_, err := st.Write(ctx, l, layers.WriteOptions{Mode: layers.Replace}, &sourcetest.Slice{Features: fs})
			return err
		}
		full := fileState(t, db)
		if err := replace(bulkIncidents(600, 900, 850)); err == nil {
			t.Fatalf("bulk after %d: a replace with a bad row went through", after)
		}
		if got := fileState(t, db); got != full {
			t.Fatalf("bulk after %d: the rolled-back replace changed the file:\n%.2000s\nwant:\n%.2000s", after, got, full)
		}
		// Half the new rows are old ones again (same places, days and
		// categories): their counts net to nothing.
		if err := replace(bulkIncidents(600, 900, 0)); err != nil {
			t.Fatal(err)
		}
		if n := queryInt(t, db, "SELECT count(*) FROM incidents i JOIN rtree_incidents_geom r USING (id)"); n != 900 {
			t.Errorf("bulk after %d: %d replaced incidents in the R-tree, want 900", after, n)
		}
		if n := queryInt(t, db, "SELECT count(*) FROM rtree_incidents_geom"); n != 900 {
			t.Errorf("bulk after %d: the R-tree holds %d entries after the replace, want 900", after, n)
		}
		if err := db.QueryRowContext(ctx, "SELECT rtreecheck('rtree_incidents_geom')").Scan(&check); err != nil || check != "ok" {
			t.Errorf("bulk after %d: rtreecheck after the replace: %q, %v", after, check, err)
		}
		states[k] = strings.Split(full+fileState(t, db), "\n")
	}
	for i := range states[0] {
		if states[0][i] != states[1][i] {
			t.Errorf("bulk mode differs from row by row:\n%.2000s\nwant:\n%.2000s", states[1][i], states[0][i])
		}
	}
}

// TestBulkWriteMarksMonths: with the triggers dropped, a bulk write marks
// the months flushing the trigger's delta would have marked.
func TestBulkWriteMarksMonths(t *testing.T) {
	old := *gpkg.BulkAfter
	*gpkg.BulkAfter = 100
	t.Cleanup(func() { *gpkg.BulkAfter = old })
	sourcetest.MonthMarks(t, open(t), fengtai.Catalog())
}

// TestBulkReplaceReadsDaysAsTheTriggers: a replace in bulk mode takes the
// old rows out of the rollups as the delete trigger's delta would, also
// rows another program wrote with a received_at SQLite cannot read (their
// delta nets with the one that program's update left): the file comes out
// as row by row.
func TestBulkReplaceReadsDaysAsTheTriggers(t *testing.T) {
	ctx := context.Background()
	l := bulkSetup(t)
	for _, tc := range []struct {
		name string
		set  string // what another GeoPackage client wrote to the first incident
	}{
		{"no readable day, no cells", "received_at = 'a while ago', h3_5 = NULL, h3_6 = NULL, h3_7 = NULL, h3_8 = NULL, h3_9 = NULL, h3_10 = NULL, h3_11 = NULL"},
		{"no readable day", "received_at = 'a while ago'"},
		{"another day", "received_at = '2024-02-29T23:30:00.000Z'"},
	} {
		var states []string
		for _, after := range []int64{1 << 40, 100} {
			*gpkg.BulkAfter = after
			path := filepath.Join(t.TempDir(), "f.gpkg")
			st := openAt(t, path)
			db := raw(t, path)
			if _, err := st.Write(ctx, l, layers.WriteOptions{}, &sourcetest.Slice{Features: bulkIncidents(0, 300, 0)}); err != nil {
				t.Fatal(err)
			}
			// The update trigger's delta of this change is flushed by the
			// store's next write: the replace.
			other, err := sql.Open(otherClient, path)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := other.ExecContext(ctx, "UPDATE incidents SET "+tc.set+" WHERE id = (SELECT min(id) FROM incidents)"); err != nil {
				t.Fatal(err)
			}
			other.Close()
			if _, err := st.Write(ctx, l, layers.WriteOptions{Mode: layers.Replace}, &sourcetest.Slice{Features: bulkIncidents(1000, 300, 0)}); err != nil {
				t.Fatalf("%s, bulk after %d: %v", tc.name, after, err)
			}
			states = append(states, fileState(t, db))
		}
		if states[0] != states[1] {
			t.Errorf("%s: a bulk replace differs from row by row:\n%.2000s\nwant:\n%.2000s", tc.name, states[1], states[0])
		}
	}
}
