package disclose

import (
	"fmt"
	"time"

	"minqing/layers"
)

// Month is a calendar month in Beijing time, the time unit of the published
// table.
type Month struct {
	Year int
	Mon  time.Month
}

// MonthOf returns the month (in Beijing time) t falls in.
func MonthOf(t time.Time) Month {
	t = t.In(layers.Shanghai)
	return Month{t.Year(), t.Month()}
}

// Start returns the first instant of the month.
func (m Month) Start() time.Time { return time.Date(m.Year, m.Mon, 1, 0, 0, 0, 0, layers.Shanghai) }

// Next returns the month after m.
func (m Month) Next() Month { return MonthOf(m.Start().AddDate(0, 1, 0)) }

// Prev returns the month before m.
func (m Month) Prev() Month { return MonthOf(m.Start().AddDate(0, -1, 0)) }

// Before reports whether m is earlier than o.
func (m Month) Before(o Month) bool {
	return m.Year < o.Year || m.Year == o.Year && m.Mon < o.Mon
}

// Range returns the month as a closed time range: from its first instant to
// one nanosecond before the next month.
func (m Month) Range() layers.TimeRange {
	s := m.Start()
	e := m.Next().Start().Add(-time.Nanosecond)
	return layers.TimeRange{Start: &s, End: &e}
}

// first returns the month's first day, "2006-01-02", as month marks name it.
func (m Month) first() string { return fmt.Sprintf("%04d-%02d-01", m.Year, int(m.Mon)) }

// String formats the month as 2026-03.
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, int(m.Mon)) }

// ParseMonth parses "2026-03".
func ParseMonth(s string) (Month, error) {
	t, err := time.ParseInLocation("2006-01", s, layers.Shanghai)
	if err != nil {
		return Month{}, fmt.Errorf("%q is not a month such as 2026-03", s)
	}
	return MonthOf(t), nil
}

// Span returns the months from first to last, both included (nil when last
// is before first).
func Span(first, last Month) []Month {
	var out []Month
	for m := first; !last.Before(m); m = m.Next() {
		out = append(out, m)
	}
	return out
}

// LastClosed returns the last month that is over at now: the month before
// now's. The month in progress is never published.
func LastClosed(now time.Time) Month { return MonthOf(now).Prev() }

// ErrNotAligned is the message of a public window that does not follow
// month boundaries.
const ErrNotAligned = "public incident figures are published per calendar month (Beijing time), so datetime must start on the first day of a month and end on the last day of one, e.g. datetime=2025-01-01/2025-03-31 or datetime=2025-01/2025-03"

// Window turns a time range into the whole months it covers, or explains
// why it does not follow month boundaries. An open start is first, an open
// end last (both included); a nil range is first..last. The start must be a
// month's first instant; the end a month's last instant (to the second), or
// the first instant of the next month.
func Window(r *layers.TimeRange, first, last Month) ([]Month, error) {
	from, to := first, last
	if r != nil && r.Start != nil {
		m := MonthOf(*r.Start)
		if !r.Start.Equal(m.Start()) {
			return nil, fmt.Errorf("%s (the start %s is not the first instant of a month)", ErrNotAligned, r.Start.In(layers.Shanghai).Format(time.RFC3339))
		}
		from = m
	}
	if r != nil && r.End != nil {
		e := *r.End
		m := MonthOf(e)
		switch next := m.Next().Start(); {
		case e.Equal(m.Start()):
			to = m.Prev()
		case next.Sub(e) <= time.Second:
			to = m
		default:
			return nil, fmt.Errorf("%s (the end %s is not the last instant of a month)", ErrNotAligned, e.In(layers.Shanghai).Format(time.RFC3339))
		}
	}
	if from.Before(first) {
		from = first
	}
	if last.Before(to) {
		to = last
	}
	return Span(from, to), nil
}
