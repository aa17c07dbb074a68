package hotspot

// suppress withholds, for public callers, every count below minCount: a
// cell's count (and its z and p, which with the other cells' counts would
// let the count be solved for), each per-step count of a series, and the
// total when it is itself small or when any cell is suppressed (the total
// minus the shown counts would give the hidden ones). A series with a hidden
// step loses its other steps too when the cell's count is shown, for the
// same reason. The confidence class and the trend label
// are kept: they are coarse, and computed from all incidents, so the map
// still shows where the significant clusters are. The raw values are
// overwritten, so a cached public analysis does not hold them.
func suppress(a *Analysis, minCount int) {
	a.MinCount = minCount
	if a.Total < int64(minCount) {
		a.Total, a.TotalSuppressed = 0, true
	}
	for i := range a.Cells {
		c := &a.Cells[i]
		if c.Count < int64(minCount) {
			if c.Count > 0 {
				a.Total, a.TotalSuppressed = 0, true
			}
			c.Count, c.Suppressed = 0, true
			c.Z, c.P = 0, 0
		}
		if c.Trend != nil {
			hidden := false
			for _, n := range c.Trend.Series {
				if n < int64(minCount) {
					hidden = true
				}
			}
			for k, n := range c.Trend.Series {
				// With the cell's total shown, one hidden step is the total
				// minus the others: hide them all.
				if n < int64(minCount) || (hidden && !c.Suppressed) {
					c.Trend.Series[k] = -1
				}
			}
		}
	}
}
