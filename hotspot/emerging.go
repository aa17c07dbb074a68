package hotspot

// TrendAlpha is the significance level at which [EmergingLabel] treats a
// Mann–Kendall trend of a cell's Gi* z-scores as statistically significant
// (p ≤ 0.10, i.e. 90 % confidence, the lowest trend confidence bin ArcGIS
// reports and the same level at which a time step counts as a hot spot).
const TrendAlpha = 0.10

// Emerging hot spot labels returned by [EmergingLabel], after the pattern
// definitions of ArcGIS Pro's "How Emerging Hot Spot Analysis works". In the
// definitions, "hot step" means a time step whose Gi* class is hot at 90 %
// confidence or more (hot-90, hot-95 or hot-99), "cold step" likewise for
// cold, n is the number of time steps, "≥ 90 %" means at least 9n/10 of the
// steps, and a trend is "significant" when the Mann–Kendall P ≤ [TrendAlpha],
// its direction being the sign of the trend's Z.
//
// Each cold label mirrors the hot label of the same name with hot and cold
// swapped and, for intensifying and diminishing, with the trend direction
// reversed (a cold spot intensifies as its z-scores fall).
const (
	// LabelNoPattern: none of the patterns below applies.
	LabelNoPattern = "no-pattern"

	// LabelNew: the final step is hot and no earlier step is hot or cold
	// (n ≥ 2; with a single step that is hot, the ≥ 90 % rule makes it
	// persistent, intensifying or diminishing instead).
	LabelNew = "new"
	// LabelConsecutive: the hot steps form a single uninterrupted run of at
	// least two steps ending at the final step, no earlier step is hot or
	// cold, and fewer than 90 % of the steps are hot.
	LabelConsecutive = "consecutive"
	// LabelIntensifying: the final step is hot, ≥ 90 % of the steps are hot,
	// and the z-scores show a significant upward trend.
	LabelIntensifying = "intensifying"
	// LabelPersistent: the final step is hot, ≥ 90 % of the steps are hot,
	// and the z-scores show no significant trend.
	LabelPersistent = "persistent"
	// LabelDiminishing: the final step is hot, ≥ 90 % of the steps are hot,
	// and the z-scores show a significant downward trend.
	LabelDiminishing = "diminishing"
	// LabelSporadic: the final step is hot, fewer than 90 % of the steps are
	// hot, no step is cold, and the hot steps are on-again, off-again: some
	// hot step lies before the final uninterrupted run of hot steps.
	LabelSporadic = "sporadic"
	// LabelOscillating: the final step is hot, fewer than 90 % of the steps
	// are hot, and at least one earlier step is cold. This takes precedence
	// over new, consecutive and sporadic.
	LabelOscillating = "oscillating"
	// LabelHistorical: the final step is neither hot nor cold, but ≥ 90 % of
	// the steps are hot. (A cell whose final step is cold is labelled by the
	// cold patterns, e.g. cold-oscillating, even if it was hot ≥ 90 % of the
	// time.)
	LabelHistorical = "historical"

	// LabelColdNew is the cold counterpart of [LabelNew].
	LabelColdNew = "cold-new"
	// LabelColdConsecutive is the cold counterpart of [LabelConsecutive].
	LabelColdConsecutive = "cold-consecutive"
	// LabelColdIntensifying: the final step is cold, ≥ 90 % of the steps are
	// cold, and the z-scores show a significant downward trend.
	LabelColdIntensifying = "cold-intensifying"
	// LabelColdPersistent is the cold counterpart of [LabelPersistent].
	LabelColdPersistent = "cold-persistent"
	// LabelColdDiminishing: the final step is cold, ≥ 90 % of the steps are
	// cold, and the z-scores show a significant upward trend.
	LabelColdDiminishing = "cold-diminishing"
	// LabelColdSporadic is the cold counterpart of [LabelSporadic].
	LabelColdSporadic = "cold-sporadic"
	// LabelColdOscillating: the final step is cold, fewer than 90 % of the
	// steps are cold, and at least one earlier step is hot.
	LabelColdOscillating = "cold-oscillating"
	// LabelColdHistorical: the final step is neither hot nor cold, but ≥ 90 %
	// of the steps are cold.
	LabelColdHistorical = "cold-historical"
)

// EmergingLabel classifies one cell's space-time history as in ArcGIS Pro's
// Emerging Hot Spot Analysis. steps holds the cell's Gi* result for each
// time step, oldest first (only Class is used; apply [FDR] beforehand if
// wanted); trend is the [MannKendall] test of the cell's Gi* z-score series
// (the Z of steps, in the same order).
//
// The label is one of the Label constants. It is decided by the final step:
// if it is hot the result is intensifying, persistent or diminishing when
// ≥ 90 % of the steps are hot (by the trend), otherwise oscillating,
// new, consecutive or sporadic (in that order of precedence); if it is cold
// the same rules give the "cold-" labels; if it is neither, historical or
// cold-historical when ≥ 90 % of the steps were hot or cold respectively.
// Everything else, including an empty steps, is [LabelNoPattern].
func EmergingLabel(steps []Result, trend Trend) string {
	n := len(steps)
	if n == 0 {
		return LabelNoPattern
	}
	last := steps[n-1].Class
	switch {
	case last.IsHot():
		return finalStepPattern(steps, trend, true)
	case last.IsCold():
		return finalStepPattern(steps, trend, false)
	}
	nHot, nCold := 0, 0
	for _, st := range steps {
		switch {
		case st.Class.IsHot():
			nHot++
		case st.Class.IsCold():
			nCold++
		}
	}
	switch {
	case atLeast90(nHot, n):
		return LabelHistorical
	case atLeast90(nCold, n):
		return LabelColdHistorical
	}
	return LabelNoPattern
}

// atLeast90 reports whether count is at least 90 % of n, in exact integer
// arithmetic.
func atLeast90(count, n int) bool {
	return 10*count >= 9*n
}

// finalStepPattern labels a cell whose final step is hot (hot == true) or
// cold (hot == false).
func finalStepPattern(steps []Result, trend Trend, hot bool) string {
	same := func(c Class) bool { return c.IsCold() }
	opposite := func(c Class) bool { return c.IsHot() }
	if hot {
		same, opposite = opposite, same
	}
	n := len(steps)
	nSame, anyOpposite := 0, false
	for _, st := range steps {
		switch {
		case same(st.Class):
			nSame++
		case opposite(st.Class):
			anyOpposite = true
		}
	}
	run := 0 // length of the uninterrupted run of same-type steps at the end
	for i := n - 1; i >= 0 && same(steps[i].Class); i-- {
		run++
	}

	var label string
	if atLeast90(nSame, n) {
		significant := trend.P <= TrendAlpha
		up := significant && trend.Z > 0
		down := significant && trend.Z < 0
		strengthening, weakening := up, down
		if !hot {
			strengthening, weakening = down, up
		}
		switch {
		case strengthening:
			label = LabelIntensifying
		case weakening:
			label = LabelDiminishing
		default:
			label = LabelPersistent
		}
	} else {
		switch {
		case anyOpposite:
			label = LabelOscillating
		case nSame == run && run == 1:
			label = LabelNew
		case nSame == run:
			label = LabelConsecutive
		default:
			label = LabelSporadic
		}
	}
	if !hot {
		return "cold-" + label
	}
	return label
}
