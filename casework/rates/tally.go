package rates

import "time"

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
