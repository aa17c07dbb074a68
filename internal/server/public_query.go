package server

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"minqing/disclose"
	"minqing/geo/hex"
	"minqing/hotspot"
	"minqing/layers"
	"minqing/query/selection"
)

// monthForm is a datetime spelled by month (2026-03), alone or as an end
// of an interval (2026-01/2026-03; the other end may be "..", empty or a
// date).
var monthForm = regexp.MustCompile(`^\d{4}-\d{2}$`)

// hotspotDatetime parses datetime as parseDatetime does, and also by
// months: "2026-03" is the month, "2026-01/2026-03" the quarter.
func hotspotDatetime(v string) (*layers.TimeRange, error) {
	parts := strings.SplitN(v, "/", 2)
	if !slices.ContainsFunc(parts, monthForm.MatchString) {
		return selection.Datetime(v)
	}
	r := &layers.TimeRange{}
	for i, p := range parts {
		switch {
		case p == "" || p == "..":
		case monthForm.MatchString(p):
			m, err := disclose.ParseMonth(p)
			if err != nil {
				return nil, badRequest("datetime", err.Error())
			}
			mr := m.Range()
			if i == 0 || len(parts) == 1 {
				r.Start = mr.Start
			}
			if i == 1 || len(parts) == 1 {
				r.End = mr.End
			}
		default:
			sub, err := selection.Datetime(p)
			if err != nil {
				return nil, err
			}
			if i == 0 {
				r.Start = sub.Start
			} else {
				r.End = sub.End
			}
		}
	}
	if r.Start != nil && r.End != nil && r.End.Before(*r.Start) {
		return nil, badRequest("datetime", "datetime interval ends before it starts")
	}
	return r, nil
}

// publicQuery is a public caller's selection of the published table.
type publicQuery struct {
	version int64
	months  []disclose.Month
	filter  disclose.Filter
	sel     hotspot.Selection
	key     string // canonical text, for caches
}

// parsePublicQuery reads datetime, category or source, community and patch
// (selectors says whether the last two are taken) of a public request.
func (s *Server) parsePublicQuery(ctx context.Context, v url.Values, selectors bool) (publicQuery, error) {
	var pq publicQuery
	inc, ok := s.catalog.Lookup(hotspot.IncidentsLayer)
	if !ok {
		return pq, notFound("this server has no incidents layer")
	}
	tr, err := hotspotDatetime(v.Get("datetime"))
	if err != nil {
		return pq, err
	}
	eqParams := url.Values{}
	names := []string{"category", "source", "status"}
	if selectors {
		names = append(names, "community", "patch")
	}
	for _, k := range names {
		if vs, ok := v[k]; ok {
			eqParams[k] = vs
		}
	}
	eq, err := selection.Equal(eqParams, inc, layers.Public, nil)
	if err != nil {
		return pq, err
	}
	if err := hotspot.CheckPublicFilters(eq); err != nil {
		return pq, err
	}
	all, err := s.ext.tiles.versions.Get(ctx)
	if err != nil {
		return pq, err
	}
	svc := s.ext.hotspots.svc
	pq.version = all[hotspot.IncidentsLayer]
	if pq.months, err = svc.PublicMonths(ctx, tr, pq.version); err != nil {
		return pq, err
	}
	pq.filter = hotspot.PublicFilter(eq)
	if pq.sel, err = svc.PublicSelection(ctx, eq, all); err != nil {
		return pq, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "v=%d/%d months=", pq.version, all["communities"])
	if len(pq.months) > 0 {
		fmt.Fprintf(&b, "%s..%s", pq.months[0], pq.months[len(pq.months)-1])
	}
	vals := slices.Clone(pq.filter.Values)
	slices.Sort(vals)
	fmt.Fprintf(&b, " %s=%q", pq.filter.Dim, vals)
	for _, k := range []string{"community", "patch"} {
		vs := make([]string, 0, len(eq[k]))
		for _, x := range eq[k] {
			vs = append(vs, fmt.Sprint(x))
		}
		slices.Sort(vs)
		fmt.Fprintf(&b, " %s=%q", k, vs)
	}
	pq.key = b.String()
	return pq, nil
}

// publicSums returns the published window sums pq selects, per cell, and
// the tables of its months.
func (s *Server) publicSums(ctx context.Context, pq publicQuery) (map[hex.Cell]disclose.Sum, []*disclose.Table, error) {
	pub := s.ext.hotspots.svc.Publisher()
	ts, err := pub.Tables(ctx, pq.version, pq.months)
	if err != nil {
		return nil, nil, err
	}
	sums := disclose.Sums(ts, pq.filter)
	if pq.sel != nil {
		for c := range sums {
			if !pq.sel(c) {
				delete(sums, c)
			}
		}
	}
	return sums, ts, nil
}

// cellProps returns the public properties of a published cell sum.
func cellProps(c hex.Cell, sum disclose.Sum) map[string]any {
	p := map[string]any{"h3": hex.String(c), "suppressed": sum.Suppressed()}
	if !sum.Suppressed() {
		p["count"] = sum.Count
	}
	if sum.Partial() {
		p["partial"] = true
	}
	return p
}
