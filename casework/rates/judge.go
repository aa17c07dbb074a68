package rates

import "time"

// The outcome values of an incident, as the public table's rate
// dimensions publish them (package disclose): the response, and the
// answers of the 回访. An empty value is "not decided": not contacted with
// the deadline still ahead, or no visit since the last resolve.
const (
	InTime = "in_time" // contacted by the response deadline (or no deadline)
	Late   = "late"    // contacted after it, or not contacted and past it

	ResolvedSatisfied     = "resolved_satisfied"
	ResolvedUnsatisfied   = "resolved_unsatisfied"
	UnresolvedSatisfied   = "unresolved_satisfied"
	UnresolvedUnsatisfied = "unresolved_unsatisfied"
)

// VisitValues are the visit outcomes; the first two are resolved, the
// first and third satisfied.
var VisitValues = []string{ResolvedSatisfied, ResolvedUnsatisfied, UnresolvedSatisfied, UnresolvedUnsatisfied}

// Outcome is one incident's part in the three rates at a moment: Response is
// InTime, Late or "" (not in the response base), Visit one of VisitValues or
// "" (not visited).
type Outcome struct {
	Response string
	Visit    string
}

// Judge returns in's outcome at now, by the same definitions as Compute: an
// incident is in the response base (InTime or Late) when contacted, or when
// not contacted and past the response deadline; it is visited when a 回访
// since the last resolve recorded its answers.
func Judge(in Incident, now time.Time) Outcome {
	var o Outcome
	switch {
	case in.RespondedAt != nil && (in.ResponseDue == nil || !in.RespondedAt.After(*in.ResponseDue)):
		o.Response = InTime
	case in.RespondedAt != nil, in.ResponseDue != nil && now.After(*in.ResponseDue):
		o.Response = Late
	}
	if in.VisitResolved != nil || in.Satisfied != nil {
		res := in.VisitResolved != nil && *in.VisitResolved
		sat := in.Satisfied != nil && *in.Satisfied
		switch {
		case res && sat:
			o.Visit = ResolvedSatisfied
		case res:
			o.Visit = ResolvedUnsatisfied
		case sat:
			o.Visit = UnresolvedSatisfied
		default:
			o.Visit = UnresolvedUnsatisfied
		}
	}
	return o
}

// Counts are the atoms of the three rates: incidents by response outcome and
// by visit outcome.
type Counts struct {
	Response map[string]int64
	Visit    map[string]int64
}

// FromCounts returns the row the rates of c give, rounded and scored as
// Compute does; Count, the medians and the overdue counts are not known
// from these atoms and stay zero or nil.
func FromCounts(group string, c Counts, w Weights) Row {
	if !w.Valid() {
		w = DefaultWeights()
	}
	r := Row{Group: group}
	r.RespondedInTime = int(c.Response[InTime])
	r.ResponseBase = r.RespondedInTime + int(c.Response[Late])
	for _, v := range VisitValues {
		r.Visited += int(c.Visit[v])
	}
	r.VisitResolved = int(c.Visit[ResolvedSatisfied] + c.Visit[ResolvedUnsatisfied])
	r.Satisfied = int(c.Visit[ResolvedSatisfied] + c.Visit[UnresolvedSatisfied])
	t := tally{Row: r}
	out := t.finish(w)
	out.MedianResponseMinutes, out.MedianResolutionHours = nil, nil
	return out
}
