package tiles_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"minqing/layers"
	"minqing/tiles"
)

func box(x0, y0, x1, y1 float64) orb.Bound {
	return orb.Bound{Min: orb.Point{x0, y0}, Max: orb.Point{x1, y1}}
}

func TestChangeLogClean(t *testing.T) {
	log := tiles.NewChangeLog()
	log.Add([]layers.LayerChange{
		{Layer: "incidents", From: 1, To: 2, Bound: box(0, 0, 1, 1)},
		{Layer: "incidents", From: 2, To: 4, Bound: box(10, 10, 11, 11)},
		// 4→5 not logged: written by another program
		{Layer: "incidents", From: 5, To: 6, Bound: box(20, 20, 21, 21)},
		{Layer: "streets", From: 0, To: 1, Bound: box(0, 0, 50, 50)},
	})
	far, near := box(100, 100, 101, 101), box(10.5, 10.5, 12, 12)
	for _, tc := range []struct {
		name     string
		layer    string
		from, to int64
		b        orb.Bound
		want     bool
	}{
		{"same version", "incidents", 3, 3, near, true},
		{"far from every write", "incidents", 1, 4, far, true},
		{"a write inside", "incidents", 1, 4, near, false},
		{"only later writes, far", "incidents", 2, 4, box(0, 0, 1, 1), true},
		{"an unlogged version in between", "incidents", 2, 6, far, false},
		{"after the gap", "incidents", 5, 6, far, true},
		{"before the log", "incidents", 0, 2, far, false},
		{"past the log", "incidents", 5, 7, far, false},
		{"version went back", "incidents", 4, 2, far, false},
		{"other layer's log", "streets", 0, 1, far, true},
		{"unknown layer", "greening", 0, 1, far, false},
		{"derived layer (no name)", "", 0, 1, far, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := log.Clean(tc.layer, tc.from, tc.to, tc.b); got != tc.want {
				t.Errorf("Clean(%s, %d, %d) = %v, want %v", tc.layer, tc.from, tc.to, got, tc.want)
			}
		})
	}
	var none *tiles.ChangeLog
	if none.Clean("incidents", 1, 2, far) {
		t.Error("a nil log kept a tile across a write")
	}
}

func TestCacheGetAtKeepsTilesAWriteMissed(t *testing.T) {
	log := tiles.NewChangeLog()
	c := tiles.NewCache(1 << 20)
	names := []string{"streets", "incidents"}
	c.Put("far", []int64{1, 1}, []byte("far"))
	c.Put("near", []int64{1, 1}, []byte("near"))
	log.Add([]layers.LayerChange{{Layer: "incidents", From: 1, To: 2, Bound: box(0, 0, 1, 1)}})
	now := []int64{1, 2}
	if e, ok := c.GetAt("far", names, now, box(5, 5, 6, 6), log); !ok || string(e.Body) != "far" {
		t.Fatal("a tile away from the write was dropped")
	}
	if _, ok := c.GetAt("near", names, now, box(0.5, 0.5, 2, 2), log); ok {
		t.Fatal("a tile the write reached was served")
	}
	// The kept tile is now stamped with the new versions: a later write
	// elsewhere keeps it again, one into it drops it.
	log.Add([]layers.LayerChange{{Layer: "incidents", From: 2, To: 3, Bound: box(5.5, 5.5, 5.5, 5.5)}})
	if _, ok := c.GetAt("far", names, []int64{1, 3}, box(5, 5, 6, 6), log); ok {
		t.Fatal("a tile a later write reached was served")
	}
	st := c.Stats()
	if st.Kept != 1 || st.Stale != 2 || st.Hits != 1 {
		t.Errorf("stats %+v, want 1 kept, 2 stale, 1 hit", st)
	}
}

// TestVersionsWatched: with a watcher up, Get answers from memory until a
// commit is told, a local write is counted, or the watcher goes down.
func TestVersionsWatched(t *testing.T) {
	var version, local atomic.Int64
	v := tiles.NewChangeVersions(func(ctx context.Context, since map[string]int64) (map[string]int64, []layers.LayerChange, error) {
		return map[string]int64{"incidents": version.Load()}, nil, nil
	}, time.Minute)
	v.SetLocalWrites(local.Load)
	get := func() int64 {
		t.Helper()
		m, err := v.Get(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return m["incidents"]
	}
	steps := []struct {
		name      string
		do        func()
		want      int64
		wantReads int64 // reads of the store by this step's Get
	}{
		{"unwatched: every Get reads", func() {}, 0, 1},
		{"unwatched again", func() {}, 0, 1},
		{"watcher up: one read", func() { v.Up(true) }, 0, 1},
		{"watched, nothing told: memory", func() {}, 0, 0},
		{"a commit nobody told yet is not seen", func() { version.Store(1) }, 0, 0},
		{"told: read", func() { v.Changed() }, 1, 1},
		{"then memory again", func() {}, 1, 0},
		{"a local write: read at once", func() { version.Store(2); local.Add(1) }, 2, 1},
		{"watcher down: read per Get", func() { v.Up(false); version.Store(3) }, 3, 1},
		{"still down", func() { version.Store(4) }, 4, 1},
	}
	for _, s := range steps {
		before := v.Reads()
		s.do()
		if got := get(); got != s.want {
			t.Fatalf("%s: version %d, want %d", s.name, got, s.want)
		}
		if n := v.Reads() - before; n != s.wantReads {
			t.Errorf("%s: %d reads, want %d", s.name, n, s.wantReads)
		}
	}
}

// TestVersionsProbe: with a probe, Get reads only after the probe says a
// commit may have happened, and a probe that fails means a read.
func TestVersionsProbe(t *testing.T) {
	var version atomic.Int64
	var changed atomic.Bool
	var probeErr atomic.Bool
	v := tiles.NewVersions(func(ctx context.Context) (map[string]int64, error) {
		return map[string]int64{"incidents": version.Load()}, nil
	}, time.Minute)
	v.SetProbe(func(context.Context) (bool, error) {
		if probeErr.Load() {
			return false, context.DeadlineExceeded
		}
		return changed.Swap(false), nil
	})
	changed.Store(true) // the first probe of a connection says so
	for i, s := range []struct {
		commit, fail bool
		wantReads    int64
	}{
		{false, false, 1}, {false, false, 0}, {true, false, 1}, {false, false, 0}, {false, true, 1}, {false, false, 0}, {true, false, 1},
	} {
		before := v.Reads()
		if s.commit {
			version.Add(1)
			changed.Store(true)
		}
		probeErr.Store(s.fail)
		m, err := v.Get(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if m["incidents"] != version.Load() {
			t.Fatalf("step %d: version %d, want %d", i, m["incidents"], version.Load())
		}
		if n := v.Reads() - before; n != s.wantReads {
			t.Errorf("step %d: %d reads, want %d", i, n, s.wantReads)
		}
	}
}
