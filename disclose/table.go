package disclose

import "minqing/geo/hex"

// Res is the H3 resolution of the published table (cells of about
// 0.1 km²): the only resolution public callers get incident counts at.
const Res = 9

// Dim names a dimension of the table: the total, or the counts by one
// property.
type Dim string

// The dimensions of the table.
const (
	Total    Dim = ""
	Category Dim = "category"
	Source   Dim = "source"
)

// Dims are the dimensions broken down by value.
var Dims = []Dim{Category, Source}

// Family is the published atoms of one (cell, month): the total and, per
// dimension, the atoms by value (only values with at least one incident).
type Family struct {
	Total Entry
	Parts map[Dim]map[string]Entry
}

// Table is the published atoms of one month.
type Table struct {
	Month Month
	Cells map[hex.Cell]*Family
}

// Raw is the raw counts of one month at resolution Res, as read from the
// store: the total per cell and, per dimension, per cell and value.
type Raw struct {
	Totals map[hex.Cell]int64
	Parts  map[Dim]map[hex.Cell]map[string]int64
}

// Build applies the rule ([Publish]) to every family of raw with threshold
// k. The result holds no raw count below k: suppressed atoms are stored as
// suppressed, without their count.
func Build(m Month, raw Raw, k int) *Table {
	t := &Table{Month: m, Cells: make(map[hex.Cell]*Family, len(raw.Totals))}
	for c, n := range raw.Totals {
		if n <= 0 {
			continue
		}
		f := &Family{Total: publishOne(n, int64(max(k, 1))), Parts: map[Dim]map[string]Entry{}}
		for _, d := range Dims {
			_, f.Parts[d] = Publish(n, raw.Parts[d][c], k)
		}
		t.Cells[c] = f
	}
	return t
}

// Filter selects what a window sum adds up: the totals (Dim Total), or the
// atoms of the given values of one dimension.
type Filter struct {
	Dim    Dim
	Values []string
}

// Sum is a window sum of published atoms for one cell: Count adds up the
// shown atoms; Shown and Hidden count the shown and suppressed atoms that
// the window and filter select.
type Sum struct {
	Count         int64
	Shown, Hidden int
}

// Suppressed reports whether the sum has no shown atom but at least one
// suppressed one: the cell has incidents, their number is not published.
func (s Sum) Suppressed() bool { return s.Shown == 0 && s.Hidden > 0 }

// Partial reports whether the sum left out at least one suppressed atom
// besides shown ones: Count is a lower bound.
func (s Sum) Partial() bool { return s.Shown > 0 && s.Hidden > 0 }

// add adds an atom to the sum.
func (s *Sum) add(e Entry) {
	switch {
	case e.Suppressed:
		s.Hidden++
	case e.Count > 0:
		s.Count += e.Count
		s.Shown++
	}
}

// Sums adds up, per cell, the atoms f selects in the tables (one per month
// of the window). A cell with no atom selected is absent.
func Sums(ts []*Table, f Filter) map[hex.Cell]Sum {
	out := map[hex.Cell]Sum{}
	for _, t := range ts {
		for c, fam := range t.Cells {
			s := out[c]
			if f.Dim == Total {
				s.add(fam.Total)
			} else {
				for _, v := range f.Values {
					if e, ok := fam.Parts[f.Dim][v]; ok {
						s.add(e)
					}
				}
			}
			if s != (Sum{}) {
				out[c] = s
			}
		}
	}
	return out
}

// Breakdown adds up, for one cell, the atoms of every value of dimension d
// over the tables: value → sum. Values with only suppressed atoms are
// included (Suppressed).
func Breakdown(ts []*Table, c hex.Cell, d Dim) map[string]Sum {
	out := map[string]Sum{}
	for _, t := range ts {
		fam, ok := t.Cells[c]
		if !ok {
			continue
		}
		for v, e := range fam.Parts[d] {
			s := out[v]
			s.add(e)
			out[v] = s
		}
	}
	return out
}
