package hotspot

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"minqing/disclose"
	"minqing/geo/hex"
	"minqing/layers"
)

// Public filters: a public analysis counts the published atoms of one
// dimension, and selects published cells by their centre's community.
var (
	publicDims      = []disclose.Dim{disclose.Category, disclose.Source}
	publicSelectors = []string{"community", "patch"}
)

// CheckPublicFilters refuses, for a public caller, the filters the
// published table cannot answer: anything but category or source (one of
// them), community and patch.
func CheckPublicFilters(eq map[string][]any) error {
	var dims []string
	for k := range eq {
		switch {
		case slices.Contains(publicDims, disclose.Dim(k)):
			dims = append(dims, k)
		case slices.Contains(publicSelectors, k):
		default:
			return layers.Invalid(k, fmt.Sprintf("public incident figures are published by category or by source only, so %s cannot filter them; staff may combine any filters", k))
		}
	}
	if len(dims) > 1 {
		slices.Sort(dims)
		return layers.Invalid(dims[1], fmt.Sprintf("public incident figures are published by category or by source, not by both at once: drop %s or %s", dims[0], dims[1]))
	}
	return nil
}

// PublicFilter returns the published-table filter of a public query's
// equality filters (already checked): the totals, or the values of the one
// dimension asked.
func PublicFilter(eq map[string][]any) disclose.Filter {
	for _, d := range publicDims {
		if vs, ok := eq[string(d)]; ok {
			f := disclose.Filter{Dim: d}
			for _, v := range vs {
				f.Values = append(f.Values, fmt.Sprint(v))
			}
			return f
		}
	}
	return disclose.Filter{}
}

// Publisher returns the service's publisher of the incidents table (nil
// when the catalog has no incidents layer).
func (s *Service) Publisher() *disclose.Publisher { return s.pub }

// PublicMonths returns the published months a public window r selects, or
// an error made with [layers.Invalid] when r does not follow month
// boundaries.
func (s *Service) PublicMonths(ctx context.Context, r *layers.TimeRange, version int64) ([]disclose.Month, error) {
	first, last, ok, err := s.pub.Bounds(ctx, version)
	if err != nil {
		return nil, err
	}
	if !ok {
		// Nothing published: check the alignment all the same.
		last = disclose.LastClosed(s.now())
		first = last.Next()
	}
	ms, err := disclose.Window(r, first, last)
	if err != nil {
		return nil, layers.Invalid("datetime", err.Error())
	}
	return ms, nil
}

// Selection is the set of cells a public community/patch filter keeps, by
// their centre's community; nil keeps every cell.
type Selection func(hex.Cell) bool

// PublicSelection returns the cell selection of a query's community and
// patch filters (any role), or an error made with [layers.Invalid] naming
// an unknown community or patch.
func (s *Service) PublicSelection(ctx context.Context, eq map[string][]any, versions map[string]int64) (Selection, error) {
	if err := s.checkPlaces(ctx, eq, versions); err != nil {
		return nil, err
	}
	comm, patch := eq["community"], eq["patch"]
	if comm == nil && patch == nil {
		return nil, nil
	}
	places, err := s.communities(ctx, areaVersion(versions))
	if err != nil {
		return nil, err
	}
	in := func(vs []any, v string) bool {
		return vs == nil || slices.ContainsFunc(vs, func(x any) bool { return fmt.Sprint(x) == v })
	}
	return func(c hex.Cell) bool {
		pl, ok := placeOf(places, hex.Center(c))
		return ok && in(comm, pl.name) && in(patch, pl.patch)
	}, nil
}

// checkPlaces returns an error naming a community or patch of eq that the
// communities layer does not know.
func (s *Service) checkPlaces(ctx context.Context, eq map[string][]any, versions map[string]int64) error {
	if eq["community"] == nil && eq["patch"] == nil {
		return nil
	}
	places, err := s.communities(ctx, areaVersion(versions))
	if err != nil {
		return err
	}
	if len(places) == 0 {
		return nil // no communities loaded: nothing to check against
	}
	known := map[string]map[string]bool{"community": {}, "patch": {}}
	for _, pl := range places {
		known["community"][pl.name] = true
		known["patch"][pl.patch] = true
	}
	for _, k := range publicSelectors {
		for _, v := range eq[k] {
			if name := fmt.Sprint(v); !known[k][name] {
				names := make([]string, 0, len(known[k]))
				for n := range known[k] {
					names = append(names, n)
				}
				slices.Sort(names)
				return layers.Invalid(k, fmt.Sprintf("no %s named %q; known: %s", k, name, strings.Join(names, ", ")))
			}
		}
	}
	return nil
}

// publicCounts returns the published window sums of a public analysis: per
// cell over the whole window and per step (steps group whole months).
func (s *Service) publicCounts(ctx context.Context, p Params, versions map[string]int64) (*publicData, error) {
	version := versions[IncidentsLayer]
	months, err := s.PublicMonths(ctx, p.Query.Time, version)
	if err != nil {
		return nil, err
	}
	sel, err := s.PublicSelection(ctx, p.Query.Equal, versions)
	if err != nil {
		return nil, err
	}
	if p.Steps > 0 && (len(months) < p.Steps || len(months)%p.Steps != 0) {
		return nil, layers.Invalid("steps", fmt.Sprintf("public figures are monthly: the %d published months of the window do not split into %d steps of whole months", len(months), p.Steps))
	}
	tables, err := s.pub.Tables(ctx, version, months)
	if err != nil {
		return nil, err
	}
	d := &publicData{months: months, tables: tables, filter: PublicFilter(p.Query.Equal), sel: sel}
	d.sums = d.window(tables)
	if p.Steps > 0 {
		per := len(months) / p.Steps
		for i := range p.Steps {
			ms := months[i*per : (i+1)*per]
			r0, r1 := ms[0].Range(), ms[len(ms)-1].Range()
			d.steps = append(d.steps, layers.TimeRange{Start: r0.Start, End: r1.End})
			d.stepSums = append(d.stepSums, d.window(tables[i*per:(i+1)*per]))
		}
	}
	return d, nil
}

// publicData is what a public analysis is made of: published atoms only.
type publicData struct {
	months   []disclose.Month
	tables   []*disclose.Table
	filter   disclose.Filter
	sel      Selection
	sums     map[hex.Cell]disclose.Sum
	steps    []layers.TimeRange
	stepSums []map[hex.Cell]disclose.Sum
}

// window returns the window sums of tables, restricted to the selection.
func (d *publicData) window(tables []*disclose.Table) map[hex.Cell]disclose.Sum {
	m := disclose.Sums(tables, d.filter)
	if d.sel != nil {
		for c := range m {
			if !d.sel(c) {
				delete(m, c)
			}
		}
	}
	return m
}

// countsOf returns the shown counts of sums (what Gi* runs on).
func countsOf(sums map[hex.Cell]disclose.Sum) map[hex.Cell]int64 {
	m := make(map[hex.Cell]int64, len(sums))
	for c, s := range sums {
		m[c] = s.Count
	}
	return m
}

// CellCommunity returns, at the area layers' versions, the community whose
// polygon holds a cell's centre ("" for none): the rule by which a public
// community or patch selection takes whole published cells.
func (s *Service) CellCommunity(ctx context.Context, versions map[string]int64) (func(hex.Cell) string, error) {
	places, err := s.communities(ctx, areaVersion(versions))
	if err != nil {
		return nil, err
	}
	return func(c hex.Cell) string {
		pl, _ := placeOf(places, hex.Center(c))
		return pl.name
	}, nil
}

// AreaVersion is the versions of the area layers (patches, communities) as
// one key, for caches of what depends on them.
func AreaVersion(versions map[string]int64) string { return areaVersion(versions) }

// CommunityPatches returns each community's patch, at the area layers'
// versions.
func (s *Service) CommunityPatches(ctx context.Context, versions map[string]int64) (map[string]string, error) {
	places, err := s.communities(ctx, areaVersion(versions))
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(places))
	for _, pl := range places {
		out[pl.name] = pl.patch
	}
	return out, nil
}
