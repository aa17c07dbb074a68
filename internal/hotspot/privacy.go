package hotspot

// suppress withholds, for public callers, every count below minCount: a
// cell's count (and its z and p, which with the other cells' counts would
// let the count be solved for), each per-step count of a series, and the
// total when it is itself small. The confidence class and the trend label
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
			c.Count, c.Suppressed = 0, true
			c.Z, c.P = 0, 0
		}
		if c.Trend != nil {
			for k, n := range c.Trend.Series {
				if n < int64(minCount) {
					c.Trend.Series[k] = -1
				}
			}
		}
	}
}
