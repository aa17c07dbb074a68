package hotspot

import "minqing/disclose"

// publish marks, in a public analysis made from the published atoms d, what
// the atoms do not give: a cell whose atoms in the window are all
// suppressed has no count (nor z and p, by the output convention), a cell
// whose count leaves out suppressed atoms is Partial, and so is the total.
// Every number left is a function of the published table (the counts are
// its sums; z and p are Gi* on them), so nothing a public caller combines
// can give a suppressed atom.
func publish(a *Analysis, d *publicData, minCount int) {
	a.MinCount = minCount
	a.Months = d.months
	hidden := false
	for i := range a.Cells {
		c := &a.Cells[i]
		sum := d.sums[c.Cell]
		hidden = hidden || sum.Hidden > 0
		c.Partial = sum.Partial()
		if sum.Suppressed() {
			c.Count, c.Suppressed = 0, true
			c.Z, c.P = 0, 0
		}
		if c.Trend != nil && c.Trend.Series != nil {
			for k := range c.Trend.Series {
				if d.stepSums[k][c.Cell].Suppressed() {
					c.Trend.Series[k] = -1
				}
			}
		}
	}
	a.TotalPartial = hidden
	a.TotalSuppressed = hidden && a.Total == 0
}

// monthStrings formats months as 2026-03.
func monthStrings(ms []disclose.Month) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.String()
	}
	return out
}
