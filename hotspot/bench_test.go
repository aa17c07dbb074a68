package hotspot

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"minqing/geo/hex"
)

// BenchmarkCellOfPoint compares, per incident, the two ways to find its
// res-9 cell: H3's LatLngToCell on the point (the naive approach, a cgo
// call) and the parent of the stored res-15 cell (bit arithmetic, what the
// stores do in SQL). bench/hotspots.sh measures the whole endpoint.
func BenchmarkCellOfPoint(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	pts := make([]orb.Point, 4096)
	fine := make([]hex.Cell, len(pts))
	for i := range pts {
		pts[i] = orb.Point{116.27 + 0.035*r.Float64(), 39.845 + 0.025*r.Float64()}
		fine[i], _ = hex.FromPoint(pts[i], hex.StoreRes)
	}
	b.Run("latlng-to-cell", func(b *testing.B) {
		i := 0
		for b.Loop() {
			if _, err := hex.FromPoint(pts[i%len(pts)], 9); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	var sink hex.Cell
	b.Run("parent-of-stored", func(b *testing.B) {
		i := 0
		for b.Loop() {
			sink ^= hex.Parent(fine[i%len(fine)], 9)
			i++
		}
	})
	_ = sink
}

// BenchmarkStudyGraph measures building the res-11 study area's k-ring graph
// (the largest a request can ask), which every uncached analysis does.
func BenchmarkStudyGraph(b *testing.B) {
	c, _ := hex.FromPoint(orb.Point{116.2875, 39.8575}, 11)
	cells := hex.Disk(c, 27) // about 2,300 cells: the street's 4.6 km² at res 11
	slices.Sort(cells)
	for b.Loop() {
		graph(cells, 1)
	}
}
