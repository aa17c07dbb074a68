package hotspot

import (
	"fmt"
	"time"

	"minqing/disclose"
	"minqing/layers"
)

// Limits of a hotspot analysis.
const (
	// MinRes and MaxRes bound the H3 resolution of an analysis: res 7 cells
	// are about 5 km², res 11 cells about 0.002 km².
	MinRes = 7
	MaxRes = 11
	// PublicMaxRes is the resolution of the published table (res 9 cells
	// are about 0.1 km²), the only one served to public callers: finer cells
	// would single out households, and coarser ones would be sums of
	// published cells that differ from them by the suppressed atoms.
	PublicMaxRes = disclose.Res
	// DefaultRes is the resolution used when none is asked.
	DefaultRes = 9
	// MaxK is the largest k-ring radius of the Gi* neighbourhood.
	MaxK = 3
	// MinSteps and MaxSteps bound the number of time steps of an emerging
	// hot spot analysis (Mann–Kendall needs at least three values to find a
	// trend; two steps still give new/consecutive labels).
	MinSteps = 2
	MaxSteps = 24
	// DefaultMinCount is the public suppression threshold used when
	// [Config.MinCount] is not set.
	DefaultMinCount = 5
)

// IncidentsLayer is the only layer a hotspot analysis aggregates. Care
// targets (the most sensitive layer) are never aggregated, whatever the
// caller asks.
const IncidentsLayer = "incidents"

// Params select one hotspot analysis. The zero value of a field means its
// default; [Params.Normalize] fills them and checks the ranges.
type Params struct {
	// Res is the H3 resolution, MinRes..MaxRes (0: DefaultRes). Public
	// callers may not go finer than PublicMaxRes.
	Res int
	// K is the radius of the k-ring that makes a cell's Gi* neighbourhood,
	// 1..MaxK (0: 1).
	K int
	// FDR applies the Benjamini–Hochberg correction to the classes.
	FDR bool
	// Steps, if not 0, splits the time window into that many equal steps
	// (MinSteps..MaxSteps) for an emerging hot spot analysis. It needs a
	// Query.Time with both ends.
	Steps int
	// Series adds each cell's per-step counts to the output (needs Steps).
	Series bool
	// Query filters the incidents: Role (who asks), Time (on received_at)
	// and Equal (category, source, status, community, patch, …). BBox,
	// Filter, Properties, Limit and AfterID are not used.
	Query layers.Query
}

// Normalize returns p with defaults filled and checks every field, returning
// an error made with [layers.Invalid] naming the parameter at fault.
func (p Params) Normalize() (Params, error) {
	if p.Res == 0 {
		p.Res = DefaultRes
	}
	if p.Res < MinRes || p.Res > MaxRes {
		return p, layers.Invalid("res", fmt.Sprintf("res must be an H3 resolution from %d to %d, not %d", MinRes, MaxRes, p.Res))
	}
	public := !p.Query.Role.Can(layers.Staff)
	if public && p.Res != disclose.Res {
		return p, layers.Invalid("res", fmt.Sprintf("public incident figures are published per H3 cell of resolution %d only, not %d; staff may use %d to %d", disclose.Res, p.Res, MinRes, MaxRes))
	}
	if public {
		if err := CheckPublicFilters(p.Query.Equal); err != nil {
			return p, err
		}
	}
	if p.K == 0 {
		p.K = 1
	}
	if p.K < 1 || p.K > MaxK {
		return p, layers.Invalid("k", fmt.Sprintf("k (the neighbourhood ring) must be from 1 to %d, not %d", MaxK, p.K))
	}
	if p.Steps != 0 {
		if p.Steps < MinSteps || p.Steps > MaxSteps {
			return p, layers.Invalid("steps", fmt.Sprintf("steps must be 0 (no trend) or from %d to %d, not %d", MinSteps, MaxSteps, p.Steps))
		}
		tr := p.Query.Time
		if tr == nil || tr.Start == nil || tr.End == nil {
			return p, layers.Invalid("steps", "steps needs a datetime interval with both ends, e.g. datetime=2025-01-01/2025-12-31")
		}
		if int64(tr.End.Sub(*tr.Start)) < int64(p.Steps) {
			return p, layers.Invalid("steps", "the datetime interval is too short to split into that many steps")
		}
	}
	if p.Series && p.Steps == 0 {
		return p, layers.Invalid("series", "series (the per-step counts) needs steps")
	}
	if public && p.Steps > 0 && p.Query.Time != nil && p.Query.Time.Start != nil && p.Query.Time.End != nil {
		// The steps of a public analysis are whole months: the window must
		// hold a multiple of steps months (checked again on the published
		// months in the analysis).
		ms, err := disclose.Window(p.Query.Time, disclose.MonthOf(*p.Query.Time.Start), disclose.MonthOf(*p.Query.Time.End))
		if err != nil {
			return p, layers.Invalid("datetime", err.Error())
		}
		if len(ms)%p.Steps != 0 {
			return p, layers.Invalid("steps", fmt.Sprintf("public figures are monthly: the window's %d months do not split into %d steps of whole months; use a number of steps that divides %d", len(ms), p.Steps, len(ms)))
		}
	}
	if r := p.Query.Time; r != nil && r.Start != nil && r.End != nil && r.End.Before(*r.Start) {
		return p, layers.Invalid("datetime", "datetime interval ends before it starts")
	}
	// Keep only what the analysis uses, so that nothing else reaches the
	// store or the cache key.
	p.Query = layers.Query{Role: p.Query.Role, Time: p.Query.Time, Equal: p.Query.Equal}
	return p, nil
}

// stepRanges splits the closed interval r into n consecutive closed
// intervals of (nearly) equal length that cover it exactly: each ends one
// nanosecond before the next begins and the last ends at r.End.
func stepRanges(r *layers.TimeRange, n int) []layers.TimeRange {
	start, end := *r.Start, *r.End
	d := float64(end.Sub(start))
	bounds := make([]time.Time, n+1)
	for i := range n {
		bounds[i] = start.Add(time.Duration(d * float64(i) / float64(n)))
	}
	bounds[n] = end
	out := make([]layers.TimeRange, n)
	for i := range n {
		s := bounds[i]
		e := bounds[i+1].Add(-time.Nanosecond)
		if i == n-1 {
			e = end
		}
		out[i] = layers.TimeRange{Start: &s, End: &e}
	}
	return out
}

// ResForZoom returns the H3 resolution of the hexagons drawn on a web map
// tile of zoom z: about 10–40 px per hexagon edge (z ≤ 12 → 7, 13 → 8,
// 14 → 9, 15 → 10, ≥ 16 → 11); always PublicMaxRes (the published
// table's resolution) for the public.
func ResForZoom(z int, role layers.Role) int {
	if !role.Can(layers.Staff) {
		return PublicMaxRes
	}
	res := MinRes
	switch {
	case z >= 16:
		res = 11
	case z >= 13:
		res = z - 5
	}
	return res
}
