package rates

import (
	"testing"
	"time"
)

func TestComputeEdgeCases(t *testing.T) {
	now := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	at := func(h int) *time.Time { v := now.Add(time.Duration(h) * time.Hour); return &v }
	yes, no := true, false
	in := []Incident{
		// pending: not contacted, deadline not passed: not in the response base
		{Group: "a", Status: "dispatched", ReceivedAt: *at(-1), ResponseDue: at(1)},
		// contacted exactly at the deadline: in time
		{Group: "a", Status: "in_progress", ReceivedAt: *at(-5), RespondedAt: at(-3), ResponseDue: at(-3)},
		// resolved, not contacted, past the deadline: in the base, not overdue (no longer open)
		{Group: "b", Status: "resolved", ReceivedAt: *at(-50), ResponseDue: at(-49), ResolvedAt: at(-2), VisitResolved: &no, Satisfied: &yes},
	}
	groups, total := Compute(in, now, Weights{})
	if len(groups) != 2 || total.Count != 3 {
		t.Fatalf("groups %+v total %+v", groups, total)
	}
	tests := []struct {
		name      string
		got, want any
	}{
		{"a base", groups[1].ResponseBase, 1},
		{"a in time", groups[1].RespondedInTime, 1},
		{"a has no visits: no score", groups[1].Score == nil, true},
		{"b base", groups[0].ResponseBase, 1},
		{"b overdue", groups[0].OverdueResponse, 0},
		{"b response rate", *groups[0].ResponseRate, 0.0},
		{"b score = 0.4 × 100 with default weights", *groups[0].Score, 40.0},
		{"b ranked first", groups[0].Rank, 1},
		{"a unranked", groups[1].Rank, 0},
		{"median of two", *total.MedianResponseMinutes, 120.0},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, tc.got, tc.want)
		}
	}
}

func TestRankSuppressedLast(t *testing.T) {
	s1, s2 := 90.0, 80.0
	rows := []Row{{Group: "x", Score: &s2, Count: 9}, {Group: "y", Score: &s1, Count: 3, Suppressed: true}, {Group: "z", Score: &s2, Count: 10}}
	Rank(rows)
	want := []struct {
		group string
		rank  int
	}{{"z", 1}, {"x", 2}, {"y", 0}}
	for i, w := range want {
		if rows[i].Group != w.group || rows[i].Rank != w.rank {
			t.Errorf("row %d: %s rank %d, want %s rank %d", i, rows[i].Group, rows[i].Rank, w.group, w.rank)
		}
	}
}

// TestJudgeAgreesWithCompute: the outcomes Judge gives, counted and turned
// into rates by FromCounts, are the rates Compute gives.
func TestJudgeAgreesWithCompute(t *testing.T) {
	now := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	at := func(h int) *time.Time { v := now.Add(time.Duration(h) * time.Hour); return &v }
	yes, no := true, false
	in := []Incident{
		{Status: "dispatched", ReceivedAt: *at(-1), ResponseDue: at(1)},                        // undecided
		{Status: "in_progress", ReceivedAt: *at(-5), RespondedAt: at(-3), ResponseDue: at(-3)}, // in time
		{Status: "in_progress", ReceivedAt: *at(-5), RespondedAt: at(-2), ResponseDue: at(-3)}, // late
		{Status: "dispatched", ReceivedAt: *at(-5), ResponseDue: at(-4)},                       // late, not contacted
		{Status: "in_progress", ReceivedAt: *at(-5), RespondedAt: at(-4)},                      // no deadline: in time
		{Status: "resolved", ReceivedAt: *at(-50), ResolvedAt: at(-2), VisitResolved: &yes, Satisfied: &yes},
		{Status: "resolved", ReceivedAt: *at(-50), ResolvedAt: at(-2), VisitResolved: &yes, Satisfied: &no},
		{Status: "resolved", ReceivedAt: *at(-50), ResolvedAt: at(-2), VisitResolved: &no, Satisfied: &yes},
		{Status: "closed", ReceivedAt: *at(-50), ResolvedAt: at(-2), VisitResolved: &no, Satisfied: &no},
		{Status: "resolved", ReceivedAt: *at(-50), ResolvedAt: at(-2)}, // no visit yet
	}
	_, want := Compute(in, now, Weights{})
	c := Counts{Response: map[string]int64{}, Visit: map[string]int64{}}
	for _, x := range in {
		o := Judge(x, now)
		c.Response[o.Response]++
		c.Visit[o.Visit]++
	}
	got := FromCounts("", c, Weights{})
	tests := []struct {
		name      string
		got, want any
	}{
		{"response base", got.ResponseBase, want.ResponseBase},
		{"in time", got.RespondedInTime, want.RespondedInTime},
		{"visited", got.Visited, want.Visited},
		{"resolved at visit", got.VisitResolved, want.VisitResolved},
		{"satisfied", got.Satisfied, want.Satisfied},
		{"response rate", *got.ResponseRate, *want.ResponseRate},
		{"resolution rate", *got.ResolutionRate, *want.ResolutionRate},
		{"satisfaction rate", *got.SatisfactionRate, *want.SatisfactionRate},
		{"score", *got.Score, *want.Score},
		{"undecided: not contacted, deadline ahead or unknown", c.Response[""], int64(6)},
		{"unvisited", c.Visit[""], int64(6)},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, tc.got, tc.want)
		}
	}
}
