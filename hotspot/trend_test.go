package hotspot

import (
	"math"
	"testing"
)

func TestMannKendall(t *testing.T) {
	tests := []struct {
		name    string
		series  []float64
		wantS   int
		wantVar float64 // Var(S), to derive the expected Z
		wantTau float64
	}{
		{
			// Pairs (1,3)+ (1,2)+ (3,2)− → S = 1. Var = 3·2·11/18 = 66/18.
			// Z = (S−1)/σ = 0.
			name: "n=3", series: []float64{1, 3, 2},
			wantS: 1, wantVar: 66.0 / 18, wantTau: 1.0 / 3,
		},
		{
			// Pairs (1,2)+ (1,4)+ (1,3)+ (2,4)+ (2,3)+ (4,3)− → S = 4.
			// Var = 4·3·13/18 = 156/18. Z = 3/sqrt(8.667) = 1.019049.
			name: "n=4", series: []float64{1, 2, 4, 3},
			wantS: 4, wantVar: 156.0 / 18, wantTau: 4.0 / 6,
		},
		{
			// Ties: 1 2 2 3 2.
			// From 1: +4. From first 2: 0,+,0 → +1. From second 2: +,0 → +1.
			// From 3: − → −1. S = 5.
			// One tie group of t = 3 (value 2): 3·2·11 = 66.
			// Var = (5·4·15 − 66)/18 = 234/18 = 13. Z = 4/√13. Tau = 5/10.
			name: "ties", series: []float64{1, 2, 2, 3, 2},
			wantS: 5, wantVar: 13, wantTau: 0.5,
		},
		{
			// Two tie groups: 2 2 1 1 → pairs (2,2)0 (2,1)− (2,1)− (2,1)−
			// (2,1)− (1,1)0 → S = −4. Groups t = 2, 2: 2·(2·1·9) = 36.
			// Var = (4·3·13 − 36)/18 = 120/18. Z = (−4+1)/σ.
			name: "two tie groups", series: []float64{2, 2, 1, 1},
			wantS: -4, wantVar: 120.0 / 18, wantTau: -4.0 / 6,
		},
		{
			// Strictly increasing, n = 10: all 45 pairs +, S = 45, Tau = 1.
			// Var = 10·9·25/18 = 125. Z = 44/√125 = 3.9355.
			name: "increasing", series: []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10},
			wantS: 45, wantVar: 125, wantTau: 1,
		},
		{
			name: "decreasing", series: []float64{10, 9, 8, 7, 6, 5, 4, 3, 2, 1},
			wantS: -45, wantVar: 125, wantTau: -1,
		},
		{
			// Missing values are skipped: same as 1 2 4 3.
			name: "NaN skipped", series: []float64{1, math.NaN(), 2, 4, math.Inf(1), 3},
			wantS: 4, wantVar: 156.0 / 18, wantTau: 4.0 / 6,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := MannKendall(tc.series)
			if got.S != tc.wantS {
				t.Errorf("S = %d, want %d", got.S, tc.wantS)
			}
			if math.Abs(got.Tau-tc.wantTau) > 1e-12 {
				t.Errorf("Tau = %v, want %v", got.Tau, tc.wantTau)
			}
			var wantZ float64
			switch {
			case tc.wantS > 0:
				wantZ = float64(tc.wantS-1) / math.Sqrt(tc.wantVar)
			case tc.wantS < 0:
				wantZ = float64(tc.wantS+1) / math.Sqrt(tc.wantVar)
			}
			if math.Abs(got.Z-wantZ) > 1e-12 {
				t.Errorf("Z = %.12f, want %.12f", got.Z, wantZ)
			}
			if wantP := math.Erfc(math.Abs(wantZ) / math.Sqrt2); math.Abs(got.P-wantP) > 1e-12 {
				t.Errorf("P = %.12f, want %.12f", got.P, wantP)
			}
		})
	}
}

// TestMannKendallPublished reproduces the worked example "A Mann-Kendall
// Example (By Hand)" by John Little, College of the Holy Cross
// (mathcs.holycross.edu/~little/Montserrat/MannKendallByHand.txt): for the
// 14 values below it reports S = 54 (72 pairs up, 18 down, 1 tie),
// V = (14)(13)(33)/18 − (2)(1)(9)/18, Z = (S−1)/√V = 2.9058 and a one-sided
// p of about .0018.
func TestMannKendallPublished(t *testing.T) {
	series := []float64{12.9, 14.8, 13.2, 15.7, 13.8, 15.6, 12.9, 11.0, 17.3, 15.9, 19.0, 18.3, 20.1, 21.7}
	got := MannKendall(series)
	if got.S != 54 {
		t.Errorf("S = %d, want 54", got.S)
	}
	v := (14.0*13*33 - 2*1*9) / 18
	if want := 53 / math.Sqrt(v); math.Abs(got.Z-want) > 1e-12 {
		t.Errorf("Z = %.12f, want %.12f", got.Z, want)
	}
	if math.Abs(got.Z-2.9058) > 5e-5 {
		t.Errorf("Z = %.6f, want 2.9058 (published)", got.Z)
	}
	// The page's p is one-sided; ours is two-sided.
	if math.Abs(got.P/2-0.0018) > 5e-5 {
		t.Errorf("P/2 = %.6f, want ≈ .0018 (published one-sided)", got.P/2)
	}
	if want := 54.0 / 91; math.Abs(got.Tau-want) > 1e-12 {
		t.Errorf("Tau = %v, want %v", got.Tau, want)
	}
}

func TestMannKendallDegenerate(t *testing.T) {
	tests := []struct {
		name   string
		series []float64
		want   Trend
	}{
		{"empty", nil, Trend{P: 1}},
		{"one", []float64{3}, Trend{P: 1}},
		{"two", []float64{1, 2}, Trend{P: 1}},
		{"two after skipping NaN", []float64{1, math.NaN(), 2}, Trend{P: 1}},
		{"all NaN", []float64{math.NaN(), math.NaN(), math.NaN()}, Trend{P: 1}},
		{"all tied", []float64{5, 5, 5, 5}, Trend{P: 1}},
		// (1,3)+ (1,3)+ (1,1)0 (3,3)0 (3,1)− (3,1)− → S = 0, Tau = 0.
		{"no trend", []float64{1, 3, 3, 1}, Trend{P: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := MannKendall(tc.series)
			if got != tc.want {
				t.Errorf("MannKendall = %+v, want %+v", got, tc.want)
			}
		})
	}
}
