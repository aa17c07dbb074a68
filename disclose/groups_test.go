package disclose

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestBuildGroups: a group family is published as a cell family is, except
// that it is suppressed whole when its total minus the shown cells it holds
// is 1..k−1.
func TestBuildGroups(t *testing.T) {
	m := Month{2025, time.March}
	raw := func(total int64, resp, visit map[string]int64) GroupRaw {
		return GroupRaw{Total: total, Parts: map[Dim]map[string]int64{Response: resp, Visit: visit}}
	}
	tests := []struct {
		name       string
		raw        GroupRaw
		shownCells int64
		wantTotal  Entry
		wantResp   map[string]Entry
	}{
		{"cells all shown: published", raw(40, map[string]int64{"in_time": 30, "late": 10}, nil), 40,
			Entry{Count: 40}, map[string]Entry{"in_time": {Count: 30}, "late": {Count: 10}}},
		{"suppressed cells hold 5 ≥ k: published", raw(40, map[string]int64{"in_time": 30, "late": 10}, nil), 35,
			Entry{Count: 40}, map[string]Entry{"in_time": {Count: 30}, "late": {Count: 10}}},
		{"suppressed cells hold 3: suppressed whole", raw(40, map[string]int64{"in_time": 30, "late": 10}, nil), 37,
			Entry{Suppressed: true}, map[string]Entry{"in_time": {Suppressed: true}, "late": {Suppressed: true}}},
		{"small late: complementary suppression", raw(40, map[string]int64{"in_time": 38, "late": 2}, nil), 40,
			Entry{Count: 40}, map[string]Entry{"in_time": {Suppressed: true}, "late": {Suppressed: true}}},
		{"undecided ≥ k hides a small late", raw(40, map[string]int64{"in_time": 33, "late": 2, "": 5}, nil), 40,
			Entry{Count: 40}, map[string]Entry{"in_time": {Count: 33}, "late": {Suppressed: true}}},
		{"small total", raw(4, map[string]int64{"in_time": 4}, nil), 0,
			Entry{Suppressed: true}, map[string]Entry{"in_time": {Suppressed: true}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tb := BuildGroups(m, map[string]GroupRaw{"g": tc.raw}, map[string]int64{"g": tc.shownCells}, 5)
			f := tb.Groups["g"]
			if f.Total != tc.wantTotal {
				t.Errorf("total %+v, want %+v", f.Total, tc.wantTotal)
			}
			if len(f.Parts[Response]) != len(tc.wantResp) {
				t.Errorf("response atoms %+v, want %+v", f.Parts[Response], tc.wantResp)
			}
			for v, want := range tc.wantResp {
				if got := f.Parts[Response][v]; got != want {
					t.Errorf("response %q: %+v, want %+v", v, got, want)
				}
			}
		})
	}
}

// TestBuildGroupsHidesEverySmallDifference draws random groups and checks
// what an adversary can subtract: a shown total minus the shown cells, and
// a shown total minus a dimension's shown parts, are 0 or at least k; no
// suppressed atom keeps its count.
func TestBuildGroupsHidesEverySmallDifference(t *testing.T) {
	const k = 5
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 2000 {
		resp := map[string]int64{"in_time": r.Int64N(40), "late": r.Int64N(6), "": r.Int64N(3)}
		visit := map[string]int64{"resolved_satisfied": r.Int64N(30), "resolved_unsatisfied": r.Int64N(4),
			"unresolved_satisfied": r.Int64N(3), "unresolved_unsatisfied": r.Int64N(5)}
		var total, v int64
		for _, n := range resp {
			total += n
		}
		for _, n := range visit {
			v += n
		}
		if v > total {
			continue
		}
		visit[""] = total - v
		shown := total - r.Int64N(min(total, 8)+1)
		tb := BuildGroups(Month{2025, time.January}, map[string]GroupRaw{"g": {Total: total,
			Parts: map[Dim]map[string]int64{Response: resp, Visit: visit}}}, map[string]int64{"g": shown}, k)
		f, ok := tb.Groups["g"]
		if total == 0 {
			if ok {
				t.Fatalf("case %d: an empty group is published", i)
			}
			continue
		}
		if f.Total.Shown() {
			if d := f.Total.Count - shown; d > 0 && d < k {
				t.Fatalf("case %d: total %d − shown cells %d = %d", i, f.Total.Count, shown, d)
			}
		}
		for _, d := range RateDims {
			var sum int64
			for val, e := range f.Parts[d] {
				if e.Suppressed && e.Count != 0 {
					t.Fatalf("case %d: suppressed %s %q keeps %d", i, d, val, e.Count)
				}
				sum += e.Count
			}
			if f.Total.Shown() {
				if diff := f.Total.Count - sum; diff > 0 && diff < k {
					t.Fatalf("case %d: %s: total − shown parts = %d", i, d, diff)
				}
			}
		}
	}
}

// TestGroupSums: families with a suppressed atom in a dimension are left
// out of its sums (and counted as left), the others added by key.
func TestGroupSums(t *testing.T) {
	jan := &GroupTable{Month: Month{2025, time.January}, Groups: map[string]*Family{
		"a": {Total: Entry{Count: 20}, Parts: map[Dim]map[string]Entry{
			Response: {"in_time": {Count: 15}, "late": {Count: 5}},
			Visit:    {"resolved_satisfied": {Suppressed: true}, "unresolved_unsatisfied": {Suppressed: true}}}},
		"b": {Total: Entry{Count: 10}, Parts: map[Dim]map[string]Entry{
			Response: {"in_time": {Count: 10}},
			Visit:    {"resolved_satisfied": {Count: 10}}}},
		"c": {Total: Entry{Count: 10}, Parts: map[Dim]map[string]Entry{Response: {"in_time": {Count: 10}}}},
	}}
	patch := map[string]string{"a": "P", "b": "P", "c": ""}
	sums := GroupSums([]*GroupTable{jan}, func(g string) string { return patch[g] })
	p, ok := sums["P"]
	tests := []struct {
		name      string
		got, want any
	}{
		{"P present", ok, true},
		{"c dropped", len(sums), 1},
		{"in time", p.Parts[Response]["in_time"], int64(25)},
		{"late", p.Parts[Response]["late"], int64(5)},
		{"response families", p.Used[Response], 2},
		{"visit families used", p.Used[Visit], 1},
		{"visit families left", p.Left[Visit], 1},
		{"satisfied from b only", p.Parts[Visit]["resolved_satisfied"], int64(10)},
		{"response complete", p.Complete(Response), true},
		{"visit incomplete", p.Complete(Visit), false},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, tc.got, tc.want)
		}
	}
}
