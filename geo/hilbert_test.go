package geo_test

import (
	"fmt"
	"testing"

	"minqing/geo"
)

func TestHilbertKnownCells(t *testing.T) {
	tests := []struct {
		order uint
		x, y  uint64
		want  uint64
	}{
		{1, 0, 0, 0}, {1, 0, 1, 1}, {1, 1, 1, 2}, {1, 1, 0, 3},
		{2, 0, 0, 0}, {2, 1, 0, 1}, {2, 1, 1, 2}, {2, 0, 1, 3},
		{2, 0, 2, 4}, {2, 0, 3, 5}, {2, 1, 3, 6}, {2, 1, 2, 7},
		{2, 2, 2, 8}, {2, 2, 3, 9}, {2, 3, 3, 10}, {2, 3, 2, 11},
		{2, 3, 1, 12}, {2, 2, 1, 13}, {2, 2, 0, 14}, {2, 3, 0, 15},
	}
	for _, tc := range tests {
		if got := geo.Hilbert(tc.order, tc.x, tc.y); got != tc.want {
			t.Errorf("Hilbert(%d, %d, %d) = %d, want %d", tc.order, tc.x, tc.y, got, tc.want)
		}
	}
}

// Every cell of the grid is visited once, each step to a neighbouring cell.
func TestHilbertVisitsEveryCellByNeighbours(t *testing.T) {
	for order := uint(1); order <= 7; order++ {
		n := uint64(1) << order
		at := make([][2]uint64, n*n)
		seen := make([]bool, n*n)
		for x := range n {
			for y := range n {
				d := geo.Hilbert(order, x, y)
				if d >= n*n || seen[d] {
					t.Fatalf("order %d: (%d, %d) → %d, out of range or taken", order, x, y, d)
				}
				seen[d], at[d] = true, [2]uint64{x, y}
			}
		}
		for d := 1; d < len(at); d++ {
			dx := int64(at[d][0]) - int64(at[d-1][0])
			dy := int64(at[d][1]) - int64(at[d-1][1])
			if dx*dx+dy*dy != 1 {
				t.Fatalf("order %d: step %d goes from %v to %v", order, d, at[d-1], at[d])
			}
		}
	}
}

func ExampleHilbert() {
	// The four cells of a 2×2 grid, in the curve's order.
	for _, c := range [][2]uint64{{0, 0}, {0, 1}, {1, 1}, {1, 0}} {
		fmt.Print(geo.Hilbert(1, c[0], c[1]), " ")
	}
	fmt.Println()
	// Output: 0 1 2 3
}
