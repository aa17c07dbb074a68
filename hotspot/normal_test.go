package hotspot

import (
	"math"
	"testing"
)

func TestNormalCDF(t *testing.T) {
	// Reference quantiles of the standard normal distribution
	// (Φ⁻¹(0.975) = 1.959963984540054, Φ⁻¹(0.95) = 1.6448536269514722,
	// Φ⁻¹(0.995) = 2.5758293035489004).
	tests := []struct {
		z, want float64
	}{
		{0, 0.5},
		{1.959963984540054, 0.975},
		{-1.959963984540054, 0.025},
		{1.6448536269514722, 0.95},
		{-2.5758293035489004, 0.005},
		{math.Inf(1), 1},
		{math.Inf(-1), 0},
	}
	for _, tc := range tests {
		if got := NormalCDF(tc.z); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("NormalCDF(%v) = %.15g, want %.15g", tc.z, got, tc.want)
		}
	}
	// The lower tail must not be lost to cancellation: Φ(−10) ≈ 7.62e-24.
	if got := NormalCDF(-10); !(got > 7.6e-24 && got < 7.7e-24) {
		t.Errorf("NormalCDF(-10) = %g, want ≈ 7.62e-24", got)
	}
}

func TestTwoSidedP(t *testing.T) {
	tests := []struct {
		z, want float64
	}{
		{0, 1},
		{1.959963984540054, 0.05},
		{-1.959963984540054, 0.05},
		{1.6448536269514722, 0.10},
		{2.5758293035489004, 0.01},
		{-2.5758293035489004, 0.01},
		{math.Inf(1), 0},
		{math.NaN(), 1},
	}
	for _, tc := range tests {
		if got := TwoSidedP(tc.z); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("TwoSidedP(%v) = %.15g, want %.15g", tc.z, got, tc.want)
		}
	}
	// Consistency with the CDF: p = 2(1 − Φ(|z|)).
	for _, z := range []float64{0.3, 1, 1.7, 2.2, 3.1} {
		want := 2 * (1 - NormalCDF(z))
		if got := TwoSidedP(z); math.Abs(got-want) > 1e-12 {
			t.Errorf("TwoSidedP(%v) = %.15g, want 2(1−Φ) = %.15g", z, got, want)
		}
	}
}
