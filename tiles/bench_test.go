package tiles_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"minqing/layers"
	"minqing/tiles"
)

// BenchmarkEncodePoints encodes tiles of incidents with every property a
// public caller and a staff member sees, as the stores serve them at
// z15–z17.
func BenchmarkEncodePoints(b *testing.B) {
	inc := layer(b, "incidents")
	for _, role := range []layers.Role{layers.Public, layers.Staff} {
		fields := inc.VisibleFields(role)
		for _, n := range []int{100, 1000, 10000} {
			feats := incidents(n)
			// All points in one z14 tile around the street's centre.
			tl := maptile.At(orb.Point{116.2875, 39.8575}, 13)
			b.Run(fmt.Sprintf("%s/%d", role, n), func(b *testing.B) {
				b.ReportAllocs()
				var size int
				for b.Loop() {
					body, err := tiles.Encode(tl, []tiles.Layer{{Name: "incidents", Fields: fields, Features: feats}}, tiles.Options{})
					if err != nil {
						b.Fatal(err)
					}
					size = len(body)
				}
				b.ReportMetric(float64(size), "bytes/tile")
			})
		}
	}
}

// BenchmarkEncodePolygons encodes the communities, clipped to a z15 tile.
func BenchmarkEncodePolygons(b *testing.B) {
	com := layer(b, "communities")
	feats := communities()
	tl := maptile.At(orb.Point{116.2875, 39.8575}, 15)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tiles.Encode(tl, []tiles.Layer{{Name: "communities", Fields: com.Fields, Features: feats}}, tiles.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderClusters clusters 20,000 incidents into a z13 tile.
func BenchmarkRenderClusters(b *testing.B) {
	src := &memSource{feats: map[string][]*layers.Feature{"incidents": incidents(20000)}}
	tl := maptile.At(orb.Point{116.2875, 39.8575}, 13)
	req := layers.TileRequest{Layers: []*layers.Layer{layer(b, "incidents")}, Z: 13, X: int(tl.X), Y: int(tl.Y)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tiles.Render(context.Background(), src, req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCacheGet is the warm path's cache lookup.
func BenchmarkCacheGet(b *testing.B) {
	c := tiles.NewCache(256 << 20)
	for i := range 10000 {
		c.Put(fmt.Sprintf("incidents/16/%d/24844|public|", i), []int64{7}, make([]byte, 2000))
	}
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			c.Get(fmt.Sprintf("incidents/16/%d/24844|public|", i%10000), []int64{7})
			i++
		}
	})
}
