package layers

import (
	"math/bits"
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
	// Deadline, when set, is the query's deadline of Category (saves the
	// lookup per row to a caller that knows its categories by number).
	Deadline *RateDeadline
}

// RateCounter tallies RateFacts in Go as casework/rates.Compute does, for a
// store that reads the window's facts in one narrow scan (GeoPackage: the
// SQLite process is this one, and Go tallies faster than SQLite's SQL) or
// keeps them in memory (PostGIS's rate facts).
type RateCounter struct {
	q      RateQuery
	groups map[string]*RateGroup
	order  []*RateGroup
	total  RateGroup
}

// RateGroup is one group's tally in a RateCounter, with the durations of
// its medians.
type RateGroup struct {
	t         RateTally
	resp, res []time.Duration
}

// NewRateCounter starts a tally for q (its Now, Deadlines and EmptyGroup).
func NewRateCounter(q RateQuery) *RateCounter {
	return &RateCounter{q: q, groups: map[string]*RateGroup{}}
}

// Add counts one incident.
func (c *RateCounter) Add(f *RateFacts) { c.AddTo(c.Group(f.Group), f) }

// Group returns the tally of the group named g ("" is q's EmptyGroup), for
// AddTo: a caller that knows its groups by number skips a lookup per row.
func (c *RateCounter) Group(g string) *RateGroup {
	if g == "" {
		g = c.q.EmptyGroup
	}
	a := c.groups[g]
	if a == nil {
		a = &RateGroup{t: RateTally{Group: g}}
		c.groups[g] = a
		c.order = append(c.order, a)
	}
	return a
}

// AddTo counts one incident in group a (from Group); f.Group is not read.
func (c *RateCounter) AddTo(a *RateGroup, f *RateFacts) {
	rdue, sdue := f.ResponseDue, f.ResolutionDue
	if rdue == nil || sdue == nil {
		var d RateDeadline
		if f.Deadline != nil {
			d = *f.Deadline
		} else {
			d = c.Deadline(f.Category)
		}
		r, s := f.Received.Add(d.Response), f.Received.Add(d.Resolution)
		rdue, sdue = &r, &s
	}
	a.t.add(f, rdue, sdue, c.q.Now)
	c.total.t.add(f, rdue, sdue, c.q.Now)
	if f.Responded != nil {
		a.resp = append(a.resp, f.Responded.Sub(f.Received))
	}
	if f.Resolved != nil {
		a.res = append(a.res, f.Resolved.Sub(f.Received))
	}
}

// Deadline is the query's deadline of an incident of category cat stored
// without its due times.
func (c *RateCounter) Deadline(cat string) RateDeadline {
	if d, ok := c.q.Deadlines[cat]; ok {
		return d
	}
	return c.q.Default
}

// Reserve makes room for n more durations of each kind in a.
func (a *RateGroup) Reserve(n int) {
	a.resp, a.res = slices.Grow(a.resp, n), slices.Grow(a.res, n)
}

// add counts f in t (its durations are the caller's).
func (t *RateTally) add(f *RateFacts, rdue, sdue *time.Time, now time.Time) {
	t.Count++
	open := f.Status != "resolved" && f.Status != "closed"
	if f.Dispatched {
		t.Dispatched++
	}
	if f.Responded != nil {
		t.ResponseBase++
		if !f.Responded.After(*rdue) {
			t.RespondedInTime++
		}
	} else if now.After(*rdue) {
		t.ResponseBase++
		if open {
			t.OverdueResponse++
		}
	}
	if open && now.After(*sdue) {
		t.OverdueResolution++
	}
	if f.Resolved != nil {
		t.Resolved++
		if f.VisitResolved == nil && f.Satisfied == nil {
			t.VisitsMissing++
		}
	}
	if f.VisitResolved != nil || f.Satisfied != nil {
		t.Visited++
		if f.VisitResolved != nil && *f.VisitResolved {
			t.VisitResolved++
		}
		if f.Satisfied != nil && *f.Satisfied {
			t.Satisfied++
		}
	}
}

// Tallies returns the groups (in the order first met) and the total, whose
// durations are every group's.
func (c *RateCounter) Tallies() (groups []RateTally, total RateTally) {
	var nresp, nres int
	for _, a := range c.order {
		nresp, nres = nresp+len(a.resp), nres+len(a.res)
	}
	all := RateGroup{t: c.total.t, resp: make([]time.Duration, 0, nresp), res: make([]time.Duration, 0, nres)}
	for _, a := range c.order {
		all.resp, all.res = append(all.resp, a.resp...), append(all.res, a.res...)
		groups = append(groups, a.finish())
	}
	return groups, all.finish()
}

func (a *RateGroup) finish() RateTally {
	t := a.t
	t.ResponseMiddle, t.ResolutionMiddle = middle(a.resp), middle(a.res)
	return t
}

// middle returns the middle value of d, or its two middle ones for an even
// count (nil for none). It reorders d.
func middle(d []time.Duration) []time.Duration {
	n := len(d)
	if n == 0 {
		return nil
	}
	hi := selectNth(d, n/2) // d[:n/2] now holds the values at or below it
	if n%2 == 1 {
		return []time.Duration{hi}
	}
	return []time.Duration{slices.Max(d[:n/2]), hi}
}

// selectNth reorders d so that d[k] is the value a sort would put there,
// with no greater value before it and no smaller one after, and returns
// it: a quickselect with three-way partitions (durations repeat), in
// linear time on average instead of a sort's n log n.
func selectNth(d []time.Duration, k int) time.Duration {
	lo, hi := 0, len(d) // d[lo:hi] holds position k
	// Past 2·log2(n) rounds (an input that defeats the pivots) the rest is
	// sorted: n log n at worst, as a sort.
	for rounds := 2 * bits.Len(uint(len(d))); hi-lo > 12 && rounds > 0; rounds-- {
		// the median of three spread values as the pivot
		a, b, c := d[lo], d[lo+(hi-lo)/2], d[hi-1]
		p := max(min(a, b), min(max(a, b), c))
		// d[lo:lt] < p, d[lt:i] == p, d[gt:hi] > p
		lt, i, gt := lo, lo, hi
		for i < gt {
			switch v := d[i]; {
			case v < p:
				d[lt], d[i] = d[i], d[lt]
				lt++
				i++
			case v > p:
				gt--
				d[gt], d[i] = d[i], d[gt]
			default:
				i++
			}
		}
		switch {
		case k < lt:
			hi = lt
		case k >= gt:
			lo = gt
		default:
			return p
		}
	}
	slices.Sort(d[lo:hi])
	return d[k]
}
