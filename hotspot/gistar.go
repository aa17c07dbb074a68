package hotspot

import (
	"fmt"
	"math"
)

// Graph is the spatial neighbourhood structure of n cells indexed 0..n-1.
// Neighbors[i] lists the indices of the cells within the neighbourhood of
// cell i (for H3: the k-ring GridDisk), INCLUDING i itself, because Gi* (the
// "star" variant) counts the focal cell. Each index may appear only once.
// All weights are binary: w_ij = 1 if j is in Neighbors[i], 0 otherwise.
type Graph struct {
	Neighbors [][]int
}

// Class is the confidence class of a Gi* result, following ArcGIS's Gi_Bin
// categories.
type Class string

// Confidence classes. A cell is hot (cold) when its z-score is positive
// (negative) and |z| reaches the critical value of the level.
const (
	Hot99          Class = "hot-99"
	Hot95          Class = "hot-95"
	Hot90          Class = "hot-90"
	NotSignificant Class = "not-significant"
	Cold90         Class = "cold-90"
	Cold95         Class = "cold-95"
	Cold99         Class = "cold-99"
)

// IsHot reports whether c is a hot spot class at 90 % confidence or more.
func (c Class) IsHot() bool {
	return c == Hot90 || c == Hot95 || c == Hot99
}

// IsCold reports whether c is a cold spot class at 90 % confidence or more.
func (c Class) IsCold() bool {
	return c == Cold90 || c == Cold95 || c == Cold99
}

// Confidence returns the confidence level of c in percent: 99, 95, 90, or 0
// for [NotSignificant] and unknown values.
func (c Class) Confidence() int {
	switch c {
	case Hot99, Cold99:
		return 99
	case Hot95, Cold95:
		return 95
	case Hot90, Cold90:
		return 90
	}
	return 0
}

// classAt returns the hot (hot == true) or cold class at a confidence level
// of 99, 95 or 90 percent; any other level gives NotSignificant.
func classAt(hot bool, level int) Class {
	switch {
	case level == 99 && hot:
		return Hot99
	case level == 99:
		return Cold99
	case level == 95 && hot:
		return Hot95
	case level == 95:
		return Cold95
	case level == 90 && hot:
		return Hot90
	case level == 90:
		return Cold90
	}
	return NotSignificant
}

// Classify returns the confidence class of a Gi* z-score: |z| ≥ [Z99] is 99 %,
// |z| ≥ [Z95] is 95 %, |z| ≥ [Z90] is 90 % (boundaries inclusive), the sign
// deciding hot (z > 0) or cold (z < 0). Anything else, NaN included, is
// [NotSignificant].
func Classify(z float64) Class {
	a := math.Abs(z)
	level := 0
	switch {
	case a >= Z99:
		level = 99
	case a >= Z95:
		level = 95
	case a >= Z90:
		level = 90
	}
	return classAt(z > 0, level)
}

// Result is the Gi* outcome for one cell: the z-score, its two-sided p-value
// under the standard normal, and the confidence class derived from z.
type Result struct {
	Z     float64
	P     float64
	Class Class
}

// degenerate is the result for a cell whose z-score is undefined.
func degenerate() Result {
	return Result{Z: 0, P: 1, Class: NotSignificant}
}

// GiStar computes the Getis-Ord Gi* statistic (Ord and Getis 1995, as used by
// ArcGIS Hot Spot Analysis) with binary weights for every cell of g over the
// values x, where x[i] is the value of cell i. Cells without incidents must
// be present with value 0: the statistic compares each neighbourhood with the
// whole study area.
//
// For cell i with neighbourhood N(i) (which includes i):
//
//	z_i = (Σ_j w_ij x_j − X̄ Σ_j w_ij) / ( S · sqrt( (n Σ_j w_ij² − (Σ_j w_ij)²) / (n−1) ) )
//
// with X̄ = Σx/n and S = sqrt(Σx²/n − X̄²). With binary weights Σ_j w_ij =
// Σ_j w_ij² = |N(i)|. S is evaluated in the algebraically equal two-pass form
// sqrt(Σ(x−X̄)²/n), on values rescaled by max|x| (z is invariant under
// scaling), so large counts neither lose precision nor overflow.
//
// P is two-sided, erfc(|z|/√2), and Class comes from [Classify].
//
// Degenerate input never yields NaN: if n < 2 or S == 0 (all values equal)
// every cell gets z = 0, p = 1, not-significant; so does a cell whose
// neighbourhood covers all n cells (its z is 0/0).
//
// GiStar returns an error if len(g.Neighbors) != len(x), if a neighbour
// index is out of range or repeated, if a cell's neighbour list does not
// contain the cell itself, or if a value is NaN or infinite.
func GiStar(x []float64, g Graph) ([]Result, error) {
	n := len(x)
	if len(g.Neighbors) != n {
		return nil, fmt.Errorf("hotspot: graph has %d cells but %d values were given", len(g.Neighbors), n)
	}
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("hotspot: value of cell %d is not finite: %v", i, v)
		}
	}
	// Validate the graph: indices in range, no duplicates, self included.
	// seen[j] == i+1 marks j as already listed for cell i.
	seen := make([]int, n)
	for i, nb := range g.Neighbors {
		self := false
		for _, j := range nb {
			if j < 0 || j >= n {
				return nil, fmt.Errorf("hotspot: neighbour %d of cell %d is out of range [0, %d)", j, i, n)
			}
			if seen[j] == i+1 {
				return nil, fmt.Errorf("hotspot: neighbour %d of cell %d is listed twice", j, i)
			}
			seen[j] = i + 1
			if j == i {
				self = true
			}
		}
		if !self {
			return nil, fmt.Errorf("hotspot: neighbours of cell %d do not include the cell itself", i)
		}
	}

	out := make([]Result, n)
	for i := range out {
		out[i] = degenerate()
	}
	if n < 2 {
		return out, nil
	}

	// Rescale by max|x| so that every term below is at most 1 in magnitude.
	// Equal values become exactly ±1, so their mean is exact and S is exactly
	// 0: all-equal input is always recognised as degenerate.
	maxAbs := 0.0
	for _, v := range x {
		maxAbs = math.Max(maxAbs, math.Abs(v))
	}
	if maxAbs == 0 {
		return out, nil // all zero: S == 0
	}
	mean := 0.0
	for _, v := range x {
		mean += v / maxAbs
	}
	mean /= float64(n)
	dev := make([]float64, n) // x_j/maxAbs − X̄
	ss := 0.0
	for j, v := range x {
		d := v/maxAbs - mean
		dev[j] = d
		ss += d * d
	}
	s := math.Sqrt(ss / float64(n))
	if s == 0 {
		return out, nil // all values equal
	}

	fn := float64(n)
	for i, nb := range g.Neighbors {
		// Σ_j w_ij x_j − X̄ Σ_j w_ij == Σ_j w_ij (x_j − X̄).
		num := 0.0
		for _, j := range nb {
			num += dev[j]
		}
		w := float64(len(nb)) // Σ w_ij = Σ w_ij² for binary weights
		den := s * math.Sqrt((fn*w-w*w)/(fn-1))
		if !(den > 0) {
			continue // neighbourhood is the whole area: z undefined
		}
		z := num / den
		if math.IsNaN(z) || math.IsInf(z, 0) {
			continue
		}
		out[i] = Result{Z: z, P: TwoSidedP(z), Class: Classify(z)}
	}
	return out, nil
}
