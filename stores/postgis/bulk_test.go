package postgis_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/paulmach/orb"

	"minqing/deploy/fengtai"
	"minqing/layers"
	"minqing/stores/postgis"
	"minqing/stores/sourcetest"
)

// schemaOf lists the indexes of incidents and the constraints of
// incident_contacts, as the catalog defines them.
func schemaOf(t *testing.T, st *postgis.Store) string {
	t.Helper()
	var s string
	err := st.Pool().QueryRow(context.Background(), `SELECT
		(SELECT string_agg(indexdef, E'\n' ORDER BY indexname) FROM pg_indexes WHERE tablename = 'incidents') || E'\n' ||
		(SELECT string_agg(conname || ' ' || pg_get_constraintdef(oid), E'\n' ORDER BY conname) FROM pg_constraint WHERE conrelid = 'incidents'::regclass) || E'\n' ||
		(SELECT string_agg(conname || ' ' || pg_get_constraintdef(oid), E'\n' ORDER BY conname) FROM pg_constraint WHERE conrelid = 'incident_contacts'::regclass) || E'\n' ||
		(SELECT string_agg(conname || ' ' || pg_get_constraintdef(oid), E'\n' ORDER BY conname) FROM pg_constraint WHERE conrelid = 'incident_events'::regclass) || E'\n' ||
		(SELECT string_agg(tgname || ' enabled ' || tgenabled::text, E'\n' ORDER BY tgname) FROM pg_trigger WHERE tgrelid = 'incidents'::regclass AND NOT tgisinternal)`).Scan(&s)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// bulkIncidents returns n incidents with a caller each; bad (1-based, 0:
// none) has no geometry.
func bulkIncidents(n, bad int) []*layers.Feature {
	fs := make([]*layers.Feature, n)
	for i := range fs {
		fs[i] = sourcetest.Incident(i, orb.Point{116.27 + float64(i%100)*0.0003, 39.845 + float64(i/100%100)*0.0002}, "停电")
		fs[i].Contact = &layers.Contact{Name: fmt.Sprintf("张%d", i), Phone: fmt.Sprintf("138%08d", i)}
		if i+1 == bad {
			fs[i].Geometry = nil
		}
	}
	return fs
}

func count(t *testing.T, st *postgis.Store, q string) int64 {
	t.Helper()
	var n int64
	if err := st.Pool().QueryRow(context.Background(), q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestBulkWriteDefersIndexes: a write larger than the table drops the
// secondary indexes and the contacts' foreign key inside its transaction
// and builds them again, and turns its insert triggers off and on again,
// so the schema after it is the schema before it (indexes, constraints,
// triggers enabled) — whether it commits or a bad row rolls it back — and
// every row, id, contact and rollup is there.
func TestBulkWriteDefersIndexes(t *testing.T) {
	old := *postgis.DeferAfter
	*postgis.DeferAfter = 300
	t.Cleanup(func() { *postgis.DeferAfter = old })
	ctx := context.Background()
	st := open(t).(*postgis.Store)
	l, err := fengtai.Catalog().Get("incidents", layers.Admin)
	if err != nil {
		t.Fatal(err)
	}
	before := schemaOf(t, st)
	geomIndex := func() int64 { return count(t, st, "SELECT 'incidents_geom_idx'::regclass::oid::bigint") }
	oid := geomIndex()
	keyIndexes := func() int64 {
		return count(t, st, "SELECT 'incidents_external_id_key'::regclass::oid::bigint + 'incident_contacts_pkey'::regclass::oid::bigint + 'incidents_pkey'::regclass::oid::bigint")
	}
	keys := keyIndexes()

	for _, tc := range []struct {
		name    string
		n, bad  int
		wantErr string
	}{
		{"a bad row after the indexes went rolls back", 3000, 2500, "feature 2500"},
		{"a bad row in the first block", 3000, 7, "feature 7"},
		{"every row good", 3000, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := st.Write(ctx, l, layers.WriteOptions{}, &sourcetest.Slice{Features: bulkIncidents(tc.n, tc.bad)})
			if got := schemaOf(t, st); got != before {
				t.Errorf("schema after the write:\n%s\nwant:\n%s", got, before)
			}
			if tc.wantErr != "" {
				var inv *layers.InvalidError
				if !errors.As(err, &inv) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want an invalid %s", err, tc.wantErr)
				}
				if n := count(t, st, "SELECT count(*) FROM incidents") + count(t, st, "SELECT count(*) FROM incident_contacts"); n != 0 {
					t.Fatalf("%d rows left after the rollback", n)
				}
				if geomIndex() != oid {
					t.Error("the rolled-back write left a rebuilt index")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if geomIndex() == oid {
				t.Error("the GiST index was not rebuilt: the indexes were not deferred")
			}
			if keyIndexes() == keys {
				t.Error("the unique keys were not built again: they were checked row by row")
			}
			if res.Inserted != int64(tc.n) || len(res.IDs) != tc.n {
				t.Fatalf("inserted %d, %d ids; want %d", res.Inserted, len(res.IDs), tc.n)
			}
			if n := count(t, st, "SELECT count(*) FROM incidents i JOIN incident_contacts c ON c.incident_id = i.id AND c.phone = '138' || lpad(substr(i.external_id, 10)::int::text, 8, '0')"); n != int64(tc.n) {
				t.Errorf("%d incidents with their own caller, want %d", n, tc.n)
			}
			if n := count(t, st, "SELECT count(*) FROM incidents WHERE h3_5 IS NULL OR h3_11 IS NULL OR geom_3857 IS NULL"); n != 0 {
				t.Errorf("%d incidents without their cells or projected point", n)
			}
			// The rollups count every row though the trigger was off.
			if n := count(t, st, fmt.Sprintf("SELECT coalesce(sum(n), 0) FROM incident_cell_totals WHERE res = 9 AND grain = %d", layers.GrainMonth)); n != int64(tc.n) {
				t.Errorf("the rollups count %d incidents, want %d", n, tc.n)
			}
			// And the triggers are back: a row written after counts.
			if _, err := st.Write(ctx, l, layers.WriteOptions{}, &sourcetest.Slice{Features: []*layers.Feature{sourcetest.Incident(99999, orb.Point{116.28, 39.85}, "停电")}}); err != nil {
				t.Fatal(err)
			}
			if n := count(t, st, fmt.Sprintf("SELECT coalesce(sum(n), 0) FROM incident_cell_totals WHERE res = 9 AND grain = %d", layers.GrainMonth)); n != int64(tc.n)+1 {
				t.Errorf("after one more row the rollups count %d incidents, want %d", n, tc.n+1)
			}
			if _, err := st.Pool().Exec(ctx, "DELETE FROM incidents WHERE external_id = $1", sourcetest.Incident(99999, orb.Point{}, "").Props["external_id"]); err != nil {
				t.Fatal(err)
			}
			// The ids are in input order: the i-th id is the i-th work order.
			rows, err := st.Pool().Query(ctx, "SELECT id FROM incidents ORDER BY external_id")
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; rows.Next(); i++ {
				var id int64
				if err := rows.Scan(&id); err != nil {
					t.Fatal(err)
				}
				if id != res.IDs[i] {
					t.Fatalf("row %d has id %d, the result says %d", i, id, res.IDs[i])
				}
			}
			rows.Close()
			// The foreign keys are back and check again.
			for _, q := range []string{
				"INSERT INTO incident_contacts (incident_id) VALUES (-1)",
				"INSERT INTO incident_events (incident_id, seq, at, who, action) VALUES (-1, 1, now(), 'test', 'dispatch')",
			} {
				var pe *pgconn.PgError
				if _, err := st.Pool().Exec(ctx, q); !errors.As(err, &pe) || pe.Code != "23503" {
					t.Errorf("%s: %v, want a foreign key violation", q, err)
				}
			}
		})
	}
}

// TestBulkWriteDuplicateKey: a work order already stored fails the write
// naming the feature and its key; nothing is written, and the schema is as
// before. A small write meets the unique key row by row; a large one, which
// dropped the key to build it at its end, when it builds it. (Rows are
// copied in runs ordered by place, so the one named is a duplicate, not
// necessarily the first.)
func TestBulkWriteDuplicateKey(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name       string
		deferAfter int64
		ids        bool                             // the features come with their ids
		dups       func(fs []*layers.Feature) []int // 1-based positions of the stored keys
	}{
		{"row by row, at the start", 20000, false, func(fs []*layers.Feature) []int { return []int{1, 2, 3, 4, 5} }},
		{"when the key is built again, at the end", 300, false, atTheEnd},
		{"when the key is built again, features with ids", 300, true, atTheEnd},
	} {
		t.Run(tc.name, func(t *testing.T) {
			old := *postgis.DeferAfter
			*postgis.DeferAfter = tc.deferAfter
			t.Cleanup(func() { *postgis.DeferAfter = old })
			st := open(t).(*postgis.Store)
			l, _ := fengtai.Catalog().Get("incidents", layers.Admin)
			stored := bulkIncidents(10, 0)
			if _, err := st.Write(ctx, l, layers.WriteOptions{}, &sourcetest.Slice{Features: stored}); err != nil {
				t.Fatal(err)
			}
			before := schemaOf(t, st)
			fs := bulkIncidents(2010, 0)[10:]
			if tc.ids {
				for i, f := range fs {
					f.ID = int64(100000 + i)
				}
			}
			for i, pos := range tc.dups(fs) {
				fs[pos-1].Props["external_id"] = stored[i].Props["external_id"]
			}
			_, err := st.Write(ctx, l, layers.WriteOptions{}, &sourcetest.Slice{Features: fs})
			var inv *layers.InvalidError
			named := false
			for _, pos := range tc.dups(fs) {
				which := fmt.Sprintf("feature %d:", pos)
				if tc.ids {
					which = fmt.Sprintf("the feature with id %d:", fs[pos-1].ID)
				}
				named = named || strings.Contains(fmt.Sprint(err), which) && strings.Contains(err.Error(), fs[pos-1].Props["external_id"].(string))
			}
			if !errors.As(err, &inv) || !named {
				t.Fatalf("err = %v, want one of features %v and its key named", err, tc.dups(fs))
			}
			if n := count(t, st, "SELECT count(*) FROM incidents"); n != 10 {
				t.Errorf("%d incidents, want the 10 of before", n)
			}
			if n := count(t, st, "SELECT count(*) FROM incident_contacts"); n != 10 {
				t.Errorf("%d contacts, want the 10 of before", n)
			}
			if got := schemaOf(t, st); got != before {
				t.Errorf("schema after the write:\n%s\nwant:\n%s", got, before)
			}
		})
	}
}

// TestBulkWriteDuplicateID: features with ids, two of them the same id. A
// large write builds the primary key at its end; the duplicate fails it
// there, naming the id, and nothing is written.
func TestBulkWriteDuplicateID(t *testing.T) {
	old := *postgis.DeferAfter
	*postgis.DeferAfter = 300
	t.Cleanup(func() { *postgis.DeferAfter = old })
	ctx := context.Background()
	st := open(t).(*postgis.Store)
	l, _ := fengtai.Catalog().Get("incidents", layers.Admin)
	before := schemaOf(t, st)
	fs := bulkIncidents(2000, 0)
	for i, f := range fs {
		f.ID = int64(100000 + i)
	}
	fs[len(fs)-1].ID = fs[0].ID
	_, err := st.Write(ctx, l, layers.WriteOptions{}, &sourcetest.Slice{Features: fs})
	var inv *layers.InvalidError
	if !errors.As(err, &inv) || !strings.Contains(err.Error(), "the feature with id 100000:") || !strings.Contains(err.Error(), "(id)=(100000)") {
		t.Fatalf("err = %v, want the feature with id 100000 and its key named", err)
	}
	if n := count(t, st, "SELECT count(*) FROM incidents") + count(t, st, "SELECT count(*) FROM incident_contacts"); n != 0 {
		t.Errorf("%d rows left after the failed write", n)
	}
	if got := schemaOf(t, st); got != before {
		t.Errorf("schema after the write:\n%s\nwant:\n%s", got, before)
	}
}

// atTheEnd is the last five positions of fs.
func atTheEnd(fs []*layers.Feature) []int {
	return []int{len(fs) - 4, len(fs) - 3, len(fs) - 2, len(fs) - 1, len(fs)}
}

// failing yields n features, then an error.
type failing struct {
	n   int
	err error
}

func (f *failing) Next() (*layers.Feature, error) {
	if f.n == 0 {
		return nil, f.err
	}
	f.n--
	return sourcetest.Incident(f.n, orb.Point{116.28, 39.85}, "停电"), nil
}

// TestBulkWriteReaderError: the reader's error is the write's, and nothing
// is written; io.EOF after no rows writes nothing and succeeds.
func TestBulkWriteReaderError(t *testing.T) {
	ctx := context.Background()
	st := open(t).(*postgis.Store)
	l, _ := fengtai.Catalog().Get("incidents", layers.Admin)
	boom := errors.New("row 4000: the file ends in the middle of a record")
	if _, err := st.Write(ctx, l, layers.WriteOptions{}, &failing{n: 3000, err: boom}); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the reader's", err)
	}
	if n := count(t, st, "SELECT count(*) FROM incidents"); n != 0 {
		t.Errorf("%d incidents written", n)
	}
	res, err := st.Write(ctx, l, layers.WriteOptions{Mode: layers.Replace}, &failing{err: io.EOF})
	if err != nil || res.Inserted != 0 {
		t.Fatalf("empty write: %+v, %v", res, err)
	}
}

// rollupsOff counts the rollup rows that differ from the rollups computed
// again from the incidents (0: exact), and reports whether the insert
// trigger is on.
func rollupsOff(t *testing.T, st *postgis.Store) (int64, bool) {
	t.Helper()
	ctx := context.Background()
	tx, err := st.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // only reads, in the end
	var diff int64
	var on bool
	for _, q := range []string{
		"CREATE TEMP TABLE kept_totals AS SELECT * FROM incident_cell_totals",
		"CREATE TEMP TABLE kept_categories AS SELECT * FROM incident_cell_categories",
		"DELETE FROM incident_cell_totals",
		"DELETE FROM incident_cell_categories",
		"DO $$ BEGIN EXECUTE incident_rollups_sql('SELECT received_at, category, source, h3_5, h3_6, h3_7, h3_8, h3_9, h3_10, h3_11, 1 AS sign FROM incidents'); END $$",
	} {
		if _, err := tx.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := tx.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM (SELECT * FROM kept_totals EXCEPT SELECT * FROM incident_cell_totals) a) +
		(SELECT count(*) FROM (SELECT * FROM incident_cell_totals EXCEPT SELECT * FROM kept_totals) a) +
		(SELECT count(*) FROM (SELECT * FROM kept_categories EXCEPT SELECT * FROM incident_cell_categories) a) +
		(SELECT count(*) FROM (SELECT * FROM incident_cell_categories EXCEPT SELECT * FROM kept_categories) a),
		(SELECT tgenabled <> 'D' FROM pg_trigger WHERE tgname = 'incidents_rollups_insert')`).Scan(&diff, &on); err != nil {
		t.Fatal(err)
	}
	return diff, on
}

// TestBulkWriteRollups: past RollupsAfter rows the write turns the rollup
// trigger off and adds the rollups up itself; they come out exactly as the
// trigger would have made them, the trigger is on again after the write,
// and a bad row late in the write leaves the rollups as they were.
func TestBulkWriteRollups(t *testing.T) {
	old := *postgis.RollupsAfter
	*postgis.RollupsAfter = 20
	t.Cleanup(func() { *postgis.RollupsAfter = old })
	ctx := context.Background()
	st := open(t).(*postgis.Store)
	l, _ := fengtai.Catalog().Get("incidents", layers.Admin)
	if _, err := st.Write(ctx, l, layers.WriteOptions{}, &sourcetest.Slice{Features: bulkIncidents(30, 0)}); err != nil {
		t.Fatal(err)
	}
	totals := func() int64 {
		return count(t, st, "SELECT coalesce(sum(n), 0) FROM incident_cell_totals WHERE res = 9 AND grain = 3")
	}
	before := totals()
	for _, tc := range []struct {
		name    string
		n, bad  int
		wantErr string
	}{
		{"a bad row after the trigger went off", 3000, 2900, "feature 2900"},
		{"every row good", 3000, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := bulkIncidents(tc.n+30, tc.bad+30)[30:] // after the 30 stored
			_, err := st.Write(ctx, l, layers.WriteOptions{}, &sourcetest.Slice{Features: fs})
			diff, on := rollupsOff(t, st)
			if diff != 0 || !on {
				t.Errorf("%d rollup rows differ from the incidents'; trigger on: %v", diff, on)
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %s", err, tc.wantErr)
				}
				if got := totals(); got != before {
					t.Errorf("rollups count %d incidents after the rollback, want %d", got, before)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := totals(); got != before+int64(tc.n) {
				t.Errorf("rollups count %d incidents, want %d", got, before+int64(tc.n))
			}
		})
	}
}

// TestBulkWriteMarksMonths: with the rollup trigger off, a bulk write
// marks the months the trigger would have marked.
func TestBulkWriteMarksMonths(t *testing.T) {
	old := *postgis.RollupsAfter
	*postgis.RollupsAfter = 20
	t.Cleanup(func() { *postgis.RollupsAfter = old })
	sourcetest.MonthMarks(t, open(t), fengtai.Catalog())
}
