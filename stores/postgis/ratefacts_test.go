package postgis_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"minqing/casework/rates"
	"minqing/deploy/fengtai"
	"minqing/internal/pgtest"
	"minqing/layers"
	"minqing/stores/postgis"
	"minqing/stores/sourcetest"
)

// rateQueries are the tallies the rate-facts tests compare: every group,
// with and without a window and a category filter.
func rateQueries() []layers.RateQuery {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, layers.Shanghai)
	from, to := now.AddDate(0, 0, -20), now.AddDate(0, 0, -3)
	base := layers.RateQuery{EmptyGroup: "(无)", Now: now,
		Deadlines: map[string]layers.RateDeadline{"停电": {Response: 2 * time.Hour, Resolution: 72 * time.Hour}},
		Default:   layers.RateDeadline{Response: 24 * time.Hour, Resolution: 15 * 24 * time.Hour}}
	var qs []layers.RateQuery
	for _, by := range []string{"community", "patch", "unit", "category"} {
		for _, win := range []*layers.TimeRange{nil, {Start: &from, End: &to}} {
			for _, cats := range [][]string{nil, {"停电"}} {
				q := base
				q.GroupBy, q.Time, q.Categories = by, win, cats
				qs = append(qs, q)
			}
		}
	}
	return qs
}

// sameRates checks that st's tallies from its facts in memory equal its
// SQL tallies for every rateQueries query, and that the facts are at the
// layer's version.
func sameRates(t *testing.T, st *postgis.Store, l *layers.Layer, when string) {
	t.Helper()
	ctx := context.Background()
	var count int
	for _, q := range rateQueries() {
		var answers [2]string
		for i, on := range []bool{true, false} {
			st.SetRollups(on)
			g, total, err := st.RateTallies(ctx, l, q)
			st.SetRollups(true)
			if err != nil {
				t.Fatalf("%s: %v", when, err)
			}
			// Compared finished: the SQL gives an odd count's middle
			// duration twice, the facts once; the medians are the same.
			rows, all := rates.FromStoreTallies(g, total, rates.DefaultWeights())
			b, _ := json.Marshal(map[string]any{"groups": rows, "total": all})
			answers[i] = string(b)
			if q.Time == nil && q.Categories == nil {
				count = total.Count
			}
		}
		if answers[0] != answers[1] {
			t.Fatalf("%s: by %s, window %v, categories %v:\nfacts: %s\nSQL:   %s", when, q.GroupBy, q.Time, q.Categories, answers[0], answers[1])
		}
	}
	var version int64
	if err := st.Pool().QueryRow(ctx, "SELECT version FROM layer_versions WHERE layer = 'incidents'").Scan(&version); err != nil {
		t.Fatal(err)
	}
	if got := postgis.RateFactsVersion(st, l.Name); got != version {
		t.Fatalf("%s: the facts are at version %d, the layer at %d", when, got, version)
	}
	var rows int
	if err := st.Pool().QueryRow(ctx, "SELECT count(*) FROM incidents").Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if count != rows {
		t.Fatalf("%s: the rates count %d incidents, the table holds %d", when, count, rows)
	}
}

// rateFeatures are n incidents received over the month before June 2026,
// with some steps taken.
func rateFeatures(n, from int) []*layers.Feature {
	fs := make([]*layers.Feature, n)
	start := time.Date(2026, 5, 1, 0, 0, 0, 0, layers.Shanghai)
	for i := range fs {
		k := from + i
		f := sourcetest.Incident(k, orb.Point{116.27 + float64(k%50)*0.0005, 39.845 + float64(k%40)*0.0005}, []string{"停电", "漏水", "供暖"}[k%3])
		recv := start.Add(time.Duration(k*37) * time.Minute)
		f.Props["received_at"] = recv
		f.Props["community"] = []string{"新华街北里", "新华街南里", ""}[k%3]
		f.Props["status"] = []string{"received", "dispatched", "resolved", "closed"}[k%4]
		if k%2 == 0 {
			f.Props["responded_at"] = recv.Add(time.Duration(k%300) * time.Minute)
		} else {
			delete(f.Props, "responded_at")
		}
		if k%4 >= 2 {
			f.Props["resolved_at"] = recv.Add(time.Duration(k%900) * time.Minute)
		} else {
			delete(f.Props, "resolved_at")
		}
		fs[i] = f
	}
	return fs
}

// TestRateFactsFollowWrites: the rate facts a server keeps in memory follow
// every write another process commits — inserts, a bulk import, updates,
// deletes — by reading again only the rows the change log names, and are
// read whole when the log cannot say (a version bumped by hand over an
// unlogged change, a version logged without its rows, a TRUNCATE). After each, their tallies equal the SQL
// tally of the table.
func TestRateFactsFollowWrites(t *testing.T) {
	ctx := context.Background()
	url := pgtest.New(t)
	cat := fengtai.Catalog()
	st, err := postgis.Open(ctx, url, cat)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	other, err := postgis.Open(ctx, url, cat) // another server or importer
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	l, err := cat.Get("incidents", layers.Admin)
	if err != nil {
		t.Fatal(err)
	}
	exec := func(sql string) {
		t.Helper()
		if _, err := other.Pool().Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	write := func(mode layers.WriteMode, fs []*layers.Feature) {
		t.Helper()
		if _, err := other.Write(ctx, l, layers.WriteOptions{Mode: mode}, &sourcetest.Slice{Features: fs}); err != nil {
			t.Fatal(err)
		}
	}
	loads := func(want int64, when string) {
		t.Helper()
		if got := postgis.RateFactsLoads(st, l.Name); got != want {
			t.Fatalf("%s: the facts were read whole %d times, want %d", when, got, want)
		}
	}

	sameRates(t, st, l, "empty")
	loads(1, "empty")
	write(layers.Insert, rateFeatures(300, 0))
	sameRates(t, st, l, "after a bulk insert")
	var ranged int
	if err := st.Pool().QueryRow(ctx, "SELECT count(*) FROM layer_changes WHERE layer = 'incidents' AND id_lo IS NOT NULL").Scan(&ranged); err != nil || ranged != 1 {
		t.Fatalf("the bulk insert logged %d id ranges (%v), want 1", ranged, err)
	}
	exec("UPDATE incidents SET responded_at = received_at + interval '90 minutes', status = 'closed', satisfied = true WHERE id % 3 = 0")
	sameRates(t, st, l, "after an update")
	exec("UPDATE incidents SET community = '东安街头条', category = '停电' WHERE id % 7 = 1")
	sameRates(t, st, l, "after regrouping")
	exec("DELETE FROM incidents WHERE id % 5 = 2")
	sameRates(t, st, l, "after deletes")
	for round := range 3 { // four incidents, added, then written over twice
		upserts := rateFeatures(4, 1000+round*7)
		for i, f := range upserts {
			f.Props["external_id"] = []string{"U1", "U2", "U3", "U4"}[i]
		}
		write(layers.Upsert, upserts)
		sameRates(t, st, l, "after upserts")
	}
	loads(1, "after logged changes")

	// Triggers off (as a restore would run): the rows change, nothing is
	// logged, then the version is bumped by hand.
	unlogged := func(sqls ...string) { // in one transaction, the triggers off
		t.Helper()
		tx, err := other.Pool().Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit
		for _, sql := range append([]string{"SET LOCAL session_replication_role = replica"}, sqls...) {
			if _, err := tx.Exec(ctx, sql); err != nil {
				t.Fatalf("%s: %v", sql, err)
			}
		}
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
	}
	unlogged("UPDATE incidents SET status = 'received', responded_at = NULL WHERE id % 2 = 0",
		"UPDATE layer_versions SET version = version + 1 WHERE layer = 'incidents'")
	sameRates(t, st, l, "after an unlogged change")
	loads(2, "after an unlogged change")
	// A version logged without its rows (an older server's bulk write, or
	// a statement touching more rows than the trigger lists).
	unlogged("UPDATE incidents SET satisfied = NOT coalesce(satisfied, false) WHERE id % 3 = 1",
		"SELECT log_layer_write('incidents', 116.27, 39.84, 116.31, 39.87)")
	sameRates(t, st, l, "after a change logged without its rows")
	loads(3, "after a change logged without its rows")
	exec("TRUNCATE incidents CASCADE")
	sameRates(t, st, l, "after a truncate")
	loads(4, "after a truncate")
	write(layers.Insert, rateFeatures(50, 2000))
	sameRates(t, st, l, "after an insert into the emptied table")
	loads(4, "at the end")
}

// TestRateFactsReadInTheBackground: past the size read in the request, the
// first tallies come from SQL while the facts are read in the background;
// once they are in, the tallies come from them, equal.
func TestRateFactsReadInTheBackground(t *testing.T) {
	old := *postgis.RateSyncLoadBytes
	*postgis.RateSyncLoadBytes = 0
	defer func() { *postgis.RateSyncLoadBytes = old }()
	ctx := context.Background()
	st := open(t).(*postgis.Store)
	l, err := fengtai.Catalog().Get("incidents", layers.Admin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Write(ctx, l, layers.WriteOptions{}, &sourcetest.Slice{Features: rateFeatures(400, 0)}); err != nil {
		t.Fatal(err)
	}
	q := rateQueries()[0]
	if _, total, err := st.RateTallies(ctx, l, q); err != nil || total.Count != 400 {
		t.Fatalf("first tally: %d incidents, %v; want 400", total.Count, err)
	}
	deadline := time.Now().Add(time.Minute)
	for postgis.RateFactsVersion(st, l.Name) < 0 {
		if time.Now().After(deadline) {
			t.Fatal("the facts were not read in a minute")
		}
		time.Sleep(20 * time.Millisecond)
	}
	sameRates(t, st, l, "once read")
	if n := postgis.RateFactsLoads(st, l.Name); n != 1 {
		t.Fatalf("the facts were read whole %d times, want 1", n)
	}
}

// TestRateFactsStoreGone: with no database to read them from, the rates
// are unavailable (a 503), not an empty table.
func TestRateFactsStoreGone(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cat := fengtai.Catalog()
	st, err := postgis.Open(context.Background(), "postgres://postgres@"+addr+"/x?sslmode=disable&connect_timeout=2", cat)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	l, _ := cat.Get("incidents", layers.Admin)
	if _, _, err := st.RateTallies(context.Background(), l, rateQueries()[0]); !errors.Is(err, layers.ErrUnavailable) {
		t.Fatalf("rates with no server: err = %v, want ErrUnavailable", err)
	}
}

// TestRateFactsUnderConcurrentWrites: tallies running while another
// process writes — logged updates, and versions bumped by hand that make
// the facts be read whole again under the tallies' feet — all answer
// (from the facts or, while they are being read, in SQL), and the facts end
// equal to the SQL tally.
func TestRateFactsUnderConcurrentWrites(t *testing.T) {
	ctx := context.Background()
	st := open(t).(*postgis.Store)
	l, err := fengtai.Catalog().Get("incidents", layers.Admin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Write(ctx, l, layers.WriteOptions{}, &sourcetest.Slice{Features: rateFeatures(500, 0)}); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	errs := make(chan error, 8)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			qs := rateQueries()
			for i := 0; ; i++ {
				select {
				case <-done:
					return
				default:
				}
				if _, total, err := st.RateTallies(ctx, l, qs[(g+i)%len(qs)]); err != nil || total.Count < 0 {
					errs <- fmt.Errorf("tally %d: %d incidents, %v", i, total.Count, err)
					return
				}
			}
		}()
	}
	for k := range 40 {
		sql := fmt.Sprintf("UPDATE incidents SET status = 'closed', satisfied = %t WHERE id %% 9 = %d", k%2 == 0, k%9)
		if k%5 == 4 {
			sql = "UPDATE layer_versions SET version = version + 1 WHERE layer = 'incidents'"
		}
		if _, err := st.Pool().Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	sameRates(t, st, l, "after the concurrent writes")
}
