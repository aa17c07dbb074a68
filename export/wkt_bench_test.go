package export

import (
	"testing"

	"github.com/paulmach/orb"
)

// BenchmarkAppendWKT writes a 200-point polygon as an export's wkt column
// does (6 decimals, reusing the buffer).
func BenchmarkAppendWKT(b *testing.B) {
	r := make(orb.Ring, 200)
	for i := range r {
		r[i] = orb.Point{116.27 + float64(i)*1.234567e-4, 39.84 + float64(i%17)*2.345678e-4}
	}
	g := orb.MultiPolygon{{r}}
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendWKT(buf[:0], g, 6)
	}
}
