package sourcetest

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"minqing/geo/hex"
	"minqing/layers"
)

// rollupSwitch is what a store with rollups offers to read without them.
type rollupSwitch interface{ SetRollups(on bool) }

// testRollups checks that counts read from the rollups equal the counts of
// the raw rows after a random sequence of inserts, upserts that move
// incidents in time, space and category, deletes and a bulk import: every
// stored resolution, windows aligned on Beijing days, months and years and
// not, open on either side, with and without the filters and groupings
// the rollups hold.
func testRollups(t *testing.T, src layers.Source, cat *layers.Catalog) {
	sw, ok := src.(rollupSwitch)
	if !ok {
		t.Fatalf("%s store has no SetRollups", src.Kind())
	}
	l := layer(t, cat, "incidents")
	r := rand.New(rand.NewPCG(14, 2))
	random := func(i int) *layers.Feature { return randomIncident(r, i) }
	var fs []*layers.Feature
	for i := range 300 {
		fs = append(fs, random(i))
	}
	ids := mustWrite(t, src, l, layers.Insert, fs).IDs
	check(t, src, sw, l, "after insert")

	// Upserts: the same work orders moved in time, space, category, source.
	var moved []*layers.Feature
	for i := 0; i < 300; i += 5 {
		f := random(i)
		moved = append(moved, f)
	}
	mustWrite(t, src, l, layers.Upsert, moved)
	check(t, src, sw, l, "after upserts")

	del, ok := layers.As[Deleter](src)
	if !ok {
		t.Fatalf("%s store has no Delete", src.Kind())
	}
	for _, id := range ids[:40:40] {
		if r.IntN(2) == 0 {
			if err := del.Delete(ctx(t), l, id); err != nil {
				t.Fatal(err)
			}
		}
	}
	check(t, src, sw, l, "after deletes")

	var more []*layers.Feature
	for i := 1000; i < 1400; i++ {
		more = append(more, random(i))
	}
	mustWrite(t, src, l, layers.Insert, more)
	check(t, src, sw, l, "after import")

	mustWrite(t, src, l, layers.Replace, more[:50])
	check(t, src, sw, l, "after replace")
}

// randomIncident returns incident i at a random place over the street, of
// a random category and source, received at a random time in 80 days
// around a year's end (so that days, months and years all count).
func randomIncident(r *rand.Rand, i int) *layers.Feature {
	cats := []string{"水管爆裂", "停电", "施工扰民", "漏水"}
	sources := []string{"12345", "网格", "微信"}
	start := time.Date(2025, 11, 20, 0, 0, 0, 0, layers.Shanghai)
	p := orb.Point{116.270 + 0.035*r.Float64(), 39.845 + 0.025*r.Float64()}
	f := Incident(i, p, cats[r.IntN(len(cats))])
	f.Props["source"] = sources[r.IntN(len(sources))]
	f.Props["received_at"] = start.Add(time.Duration(r.Int64N(int64(80 * 24 * time.Hour))))
	delete(f.Props, "closed_at")
	return f
}

// RollupIncidents returns n incidents as the rollups' contract test writes
// them (random places, categories, sources, and times around a year's
// end), the same for the same seed, ids unset.
func RollupIncidents(seed uint64, n int) []*layers.Feature {
	r := rand.New(rand.NewPCG(seed, 2))
	out := make([]*layers.Feature, n)
	for i := range out {
		out[i] = randomIncident(r, i)
	}
	return out
}

// RollupsMatchRaw checks that every count the rollups' contract test
// compares is the same read from src's rollups as from its raw rows: for
// a store migrated over rows already there, when a migration adds rollup
// keys and fills them.
func RollupsMatchRaw(t *testing.T, src layers.Source, cat *layers.Catalog, when string) {
	t.Helper()
	sw, ok := src.(rollupSwitch)
	if !ok {
		t.Fatalf("%s store has no SetRollups", src.Kind())
	}
	check(t, src, sw, layer(t, cat, "incidents"), when)
}

// check compares rollups and raw rows for many counts.
func check(t *testing.T, src layers.Source, sw rollupSwitch, l *layers.Layer, when string) {
	t.Helper()
	at := func(y int, m time.Month, d, h, min int) *time.Time {
		v := time.Date(y, m, d, h, min, 0, 0, layers.Shanghai)
		return &v
	}
	endOf := func(y int, m time.Month, d int) *time.Time {
		v := time.Date(y, m, d+1, 0, 0, 0, 0, layers.Shanghai).Add(-time.Nanosecond)
		return &v
	}
	windows := map[string]*layers.TimeRange{
		"all":            nil,
		"whole days":     {Start: at(2025, 12, 3, 0, 0), End: endOf(2026, 1, 20)},
		"whole months":   {Start: at(2025, 12, 1, 0, 0), End: endOf(2026, 1, 31)},
		"year and days":  {Start: at(2025, 11, 28, 0, 0), End: endOf(2027, 1, 2)},
		"odd ends":       {Start: at(2025, 12, 3, 13, 27), End: at(2026, 2, 2, 8, 0)},
		"from":           {Start: at(2025, 12, 24, 17, 5)},
		"until":          {End: at(2026, 1, 1, 0, 0)},
		"within one day": {Start: at(2025, 12, 31, 8, 0), End: at(2025, 12, 31, 20, 0)},
	}
	filters := map[string]struct {
		eq    map[string][]any
		group string
	}{
		"none":               {},
		"category":           {eq: map[string][]any{"category": {"停电", "漏水"}}},
		"by source":          {group: "source"},
		"source by category": {eq: map[string][]any{"source": {"网格"}}, group: "category"},
	}
	for wname, w := range windows {
		for fname, f := range filters {
			q := layers.Query{Role: layers.Staff, Time: w, Equal: f.eq}
			for res := hex.MinExactRes; res <= hex.MaxExactRes; res++ {
				name := fmt.Sprintf("%s: %s, %s, res %d", when, wname, fname, res)
				sw.SetRollups(false)
				raw, err := src.CellCounts(ctx(t), l, res, q, f.group)
				sw.SetRollups(true)
				if err != nil {
					t.Fatalf("%s: raw: %v", name, err)
				}
				got, err := src.CellCounts(ctx(t), l, res, q, f.group)
				if err != nil {
					t.Fatalf("%s: rollups: %v", name, err)
				}
				if !reflect.DeepEqual(got, raw) {
					t.Errorf("%s: rollups give %d cells %v, raw rows %d cells %v", name, len(got), got, len(raw), raw)
				}
				checkCellSet(t, src, sw, l, res, q, f.group, raw, name)
			}
			sw.SetRollups(false)
			raw, err := src.Count(ctx(t), l, q)
			sw.SetRollups(true)
			if err != nil {
				t.Fatal(err)
			}
			if got, err := src.Count(ctx(t), l, q); err != nil || got != raw {
				t.Errorf("%s: %s, %s: count %d (%v) from the rollups, %d from the raw rows", when, wname, fname, got, err, raw)
			}
		}
	}
}

// checkCellSet compares rollups and raw rows for a count restricted to
// every other cell of all (a count at res without the restriction) and a
// cell without incidents, as tiles ask for the cells of a tile: per cell,
// and in total (Count at the set's resolution).
func checkCellSet(t *testing.T, src layers.Source, sw rollupSwitch, l *layers.Layer, res int, q layers.Query, group string, all []layers.CellCount, name string) {
	t.Helper()
	set := &layers.CellSet{Res: res}
	for i, c := range all {
		if i%2 == 0 && !slices.Contains(set.Cells, c.Cell) {
			set.Cells = append(set.Cells, c.Cell)
		}
	}
	empty, _ := hex.FromPoint(orb.Point{0, 0}, res)
	set.Cells = append(set.Cells, empty)
	q.Cells = set
	sw.SetRollups(false)
	raw, err := src.CellCounts(ctx(t), l, res, q, group)
	rawN, errN := src.Count(ctx(t), l, q)
	sw.SetRollups(true)
	if err != nil || errN != nil {
		t.Fatalf("%s, cells: raw: %v %v", name, err, errN)
	}
	var want []layers.CellCount
	for _, c := range all {
		if slices.Contains(set.Cells, c.Cell) {
			want = append(want, c)
		}
	}
	if !sameCells(raw, want) {
		t.Errorf("%s, cells: raw rows give %v, want the set's cells of %v", name, raw, want)
	}
	got, err := src.CellCounts(ctx(t), l, res, q, group)
	if err != nil {
		t.Fatalf("%s, cells: rollups: %v", name, err)
	}
	if !sameCells(got, raw) {
		t.Errorf("%s, cells: rollups give %v, raw rows %v", name, got, raw)
	}
	var sum int64
	for _, c := range want {
		sum += c.Count
	}
	if group == "" {
		if n, err := src.Count(ctx(t), l, q); err != nil || n != rawN || n != sum {
			t.Errorf("%s, cells: count %d (%v) from the rollups, %d from the raw rows, want %d", name, n, err, rawN, sum)
		}
	}
}

// sameCells reports whether two CellCounts answers are the same (none and
// an empty answer alike).
func sameCells(a, b []layers.CellCount) bool {
	return len(a) == 0 && len(b) == 0 || reflect.DeepEqual(a, b)
}
