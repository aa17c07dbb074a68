package hotspot

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"
	"time"

	"minqing/deploy/fengtai"
	"minqing/geo/hex"
	"minqing/layers"
)

// handGrid loads the 7-cell grid of the hand computation: a patch covering
// exactly the disk of radius 1 around c0, 12 incidents in c0, 8 in one ring
// cell and 2 in each of the five others. It returns c0 and the 8-cell.
func handGrid(t *testing.T, src *fakeSource) (c0, eight hex.Cell) {
	c0 = centreCell(t)
	src.add("patches", patch("P1", diskArea(t, c0, 1)))
	src.add("incidents", incidentsAt(hex.Center(c0), 12, t0, "水管爆裂")...)
	ring := ringOf(c0)
	eight = ring[0]
	src.add("incidents", incidentsAt(hex.Center(eight), 8, t0, "停电")...)
	for _, c := range ring[1:] {
		src.add("incidents", incidentsAt(hex.Center(c), 2, t0, "漏水")...)
	}
	return c0, eight
}

// TestAnalyzeByHand checks Gi* on the 7-cell grid against the formula
// worked by hand. n = 7, Σx = 30, Σx² = 12² + 8² + 5·2² = 228, so
// X̄ = 30/7 and S = √(228/7 − (30/7)²). Every ring cell has 4 neighbours
// (itself, c0 and two ring cells), so the denominator is S·√((7·4 − 4²)/6)
// = S·√2. The 8-cell and its two ring neighbours sum 2+12+8+2 = 24 (or
// 12+8+2+2 = 24); the other three sum 2+12+2+2 = 18. c0's neighbourhood is
// the whole area, so its z is undefined and reported as 0.
func TestAnalyzeByHand(t *testing.T) {
	src := newFake()
	c0, eight := handGrid(t, src)
	svc := NewService(src, fengtai.Catalog(), Config{})
	a, err := svc.Analyze(bg(t), Params{Res: 9, Query: layers.Query{Role: layers.Staff}})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Cells) != 7 || a.Total != 30 {
		t.Fatalf("%d cells, total %d; want 7 cells, total 30", len(a.Cells), a.Total)
	}
	s := math.Sqrt(228.0/7 - (30.0/7)*(30.0/7))
	den := s * math.Sqrt2
	zHigh := (24 - 4*30.0/7) / den
	zLow := (18 - 4*30.0/7) / den
	for _, c := range a.Cells {
		want := zLow
		switch {
		case c.Cell == c0:
			want = 0
		case c.Cell == eight || adjacent(c.Cell, eight):
			want = zHigh
		}
		if math.Abs(c.Z-want) > 1e-9 {
			t.Errorf("cell %s: z = %.12f, want %.12f", hex.String(c.Cell), c.Z, want)
		}
		if c.P != TwoSidedP(c.Z) || c.Class != Classify(c.Z) {
			t.Errorf("cell %s: p %v class %s do not follow z", hex.String(c.Cell), c.P, c.Class)
		}
		if !c.InArea {
			t.Errorf("cell %s: not in the area", hex.String(c.Cell))
		}
	}
	if got := cellOf(t, a, eight).Count; got != 8 {
		t.Errorf("8-cell count = %d", got)
	}
}

func TestAnalyzeCellsOutsideTheArea(t *testing.T) {
	src := newFake()
	c0, _ := handGrid(t, src)
	// Three incidents two rings out, outside the patch.
	var far hex.Cell
	for _, d := range hex.Disk(c0, 2) {
		if !slices.Contains(hex.Disk(c0, 1), d) {
			far = d
			break
		}
	}
	src.add("incidents", incidentsAt(hex.Center(far), 3, t0, "漏水")...)
	a, err := NewService(src, fengtai.Catalog(), Config{}).Analyze(bg(t), Params{Query: layers.Query{Role: layers.Staff}})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Cells) != 8 || a.Total != 33 {
		t.Fatalf("%d cells, total %d; want 8, 33", len(a.Cells), a.Total)
	}
	if r := cellOf(t, a, far); r.InArea || r.Count != 3 {
		t.Errorf("outside cell: in_area %v count %d, want false 3", r.InArea, r.Count)
	}
}

func TestAnalyzeWithoutAreaUsesTheIncidentsExtent(t *testing.T) {
	src := newFake()
	c0 := centreCell(t)
	// Two clusters four rings apart, no patches nor communities: the study
	// area is the cells whose centres lie in the box of the two cells'
	// centres, so empty cells between them count as 0.
	var other hex.Cell
	for _, d := range hex.Disk(c0, 4) {
		if !slices.Contains(hex.Disk(c0, 3), d) {
			other = d
			break
		}
	}
	src.add("incidents", incidentsAt(hex.Center(c0), 10, t0, "漏水")...)
	src.add("incidents", incidentsAt(hex.Center(other), 4, t0, "漏水")...)
	a, err := NewService(src, fengtai.Catalog(), Config{}).Analyze(bg(t), Params{Query: layers.Query{Role: layers.Staff}})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Cells) < 3 {
		t.Fatalf("%d cells, want the two clusters and the empty cells between", len(a.Cells))
	}
	zeros := 0
	for _, c := range a.Cells {
		if c.Count == 0 {
			zeros++
		}
	}
	if zeros == 0 || a.Total != 14 {
		t.Errorf("%d empty cells, total %d", zeros, a.Total)
	}
}

// bigGrid loads a radius-3 disk (37 cells) with a strong cluster at c0 and
// a noisy background, so that several cells are significant.
func bigGrid(t *testing.T, src *fakeSource) hex.Cell {
	c0 := centreCell(t)
	src.add("communities", community("新华街北里", "第一片区", diskArea(t, c0, 3)))
	for i, c := range sortedDisk(c0, 3) {
		n := (i * 7) % 5 // background 0..4
		switch {
		case c == c0:
			n = 40
		case adjacent(c, c0):
			n = 15 + i%4
		}
		src.add("incidents", incidentsAt(hex.Center(c), n, t0.Add(time.Duration(i)*time.Hour), "漏水")...)
	}
	return c0
}

func sortedDisk(c hex.Cell, k int) []hex.Cell {
	d := hex.Disk(c, k)
	slices.Sort(d)
	return d
}

func TestAnalyzeFDR(t *testing.T) {
	src := newFake()
	bigGrid(t, src)
	svc := NewService(src, fengtai.Catalog(), Config{})
	plain, err := svc.Analyze(bg(t), Params{Query: layers.Query{Role: layers.Staff}})
	if err != nil {
		t.Fatal(err)
	}
	corrected, err := svc.Analyze(bg(t), Params{FDR: true, Query: layers.Query{Role: layers.Staff}})
	if err != nil {
		t.Fatal(err)
	}
	rs := make([]Result, len(plain.Cells))
	for i, c := range plain.Cells {
		rs[i] = c.Result
	}
	want := FDR(rs)
	changed, hot := 0, 0
	for i, c := range corrected.Cells {
		if c.Result != want[i] {
			t.Errorf("cell %d: %+v, want %+v", i, c.Result, want[i])
		}
		if c.Class != plain.Cells[i].Class {
			changed++
		}
		if c.Class.IsHot() {
			hot++
		}
	}
	if hot == 0 || changed == 0 {
		t.Errorf("%d hot cells after FDR, %d classes changed: the grid does not exercise the correction", hot, changed)
	}
}

func TestAnalyzeEmerging(t *testing.T) {
	src := newFake()
	c0 := centreCell(t)
	src.add("communities", community("新华街北里", "第一片区", diskArea(t, c0, 2)))
	cells := sortedDisk(c0, 2)
	const steps = 6
	day := 24 * time.Hour
	window := &layers.TimeRange{Start: &t0, End: ptr(t0.Add(steps*day - time.Nanosecond))}
	// Every cell gets a steady 1–3 incidents a step; c0 gets 10 + 4·step
	// and its ring 4 + 2·step more, rising against the steady background, so
	// c0 is hot at every step and its z-score rises (Gi* is scale-invariant:
	// a uniformly growing pattern would keep its z).
	want := map[hex.Cell][]int64{}
	for i, c := range cells {
		for k := range steps {
			n := 1 + i%3
			switch {
			case c == c0:
				n = 10 + 4*k
			case adjacent(c, c0):
				n += 4 + 2*k
			}
			src.add("incidents", incidentsAt(hex.Center(c), n, t0.Add(time.Duration(k)*day+time.Hour), "漏水")...)
			want[c] = append(want[c], int64(n))
		}
	}
	svc := NewService(src, fengtai.Catalog(), Config{})
	a, err := svc.Analyze(bg(t), Params{Steps: steps, Series: true, Query: layers.Query{Role: layers.Staff, Time: window}})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Steps) != steps {
		t.Fatalf("%d steps, want %d", len(a.Steps), steps)
	}
	// Independently: Gi* per step over the same graph, then Mann–Kendall.
	g := graph(cells, 1)
	perStep := make([][]Result, steps)
	for k := range steps {
		x := make([]float64, len(cells))
		for i, c := range cells {
			x[i] = float64(want[c][k])
		}
		rs, err := GiStar(x, g)
		if err != nil {
			t.Fatal(err)
		}
		perStep[k] = rs
	}
	for i, c := range a.Cells {
		if c.Cell != cells[i] {
			t.Fatalf("cell %d is %s, want %s", i, hex.String(c.Cell), hex.String(cells[i]))
		}
		if !slices.Equal(c.Trend.Series, want[c.Cell]) {
			t.Errorf("cell %s series %v, want %v", hex.String(c.Cell), c.Trend.Series, want[c.Cell])
		}
		var sum int64
		for _, n := range want[c.Cell] {
			sum += n
		}
		if c.Count != sum {
			t.Errorf("cell %s count %d, want the sum of its steps %d", hex.String(c.Cell), c.Count, sum)
		}
		zs := make([]float64, steps)
		hist := make([]Result, steps)
		for k := range steps {
			hist[k], zs[k] = perStep[k][i], perStep[k][i].Z
		}
		tr := MannKendall(zs)
		if c.Trend.Tau != tr.Tau || c.Trend.P != tr.P || c.Trend.Label != EmergingLabel(hist, tr) {
			t.Errorf("cell %s trend %+v, want tau %v p %v label %s", hex.String(c.Cell), *c.Trend, tr.Tau, tr.P, EmergingLabel(hist, tr))
		}
	}
	if got := cellOf(t, a, c0).Trend; got.Label != LabelIntensifying || got.Tau != 1 || got.P > TrendAlpha {
		t.Errorf("c0 trend %+v, want intensifying with tau 1, significant", *got)
	}
}

func ptr[T any](v T) *T { return &v }

func TestSuppressionForThePublic(t *testing.T) {
	src := newFake()
	c0, eight := handGrid(t, src)
	three := ringOf(c0)[3]
	src.add("incidents", incidentsAt(hex.Center(three), 1, t0, "漏水")...) // 2 + 1 = 3
	svc := NewService(src, fengtai.Catalog(), Config{})
	staff, err := svc.Analyze(bg(t), Params{Query: layers.Query{Role: layers.Staff}})
	if err != nil {
		t.Fatal(err)
	}
	public, err := svc.Analyze(bg(t), Params{Query: layers.Query{Role: layers.Public}})
	if err != nil {
		t.Fatal(err)
	}
	if r := cellOf(t, staff, three); r.Count != 3 || r.Suppressed {
		t.Errorf("staff sees %d (suppressed %v), want 3", r.Count, r.Suppressed)
	}
	pr := cellOf(t, public, three)
	if !pr.Suppressed || pr.Count != 0 || pr.Z != 0 || pr.P != 0 {
		t.Errorf("public sees %+v, want the count, z and p withheld", pr)
	}
	if r := cellOf(t, public, eight); r.Suppressed || r.Count != 8 {
		t.Errorf("8-cell for the public: %+v, want shown", r)
	}
	// The public total is the sum of the published counts (12 + 8), marked
	// partial: it never includes a suppressed cell.
	if public.TotalSuppressed || public.Total != 20 || !public.TotalPartial {
		t.Errorf("public total %d (suppressed %v, partial %v), want 20 partial", public.Total, public.TotalSuppressed, public.TotalPartial)
	}
	if staff.TotalSuppressed || staff.Total == 0 {
		t.Errorf("staff total %d (suppressed %v), want shown", staff.Total, staff.TotalSuppressed)
	}
	if public.MinCount != DefaultMinCount || staff.MinCount != 0 {
		t.Errorf("min counts %d / %d", public.MinCount, staff.MinCount)
	}
	// A higher threshold hides the 8-cell too.
	strict, err := NewService(src, fengtai.Catalog(), Config{MinCount: 10}).Analyze(bg(t), Params{Query: layers.Query{Role: layers.Public}})
	if err != nil {
		t.Fatal(err)
	}
	if r := cellOf(t, strict, eight); !r.Suppressed {
		t.Errorf("min count 10: the 8-cell is shown")
	}
}

func TestSuppressedSeriesAndTotal(t *testing.T) {
	src := newFake()
	c0 := centreCell(t)
	src.add("patches", patch("P1", diskArea(t, c0, 1)))
	src.add("incidents", incidentsAt(hex.Center(c0), 6, t0, "漏水")...)                  // January: 6
	src.add("incidents", incidentsAt(hex.Center(c0), 2, t0.AddDate(0, 1, 3), "漏水")...) // February: 2
	end := t0.AddDate(0, 2, 0).Add(-time.Nanosecond)
	p := Params{Steps: 2, Series: true, Query: layers.Query{Role: layers.Public, Time: &layers.TimeRange{Start: &t0, End: &end}}}
	a, err := NewService(src, fengtai.Catalog(), Config{}).Analyze(bg(t), p)
	if err != nil {
		t.Fatal(err)
	}
	// The public series and count are sums of the published month atoms:
	// January shown (6), February suppressed; the count 6 is partial, so
	// nothing gives the 2 by subtraction.
	c := cellOf(t, a, c0)
	if got := c.Trend.Series; !slices.Equal(got, []int64{6, -1}) || c.Count != 6 || !c.Partial {
		t.Errorf("public series %v count %d partial %v, want [6 -1], 6, partial", got, c.Count, c.Partial)
	}
	// A window of 2 months does not split into 3 steps of whole months.
	p3 := p
	p3.Steps = 3
	if _, err := NewService(src, fengtai.Catalog(), Config{}).Analyze(bg(t), p3); !errors.Is(err, layers.ErrInvalid) {
		t.Errorf("3 steps over 2 months: %v, want invalid", err)
	}
	strict, err := NewService(src, fengtai.Catalog(), Config{MinCount: 9}).Analyze(bg(t), p)
	if err != nil {
		t.Fatal(err)
	}
	if !strict.TotalSuppressed || strict.Total != 0 {
		t.Errorf("total 8 under min count 9: %d suppressed %v", strict.Total, strict.TotalSuppressed)
	}
}

func TestAnalyzeFilters(t *testing.T) {
	src := newFake()
	c0, eight := handGrid(t, src)
	svc := NewService(src, fengtai.Catalog(), Config{})
	a, err := svc.Analyze(bg(t), Params{Query: layers.Query{Role: layers.Staff, Equal: map[string][]any{"category": {"停电"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if a.Total != 8 || cellOf(t, a, eight).Count != 8 || cellOf(t, a, c0).Count != 0 {
		t.Errorf("category filter: total %d", a.Total)
	}
	// A public filter on a staff field is refused by the store.
	_, err = svc.Analyze(bg(t), Params{Query: layers.Query{Role: layers.Public, Equal: map[string][]any{"unit": {"x"}}}})
	if !errors.Is(err, layers.ErrInvalid) {
		t.Errorf("public filter on a staff field: %v, want ErrInvalid", err)
	}
}

func TestAnalyzeCacheFollowsVersions(t *testing.T) {
	src := newFake()
	c0, _ := handGrid(t, src)
	svc := NewService(src, fengtai.Catalog(), Config{})
	p := Params{Query: layers.Query{Role: layers.Staff}}
	a1, err := svc.Analyze(bg(t), p)
	if err != nil {
		t.Fatal(err)
	}
	a2, _ := svc.Analyze(bg(t), p)
	if a1 != a2 || src.cellCalls != 1 {
		t.Fatalf("second identical request: same analysis %v, %d store calls; want cached", a1 == a2, src.cellCalls)
	}
	if pub, _ := svc.Analyze(bg(t), Params{Query: layers.Query{Role: layers.Public}}); pub == a1 || src.cellCalls == 1 {
		t.Errorf("the public analysis is the staff one")
	}
	src.cellCalls = 1
	src.add("incidents", incidentsAt(hex.Center(c0), 1, t0, "漏水")...)
	a3, err := svc.Analyze(bg(t), p)
	if err != nil {
		t.Fatal(err)
	}
	if a3 == a1 || a3.Total != 31 {
		t.Errorf("after a write: total %d, want a fresh analysis with 31", a3.Total)
	}
}

func TestAnalyzeRejectsBadParams(t *testing.T) {
	svc := NewService(newFake(), fengtai.Catalog(), Config{})
	_, err := svc.Analyze(bg(t), Params{Res: 10, Query: layers.Query{Role: layers.Public}})
	var inv *layers.InvalidError
	if !errors.As(err, &inv) || inv.Param != "res" {
		t.Errorf("public res 10: %v, want invalid res", err)
	}
}

func TestCancelledContext(t *testing.T) {
	src := newFake()
	handGrid(t, src)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := NewService(src, fengtai.Catalog(), Config{}).Analyze(ctx, Params{Query: layers.Query{Role: layers.Staff}})
	if err == nil {
		t.Fatal("analysis ran on a cancelled context")
	}
}

// The Gi* neighbourhood of a cell is its k-ring within the study cells.
func TestGraph(t *testing.T) {
	c0 := centreCell(t)
	cells := sortedDisk(c0, 2)
	for k := 1; k <= 2; k++ {
		g := graph(cells, k)
		i, _ := slices.BinarySearch(cells, c0)
		if len(g.Neighbors[i]) != 3*k*(k+1)+1 {
			t.Errorf("k=%d: centre has %d neighbours", k, len(g.Neighbors[i]))
		}
	}
	g := graph(cells, 1)
	for i, nb := range g.Neighbors {
		for _, j := range nb {
			if j != i && !adjacent(cells[i], cells[j]) {
				t.Errorf("%d lists %d, not adjacent", i, j)
			}
		}
	}
	// An outer-ring cell sees only the part of its ring inside the cells.
	outer := slices.IndexFunc(cells, func(c hex.Cell) bool { return !slices.Contains(hex.Disk(c0, 1), c) })
	if n := len(g.Neighbors[outer]); n >= 7 || n < 3 {
		t.Errorf("outer cell has %d neighbours", n)
	}
}
