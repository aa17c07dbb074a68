package hotspot

import (
	"math"
	"slices"
)

// BHThreshold returns the Benjamini–Hochberg critical p-value for the
// p-values ps at false discovery rate alpha: with p_(1) ≤ … ≤ p_(m) sorted
// ascending it is the largest p_(k) such that p_(k) ≤ (k/m)·alpha; every
// hypothesis with p ≤ that value is rejected. It returns 0 if no p_(k)
// qualifies (nothing is rejected), if ps is empty or if alpha ≤ 0. NaN
// p-values count towards m but are never rejected. ps is not modified.
func BHThreshold(ps []float64, alpha float64) float64 {
	t, _ := bhThreshold(ps, alpha)
	return t
}

// bhThreshold is BHThreshold that also reports whether any hypothesis is
// rejected, so that a threshold of exactly 0 (p_(1) == 0) is not confused
// with "none".
func bhThreshold(ps []float64, alpha float64) (float64, bool) {
	m := len(ps)
	if m == 0 || !(alpha > 0) {
		return 0, false
	}
	sorted := make([]float64, m)
	for i, p := range ps {
		if math.IsNaN(p) {
			p = math.Inf(1) // sorts last, never passes
		}
		sorted[i] = p
	}
	slices.Sort(sorted)
	fm := float64(m)
	for k := m; k >= 1; k-- {
		if p := sorted[k-1]; p <= float64(k)*alpha/fm {
			return p, true
		}
	}
	return 0, false
}

// FDR applies the Benjamini–Hochberg false discovery rate correction to a
// set of Gi* results, as ArcGIS Hot Spot Analysis does with "Apply False
// Discovery Rate Correction". BH thresholds are computed over the p-values
// of all m = len(rs) results at alpha 0.10, 0.05 and 0.01 (90, 95 and 99 %
// confidence). A result keeps its class only if its p passes the threshold
// of its own level; otherwise it drops to the highest lower level whose
// threshold it passes (hot stays hot, cold stays cold), or to
// not-significant. Classes are never raised, Z and P are copied unchanged,
// and rs is not modified.
func FDR(rs []Result) []Result {
	ps := make([]float64, len(rs))
	for i, r := range rs {
		ps[i] = r.P
	}
	t90, ok90 := bhThreshold(ps, 0.10)
	t95, ok95 := bhThreshold(ps, 0.05)
	t99, ok99 := bhThreshold(ps, 0.01)
	passes := func(p float64, level int) bool {
		switch level {
		case 99:
			return ok99 && p <= t99
		case 95:
			return ok95 && p <= t95
		case 90:
			return ok90 && p <= t90
		}
		return false
	}

	out := make([]Result, len(rs))
	for i, r := range rs {
		out[i] = r
		hot := r.Class.IsHot()
		if !hot && !r.Class.IsCold() {
			out[i].Class = NotSignificant
			continue
		}
		out[i].Class = NotSignificant
		for _, level := range [...]int{99, 95, 90} {
			if level <= r.Class.Confidence() && passes(r.P, level) {
				out[i].Class = classAt(hot, level)
				break
			}
		}
	}
	return out
}
