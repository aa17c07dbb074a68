package disclose

import (
	"testing"
	"time"

	"minqing/geo/hex"
)

// TestSums checks window sums over two months of one cell: shown atoms
// add up, suppressed ones make the sum partial (or suppressed when nothing
// is shown), and a table never holds a suppressed count.
func TestSums(t *testing.T) {
	const c hex.Cell = 0x8931aa4324bffff
	jan := Build(Month{2025, time.January}, Raw{
		Totals: map[hex.Cell]int64{c: 9},
		Parts: map[Dim]map[hex.Cell]map[string]int64{
			Category: {c: {"漏水": 7, "停电": 2}},
			Source:   {c: {"12345": 9}},
		},
	}, 5)
	feb := Build(Month{2025, time.February}, Raw{
		Totals: map[hex.Cell]int64{c: 3},
		Parts: map[Dim]map[hex.Cell]map[string]int64{
			Category: {c: {"漏水": 3}},
			Source:   {c: {"12345": 3}},
		},
	}, 5)
	for _, tb := range []*Table{jan, feb} {
		for _, f := range tb.Cells {
			for _, parts := range f.Parts {
				for v, e := range parts {
					if e.Suppressed && e.Count != 0 {
						t.Errorf("%s %s: a suppressed atom keeps its count %d", tb.Month, v, e.Count)
					}
				}
			}
		}
	}
	for _, tc := range []struct {
		name              string
		tables            []*Table
		f                 Filter
		count             int64
		suppressed, partl bool
	}{
		{"total, january", []*Table{jan}, Filter{}, 9, false, false},
		{"total, february is suppressed", []*Table{feb}, Filter{}, 0, true, false},
		{"total, both: partial", []*Table{jan, feb}, Filter{}, 9, false, true},
		// 漏水 7 is shown alone, 停电 2 suppressed: 9 − 7 would give 2, so
		// the complement hides 漏水 too.
		{"category, january: complement", []*Table{jan}, Filter{Category, []string{"漏水"}}, 0, true, false},
		{"source, january", []*Table{jan}, Filter{Source, []string{"12345"}}, 9, false, false},
		{"source, both", []*Table{jan, feb}, Filter{Source, []string{"12345", "微信"}}, 9, false, true},
		{"absent value", []*Table{jan, feb}, Filter{Source, []string{"微信"}}, 0, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := Sums(tc.tables, tc.f)[c]
			if s.Count != tc.count || s.Suppressed() != tc.suppressed || s.Partial() != tc.partl {
				t.Errorf("sum %+v (suppressed %v, partial %v), want %d, %v, %v", s, s.Suppressed(), s.Partial(), tc.count, tc.suppressed, tc.partl)
			}
		})
	}
	if b := Breakdown([]*Table{jan, feb}, c, Category); b["漏水"].Shown != 0 || b["漏水"].Hidden != 2 || b["停电"].Hidden != 1 {
		t.Errorf("breakdown %+v", b)
	}
}
