package hex

import (
	"math/rand"
	"testing"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"
)

// TestExactCellsMatchLatLngToCell checks the one-pass cells against
// h3.LatLngToCell at every stored resolution and at StoreRes: random points
// over the globe and over Beijing, the poles, face centres, the
// antimeridian, and points around each of the twelve pentagons (whose base
// cells the pass walks in full) and on the edges of Beijing's hexagons
// (where a point's cell is not its finer cell's parent).
func TestExactCellsMatchLatLngToCell(t *testing.T) {
	rng := rand.New(rand.NewSource(14))
	pts := []orb.Point{{0, 90}, {0, -90}, {180, 0}, {-180, 0}, {116.28, 39.85}, {0, 0}}
	for range 200000 {
		pts = append(pts, orb.Point{rng.Float64()*360 - 180, rng.Float64()*180 - 90})
	}
	for range 200000 {
		pts = append(pts, orb.Point{115.4 + rng.Float64()*2.2, 39.4 + rng.Float64()*1.7})
	}
	for _, pent := range h3.Pentagons(0) {
		c := h3.CellToLatLng(pent)
		pts = append(pts, orb.Point{c.Lng, c.Lat})
		for range 5000 {
			d := 0.05 * rng.Float64() * rng.Float64()
			pts = append(pts, orb.Point{c.Lng + d*(rng.Float64()*2-1), c.Lat + d*(rng.Float64()*2-1)})
		}
	}
	edges := 0
	for _, p := range pts {
		store, got, err := PointCells(p)
		if err != nil {
			t.Fatalf("%v: %v", p, err)
		}
		if want := h3.LatLngToCell(h3.NewLatLng(p[1], p[0]), StoreRes); store != Cell(want) {
			t.Fatalf("%v at resolution %d: %x, LatLngToCell says %x", p, StoreRes, store, want)
		}
		for i, c := range got {
			want := h3.LatLngToCell(h3.NewLatLng(p[1], p[0]), MinExactRes+i)
			if c != Cell(want) {
				t.Fatalf("%v at resolution %d: %x, LatLngToCell says %x", p, MinExactRes+i, c, want)
			}
			if i+1 < len(got) && Parent(got[i+1], MinExactRes+i) != c {
				edges++
			}
		}
	}
	// The shortcut's other branch ran: many cells were not their finer
	// cell's parent.
	if edges < len(pts)/10 {
		t.Errorf("only %d of %d points had a cell that is not its finer cell's parent", edges, len(pts))
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
	// What a written point costs: its cell at StoreRes and its exact cells.
	b.Run("PointCells", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := PointCells(p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("LatLngToCell×8", func(b *testing.B) {
		ll := h3.NewLatLng(p[1], p[0])
		for b.Loop() {
			for r := MinExactRes; r <= MaxExactRes; r++ {
				_ = h3.LatLngToCell(ll, r)
			}
			_ = h3.LatLngToCell(ll, StoreRes)
		}
	})
}
