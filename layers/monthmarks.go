package layers

import (
	"context"
	"sort"

	"minqing/geo/hex"
)

// MonthMarkRes is the resolution whose counts a month mark follows: the
// published table's (disclose.Res).
const MonthMarkRes = 9

// MonthMarks says, per Beijing month of the incidents, whether that month's
// counts may have changed: the stores' rollup maintenance gives a month a
// new mark with every committed write that changes its counts by
// resolution-9 cell, category and source (an UPDATE of other columns, or a
// write in another month, leaves it alone). A month without a mark has not
// changed since the marks began.
//
// Marks are compared for equality only: a month whose mark and Epoch are
// the same in two readings had the same counts at both.
type MonthMarks struct {
	// Epoch changes when every month may have changed at once (a
	// TRUNCATE of the incidents).
	Epoch int64
	// Months maps the first day of a month ("2006-01-02") to its mark.
	Months map[string]int64
}

// Same reports whether month (its first day) has the same counts under
// m and o.
func (m MonthMarks) Same(o MonthMarks, month string) bool {
	return m.Epoch == o.Epoch && m.Months[month] == o.Months[month]
}

// ChangedUpTo reports whether any month up to and including last (its
// first day; "" for every month) changed between m and o.
func (m MonthMarks) ChangedUpTo(o MonthMarks, last string) bool {
	if m.Epoch != o.Epoch {
		return true
	}
	for _, marks := range []map[string]int64{m.Months, o.Months} {
		for month := range marks {
			if (last == "" || month <= last) && m.Months[month] != o.Months[month] {
				return true
			}
		}
	}
	return false
}

// MonthMarker is a Source that keeps month marks of its incidents.
type MonthMarker interface {
	// MonthMarks returns the marks as committed now. ok is false when they
	// cannot be trusted at the moment (a write by another program has not
	// been folded into the rollups yet): the caller must count afresh.
	MonthMarks(ctx context.Context) (marks MonthMarks, ok bool, err error)
}

// Months returns the months (their first days, sorted) whose counts at
// MonthMarkRes the delta changes: the months a bulk write must mark.
func (d *RollupDelta) Months() []string {
	seen := map[string]bool{}
	if i := MonthMarkRes - hex.MinExactRes; i >= 0 && i < len(d.cats) {
		for j, cells := range d.cats[i] {
			for _, n := range cells {
				if n != 0 {
					seen[d.periods[d.dims[j].month]] = true
					break
				}
			}
		}
	}
	out := make([]string, 0, len(seen))
	for m := range seen {
		out = append(out, m)
	}
	sort.Strings(out)
	return out
}
