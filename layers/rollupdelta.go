package layers

import (
	"sort"
	"time"

	"minqing/geo/hex"
)

// RollupDelta adds up, in Go, what a bulk write of incidents changes in the
// rollups (see RollupLayer): the same keys as the stores' rollup triggers,
// for a write that turned them off to insert many rows at once. Both stores
// apply its rows with one grouped upsert at the end of the write, in the
// same transaction.
type RollupDelta struct {
	day     func(time.Time) string
	hours   map[int64]int32 // unix hour → its day in periods
	periods []string        // days and months seen (YYYY-MM-DD)
	period  map[string]int32
	monthOf map[int32]int32 // a day's month, in periods
	names   []string        // categories and sources seen
	name    map[string]uint32
	// totals[res-hex.MinExactRes][period] counts by cell, in the finest
	// period a resolution is counted by: a day at resolutions up to
	// RollupDaysMaxRes, else a month (period: an index in periods). A map
	// keyed by the cell alone is a fast 64-bit map; keyed by cell, period
	// and resolution together, the same counting took twice as long.
	totals [hex.ExactCount][]map[int64]int64
	// dims are the months, categories and sources seen together (indexes in
	// periods and names), and dim their indexes.
	dims []rollupDims
	dim  map[rollupDims]int32
	// cats[res-hex.MinExactRes][dim] counts by cell at resolutions up to
	// RollupDimsMaxRes.
	cats  [hex.ExactCount][]map[int64]int64
	added bool // a count was added
}

// rollupDims is a month, category and source of incident_cell_categories
// (indexes in periods and names).
type rollupDims struct {
	month            int32
	category, source uint32
}

// RollupTotal is one row of incident_cell_totals to add (N may be negative).
type RollupTotal struct {
	Res, Grain int
	Period     string // YYYY-MM-DD
	Cell       int64
	N          int64
}

// RollupCategory is one row of incident_cell_categories to add.
type RollupCategory struct {
	Res, Grain       int
	Period           string
	Cell             int64
	Category, Source string
	N                int64
}

// NewRollupDelta returns an empty delta; day gives the Beijing day
// (YYYY-MM-DD) of a received_at, as the store's triggers compute it. day is
// called once per hour seen (from 1901), so it must depend only on the hour.
func NewRollupDelta(day func(time.Time) string) *RollupDelta {
	return &RollupDelta{day: day, hours: map[int64]int32{}, period: map[string]int32{}, monthOf: map[int32]int32{},
		name: map[string]uint32{}, dim: map[rollupDims]int32{}}
}

// wholeHourZones is 1901-01-01 UTC: from then on Asia/Shanghai is a whole
// number of hours from UTC, so a day can be cached by hour.
const wholeHourZones = -2177452800

// indexOf returns k's index in *list, appending it (and its index to m)
// the first time.
func indexOf[K comparable, I int32 | uint32](m map[K]I, list *[]K, k K) I {
	i, ok := m[k]
	if !ok {
		i = I(len(*list))
		*list = append(*list, k)
		m[k] = i
	}
	return i
}

func (d *RollupDelta) periodIndex(p string) int32 { return indexOf(d.period, &d.periods, p) }

// dayOf returns the day of t and its month, as indexes in periods.
func (d *RollupDelta) dayOf(t time.Time) (day, month int32) {
	sec := t.Unix()
	if sec < wholeHourZones { // local mean time: not whole hours
		day = d.periodIndex(d.day(t))
	} else {
		hour := sec / 3600
		var ok bool
		if day, ok = d.hours[hour]; !ok {
			day = d.periodIndex(d.day(t))
			d.hours[hour] = day
		}
	}
	month, ok := d.monthOf[day]
	if !ok {
		month = d.periodIndex(d.periods[day][:8] + "01")
		d.monthOf[day] = month
	}
	return day, month
}

func (d *RollupDelta) nameIndex(s string) uint32 { return indexOf(d.name, &d.names, s) }

// dimOf returns the index in dims of a month, category and source.
func (d *RollupDelta) dimOf(month int32, category, source uint32) int32 {
	return indexOf(d.dim, &d.dims, rollupDims{month, category, source})
}

// counts returns the map of maps[i], making it (and the ones before it).
func counts(maps *[]map[int64]int64, i int32) map[int64]int64 {
	for int32(len(*maps)) <= i {
		*maps = append(*maps, nil)
	}
	m := (*maps)[i]
	if m == nil {
		m = map[int64]int64{}
		(*maps)[i] = m
	}
	return m
}

// Add counts one incident (sign +1) or takes one away (-1): received is its
// received_at, cells its cells at resolutions 5…11 in order (0: not filled,
// left out as the triggers leave out NULL).
func (d *RollupDelta) Add(received time.Time, category, source string, cells []int64, sign int64) {
	day, month := d.dayOf(received)
	dim := d.dimOf(month, d.nameIndex(category), d.nameIndex(source))
	for i, c := range cells {
		if c == 0 {
			continue
		}
		res := hex.MinExactRes + i
		period := day
		if res > RollupDaysMaxRes {
			period = month
		}
		counts(&d.totals[i], period)[c] += sign
		d.added = true
		if res <= RollupDimsMaxRes {
			counts(&d.cats[i], dim)[c] += sign
		}
	}
}

// Empty reports whether nothing was added.
func (d *RollupDelta) Empty() bool { return !d.added }

// Totals returns the rows to add to incident_cell_totals, in key order,
// without those that net to zero.
func (d *RollupDelta) Totals() []RollupTotal {
	type key struct {
		res, grain int
		period     string
		cell       int64
	}
	sum := map[key]int64{}
	for i, byPeriod := range d.totals {
		res := hex.MinExactRes + i
		for p, cells := range byPeriod {
			period := d.periods[p]
			for cell, n := range cells {
				if res <= RollupDaysMaxRes {
					sum[key{res, GrainDay, period, cell}] += n
				}
				sum[key{res, GrainMonth, period[:8] + "01", cell}] += n
				sum[key{res, GrainYear, period[:5] + "01-01", cell}] += n
			}
		}
	}
	out := make([]RollupTotal, 0, len(sum))
	for k, n := range sum {
		if n != 0 {
			out = append(out, RollupTotal{Res: k.res, Grain: k.grain, Period: k.period, Cell: k.cell, N: n})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Res != b.Res {
			return a.Res < b.Res
		}
		if a.Grain != b.Grain {
			return a.Grain < b.Grain
		}
		if a.Period != b.Period {
			return a.Period < b.Period
		}
		return a.Cell < b.Cell
	})
	return out
}

// Categories returns the rows to add to incident_cell_categories, in key
// order, without those that net to zero.
func (d *RollupDelta) Categories() []RollupCategory {
	type key struct {
		res, grain       int
		period           string
		cell             int64
		category, source string
	}
	sum := map[key]int64{}
	for i, byDims := range d.cats {
		res := hex.MinExactRes + i
		for j, cells := range byDims {
			dm := d.dims[j]
			month, cat, src := d.periods[dm.month], d.names[dm.category], d.names[dm.source]
			for cell, n := range cells {
				sum[key{res, GrainMonth, month, cell, cat, src}] += n
				sum[key{res, GrainYear, month[:5] + "01-01", cell, cat, src}] += n
			}
		}
	}
	out := make([]RollupCategory, 0, len(sum))
	for k, n := range sum {
		if n != 0 {
			out = append(out, RollupCategory{Res: k.res, Grain: k.grain, Period: k.period, Cell: k.cell, Category: k.category, Source: k.source, N: n})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		switch {
		case a.Res != b.Res:
			return a.Res < b.Res
		case a.Grain != b.Grain:
			return a.Grain < b.Grain
		case a.Period != b.Period:
			return a.Period < b.Period
		case a.Cell != b.Cell:
			return a.Cell < b.Cell
		case a.Category != b.Category:
			return a.Category < b.Category
		}
		return a.Source < b.Source
	})
	return out
}
