package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"

	"minqing/casework/rates"
	"minqing/disclose"
	"minqing/geo/hex"
	"minqing/hotspot"
	"minqing/layers"
)

// publicRateMonths is how many settled months the public rates cover when no
// datetime is given.
const publicRateMonths = 1

// publishedRates caches the published rate atoms per month: keyed on the
// publication (month, k, area layers' versions) when the store freezes them,
// else on the incidents' and area layers' versions.
type publishedRates struct {
	mu     sync.Mutex
	tables map[disclose.Month]versionedGroups
}

func newPublishedRates() *publishedRates {
	return &publishedRates{tables: map[disclose.Month]versionedGroups{}}
}

type versionedGroups struct {
	key   string
	table *disclose.GroupTable
}

// settledMonth returns the last month whose rates may be published at now: the
// month before the last closed one. A month's responses and return visits
// (回访) mostly happen in the weeks after it, so its outcomes are published
// from the start of the month after next, when they have stopped moving.
func settledMonth(now time.Time) disclose.Month { return disclose.LastClosed(now).Prev() }

// getPublishedRates answers /rates for a public caller under the default
// disclosure policy: the three rates by community or patch over whole
// settled months, computed from the published rate atoms only (package
// disclose: group families, suppressed whole when they could be differenced
// against the published cells). See docs/privacy.md.
func (s *Server) getPublishedRates(c echo.Context, by, format, lang string) error {
	q := c.QueryParams()
	if by != "community" && by != "patch" {
		return badRequest("by", "the public rates are by community or by patch: those are the areas the published cells add up to")
	}
	if q.Has("category") {
		return badRequest("category", "the public rates are not broken down by category; staff may filter by category")
	}
	ctx := c.Request().Context()
	now := time.Now()
	tr, err := hotspotDatetime(q.Get("datetime"))
	if err != nil {
		return err
	}
	all, err := s.ext.tiles.versions.Get(ctx)
	if err != nil {
		return err
	}
	svc := s.ext.hotspots.svc
	version := all[hotspot.IncidentsLayer]
	months, err := svc.PublicMonths(ctx, tr, version)
	if err != nil {
		return err
	}
	last := settledMonth(now)
	settled := months[:0:0]
	for _, m := range months {
		if !last.Before(m) {
			settled = append(settled, m)
		}
	}
	if tr == nil || (tr.Start == nil && tr.End == nil) {
		settled = settled[max(0, len(settled)-publicRateMonths):]
	}
	places, err := svc.CellCommunity(ctx, all)
	if err != nil {
		return err
	}
	tables := make([]*disclose.GroupTable, 0, len(settled))
	for _, m := range settled {
		t, err := s.publishedRateTable(ctx, m, all, now, places)
		if err != nil {
			return err
		}
		tables = append(tables, t)
	}
	patchOf, err := svc.CommunityPatches(ctx, all)
	if err != nil {
		return err
	}
	key := func(g string) string { return g }
	if by == "patch" {
		key = func(g string) string { return patchOf[g] }
	}
	w := *s.cfg.Intake.RateWeights
	sums := disclose.GroupSums(tables, key)
	rows := make([]rates.Row, 0, len(sums))
	for g, sum := range sums {
		// A rate is published only when every month of the window is
		// complete for it: leaving the incomplete months out would favour
		// the months with no late or unsatisfied call at all.
		var counts rates.Counts
		if sum.Complete(disclose.Response) {
			counts.Response = sum.Parts[disclose.Response]
		}
		if sum.Complete(disclose.Visit) {
			counts.Visit = sum.Parts[disclose.Visit]
		}
		r := rates.FromCounts(g, counts, w)
		r.Suppressed = r.ResponseRate == nil && r.ResolutionRate == nil && r.SatisfactionRate == nil
		rows = append(rows, r)
	}
	rates.Rank(rows)
	pub := make([]publicRate, len(rows))
	for i, r := range rows {
		pub[i] = toPublicRate(r)
	}
	ans := ratesAnswer{By: by, AsOf: now, Weights: w, MinCount: svc.Publisher().K(), Groups: pub, Months: monthText(settled),
		Note: fmt.Sprintf("Public rates are computed from published monthly atoms only: whole months, each published from the "+
			"start of the month after next; a rate is withheld (null) when, in any month of the window, one of its "+
			"counts (e.g. the late responses) is below %d, or the community-month could be compared with the published "+
			"grid cells (docs/privacy.md).", svc.Publisher().K())}
	if len(settled) > 0 {
		r := settled[0].Range()
		ans.Start = *r.Start
		r = settled[len(settled)-1].Range()
		ans.End = *r.End
	}
	s.hotspotCacheControl(c)
	if format != "json" {
		return writeRatesTable(c, format, lang, ans, rows, true) // rates_table.go
	}
	return c.JSON(http.StatusOK, ans)
}

// publishedRateTable returns the published rate atoms of month m: the
// month's incidents judged at now, grouped by the community holding their
// res-9 cell's centre, under the rule of disclose.BuildGroups. A store that
// keeps publications (layers.Publications) freezes them the first time
// they are asked: later steps on the month's incidents do not change what
// the public was shown. Otherwise they are cached per incidents and area
// version.
func (s *Server) publishedRateTable(ctx context.Context, m disclose.Month, versions map[string]int64, now time.Time,
	places func(hex.Cell) string) (*disclose.GroupTable, error) {
	pubs, frozen := layers.As[layers.Publications](s.src)
	k := s.ext.hotspots.svc.Publisher().K()
	pkey := fmt.Sprintf("disclose/rates/v1/%s/k=%d/area=%s", m, k, hotspot.AreaVersion(versions))
	key := pkey
	if !frozen {
		key = fmt.Sprintf("%d/%s", versions[hotspot.IncidentsLayer], hotspot.AreaVersion(versions))
	}
	st := s.ext.rates
	st.mu.Lock()
	if v, ok := st.tables[m]; ok && v.key == key {
		st.mu.Unlock()
		return v.table, nil
	}
	st.mu.Unlock()
	var t *disclose.GroupTable
	if frozen {
		body, ok, err := pubs.Publication(ctx, pkey)
		if err != nil {
			return nil, err
		}
		if ok {
			if t, err = decodeGroupTable(body); err != nil {
				return nil, err
			}
		}
	}
	if t == nil {
		var err error
		if t, err = s.countRateTable(ctx, m, versions, now, places); err != nil {
			return nil, err
		}
		if frozen {
			body, err := json.Marshal(t)
			if err != nil {
				return nil, err
			}
			if body, err = pubs.Publish(ctx, pkey, body); err != nil {
				return nil, err
			}
			if t, err = decodeGroupTable(body); err != nil { // another server may have published first
				return nil, err
			}
		}
	}
	st.mu.Lock()
	st.tables[m] = versionedGroups{key: key, table: t}
	st.mu.Unlock()
	return t, nil
}

// decodeGroupTable reads a frozen group table.
func decodeGroupTable(body []byte) (*disclose.GroupTable, error) {
	var t disclose.GroupTable
	if err := json.Unmarshal(body, &t); err != nil {
		return nil, fmt.Errorf("server: a published rate table does not decode: %w", err)
	}
	return &t, nil
}

// countRateTable counts month m's rate families from the incidents.
func (s *Server) countRateTable(ctx context.Context, m disclose.Month, versions map[string]int64, now time.Time,
	places func(hex.Cell) string) (*disclose.GroupTable, error) {
	pub := s.ext.hotspots.svc.Publisher()
	cells, err := pub.Table(ctx, versions[hotspot.IncidentsLayer], m)
	if err != nil {
		return nil, err
	}
	l := pub.Layer()
	r := m.Range()
	routing := s.ext.intake.routing
	raw := map[string]disclose.GroupRaw{}
	groupOf := map[hex.Cell]string{}
	err = s.src.Features(ctx, l, layers.Query{Role: layers.Admin, Time: &r, Properties: rateProperties}, func(f *layers.Feature) error {
		p, ok := f.Geometry.(orb.Point)
		if !ok {
			return nil
		}
		cell, err := hex.FromPoint(p, disclose.Res)
		if err != nil {
			return nil
		}
		g, ok := groupOf[cell]
		if !ok {
			g = places(cell)
			groupOf[cell] = g
		}
		if g == "" {
			return nil
		}
		o := rates.Judge(rateIncident(f, "", routing), now)
		gr, ok := raw[g]
		if !ok {
			gr = disclose.GroupRaw{Parts: map[disclose.Dim]map[string]int64{disclose.Response: {}, disclose.Visit: {}}}
		}
		gr.Total++
		gr.Parts[disclose.Response][o.Response]++
		gr.Parts[disclose.Visit][o.Visit]++
		raw[g] = gr
		return nil
	})
	if err != nil {
		return nil, err
	}
	shown := map[string]int64{}
	for cell, fam := range cells.Cells {
		if !fam.Total.Shown() {
			continue
		}
		g, ok := groupOf[cell]
		if !ok {
			g = places(cell)
		}
		if g != "" {
			shown[g] += fam.Total.Count
		}
	}
	return disclose.BuildGroups(m, raw, shown, pub.K()), nil
}
