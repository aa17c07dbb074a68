package hotspot_test

import (
	"fmt"

	"minqing/hotspot"
)

// A line of five cells, each neighbouring the cells beside it (and itself),
// with incident counts rising from left to right: the left end is a cold
// spot and the right end a hot spot at 90 % confidence.
func ExampleGiStar() {
	g := hotspot.Graph{Neighbors: [][]int{
		{0, 1},
		{0, 1, 2},
		{1, 2, 3},
		{2, 3, 4},
		{3, 4},
	}}
	counts := []float64{1, 2, 3, 4, 5}
	rs, err := hotspot.GiStar(counts, g)
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, r := range rs {
		fmt.Printf("cell %d: z=%+.3f p=%.4f %s\n", i, r.Z, r.P, r.Class)
	}
	// Output:
	// cell 0: z=-1.732 p=0.0833 cold-90
	// cell 1: z=-1.732 p=0.0833 cold-90
	// cell 2: z=+0.000 p=1.0000 not-significant
	// cell 3: z=+1.732 p=0.0833 hot-90
	// cell 4: z=+1.732 p=0.0833 hot-90
}

// One cell's Gi* z-scores over six time steps: it becomes a hot spot in the
// last two.
func ExampleEmergingLabel() {
	zs := []float64{0.2, -0.4, 0.9, 1.1, 2.1, 2.8}
	steps := make([]hotspot.Result, len(zs))
	for i, z := range zs {
		steps[i] = hotspot.Result{Z: z, P: hotspot.TwoSidedP(z), Class: hotspot.Classify(z)}
	}
	trend := hotspot.MannKendall(zs)
	fmt.Printf("S=%d tau=%.3f p=%.4f\n", trend.S, trend.Tau, trend.P)
	fmt.Println(hotspot.EmergingLabel(steps, trend))
	// Output:
	// S=13 tau=0.867 p=0.0242
	// consecutive
}

// The Benjamini–Hochberg (1995) example: at q = 0.05 the first four of the
// fifteen p-values are rejected.
func ExampleBHThreshold() {
	ps := []float64{0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298,
		0.0344, 0.0459, 0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.000}
	fmt.Println(hotspot.BHThreshold(ps, 0.05))
	// Output:
	// 0.0095
}
