package tiles_test

import (
	"fmt"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"minqing/deploy/fengtai"
	"minqing/layers"
	"minqing/tiles"
)

// Encode a tile from WGS 84 features, as the embedded store does, then read
// it back as a map client would.
func ExampleEncode() {
	inc, _ := fengtai.Catalog().Lookup("incidents")
	p := orb.Point{116.2875, 39.8575} // 丰台街道
	tile := maptile.At(p, 16)
	body, err := tiles.Encode(tile, []tiles.Layer{{
		Name:   "incidents",
		Fields: inc.VisibleFields(layers.Public), // what the public may see
		Features: []*layers.Feature{{
			ID:       1,
			Geometry: p,
			Props: map[string]any{
				"category":    "停电",
				"received_at": time.Date(2026, 3, 5, 14, 3, 0, 0, layers.Shanghai),
				"description": "3号楼停电", // staff only: not in the tile
			},
		}},
	}}, tiles.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	ls, _ := mvt.Unmarshal(body)
	f := ls[0].Features[0]
	fmt.Println(ls[0].Name, ls[0].Extent, f.ID)
	at := time.Unix(int64(f.Properties["received_at"].(float64)), 0).In(layers.Shanghai)
	fmt.Println(f.Properties["category"], at.Format(time.DateTime), f.Properties["description"])
	// Output:
	// incidents 4096 1
	// 停电 2026-03-05 14:03:00 <nil>
}

// A cache entry remembers the layer versions it was rendered from: after a
// write bumps a version, the same key misses.
func ExampleCache() {
	c := tiles.NewCache(64 << 20)
	key := "incidents/15/26968/12422|public|"
	c.Put(key, []int64{41}, []byte{0x1a, 0x00})
	_, hit := c.Get(key, []int64{41})
	fmt.Println("before the write:", hit)
	_, hit = c.Get(key, []int64{42})
	fmt.Println("after the write:", hit)
	// Output:
	// before the write: true
	// after the write: false
}

// Which incident tiles are decided by their clusters before any point is
// read: the whole history up to z17, a week or a category only at z15
// (whose res-10 clusters the rollups count by day and category).
func ExampleClustersFirst() {
	inc, _ := fengtai.Catalog().Lookup("incidents")
	from := time.Date(2026, 2, 23, 0, 0, 0, 0, layers.Shanghai)
	week := layers.Query{Time: &layers.TimeRange{Start: &from}}
	category := layers.Query{Equal: map[string][]any{"category": {"漏水"}}}
	status := layers.Query{Equal: map[string][]any{"status": {"办理中"}}} // not in the rollups
	for _, z := range []int{15, 16, 17, 18} {
		fmt.Printf("z%d: all %v (res %d), a week %v (res %d), a category %v, a status %v (res %d)\n", z,
			tiles.ClustersFirst(inc, z, layers.Query{}), tiles.ClusterResOf(z, layers.Query{}),
			tiles.ClustersFirst(inc, z, week), tiles.ClusterResOf(z, week), tiles.ClustersFirst(inc, z, category),
			tiles.ClustersFirst(inc, z, status), tiles.ClusterResOf(z, status))
	}
	// Output:
	// z15: all true (res 10), a week true (res 10), a category true, a status false (res 10)
	// z16: all true (res 11), a week true (res 10), a category true, a status false (res 11)
	// z17: all true (res 11), a week false (res 11), a category false, a status false (res 11)
	// z18: all false (res 11), a week false (res 11), a category false, a status false (res 11)
}
