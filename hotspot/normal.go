package hotspot

import "math"

// Critical values of the standard normal distribution used to classify Gi*
// z-scores. They are the two-sided critical values for 90, 95 and 99 %
// confidence, rounded as in ArcGIS's Hot Spot Analysis.
const (
	Z90 = 1.645
	Z95 = 1.960
	Z99 = 2.576
)

// NormalCDF returns Φ(z), the cumulative distribution function of the
// standard normal distribution, computed as erfc(−z/√2)/2. It is accurate in
// both tails (no cancellation against 1).
func NormalCDF(z float64) float64 {
	return 0.5 * math.Erfc(-z/math.Sqrt2)
}

// TwoSidedP returns the two-sided p-value of a standard normal test
// statistic, 2·(1 − Φ(|z|)) = erfc(|z|/√2). NaN maps to 1.
func TwoSidedP(z float64) float64 {
	if math.IsNaN(z) {
		return 1
	}
	return math.Erfc(math.Abs(z) / math.Sqrt2)
}
