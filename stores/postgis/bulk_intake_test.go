package postgis_test

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"minqing/deploy/fengtai"
	"minqing/layers"
	"minqing/stores/postgis"
	"minqing/stores/sourcetest"
)

// pausedReader hands out features and, at feature pause, tells paused and
// waits for resume.
type pausedReader struct {
	fs             []*layers.Feature
	i, pause       int
	paused, resume chan struct{}
}

func (r *pausedReader) Next() (*layers.Feature, error) {
	if r.i == r.pause {
		close(r.paused)
		<-r.resume
	}
	if r.i >= len(r.fs) {
		return nil, io.EOF
	}
	r.i++
	return r.fs[r.i-1], nil
}

// TestBulkWriteLetsIntakeIn: while a large import is under way (past the
// point where it counts its own rollups), it holds no lock that makes an
// insert wait: an intake commits before the import does (before this
// release it waited for the import's version and rollup rows, and the test
// ran into its deadline), and once both have committed the rollups equal
// the raw counts.
func TestBulkWriteLetsIntakeIn(t *testing.T) {
	old := *postgis.RollupsAfter
	*postgis.RollupsAfter = 20
	t.Cleanup(func() { *postgis.RollupsAfter = old })
	ctx := context.Background()
	st := open(t).(*postgis.Store)
	l, _ := fengtai.Catalog().Get("incidents", layers.Admin)
	if _, err := st.Write(ctx, l, layers.WriteOptions{}, &sourcetest.Slice{Features: bulkIncidents(30, 0)}); err != nil {
		t.Fatal(err)
	}
	r := &pausedReader{fs: bulkIncidents(3030, 0)[30:], pause: 2000, paused: make(chan struct{}), resume: make(chan struct{})}
	done := make(chan error, 1)
	go func() {
		_, err := st.Write(ctx, l, layers.WriteOptions{}, r)
		done <- err
	}()
	select {
	case <-r.paused:
	case err := <-done:
		t.Fatalf("the import ended before its pause: %v", err)
	}
	// An intake meanwhile commits (the bound is only against a hang).
	ictx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	one := sourcetest.Incident(9999, orb.Point{116.2871, 39.8568}, "水管爆裂")
	one.Props["external_id"] = "intake-during-import"
	if _, err := st.Write(ictx, l, layers.WriteOptions{}, &sourcetest.Slice{Features: []*layers.Feature{one}}); err != nil {
		t.Errorf("an intake during the import: %v", err)
	}
	close(r.resume)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := count(t, st, "SELECT count(*) FROM incidents"); n != 30+3000+1 {
		t.Errorf("%d incidents, want %d", n, 30+3000+1)
	}
	if diff, on := rollupsOff(t, st); diff != 0 || !on {
		t.Errorf("%d rollup rows differ from the incidents'; trigger on: %v", diff, on)
	}
}
