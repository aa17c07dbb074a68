package geo

import (
	"testing"

	"github.com/paulmach/orb"
)

func TestOrientInBox(t *testing.T) {
	a, b := orb.Point{0, 0}, orb.Point{2, 2}
	tests := []struct {
		p      orb.Point
		orient int
		inBox  bool
	}{
		{orb.Point{0, 2}, 1, true},
		{orb.Point{2, 0}, -1, true},
		{orb.Point{1, 1}, 0, true},  // on the segment
		{orb.Point{3, 3}, 0, false}, // collinear, beyond b
		{orb.Point{2, 2}, 0, true},  // an end
		{orb.Point{-1, 5}, 1, false},
	}
	for _, tc := range tests {
		if got := Orient(a, b, tc.p); got != tc.orient {
			t.Errorf("Orient(%v) = %d, want %d", tc.p, got, tc.orient)
		}
		if got := InBox(a, b, tc.p); got != tc.inBox {
			t.Errorf("InBox(%v) = %v, want %v", tc.p, got, tc.inBox)
		}
	}
}
