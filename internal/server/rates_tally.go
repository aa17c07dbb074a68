package server

import (
	"context"
	"errors"
	"time"

	"minqing/casework/intake"
	"minqing/casework/rates"
	"minqing/layers"
)

// tallyRates answers the staff table of /rates from the store's own grouped
// query (layers.RateTallier: PostGIS and GeoPackage both tally in SQL) when
// it offers one: a row per group leaves the store instead of every incident
// of the window. ok is false when the store or the layer cannot (a store
// without the capability, a layer without the incidents' fields, deadlines
// finer than the store keeps): getRates then streams the incidents and
// tallies them in Go (rates.Compute), which stays the definition — the
// contract suite checks the two agree.
func (s *Server) tallyRates(ctx context.Context, l *layers.Layer, field string, window *layers.TimeRange,
	categories []any, now time.Time, w rates.Weights) (groups []rates.Row, total rates.Row, ok bool, err error) {
	t, has := layers.As[layers.RateTallier](s.src)
	if !has {
		return nil, total, false, nil
	}
	q := rateQuery(s.ext.intake.routing, field, window, now)
	if categories != nil {
		q.Categories = []string{}
		for _, c := range categories {
			if str, isStr := c.(string); isStr {
				q.Categories = append(q.Categories, str)
			}
		}
	}
	tg, tt, err := t.RateTallies(ctx, l, q)
	var inv *layers.InvalidError
	if errors.As(err, &inv) || errors.Is(err, layers.ErrNoRateTallies) {
		return nil, total, false, nil // not tallied in the store: streamed instead
	}
	if err != nil {
		return nil, total, false, err
	}
	groups, total = rates.FromStoreTallies(tg, tt, w)
	return groups, total, true, nil
}

// rateQuery is the store's query of the rates grouped on field: the due
// times of incidents stored without them are those routing gives
// (Routing.DueFor, not urgent), as getRates gives them.
func rateQuery(routing *intake.Routing, field string, window *layers.TimeRange, now time.Time) layers.RateQuery {
	deadline := func(urgency string) layers.RateDeadline {
		d := routing.Deadlines[urgency]
		return layers.RateDeadline{Response: time.Duration(d.Response), Resolution: time.Duration(d.Resolution)}
	}
	q := layers.RateQuery{GroupBy: field, Time: window, Now: now, Deadlines: map[string]layers.RateDeadline{},
		Default: deadline(routing.Default.Urgency), EmptyGroup: "(无)"}
	for c := range routing.Categories {
		q.Deadlines[c] = deadline(routing.UrgencyOf(c, false))
	}
	return q
}
