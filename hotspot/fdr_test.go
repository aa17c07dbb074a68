package hotspot

import (
	"math"
	"slices"
	"testing"
)

func TestBHThreshold(t *testing.T) {
	// Benjamini and Hochberg (1995), section 4.1: 15 p-values from a
	// myocardial infarction study. At q = 0.05 the critical values are
	// k·0.05/15 = 0.00333k: p(4) = 0.0095 ≤ 0.0133 but p(5) = 0.0201 > 0.0167
	// and no later p(k) ≤ 0.00333k, so the first four hypotheses are
	// rejected and the threshold is 0.0095.
	paper := []float64{0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298,
		0.0344, 0.0459, 0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.000}
	shuffled := []float64{0.6528, 0.0298, 1.000, 0.0095, 0.0001, 0.4262, 0.0201,
		0.0459, 0.3240, 0.0004, 0.7590, 0.0278, 0.0019, 0.5719, 0.0344}

	tests := []struct {
		name  string
		ps    []float64
		alpha float64
		want  float64
	}{
		{"BH 1995 example", paper, 0.05, 0.0095},
		{"BH 1995 example, shuffled", shuffled, 0.05, 0.0095},
		// At q = 0.01: 0.01k/15 = 0.000667k; p(2) = 0.0004 ≤ 0.00133,
		// p(3) = 0.0019 ≤ 0.002, p(4) = 0.0095 > 0.00267 → 0.0019.
		{"BH 1995 example at 0.01", paper, 0.01, 0.0019},
		// Step-up: p(1) = 0.03 > 0.025 alone, but p(2) = 0.04 ≤ 0.05, so both
		// are rejected.
		{"step-up", []float64{0.04, 0.03}, 0.05, 0.04},
		// Equality passes: p(1) = 0.125 = 1·0.5/4 (exact in binary).
		{"equality", []float64{0.9, 0.125, 0.9, 0.9}, 0.5, 0.125},
		{"none pass", []float64{0.2, 0.5, 0.9}, 0.05, 0},
		{"empty", nil, 0.05, 0},
		{"alpha zero", []float64{0.0001}, 0, 0},
		// NaN counts towards m but is never rejected: with m = 2,
		// p(1) = 0.04 > 1·0.05/2 = 0.025 and NaN cannot pass 0.05.
		{"NaN never passes", []float64{math.NaN(), 0.04}, 0.05, 0},
		// m = 3: 0.02 ≤ 2·0.05/3 = 0.0333.
		{"NaN counts towards m", []float64{math.NaN(), 0.01, 0.02}, 0.05, 0.02},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := slices.Clone(tc.ps)
			if got := BHThreshold(tc.ps, tc.alpha); got != tc.want {
				t.Errorf("BHThreshold = %v, want %v", got, tc.want)
			}
			for i := range before {
				if !(before[i] == tc.ps[i] || math.IsNaN(before[i]) && math.IsNaN(tc.ps[i])) {
					t.Fatalf("input modified: %v, was %v", tc.ps, before)
				}
			}
		})
	}

	// The paper's conclusion: exactly four rejections.
	thr := BHThreshold(paper, 0.05)
	rejected := 0
	for _, p := range paper {
		if p <= thr {
			rejected++
		}
	}
	if rejected != 4 {
		t.Errorf("BH 1995 example rejects %d hypotheses, want 4", rejected)
	}
}

func TestFDR(t *testing.T) {
	ns := func(p float64) Result { return Result{Z: 0.1, P: p, Class: NotSignificant} }
	tests := []struct {
		name string
		in   []Result
		want []Class
	}{
		{
			// m = 10 p-values: 0.0005 0.009 0.025 0.08 0.5 0.6 0.7 0.8 0.9 1.
			// alpha 0.01: 0.001k → p(1) = 0.0005 ≤ 0.001, p(2) = 0.009 > 0.002,
			//   nothing later passes → t99 = 0.0005.
			// alpha 0.05: 0.005k → p(2) = 0.009 ≤ 0.010, p(3) = 0.025 > 0.015,
			//   p(4) = 0.08 > 0.02 → t95 = 0.009.
			// alpha 0.10: 0.01k → p(3) = 0.025 ≤ 0.03, p(4) = 0.08 > 0.04,
			//   p(5) = 0.5 > 0.05 → t90 = 0.025.
			name: "hand example",
			in: []Result{
				{Z: 3.48, P: 0.0005, Class: Hot99},  // passes t99: stays hot-99
				{Z: -2.61, P: 0.009, Class: Cold99}, // fails t99, passes t95
				{Z: 2.24, P: 0.025, Class: Hot95},   // fails t95, passes t90
				{Z: -1.75, P: 0.08, Class: Cold90},  // fails t90
				ns(0.5), ns(0.6), ns(0.7), ns(0.8), ns(0.9), ns(1),
			},
			want: []Class{Hot99, Cold95, Hot90, NotSignificant,
				NotSignificant, NotSignificant, NotSignificant, NotSignificant, NotSignificant, NotSignificant},
		},
		{
			// Every p passes every threshold (m = 3, p(3) = 0.0003 ≤ 0.01),
			// but classes are never raised: hot-90 stays hot-90 and a
			// not-significant cell stays not-significant.
			name: "never raises",
			in: []Result{
				{Z: 1.7, P: 0.0001, Class: Hot90},
				{Z: -2, P: 0.0002, Class: Cold95},
				{Z: 0.1, P: 0.0003, Class: NotSignificant},
			},
			want: []Class{Hot90, Cold95, NotSignificant},
		},
		{
			// p = 0 gives a BH threshold of exactly 0, which must still
			// count as passing.
			name: "zero p-value",
			in:   []Result{{Z: 40, P: 0, Class: Hot99}, ns(1)},
			want: []Class{Hot99, NotSignificant},
		},
		{
			// A lone significant cell among many: m = 100, p = 0.02 >
			// 0.1·1/100, so it loses its class.
			name: "dropped entirely",
			in: append([]Result{{Z: 2.33, P: 0.02, Class: Hot95}},
				slices.Repeat([]Result{ns(0.7)}, 99)...),
			want: append([]Class{NotSignificant}, slices.Repeat([]Class{NotSignificant}, 99)...),
		},
		{
			name: "empty",
			in:   nil,
			want: nil,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := slices.Clone(tc.in)
			got := FDR(tc.in)
			if !slices.Equal(tc.in, before) {
				t.Fatal("FDR modified its input")
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d results, want %d", len(got), len(tc.want))
			}
			for i := range got {
				if got[i].Class != tc.want[i] {
					t.Errorf("result %d: class %q, want %q", i, got[i].Class, tc.want[i])
				}
				if got[i].Z != tc.in[i].Z || got[i].P != tc.in[i].P {
					t.Errorf("result %d: z/p changed to %v/%v", i, got[i].Z, got[i].P)
				}
			}
		})
	}
}

func TestFDROnGiStar(t *testing.T) {
	// The 1×5 line has four cells at |z| = √3, p = erfc(√3/√2) = 0.0833,
	// and one at z = 0, p = 1. BH at alpha 0.10 over m = 5 compares
	// p(k) with 0.02k: p(5) = 1 > 0.10, p(4) = 0.0833 > 0.08, p(3) = 0.0833
	// > 0.06, … so nothing passes and the four hot-90/cold-90 cells become
	// not-significant.
	rs, err := GiStar([]float64{1, 2, 3, 4, 5}, lineGraph(5))
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range FDR(rs) {
		if r.Class != NotSignificant {
			t.Errorf("cell %d: %q after FDR, want not-significant", i, r.Class)
		}
	}
}
