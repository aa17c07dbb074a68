package postgis_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"minqing/deploy/fengtai"
	"minqing/internal/pgtest"
	"minqing/layers"
	"minqing/stores/postgis"
	"minqing/stores/sourcetest"
)

// TestReadReplicas runs on a real primary and a streaming replica made
// with pg_basebackup: reads go to the replica once it has replayed this
// store's writes, never before — not after the store's own write, not after
// a versions read that saw another process's write, not while the
// replica's replay is paused.
func TestReadReplicas(t *testing.T) {
	pair := pgtest.NewPair(t)
	ctx := context.Background()
	st, err := postgis.Open(ctx, pair.Primary, fengtai.Catalog())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := st.OpenReplicas(ctx, []string{pair.Replica}); err != nil {
		t.Fatal(err)
	}
	inc, _ := fengtai.Catalog().Lookup("incidents")
	count := func(s layers.Source) int64 {
		t.Helper()
		n, err := s.Count(ctx, inc, layers.Query{})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	write := func(s layers.Source, i int) int64 {
		t.Helper()
		res, err := s.Write(ctx, inc, layers.WriteOptions{}, &sourcetest.Slice{Features: []*layers.Feature{
			sourcetest.Incident(i, orb.Point{116.28 + float64(i%10)*0.001, 39.85}, "停电")}})
		if err != nil {
			t.Fatal(err)
		}
		return res.IDs[0]
	}
	replicaReads := func() int64 { return st.ReplicaReads()[0] }

	// Read-your-writes: each write is seen by the very next read.
	for i := range 20 {
		id := write(st, i)
		if n := count(st); n != int64(i+1) {
			t.Fatalf("after write %d the count is %d", i+1, n)
		}
		if _, err := st.Feature(ctx, inc, id, layers.Staff); err != nil {
			t.Fatalf("own write %d not found: %v", id, err)
		}
	}
	// Once the replica has caught up, reads go to it.
	deadline := time.Now().Add(20 * time.Second)
	for before := replicaReads(); replicaReads() == before; {
		if count(st) != 20 {
			t.Fatal("a read saw other than 20 incidents")
		}
		if time.Now().After(deadline) {
			t.Fatal("after 20s no read went to the caught-up replica")
		}
		time.Sleep(20 * time.Millisecond)
	}

	// Replay paused: the replica falls behind, and reads after a write go to
	// the primary.
	rep, err := pgx.Connect(ctx, pair.Replica)
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Close(ctx)
	if _, err := rep.Exec(ctx, "SELECT pg_wal_replay_pause()"); err != nil {
		t.Fatal(err)
	}
	write(st, 20)
	atPause := replicaReads()
	for range 20 {
		if n := count(st); n != 21 {
			t.Fatalf("with replay paused, a read after the write saw %d incidents, want 21", n)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if replicaReads() != atPause {
		t.Error("a read went to a replica that had not replayed the write")
	}

	// Another process writes on the primary; the versions read (as the tile
	// cache does) sees it, and every read after it shows the write.
	other, err := postgis.Open(ctx, pair.Primary, fengtai.Catalog())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	write(other, 21)
	// Let this store's poller settle on its own writes first: only the
	// versions read must make the next read see the other's write.
	time.Sleep(200 * time.Millisecond)
	if _, err := st.Versions(ctx); err != nil {
		t.Fatal(err)
	}
	if n := count(st); n != 22 {
		t.Fatalf("after a versions read that saw another process's write, a read saw %d incidents, want 22", n)
	}
	if _, err := rep.Exec(ctx, "SELECT pg_wal_replay_resume()"); err != nil {
		t.Fatal(err)
	}
	deadline = time.Now().Add(20 * time.Second)
	for before := replicaReads(); replicaReads() == before; {
		if n := count(st); n != 22 {
			t.Fatalf("after replay resumed a read saw %d incidents", n)
		}
		if time.Now().After(deadline) {
			t.Fatal("after replay resumed no read went to the replica")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
