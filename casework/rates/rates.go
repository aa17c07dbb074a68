package rates

import (
	"cmp"
	"slices"
	"time"

	"minqing/geo"
)

// Incident is what the rates need of one incident (its current state).
type Incident struct {
	Group         string
	Status        string
	ReceivedAt    time.Time
	DispatchedAt  *time.Time
	RespondedAt   *time.Time
	ResolvedAt    *time.Time
	ResponseDue   *time.Time // nil: not known (see Options.DueFor)
	ResolutionDue *time.Time
	VisitResolved *bool // the answer of the 回访 since the last resolve
	Satisfied     *bool
}

// Weights weigh the three rates in the composite score; they are
// normalised to sum to 1.
type Weights struct {
	Response     float64 `json:"response"`
	Resolution   float64 `json:"resolution"`
	Satisfaction float64 `json:"satisfaction"`
}

// DefaultWeights are 20 % / 40 % / 40 % for 响应率 / 解决率 / 满意率: our
// choice, not a published Beijing weighting (none was found; see README
// "The three rates" for why these).
func DefaultWeights() Weights { return Weights{Response: 0.2, Resolution: 0.4, Satisfaction: 0.4} }

// Valid reports whether the weights are non-negative with a positive sum.
func (w Weights) Valid() bool {
	return w.Response >= 0 && w.Resolution >= 0 && w.Satisfaction >= 0 && w.Response+w.Resolution+w.Satisfaction > 0
}

// Row is one group's figures. Rates are fractions 0–1; nil when the
// denominator is zero.
type Row struct {
	Group string `json:"group"`
	Rank  int    `json:"rank,omitempty"` // 1 = best score; 0 = not ranked (no score, or suppressed)

	Count      int `json:"count"`      // incidents received in the window
	Dispatched int `json:"dispatched"` // … dispatched at least once
	// ResponseBase counts the incidents whose response is decided: contacted,
	// or past the response deadline; RespondedInTime those contacted by it.
	ResponseBase    int `json:"response_base"`
	RespondedInTime int `json:"responded_in_time"`
	Resolved        int `json:"resolved"`       // resolved_at set (resolved or closed now)
	Visited         int `json:"visited"`        // a 回访 since the last resolve
	VisitResolved   int `json:"visit_resolved"` // … saying it is resolved
	Satisfied       int `json:"satisfied"`      // … saying the caller is satisfied
	VisitsMissing   int `json:"visits_missing"` // resolved, no 回访 yet

	OverdueResponse   int `json:"overdue_response"`   // open, not contacted, past the response deadline
	OverdueResolution int `json:"overdue_resolution"` // open, past the resolution deadline

	ResponseRate     *float64 `json:"response_rate"`     // 响应率 = RespondedInTime / ResponseBase
	ResolutionRate   *float64 `json:"resolution_rate"`   // 解决率 = VisitResolved / Visited
	SatisfactionRate *float64 `json:"satisfaction_rate"` // 满意率 = Satisfied / Visited
	Score            *float64 `json:"score"`             // 0–100; nil unless all three rates are defined

	MedianResponseMinutes *float64 `json:"median_response_minutes"` // received → first contact
	MedianResolutionHours *float64 `json:"median_resolution_hours"` // received → last resolve

	Suppressed bool `json:"suppressed,omitempty"`
}

// tally collects one group.
type tally struct {
	Row
	respMin []float64
	resHour []float64
}

// Compute tallies incidents per group at the moment now and ranks the
// groups by score (then count, then name). The total is the row over
// every incident (group "").
func Compute(incidents []Incident, now time.Time, w Weights) (groups []Row, total Row) {
	if !w.Valid() {
		w = DefaultWeights()
	}
	byGroup := map[string]*tally{}
	all := &tally{}
	for _, in := range incidents {
		g := byGroup[in.Group]
		if g == nil {
			g = &tally{Row: Row{Group: in.Group}}
			byGroup[in.Group] = g
		}
		g.add(in, now)
		all.add(in, now)
	}
	for _, g := range byGroup {
		groups = append(groups, g.finish(w))
	}
	Rank(groups)
	return groups, all.finish(w)
}

// Rank orders rows by score (best first; unscored and suppressed last) and
// numbers the scored, unsuppressed ones.
func Rank(rows []Row) {
	slices.SortStableFunc(rows, func(a, b Row) int {
		as, bs := a.Score != nil && !a.Suppressed, b.Score != nil && !b.Suppressed
		switch {
		case as && !bs:
			return -1
		case bs && !as:
			return 1
		case as && bs && *a.Score != *b.Score:
			return cmp.Compare(*b.Score, *a.Score)
		case a.Count != b.Count:
			return cmp.Compare(b.Count, a.Count)
		}
		return cmp.Compare(a.Group, b.Group)
	})
	n := 0
	for i := range rows {
		rows[i].Rank = 0
		if rows[i].Score != nil && !rows[i].Suppressed {
			n++
			rows[i].Rank = n
		}
	}
}

func (t *tally) add(in Incident, now time.Time) {
	t.Count++
	open := in.Status != "resolved" && in.Status != "closed"
	if in.DispatchedAt != nil {
		t.Dispatched++
	}
	if in.RespondedAt != nil {
		t.ResponseBase++
		if in.ResponseDue == nil || !in.RespondedAt.After(*in.ResponseDue) {
			t.RespondedInTime++
		}
		t.respMin = append(t.respMin, in.RespondedAt.Sub(in.ReceivedAt).Minutes())
	} else if in.ResponseDue != nil && now.After(*in.ResponseDue) {
		t.ResponseBase++
		if open {
			t.OverdueResponse++
		}
	}
	if open && in.ResolutionDue != nil && now.After(*in.ResolutionDue) {
		t.OverdueResolution++
	}
	if in.ResolvedAt != nil {
		t.Resolved++
		t.resHour = append(t.resHour, in.ResolvedAt.Sub(in.ReceivedAt).Hours())
		if in.VisitResolved == nil && in.Satisfied == nil {
			t.VisitsMissing++
		}
	}
	if in.VisitResolved != nil || in.Satisfied != nil {
		t.Visited++
		if in.VisitResolved != nil && *in.VisitResolved {
			t.VisitResolved++
		}
		if in.Satisfied != nil && *in.Satisfied {
			t.Satisfied++
		}
	}
}

func (t *tally) finish(w Weights) Row {
	r := t.Row
	r.ResponseRate = ratio(r.RespondedInTime, r.ResponseBase)
	r.ResolutionRate = ratio(r.VisitResolved, r.Visited)
	r.SatisfactionRate = ratio(r.Satisfied, r.Visited)
	if r.ResponseRate != nil && r.ResolutionRate != nil && r.SatisfactionRate != nil {
		sum := w.Response + w.Resolution + w.Satisfaction
		s := geo.Round(100*(w.Response**r.ResponseRate+w.Resolution**r.ResolutionRate+w.Satisfaction**r.SatisfactionRate)/sum, 2)
		r.Score = &s
	}
	r.MedianResponseMinutes = median(t.respMin, 1)
	r.MedianResolutionHours = median(t.resHour, 2)
	return r
}

// ratio is n/d rounded to 4 decimals, nil when d is 0.
func ratio(n, d int) *float64 {
	if d == 0 {
		return nil
	}
	v := geo.Round(float64(n)/float64(d), 4)
	return &v
}

// median is the middle value (the mean of the two middle ones for an even
// count), rounded; nil for none.
func median(v []float64, places int) *float64 {
	if len(v) == 0 {
		return nil
	}
	slices.Sort(v)
	m := v[len(v)/2]
	if len(v)%2 == 0 {
		m = (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	m = geo.Round(m, places)
	return &m
}
