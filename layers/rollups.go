package layers

import (
	"time"

	"minqing/geo/hex"
)

// Rollups: both stores keep counts of the incidents per stored H3 cell
// (resolutions 5–11), Beijing day (up to RollupDaysMaxRes), month and year,
// and category and source (up to RollupDimsMaxRes),
// maintained on every write (see README "Hot spots"). A count over a time
// window reads whole years, months and days from them and only the raw rows
// of the window's partial first and last days.

// RollupLayer is the layer the stores keep rollups of, and RollupTime its
// time field (the Beijing day of which is the rollups' day).
const (
	RollupLayer = "incidents"
	RollupTime  = "received_at"
)

// Rollup grains: the period of a rollup row is a Beijing day, the first day
// of a month or 1 January of a year.
const (
	GrainDay   = 1
	GrainMonth = 2
	GrainYear  = 3
)

// RollupDims are the properties the cell rollups hold besides the cell and
// the period (by month and year, at resolutions up to RollupDimsMaxRes): a
// count filtered (Query.Equal) or grouped by other properties, or with a
// bbox or CQL2 filter, is counted from the raw rows.
var RollupDims = map[string]bool{"category": true, "source": true}

// RollupDaysMaxRes is the finest resolution with daily totals, and
// RollupDimsMaxRes the finest with counts by RollupDims (which have no
// days): resolution 10 holds the clusters of a z15 tile, the first zoom
// of points, so a tile of today, a week or a category is counted from the
// rollups (migration 00011 in PostGIS, 00009 in the GeoPackage); keys at
// resolution 11 would hold about one row per incident.
const (
	RollupDaysMaxRes = 10
	RollupDimsMaxRes = 10
)

// RollupDays reports whether the rollups that answer a count at res with
// q and groupBy have days (else whole months are read from them, and the
// rest of the window from the raw rows).
func RollupDays(res int, q Query, groupBy string) bool {
	return res <= RollupDaysMaxRes && groupBy == "" && len(q.Equal) == 0
}

// RollupSpan is a range of periods of one grain, both ends included, as
// dates (YYYY-MM-DD, Beijing).
type RollupSpan struct {
	Grain    int
	From, To string
	to       time.Time // the end of the span (exclusive)
}

// RollupEdge is a part of a window counted from the raw rows: rows with
// From <= t (nil: no lower bound) and t < Before (if set) and t <= Until
// (if set).
type RollupEdge struct {
	From, Before, Until *time.Time
}

// The bounds of the periods the rollups are read for; a window reaching
// beyond them counts the rows beyond from the raw rows (none, in practice).
var (
	rollupMin = time.Date(1900, 1, 1, 0, 0, 0, 0, Shanghai)
	rollupMax = time.Date(2200, 1, 1, 0, 0, 0, 0, Shanghai)
)

// RollupUsable reports whether a count of l with q (grouped by groupBy, ""
// for none) can be read from the rollups: l is the incidents layer with its
// cells, and q has no bbox or CQL2 filter, filters only on RollupDims (at
// res up to RollupDimsMaxRes) and restricts cells (q.Cells) only at res.
func RollupUsable(l *Layer, res int, q Query, groupBy string) bool {
	if (groupBy != "" || len(q.Equal) > 0) && res > RollupDimsMaxRes {
		return false
	}
	if q.Cells != nil && q.Cells.Res != res {
		return false
	}
	if l.Name != RollupLayer || l.TimeField != RollupTime || !StoresCells(l) || q.BBox != nil || q.Filter != nil {
		return false
	}
	if groupBy != "" && !RollupDims[groupBy] {
		return false
	}
	for k := range q.Equal {
		if !RollupDims[k] {
			return false
		}
	}
	return true
}

// CheckRollup refuses, of a query RollupUsable accepts (no bbox, no
// filter), what a store's translation of it would: its cell set and its
// equalities (whose values a store's rollup statement checks as it binds
// them). A store reading the rollups calls it instead of building the
// conditions of the raw rows.
func CheckRollup(l *Layer, q Query) error {
	if err := CheckCells(l, q); err != nil {
		return err
	}
	_, err := CheckEqual(l, q)
	return err
}

// CountRes is the resolution a count with q reads the rollups at: that of
// q.Cells, else hex.MinExactRes (each point is in exactly one cell of
// either).
func CountRes(q Query) int {
	if q.Cells != nil {
		return q.Cells.Res
	}
	return hex.MinExactRes
}

// RollupWindow splits the closed window tr (nil: all time) into spans of
// whole Beijing years, months and days read from the rollups, and the edges
// — the partial first and last days, and anything outside 1900–2199 —
// counted from the raw rows. Together they cover tr exactly once. Without
// days, the partial first and last months are left to the raw rows.
func RollupWindow(tr *TimeRange, days bool) (spans []RollupSpan, edges []RollupEdge) {
	d0, d1 := rollupMin, rollupMax // whole days [d0, d1)
	var start, end *time.Time
	if tr != nil {
		start, end = tr.Start, tr.End
	}
	if start != nil {
		m := midnight(*start)
		if m.Before(*start) {
			m = m.AddDate(0, 0, 1)
		}
		if m.After(d0) {
			d0 = m
		}
	}
	if end != nil {
		next := midnight(*end).AddDate(0, 0, 1)
		m := next
		// The day is whole when the end reaches its last stored instant
		// (PostgreSQL keeps microseconds, GeoPackage milliseconds).
		if end.Before(next.Add(-time.Microsecond)) {
			m = midnight(*end)
		}
		if m.Before(d1) {
			d1 = m
		}
	}
	if !days {
		if m := monthStart(d0); m.Before(d0) {
			d0 = m.AddDate(0, 1, 0)
		}
		d1 = monthStart(d1)
	}
	if !d0.Before(d1) {
		return nil, []RollupEdge{{From: start, Until: end}}
	}
	if start == nil || start.Before(d0) {
		b := d0
		edges = append(edges, RollupEdge{From: start, Before: &b})
	}
	if end == nil || !end.Before(d1) {
		f := d1
		edges = append(edges, RollupEdge{From: &f, Until: end})
	}
	for c := d0; c.Before(d1); {
		grain, next := GrainDay, c.AddDate(0, 0, 1)
		switch {
		case c.YearDay() == 1 && !c.AddDate(1, 0, 0).After(d1):
			grain, next = GrainYear, c.AddDate(1, 0, 0)
		case c.Day() == 1 && !c.AddDate(0, 1, 0).After(d1):
			grain, next = GrainMonth, c.AddDate(0, 1, 0)
		}
		day := c.Format(time.DateOnly)
		if n := len(spans); n > 0 && spans[n-1].Grain == grain && spans[n-1].to == c {
			spans[n-1].To, spans[n-1].to = day, next
		} else {
			spans = append(spans, RollupSpan{Grain: grain, From: day, To: day, to: next})
		}
		c = next
	}
	return spans, edges
}

// MonthsAround is the window of the whole Beijing months that tr's ends
// fall in: from the first instant of its first month to the last stored
// instant of its last (PostgreSQL keeps microseconds). An open end stays
// open, and nil stays nil. It holds tr, and the rollups count it without a
// raw row, whatever they are kept by (RollupWindow).
func MonthsAround(tr *TimeRange) *TimeRange {
	if tr == nil {
		return nil
	}
	out := &TimeRange{}
	if tr.Start != nil {
		m := monthStart(midnight(*tr.Start))
		out.Start = &m
	}
	if tr.End != nil {
		m := monthStart(midnight(*tr.End)).AddDate(0, 1, 0).Add(-time.Microsecond)
		if tr.End.After(m) { // within the month's last microsecond
			m = *tr.End
		}
		out.End = &m
	}
	return out
}

// monthStart is the first day of t's month (t a Beijing midnight).
func monthStart(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, Shanghai)
}

// midnight is the start of t's Beijing day.
func midnight(t time.Time) time.Time {
	y, m, d := t.In(Shanghai).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, Shanghai)
}
