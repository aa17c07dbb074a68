package rates

import (
	"time"

	"minqing/layers"
)

// Tally is one group's counts tallied elsewhere (a store's grouped query,
// layers.RateTallier) with the middle durations of its medians: the middle
// response and resolution times, or the two middle ones of an even number.
type Tally struct {
	Row
	ResponseMiddle, ResolutionMiddle []time.Duration
}

// FromTallies finishes tallies as Compute finishes its own: the rates,
// score and medians of each, the groups ranked. It gives Compute's table
// when the tallies count the same incidents at the same moment.
func FromTallies(tallies []Tally, total Tally, w Weights) (groups []Row, all Row) {
	if !w.Valid() {
		w = DefaultWeights()
	}
	for _, t := range tallies {
		groups = append(groups, t.finish(w))
	}
	Rank(groups)
	return groups, total.finish(w)
}

func (t Tally) finish(w Weights) Row {
	g := tally{Row: t.Row}
	for _, d := range t.ResponseMiddle {
		g.respMin = append(g.respMin, d.Minutes())
	}
	for _, d := range t.ResolutionMiddle {
		g.resHour = append(g.resHour, d.Hours())
	}
	return g.finish(w)
}

// FromStoreTallies finishes a store's tallies (layers.RateTallier) as
// FromTallies does.
func FromStoreTallies(groups []layers.RateTally, total layers.RateTally, w Weights) ([]Row, Row) {
	tallies := make([]Tally, len(groups))
	for i, g := range groups {
		tallies[i] = storeTally(g)
	}
	return FromTallies(tallies, storeTally(total), w)
}

func storeTally(t layers.RateTally) Tally {
	return Tally{Row: Row{Group: t.Group, Count: t.Count, Dispatched: t.Dispatched, ResponseBase: t.ResponseBase,
		RespondedInTime: t.RespondedInTime, Resolved: t.Resolved, Visited: t.Visited, VisitResolved: t.VisitResolved,
		Satisfied: t.Satisfied, VisitsMissing: t.VisitsMissing, OverdueResponse: t.OverdueResponse,
		OverdueResolution: t.OverdueResolution}, ResponseMiddle: t.ResponseMiddle, ResolutionMiddle: t.ResolutionMiddle}
}
