package hotspot

import (
	"reflect"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"minqing/geo/hex"
)

// TestGraphCacheGivesTheGraph: the cached neighbourhoods are graph's for
// the same cells and k — after a hit, for another k, after the caller
// reuses its slice, and once older graphs were evicted.
func TestGraphCacheGivesTheGraph(t *testing.T) {
	c0, err := hex.FromPoint(orb.Point{116.285, 39.857}, 9)
	if err != nil {
		t.Fatal(err)
	}
	var gc graphCache
	disk := func(k int) []hex.Cell { return slices.Sorted(slices.Values(hex.Disk(c0, k))) }
	cells := disk(3)
	for _, k := range []int{1, 2, 1} {
		if got, want := gc.get(cells, k), graph(cells, k); !reflect.DeepEqual(got, want) {
			t.Fatalf("k=%d: cached graph differs from graph", k)
		}
	}
	mine := slices.Clone(cells)
	gc.get(mine, 1)
	mine[0] = mine[1] // the caller's slice, reused
	if got, want := gc.get(cells, 1), graph(cells, 1); !reflect.DeepEqual(got, want) {
		t.Fatal("the cache kept the caller's slice")
	}
	for r := 1; r <= maxGraphs+2; r++ { // evicts the first ones
		gc.get(disk(r), 1)
	}
	if len(gc.recent) != maxGraphs {
		t.Fatalf("%d graphs kept, want %d", len(gc.recent), maxGraphs)
	}
	if got, want := gc.get(cells, 2), graph(cells, 2); !reflect.DeepEqual(got, want) {
		t.Fatal("after eviction: graph differs")
	}
}
