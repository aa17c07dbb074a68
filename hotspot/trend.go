package hotspot

import (
	"math"
	"slices"
)

// Trend is the outcome of a Mann–Kendall trend test.
//
// S is the Mann–Kendall statistic Σ_{i<j} sign(x_j − x_i). Tau is Kendall's
// tau-a, S / (n(n−1)/2), so a strictly increasing series has Tau = 1 and a
// strictly decreasing one Tau = −1 (ties pull |Tau| below 1). Z is the
// continuity-corrected normal score (S−1)/σ for S > 0, (S+1)/σ for S < 0 and
// 0 for S = 0, where σ² is the tie-corrected variance of S. P is the
// two-sided p-value of Z.
type Trend struct {
	S   int
	Tau float64
	Z   float64
	P   float64
}

// MannKendall runs the Mann–Kendall test for a monotonic trend on series,
// taken in order (index = time). NaN and infinite values are skipped, as
// missing observations; n below is the number of remaining values.
//
// The variance of S includes the correction for ties:
//
//	Var(S) = [ n(n−1)(2n+5) − Σ_t t(t−1)(2t+5) ] / 18
//
// where the sum runs over groups of t equal values. Z uses the normal
// approximation with continuity correction; P = erfc(|Z|/√2).
//
// With n < 3 the test is not defined and the zero Trend with P = 1 is
// returned. If every value is tied (Var(S) = 0) then S = 0, Z = 0, P = 1.
// No result field is ever NaN.
func MannKendall(series []float64) Trend {
	xs := make([]float64, 0, len(series))
	for _, v := range series {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			xs = append(xs, v)
		}
	}
	n := len(xs)
	if n < 3 {
		return Trend{P: 1}
	}

	s := 0
	for i := 0; i < n-1; i++ {
		for j := i + 1; j < n; j++ {
			switch {
			case xs[j] > xs[i]:
				s++
			case xs[j] < xs[i]:
				s--
			}
		}
	}

	// Tie groups: runs of equal values in sorted order.
	sorted := slices.Clone(xs)
	slices.Sort(sorted)
	ties := 0.0
	for i := 0; i < n; {
		j := i + 1
		for j < n && sorted[j] == sorted[i] {
			j++
		}
		if t := float64(j - i); t > 1 {
			ties += t * (t - 1) * (2*t + 5)
		}
		i = j
	}
	fn := float64(n)
	variance := (fn*(fn-1)*(2*fn+5) - ties) / 18

	tr := Trend{S: s, Tau: float64(s) / (fn * (fn - 1) / 2), P: 1}
	if variance <= 0 || s == 0 {
		return tr
	}
	sd := math.Sqrt(variance)
	if s > 0 {
		tr.Z = float64(s-1) / sd
	} else {
		tr.Z = float64(s+1) / sd
	}
	tr.P = TwoSidedP(tr.Z)
	return tr
}
