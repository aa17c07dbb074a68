package postgis_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"minqing/deploy/fengtai"
	"minqing/layers"
	"minqing/stores/postgis"
	"minqing/stores/sourcetest"
)

// TestBulkWriteCopiesRunsByPlace: an import in no spatial order is
// written in runs (1, 4, 16, … rows, then postgis.RunRows at a time), each
// ordered by the rows' res-11 cells, so that the heap holds a place's
// points together; the ids still follow the input order, consecutive, and
// the result lists them in that order, each its feature's.
func TestBulkWriteCopiesRunsByPlace(t *testing.T) {
	ctx := context.Background()
	st := open(t).(*postgis.Store)
	l, _ := fengtai.Catalog().Get("incidents", layers.Admin)
	n := 2*postgis.RunRows + 7000
	fs := bulkIncidents(n, 0)
	rand.New(rand.NewPCG(7, 9)).Shuffle(len(fs), func(i, j int) { fs[i], fs[j] = fs[j], fs[i] })
	res, err := st.Write(ctx, l, layers.WriteOptions{}, &sourcetest.Slice{Features: fs})
	if err != nil {
		t.Fatal(err)
	}
	if res.Inserted != int64(n) || len(res.IDs) != min(n, 10000) {
		t.Fatalf("inserted %d with %d ids, want %d", res.Inserted, len(res.IDs), n)
	}

	// In the table's physical order the cells only go down where a run
	// ends (the input, shuffled, goes down about every other row).
	runs := 0
	for left, size := n, 1; left > 0; size = min(size*4, postgis.RunRows) {
		left -= size
		runs++
	}
	rows, err := st.Pool().Query(ctx, "SELECT h3_11 FROM incidents ORDER BY ctid")
	if err != nil {
		t.Fatal(err)
	}
	var prev, cell int64
	downs, seen := 0, 0
	for rows.Next() {
		if err := rows.Scan(&cell); err != nil {
			t.Fatal(err)
		}
		if seen > 0 && cell < prev {
			downs++
		}
		prev = cell
		seen++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if seen != n || downs >= runs {
		t.Errorf("%d rows going down %d times in the heap, want %d rows in at most %d ordered runs", seen, downs, n, runs)
	}

	// Each id of the result is its feature's, in input order.
	byID := map[int64]string{}
	rows, err = st.Pool().Query(ctx, "SELECT id, external_id FROM incidents WHERE id = ANY($1)", res.IDs)
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	var ext string
	for rows.Next() {
		if err := rows.Scan(&id, &ext); err != nil {
			t.Fatal(err)
		}
		byID[id] = ext
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for i, id := range res.IDs {
		if want := fs[i].Props["external_id"]; byID[id] != want {
			t.Fatalf("result id %d (feature %d) is %q, want %q", id, i+1, byID[id], want)
		}
		if id != res.IDs[0]+int64(i) {
			t.Fatalf("feature %d has id %d, want %d: ids in input order", i+1, id, res.IDs[0]+int64(i))
		}
	}
	if span := count(t, st, "SELECT max(id) - min(id) + 1 FROM incidents"); span != int64(n) {
		t.Errorf("ids span %d, want %d consecutive", span, n)
	}
	if c := count(t, st, "SELECT count(*) FROM incident_contacts c JOIN incidents i ON i.id = c.incident_id WHERE c.phone = '138' || lpad(substr(i.external_id, 9)::int::text, 8, '0')"); c != int64(n) {
		t.Errorf("%d contacts with their own incident, want %d", c, n)
	}
}
