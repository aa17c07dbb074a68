package layers

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// RateTallier is a store that tallies the three rates of the incidents
// layer (响应率, 解决率, 满意率: package casework/rates defines them) in
// its own query, instead of streaming every incident of the window to the
// server: one grouped aggregate over the window's rows read through the
// received_at index, answering a few dozen rows. casework/rates.Compute
// over the streamed incidents stays the definition; the contract suite
// (stores/sourcetest) checks that both give the same table.
type RateTallier interface {
	// RateTallies returns one tally per group (in no particular order) and
	// the tally over all of the selected incidents.
	RateTallies(ctx context.Context, l *Layer, q RateQuery) (groups []RateTally, total RateTally, err error)
}

// RateQuery selects and groups the incidents a RateTallier tallies.
type RateQuery struct {
	GroupBy    string     // community, patch, unit or category
	EmptyGroup string     // the group of the incidents with no (or an empty) value of GroupBy
	Time       *TimeRange // on received_at (nil ends: open)
	Categories []string   // only these categories; nil: all
	// Now is the moment responses are decided and incidents overdue at:
	// strictly after the due time.
	Now time.Time
	// Deadlines give the due times of an incident stored without both of
	// them: received_at plus its category's deadline, or Default's for a
	// category not listed (casework/intake's Routing.DueFor).
	Deadlines map[string]RateDeadline
	Default   RateDeadline
}

// Rows returns the query of the incidents q tallies: every row of its
// window (admin rights: rates count incidents whatever their fields' access)
// and, when q names categories, of those only.
func (q RateQuery) Rows() Query {
	lq := Query{Role: Admin, Time: q.Time}
	if q.Categories != nil {
		vals := make([]any, len(q.Categories))
		for i, c := range q.Categories {
			vals[i] = c
		}
		lq.Equal = map[string][]any{"category": vals}
	}
	return lq
}

// RateDeadline is the time from receipt to the response and resolution due
// times.
type RateDeadline struct {
	Response, Resolution time.Duration
}

// RateTally is one group's counts, as casework/rates.Row names them, and
// the middle durations its medians are made of.
type RateTally struct {
	Group string

	Count, Dispatched, ResponseBase, RespondedInTime, Resolved, Visited, VisitResolved, Satisfied, VisitsMissing int
	OverdueResponse, OverdueResolution                                                                           int

	// ResponseMiddle holds the middle response time (received → responded)
	// of the group, or its two middle ones for an even number of responded
	// incidents; ResolutionMiddle the same for received → resolved. Empty
	// when there are none.
	ResponseMiddle, ResolutionMiddle []time.Duration
}

// rateFields are the columns RateTallies reads (the incidents layer's).
var rateFields = []string{"category", "community", "patch", "unit", "status", "received_at", "dispatched_at",
	"responded_at", "resolved_at", "response_due", "resolution_due", "visit_resolved", "satisfied"}

// CheckRateQuery reports whether a store can tally q on l: l has the
// incidents' fields, groups on one of them, and the deadlines are whole
// units of the store's time precision (prec) so that received_at plus a
// deadline is exact in SQL.
func CheckRateQuery(l *Layer, q RateQuery, prec time.Duration) error {
	if l.TimeField != "received_at" {
		return Invalid("layer", l.Name+" has no received_at time field")
	}
	for _, name := range rateFields {
		if _, ok := l.Field(name); !ok {
			return Invalid("layer", l.Name+" has no field "+name)
		}
	}
	switch q.GroupBy {
	case "community", "patch", "unit", "category":
	default:
		return Invalid("by", "by must be community, patch, unit or category")
	}
	ds := []RateDeadline{q.Default}
	for _, d := range q.Deadlines {
		ds = append(ds, d)
	}
	for _, d := range ds {
		if d.Response%prec != 0 || d.Resolution%prec != 0 {
			return Invalid("deadlines", fmt.Sprintf("deadline %v / %v is finer than %v", d.Response, d.Resolution, prec))
		}
	}
	return nil
}

// CeilTo rounds t up to a whole multiple of prec: for a stored instant u
// (whole multiples of prec), t is after u exactly when CeilTo(t) > u.
func CeilTo(t time.Time, prec time.Duration) time.Time {
	if c := t.Truncate(prec); c.Before(t) {
		return c.Add(prec)
	}
	return t
}

// ErrNoRateTallies is what a RateTallier answers when it cannot tally (a
// decorator over a store without the capability): tally in Go instead.
var ErrNoRateTallies = errors.New("the store does not tally rates")

// RateTallies bounds the store's tallies by the deadline; a store without
// them answers ErrNoRateTallies.
func (s *deadlineSource) RateTallies(ctx context.Context, l *Layer, q RateQuery) (groups []RateTally, total RateTally, err error) {
	rt, ok := As[RateTallier](s.src)
	if !ok {
		return nil, total, ErrNoRateTallies
	}
	err = s.call(ctx, "rates "+l.Name, func(ctx context.Context) (err error) {
		groups, total, err = rt.RateTallies(ctx, l, q)
		return err
	})
	return groups, total, err
}
