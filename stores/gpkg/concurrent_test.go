package gpkg_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"minqing/deploy/fengtai"
	"minqing/layers"
	"minqing/stores/sourcetest"
)

// gated yields n incidents and, after the first half, waits for release: a
// write held open in the middle.
type gated struct {
	prefix   string
	n, i     int
	halfway  chan struct{}
	release  chan struct{}
	announce sync.Once
}

func (g *gated) Next() (*layers.Feature, error) {
	if g.i == g.n/2 {
		g.announce.Do(func() { close(g.halfway) })
		<-g.release
	}
	if g.i >= g.n {
		return nil, io.EOF
	}
	g.i++
	f := sourcetest.Incident(g.i, orb.Point{116.27 + 0.03*float64(g.i%100)/100, 39.85}, "停电")
	f.Props["external_id"] = fmt.Sprintf("%s-%d", g.prefix, g.i)
	return f, nil
}

func newGated(prefix string, n int) *gated {
	return &gated{prefix: prefix, n: n, halfway: make(chan struct{}), release: make(chan struct{})}
}

// TestReadersDuringWrite: while a write is open, readers on other
// connections read the last committed state without waiting and without
// error; a second writer waits its turn instead of failing; once the writes
// commit, readers see all of them.
func TestReadersDuringWrite(t *testing.T) {
	ctx := context.Background()
	st := openAt(t, filepath.Join(t.TempDir(), "concurrent.gpkg"))
	inc, _ := fengtai.Catalog().Lookup("incidents")
	if _, err := st.Write(ctx, inc, layers.WriteOptions{}, newGatedDone("old", 10)); err != nil {
		t.Fatal(err)
	}

	first := newGated("first", 1000)
	second := newGated("second", 1000)
	close(second.release)
	errs := make(chan error, 2)
	go func() {
		_, err := st.Write(ctx, inc, layers.WriteOptions{}, first)
		errs <- err
	}()
	<-first.halfway
	go func() {
		_, err := st.Write(ctx, inc, layers.WriteOptions{}, second)
		errs <- err
	}()

	// The first write is open with 500 rows in it, the second waits.
	var wg sync.WaitGroup
	for r := 0; r < 8; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				n, err := st.Count(ctx, inc, layers.Query{})
				if err != nil || n != 10 {
					t.Errorf("reader during the write: count %d, %v; want the committed 10", n, err)
					return
				}
				seen := 0
				if err := st.Features(ctx, inc, layers.Query{Limit: 100}, func(*layers.Feature) error { seen++; return nil }); err != nil || seen != 10 {
					t.Errorf("reader during the write: %d features, %v; want the committed 10", seen, err)
					return
				}
			}
		}()
	}
	wg.Wait()

	// Readers racing the commits see a whole state each time: 10, 1010 or
	// 2010 rows, never a part of a write.
	stop := make(chan struct{})
	for r := 0; r < 4; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				n, err := st.Count(ctx, inc, layers.Query{})
				if err != nil || (n != 10 && n != 1010 && n != 2010) {
					t.Errorf("reader racing the commits: count %d, %v; want 10, 1010 or 2010", n, err)
					return
				}
			}
		}()
	}
	close(first.release)
	for i := 0; i < 2; i++ {
		if err := <-errs; err != nil {
			t.Errorf("write: %v", err)
		}
	}
	close(stop)
	wg.Wait()
	if n, err := st.Count(ctx, inc, layers.Query{}); err != nil || n != 2010 {
		t.Errorf("after both writes: count %d, %v; want 2010", n, err)
	}
}

// newGatedDone is a gated reader that never waits.
func newGatedDone(prefix string, n int) *gated {
	g := newGated(prefix, n)
	close(g.release)
	return g
}

// TestCanceledWriteWritesNothing: a write whose context ends mid-way (the
// client went away) rolls back and frees the write connection.
func TestCanceledWriteWritesNothing(t *testing.T) {
	st := openAt(t, filepath.Join(t.TempDir(), "cancel.gpkg"))
	inc, _ := fengtai.Catalog().Lookup("incidents")
	ctx, cancel := context.WithCancel(context.Background())
	g := newGated("gone", 100)
	errs := make(chan error, 1)
	go func() {
		_, err := st.Write(ctx, inc, layers.WriteOptions{}, g)
		errs <- err
	}()
	<-g.halfway
	cancel()
	close(g.release)
	if err := <-errs; !errors.Is(err, context.Canceled) {
		t.Errorf("canceled write: err = %v, want context.Canceled", err)
	}
	bg := context.Background()
	if n, err := st.Count(bg, inc, layers.Query{}); err != nil || n != 0 {
		t.Errorf("after a canceled write: count %d, %v; want 0", n, err)
	}
	if _, err := st.Write(bg, inc, layers.WriteOptions{}, newGatedDone("next", 3)); err != nil {
		t.Errorf("the next write: %v", err)
	}
}
