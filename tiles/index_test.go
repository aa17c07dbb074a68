package tiles_test

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"minqing/layers"
	"minqing/tiles"
)

// versionedSource is a memSource with versions and counts, that counts the
// tile-sized feature reads it answers.
type versionedSource struct {
	layers.Source // unused methods panic
	mem           *memSource
	mu            sync.Mutex
	version       int64
	boxReads      int
	countReads    int
}

func (v *versionedSource) Features(ctx context.Context, l *layers.Layer, q layers.Query, fn func(*layers.Feature) error) error {
	v.mu.Lock()
	if q.BBox != nil {
		v.boxReads++
	}
	v.mu.Unlock()
	return v.mem.Features(ctx, l, q, fn)
}

func (v *versionedSource) CellCounts(ctx context.Context, l *layers.Layer, res int, q layers.Query, groupBy string) ([]layers.CellCount, error) {
	v.mu.Lock()
	v.countReads++
	v.mu.Unlock()
	return v.mem.cellCounts(ctx, l, res, q)
}

func (v *versionedSource) Count(ctx context.Context, l *layers.Layer, q layers.Query) (int64, error) {
	return int64(len(v.mem.feats[l.Name])), nil
}

func (v *versionedSource) Versions(ctx context.Context) (map[string]int64, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return map[string]int64{"incidents": v.version}, nil
}

func (v *versionedSource) reads() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.boxReads
}

// TestPointIndexServesTheSameTilesAndNeverAStaleOne renders tiles from the
// store and from the index: the same bytes, for the public and staff and
// with a time window; once loaded, the index answers without reading the
// store; after a write (a new version) the tile has the new point at once.
func TestPointIndexServesTheSameTilesAndNeverAStaleOne(t *testing.T) {
	ctx := context.Background()
	src := &versionedSource{mem: &memSource{feats: map[string][]*layers.Feature{"incidents": incidents(2000)}}, version: 1}
	inc := layer(t, "incidents")
	ix := tiles.NewPointIndex(src)
	from := time.Date(2025, 7, 15, 0, 0, 0, 0, layers.Shanghai)
	c := maptile.At(orb.Point{116.2875, 39.8575}, 16)
	reqs := []layers.TileRequest{
		{Layers: []*layers.Layer{inc}, Z: 16, X: int(c.X), Y: int(c.Y)},
		{Layers: []*layers.Layer{inc}, Z: 16, X: int(c.X), Y: int(c.Y), Role: layers.Staff},
		{Layers: []*layers.Layer{inc}, Z: 15, X: int(c.X / 2), Y: int(c.Y / 2), Role: layers.Staff,
			Query: map[string]layers.Query{"incidents": {Time: &layers.TimeRange{Start: &from}}}},
	}
	want := make([][]byte, len(reqs))
	for i, req := range reqs {
		b, err := tiles.Render(ctx, ix.At(src, map[string]int64{"incidents": 1}), req) // starts the load
		if err != nil {
			t.Fatal(err)
		}
		if len(b) == 0 {
			t.Fatalf("request %d: empty tile", i)
		}
		want[i] = b
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		before := src.reads()
		if _, err := tiles.Render(ctx, ix.At(src, map[string]int64{"incidents": 1}), reqs[0]); err != nil {
			t.Fatal(err)
		}
		if src.reads() == before {
			break // answered from memory
		}
		if time.Now().After(deadline) {
			t.Fatal("the index never loaded")
		}
		time.Sleep(10 * time.Millisecond)
	}
	before := src.reads()
	for i, req := range reqs {
		b, err := tiles.Render(ctx, ix.At(src, map[string]int64{"incidents": 1}), req)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, want[i]) {
			t.Errorf("request %d: the index's tile differs from the store's", i)
		}
	}
	if src.reads() != before {
		t.Errorf("the loaded index read the store %d times", src.reads()-before)
	}

	// A write: a new point in the tile, version 2.
	p := tiles.FromMercator(tiles.MercatorBound(c).Center())
	f := &layers.Feature{ID: 1_000_000, Geometry: p, Props: map[string]any{"category": "新点", "status": "open", "received_at": time.Now()}}
	src.mu.Lock()
	src.mem.feats["incidents"] = append(src.mem.feats["incidents"], f)
	src.version = 2
	src.mu.Unlock()
	b, err := tiles.Render(ctx, ix.At(src, map[string]int64{"incidents": 2}), reqs[0])
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte("新点")) {
		t.Error("the tile after a write lacks the new point: served from a stale index")
	}
}
