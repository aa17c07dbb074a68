package layers

import (
	"slices"
	"time"
)

// RateFacts is one incident as the three rates count it (the stored
// values; a missing one is nil).
type RateFacts struct {
	Group, Category, Status                         string
	Received                                        time.Time
	Dispatched                                      bool
	Responded, Resolved, ResponseDue, ResolutionDue *time.Time
	VisitResolved, Satisfied                        *bool
}

// RateCounter tallies RateFacts in Go as casework/rates.Compute does, for a
// store that reads the window's facts in one narrow scan (GeoPackage: the
// SQLite process is this one, and Go tallies faster than SQLite's SQL).
type RateCounter struct {
	q      RateQuery
	groups map[string]*rateAcc
	order  []string
	total  rateAcc
}

// rateAcc is one group's tally and durations (for the middles).
type rateAcc struct {
	RateTally
	resp, res []time.Duration
}

// NewRateCounter starts a tally for q (its Now, Deadlines and EmptyGroup).
func NewRateCounter(q RateQuery) *RateCounter {
	return &RateCounter{q: q, groups: map[string]*rateAcc{}}
}

// Add counts one incident.
func (c *RateCounter) Add(f *RateFacts) {
	g := f.Group
	if g == "" {
		g = c.q.EmptyGroup
	}
	a := c.groups[g]
	if a == nil {
		a = &rateAcc{RateTally: RateTally{Group: g}}
		c.groups[g] = a
		c.order = append(c.order, g)
	}
	rdue, sdue := f.ResponseDue, f.ResolutionDue
	if rdue == nil || sdue == nil {
		d, ok := c.q.Deadlines[f.Category]
		if !ok {
			d = c.q.Default
		}
		r, s := f.Received.Add(d.Response), f.Received.Add(d.Resolution)
		rdue, sdue = &r, &s
	}
	a.add(f, rdue, sdue, c.q.Now)
	c.total.add(f, rdue, sdue, c.q.Now)
}

func (a *rateAcc) add(f *RateFacts, rdue, sdue *time.Time, now time.Time) {
	a.Count++
	open := f.Status != "resolved" && f.Status != "closed"
	if f.Dispatched {
		a.Dispatched++
	}
	if f.Responded != nil {
		a.ResponseBase++
		if !f.Responded.After(*rdue) {
			a.RespondedInTime++
		}
		a.resp = append(a.resp, f.Responded.Sub(f.Received))
	} else if now.After(*rdue) {
		a.ResponseBase++
		if open {
			a.OverdueResponse++
		}
	}
	if open && now.After(*sdue) {
		a.OverdueResolution++
	}
	if f.Resolved != nil {
		a.Resolved++
		a.res = append(a.res, f.Resolved.Sub(f.Received))
		if f.VisitResolved == nil && f.Satisfied == nil {
			a.VisitsMissing++
		}
	}
	if f.VisitResolved != nil || f.Satisfied != nil {
		a.Visited++
		if f.VisitResolved != nil && *f.VisitResolved {
			a.VisitResolved++
		}
		if f.Satisfied != nil && *f.Satisfied {
			a.Satisfied++
		}
	}
}

// Tallies returns the groups (in the order first met) and the total.
func (c *RateCounter) Tallies() (groups []RateTally, total RateTally) {
	for _, g := range c.order {
		groups = append(groups, c.groups[g].finish())
	}
	return groups, c.total.finish()
}

func (a *rateAcc) finish() RateTally {
	t := a.RateTally
	t.ResponseMiddle, t.ResolutionMiddle = middle(a.resp), middle(a.res)
	return t
}

// middle returns the middle value of d, or its two middle ones for an even
// count (nil for none).
func middle(d []time.Duration) []time.Duration {
	if len(d) == 0 {
		return nil
	}
	slices.Sort(d)
	if len(d)%2 == 1 {
		return []time.Duration{d[len(d)/2]}
	}
	return []time.Duration{d[len(d)/2-1], d[len(d)/2]}
}
