package layers_test

import (
	"reflect"
	"testing"
	"time"

	"minqing/layers"
)

func TestRollupDelta(t *testing.T) {
	day := func(t time.Time) string { return t.In(layers.Shanghai).Format("2006-01-02") }
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cells := []int64{5, 6, 7, 8, 9, 10, 11}
	// One incident's rows: a day, month and year per resolution with days,
	// a month and year per other; a month and year per resolution with
	// categories.
	days := layers.RollupDaysMaxRes - 4
	one, oneCats := days*3+(len(cells)-days)*2, (layers.RollupDimsMaxRes-4)*2
	type add struct {
		at       string
		cat, src string
		cells    []int64
		sign     int64
	}
	tests := []struct {
		name     string
		adds     []add
		totals   int // rows
		dayTotal map[string]int64
		cats     int
	}{
		{"one incident: days at 5–RollupDaysMaxRes, months and years at 5–11; categories by month and year at 5–RollupDimsMaxRes",
			[]add{{"2026-03-05T10:00:00+08:00", "停电", "12345", cells, 1}}, one, map[string]int64{"2026-03-05": 1}, oneCats},
		{"16:30 UTC is the next Beijing day",
			[]add{{"2026-03-05T16:30:00Z", "停电", "12345", cells, 1}}, one, map[string]int64{"2026-03-06": 1}, oneCats},
		{"two in one day and cell add up",
			[]add{{"2026-03-05T10:00:00+08:00", "停电", "12345", cells, 1}, {"2026-03-05T11:00:00+08:00", "停水", "12345", cells, 1}}, one, map[string]int64{"2026-03-05": 2}, oneCats * 2},
		{"an add and a take-away net to nothing",
			[]add{{"2026-03-05T10:00:00+08:00", "停电", "12345", cells, 1}, {"2026-03-05T10:00:00+08:00", "停电", "12345", cells, -1}}, 0, map[string]int64{}, 0},
		{"cells not filled are left out",
			[]add{{"2026-03-05T10:00:00+08:00", "停电", "12345", []int64{5, 0, 0, 0, 0, 0, 0}, 1}}, 3, map[string]int64{"2026-03-05": 1}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := layers.NewRollupDelta(day)
			for _, a := range tc.adds {
				d.Add(at(a.at), a.cat, a.src, a.cells, a.sign)
			}
			tots := d.Totals()
			if len(tots) != tc.totals {
				t.Errorf("%d total rows, want %d: %+v", len(tots), tc.totals, tots)
			}
			days := map[string]int64{}
			for _, r := range tots {
				if r.Res == 5 && r.Grain == layers.GrainDay {
					days[r.Period] += r.N
				}
				if r.Grain == layers.GrainYear && r.Period != "2026-01-01" || r.Grain == layers.GrainMonth && r.Period != "2026-03-01" {
					t.Errorf("row %+v: wrong period", r)
				}
			}
			if !reflect.DeepEqual(days, tc.dayTotal) {
				t.Errorf("days at res 5 = %v, want %v", days, tc.dayTotal)
			}
			if cats := d.Categories(); len(cats) != tc.cats {
				t.Errorf("%d category rows, want %d: %+v", len(cats), tc.cats, cats)
			}
			if d.Empty() != (len(tc.adds) == 0) {
				t.Errorf("Empty() = %v", d.Empty())
			}
		})
	}
}
