package hotspot

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"minqing/disclose"
	"minqing/geo/hex"
	"minqing/layers"
)

// Summary limits.
const (
	DefaultTop = 10
	MaxTop     = 100
	// TopCategories is how many categories are listed per top cell.
	TopCategories = 3
)

// Summary is the JSON answer of GET /hotspots/summary: the analysis in
// figures and its top cells with their community and main categories.
type Summary struct {
	Res      int    `json:"res"`
	K        int    `json:"k"`
	FDR      bool   `json:"fdr"`
	Steps    int    `json:"steps,omitempty"`
	By       string `json:"by"`
	Cells    int    `json:"cells"`
	Hot      int    `json:"hot"`  // cells hot at 90 % or more
	Cold     int    `json:"cold"` // cells cold at 90 % or more
	Total    *int64 `json:"total"`
	MinCount int    `json:"min_count,omitempty"`
	// Partial and Months are set for a public caller: the total leaves out
	// suppressed atoms; the published months the summary covers.
	Partial bool     `json:"partial,omitempty"`
	Months  []string `json:"months,omitempty"`
	Top     []Top    `json:"top"`
}

// Top is one of the top cells of a summary.
type Top struct {
	H3         string          `json:"h3"`
	Count      *int64          `json:"count"`
	Suppressed bool            `json:"suppressed"`
	Partial    bool            `json:"partial,omitempty"`
	Z          *float64        `json:"z"`
	P          *float64        `json:"p"`
	Class      Class           `json:"class"`
	Label      string          `json:"label,omitempty"`
	Center     [2]float64      `json:"center"` // lon, lat
	Community  string          `json:"community"`
	Patch      string          `json:"patch"`
	Categories []CategoryCount `json:"categories"`
}

// CategoryCount is a category's share of a top cell.
type CategoryCount struct {
	Category string `json:"category"`
	Count    int64  `json:"count"`
	// Partial (public callers): the count leaves out suppressed atoms.
	Partial bool `json:"partial,omitempty"`
}

// Summarize returns the top cells of the analysis p selects, by "z" (the
// Gi* z-score, the default) or "count", with the community containing each
// cell's centre and its TopCategories most frequent categories. Public
// callers get the published sums of the category atoms (see package
// disclose), and no categories for a suppressed cell.
func (s *Service) Summarize(ctx context.Context, p Params, top int, by string) (*Summary, error) {
	if top == 0 {
		top = DefaultTop
	}
	if top < 1 || top > MaxTop {
		return nil, layers.Invalid("top", fmt.Sprintf("top must be from 1 to %d, not %d", MaxTop, top))
	}
	if by == "" {
		by = "z"
	}
	if by != "z" && by != "count" {
		return nil, layers.Invalid("by", fmt.Sprintf("by must be z or count, not %q", by))
	}
	a, key, err := s.analysis(ctx, p)
	if err != nil {
		return nil, err
	}
	key = fmt.Sprintf("%s top=%d by=%s", key, top, by)
	if sum, ok := s.sums.get(key); ok {
		return sum, nil
	}
	sum, err := s.summarize(ctx, a, top, by)
	if err != nil {
		return nil, err
	}
	s.sums.put(key, sum)
	return sum, nil
}

func (s *Service) summarize(ctx context.Context, a *Analysis, top int, by string) (*Summary, error) {
	p := a.Params
	sum := &Summary{Res: p.Res, K: p.K, FDR: p.FDR, Steps: p.Steps, By: by, Cells: len(a.Cells), MinCount: a.MinCount, Top: []Top{}}
	if !a.TotalSuppressed {
		sum.Total = &a.Total
	}
	if a.public != nil {
		sum.Partial, sum.Months = a.TotalPartial, monthStrings(a.Months)
	}
	for _, c := range a.Cells {
		switch {
		case c.Class.IsHot():
			sum.Hot++
		case c.Class.IsCold():
			sum.Cold++
		}
	}
	order := make([]int, len(a.Cells))
	for i := range order {
		order[i] = i
	}
	key := func(i int) float64 { return a.Cells[i].rankZ }
	if by == "count" {
		key = func(i int) float64 { return float64(a.Cells[i].Count) }
	}
	sort.SliceStable(order, func(i, j int) bool { return key(order[i]) > key(order[j]) })
	order = order[:min(top, len(order))]

	categories := s.categories
	if a.public != nil {
		categories = s.publicCategories
	}
	cats, err := categories(ctx, a, order)
	if err != nil {
		return nil, err
	}
	places, err := s.communities(ctx, a.areaVersion)
	if err != nil {
		return nil, err
	}
	for _, i := range order {
		c := &a.Cells[i]
		ctr := hex.Center(c.Cell)
		t := Top{H3: hex.String(c.Cell), Suppressed: c.Suppressed, Class: c.Class,
			Center: [2]float64{ctr[0], ctr[1]}, Categories: []CategoryCount{}}
		t.Partial = c.Partial
		if !c.Suppressed {
			t.Count, t.Z, t.P = &c.Count, &c.Z, &c.P
			cs := cats[c.Cell]
			t.Categories = append(t.Categories, cs[:min(TopCategories, len(cs))]...)
		}
		if c.Trend != nil {
			t.Label = c.Trend.Label
		}
		if pl, ok := placeOf(places, ctr); ok {
			t.Community, t.Patch = pl.name, pl.patch
		}
		sum.Top = append(sum.Top, t)
	}
	return sum, nil
}

// categories returns, for the given cells of a, their categories sorted by
// count (descending, then by name).
func (s *Service) categories(ctx context.Context, a *Analysis, idx []int) (map[hex.Cell][]CategoryCount, error) {
	out := map[hex.Cell][]CategoryCount{}
	if len(idx) == 0 {
		return out, nil
	}
	want := map[hex.Cell]bool{}
	for _, i := range idx {
		want[a.Cells[i].Cell] = true
	}
	l, err := s.incidents()
	if err != nil {
		return nil, err
	}
	ccs, err := s.src.CellCounts(ctx, l, a.Params.Res, a.Params.Query, "category")
	if err != nil {
		return nil, fmt.Errorf("hotspot: category counts: %w", err)
	}
	for _, cc := range ccs {
		if want[cc.Cell] {
			out[cc.Cell] = append(out[cc.Cell], CategoryCount{Category: cc.Group, Count: cc.Count})
		}
	}
	sortCategories(out)
	return out, nil
}

// publicCategories returns, for the given cells of a public analysis, the
// published sums of their category atoms over the window (those with a
// shown atom), sorted by count. With a category filter only those
// categories count; with a source filter there is none (the table has no
// category-by-source atoms).
func (s *Service) publicCategories(_ context.Context, a *Analysis, idx []int) (map[hex.Cell][]CategoryCount, error) {
	out := map[hex.Cell][]CategoryCount{}
	d := a.public
	if d.filter.Dim == disclose.Source {
		return out, nil
	}
	for _, i := range idx {
		c := a.Cells[i].Cell
		for v, sum := range disclose.Breakdown(d.tables, c, disclose.Category) {
			if sum.Shown == 0 || (d.filter.Dim == disclose.Category && !slices.Contains(d.filter.Values, v)) {
				continue
			}
			out[c] = append(out[c], CategoryCount{Category: v, Count: sum.Count, Partial: sum.Partial()})
		}
	}
	sortCategories(out)
	return out, nil
}

// sortCategories sorts each cell's categories by count (descending), then
// by name.
func sortCategories(out map[hex.Cell][]CategoryCount) {
	for _, cs := range out {
		slices.SortFunc(cs, func(x, y CategoryCount) int {
			if x.Count != y.Count {
				if x.Count > y.Count {
					return -1
				}
				return 1
			}
			if x.Category < y.Category {
				return -1
			}
			if x.Category > y.Category {
				return 1
			}
			return 0
		})
	}
}
