package hex

import (
	"math/rand"
	"testing"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"
)

// TestExactCellsMatchLatLngToCell checks the one-pass exact cells against
// h3.LatLngToCell at every resolution: random points over the globe and
// over Beijing, the poles, face centres and the antimeridian.
func TestExactCellsMatchLatLngToCell(t *testing.T) {
	rng := rand.New(rand.NewSource(14))
	pts := []orb.Point{{0, 90}, {0, -90}, {180, 0}, {-180, 0}, {116.28, 39.85}, {0, 0}}
	for range 200000 {
		pts = append(pts, orb.Point{rng.Float64()*360 - 180, rng.Float64()*180 - 90})
	}
	for range 200000 {
		pts = append(pts, orb.Point{115.4 + rng.Float64()*2.2, 39.4 + rng.Float64()*1.7})
	}
	for _, p := range pts {
		got, err := ExactCells(p)
		if err != nil {
			t.Fatalf("%v: %v", p, err)
		}
		for i, c := range got {
			want := h3.LatLngToCell(h3.NewLatLng(p[1], p[0]), MinExactRes+i)
			if c != Cell(want) {
				t.Fatalf("%v at resolution %d: %x, LatLngToCell says %x", p, MinExactRes+i, c, want)
			}
		}
	}
}

// BenchmarkExactCellsOnePass compares the one-pass exact cells with seven
// h3.LatLngToCell calls, in the same run.
func BenchmarkExactCellsOnePass(b *testing.B) {
	p := orb.Point{116.2875, 39.8575}
	b.Run("one-pass", func(b *testing.B) {
		for b.Loop() {
			if _, err := ExactCells(p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("LatLngToCell×7", func(b *testing.B) {
		ll := h3.NewLatLng(p[1], p[0])
		for b.Loop() {
			for r := MinExactRes; r <= MaxExactRes; r++ {
				_ = h3.LatLngToCell(ll, r)
			}
		}
	})
}
