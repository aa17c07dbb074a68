package sourcetest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"minqing/geo/hex"
	"minqing/layers"
)

// EdgePoints returns n points of 丰台街道 close to the edges of H3 cells:
// along the edges of the res-9 cells around the street, at several
// fractions of each edge, from 0.2 % to 5 % of the way to the centre on
// either side. There the point's own cell at a coarse resolution often
// differs from the parent of its fine cell (H3 is not a strict hierarchy).
func EdgePoints(n int) []orb.Point {
	centre, _ := hex.FromPoint(orb.Point{116.2875, 39.8575}, 9)
	disk := hex.Disk(centre, 8)
	slices.Sort(disk)
	fractions := []float64{0.1, 0.3, 0.5, 0.7, 0.9}
	offsets := []float64{0.002, -0.002, 0.01, -0.01, 0.05, -0.05}
	out := make([]orb.Point, 0, n)
	for i := 0; len(out) < n; i++ {
		c := disk[i%len(disk)]
		ring := hex.Boundary(c)[0]
		ctr := hex.Center(c)
		j := i / len(disk)
		k := j % (len(ring) - 1)
		u := fractions[(j/(len(ring)-1))%len(fractions)]
		f := offsets[(j/(len(ring)-1)/len(fractions))%len(offsets)]
		a, b := ring[k], ring[k+1]
		v := orb.Point{a[0] + u*(b[0]-a[0]), a[1] + u*(b[1]-a[1])}
		out = append(out, orb.Point{v[0] + f*(ctr[0]-v[0]), v[1] + f*(ctr[1]-v[1])})
	}
	return out
}

// testExactCells checks that CellCounts counts every point in its own cell
// (H3 LatLngToCell) at every stored resolution, with and without a bbox
// (the Go path of the embedded store), after an upsert moves points, and
// that resolutions without stored cells are refused as bad input.
func testExactCells(t *testing.T, src layers.Source, cat *layers.Catalog) {
	l := layer(t, cat, "incidents")
	pts := EdgePoints(600)
	fs := make([]*layers.Feature, len(pts))
	for i, p := range pts {
		fs[i] = Incident(i, p, "停电")
	}
	mustWrite(t, src, l, layers.Insert, fs)
	// Move the first 100 by upsert (same key): their cells must follow.
	moved := make([]*layers.Feature, 100)
	for i := range moved {
		moved[i] = Incident(i, pts[len(pts)-1-i], "停电")
	}
	mustWrite(t, src, l, layers.Upsert, moved)
	final := append([]orb.Point(nil), pts...)
	for i := range moved {
		final[i] = pts[len(pts)-1-i]
	}

	box := orb.Bound{Min: orb.Point{116.280, 39.850}, Max: orb.Point{116.295, 39.865}}
	mismatched := 0
	for res := hex.MinExactRes; res <= hex.MaxExactRes; res++ {
		for _, tc := range []struct {
			name string
			q    layers.Query
		}{
			{"all", layers.Query{Role: layers.Staff}},
			{"bbox", layers.Query{Role: layers.Staff, BBox: &box}},
		} {
			want := map[int64]int64{}
			for _, p := range final {
				if tc.q.BBox != nil && !tc.q.BBox.Contains(p) {
					continue
				}
				c, err := hex.FromPoint(p, res)
				if err != nil {
					t.Fatal(err)
				}
				want[c]++
				fine, _ := hex.FromPoint(p, hex.StoreRes)
				if tc.q.BBox == nil && hex.Parent(fine, res) != c {
					mismatched++
				}
			}
			got, err := src.CellCounts(ctx(t), l, res, tc.q, "")
			if err != nil {
				t.Fatalf("res %d %s: %v", res, tc.name, err)
			}
			if err := sameCounts(got, want); err != nil {
				t.Errorf("res %d %s: %v", res, tc.name, err)
			}
		}
	}
	testCellSets(t, src, l, final)
	testCellFilters(t, src, l, final)
	if mismatched == 0 {
		t.Error("no point's res-15 parent differs from its own cell: the test points do not test exactness")
	}
	for _, res := range []int{-1, 0, hex.MinExactRes - 1, hex.MaxExactRes + 1, 15, 16} {
		_, err := src.CellCounts(ctx(t), l, res, layers.Query{Role: layers.Staff}, "")
		var inv *layers.InvalidError
		if !errors.As(err, &inv) || inv.Param != "res" {
			t.Errorf("res %d: err = %v, want an invalid res", res, err)
		}
	}
}

// testCellSets checks that a query restricted to a CellSet selects exactly
// the points whose own cell is in it, at every stored resolution, for
// Features and CellCounts, and that a set a store cannot hold is refused
// as bad input on "cells".
func testCellSets(t *testing.T, src layers.Source, l *layers.Layer, pts []orb.Point) {
	for res := hex.MinExactRes; res <= hex.MaxExactRes; res++ {
		var cellOf []int64
		var set []int64
		for i, p := range pts {
			c, _ := hex.FromPoint(p, res)
			cellOf = append(cellOf, c)
			if i%3 == 0 && !slices.Contains(set, c) {
				set = append(set, c)
			}
		}
		want := map[int64]int64{}
		wantN := 0
		for _, c := range cellOf {
			if slices.Contains(set, c) {
				want[c]++
				wantN++
			}
		}
		q := layers.Query{Role: layers.Staff, Cells: &layers.CellSet{Res: res, Cells: set}}
		got, err := src.CellCounts(ctx(t), l, res, q, "")
		if err != nil {
			t.Fatalf("res %d cells: %v", res, err)
		}
		if err := sameCounts(got, want); err != nil {
			t.Errorf("res %d cells: %v", res, err)
		}
		n := 0
		err = src.Features(ctx(t), l, q, func(f *layers.Feature) error {
			c, _ := hex.FromPoint(f.Geometry.(orb.Point), res)
			if !slices.Contains(set, c) {
				t.Errorf("res %d cells: feature %d in cell %s, not in the set", res, f.ID, hex.String(c))
			}
			n++
			return nil
		})
		if err != nil || n != wantN {
			t.Errorf("res %d cells: %d features (%v), want %d", res, n, err, wantN)
		}
		if wantN == len(pts) && res >= 8 {
			t.Errorf("res %d cells: the set holds every point: nothing tested", res)
		}
	}
	coarse, _ := hex.FromPoint(pts[0], 4)
	for _, bad := range []*layers.CellSet{
		{Res: 4, Cells: []int64{coarse}},
		{Res: 9, Cells: []int64{coarse}},
		{Res: 9, Cells: make([]int64, layers.MaxCellSet+1)},
	} {
		_, err := src.CellCounts(ctx(t), l, bad.Res, layers.Query{Role: layers.Staff, Cells: bad}, "")
		var inv *layers.InvalidError
		if bad.Res == 4 {
			// The resolution itself is refused first.
			if !errors.As(err, &inv) {
				t.Errorf("cells at res 4: err = %v, want invalid", err)
			}
			continue
		}
		if !errors.As(err, &inv) || inv.Param != "cells" {
			t.Errorf("cells %d at res %d: err = %v, want invalid cells", len(bad.Cells), bad.Res, err)
		}
		err = src.Features(ctx(t), l, layers.Query{Role: layers.Staff, Cells: bad}, func(*layers.Feature) error { return nil })
		if !errors.As(err, &inv) || inv.Param != "cells" {
			t.Errorf("features, cells %d at res %d: err = %v, want invalid cells", len(bad.Cells), bad.Res, err)
		}
	}
}

// sameCounts compares CellCounts (ungrouped) with expected counts per cell.
func sameCounts(got []layers.CellCount, want map[int64]int64) error {
	seen := map[int64]bool{}
	var errs []error
	for _, c := range got {
		seen[c.Cell] = true
		if want[c.Cell] != c.Count {
			errs = append(errs, fmt.Errorf("cell %s: count %d, want %d", hex.String(c.Cell), c.Count, want[c.Cell]))
		}
	}
	for c, n := range want {
		if !seen[c] {
			errs = append(errs, fmt.Errorf("cell %s: missing, want %d", hex.String(c), n))
		}
	}
	return errors.Join(errs...)
}

// testCellFilters checks that a CQL2 filter names an H3 cell as H3 writes
// it, a string, on both stores, and that the stores return it as an int64
// the outputs write as that string.
func testCellFilters(t *testing.T, src layers.Source, l *layers.Layer, pts []orb.Point) {
	a, _ := hex.FromPoint(pts[200], hex.StoreRes)
	b, _ := hex.FromPoint(pts[300], hex.StoreRes)
	tests := []struct {
		filter string
		want   []int64
	}{
		{fmt.Sprintf("h3 = '%s'", hex.String(a)), []int64{a}},
		{fmt.Sprintf("h3 IN ('%s', '%s')", hex.String(a), hex.String(b)), []int64{a, b}},
		{fmt.Sprintf("h3 = '%s' AND category = '停电'", strings.ToUpper(hex.String(b))), []int64{b}},
		{fmt.Sprintf("NOT (h3 <> '%s')", hex.String(a)), []int64{a}},
	}
	for _, tc := range tests {
		e, err := l.ParseFilter(tc.filter, layers.Staff)
		if err != nil {
			t.Fatalf("parse %q: %v", tc.filter, err)
		}
		got := collect(t, src, l, layers.Query{Role: layers.Staff, Filter: e, Properties: []string{"h3"}})
		var cells []int64
		for _, f := range got {
			c, ok := f.Props["h3"].(int64)
			if !ok {
				t.Fatalf("filter %q: h3 is %T, want int64", tc.filter, f.Props["h3"])
			}
			cells = append(cells, c)
		}
		slices.Sort(cells)
		slices.Sort(tc.want)
		if !slices.Equal(cells, tc.want) {
			t.Errorf("filter %q: cells %v, want %v", tc.filter, cells, tc.want)
		}
	}
	for _, bad := range []string{"h3 = 'zz'", "h3 = '8f31aa4141436c7'", "h3 LIKE '8f31%'", "h3 = 644888463657940676"} {
		if _, err := l.ParseFilter(bad, layers.Staff); err == nil {
			t.Errorf("filter %q: no error", bad)
		}
	}
	if _, err := l.ParseFilter(fmt.Sprintf("h3 = '%s'", hex.String(a)), layers.Public); err == nil {
		t.Error("public filter on the staff h3 field: no error")
	}
}
