package hotspot

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"minqing/layers"
)

func TestNormalize(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, layers.Shanghai)
	end := start.AddDate(0, 6, 0)
	window := &layers.TimeRange{Start: &start, End: &end}
	open := &layers.TimeRange{Start: &start}
	inverted := &layers.TimeRange{Start: &end, End: &start}
	pub := func(p Params) Params { p.Query.Role = layers.Public; return p }
	staff := func(p Params) Params { p.Query.Role = layers.Staff; return p }

	tests := []struct {
		name      string
		in        Params
		wantParam string // "" = valid
		res, k    int
	}{
		{"defaults", pub(Params{}), "", 9, 1},
		{"public res 7", pub(Params{Res: 7}), "res", 0, 0},
		{"staff res 7", staff(Params{Res: 7}), "", 7, 1},
		{"public status", pub(Params{Query: layers.Query{Equal: map[string][]any{"status": {"已办结"}}}}), "status", 0, 0},
		{"public category and source", pub(Params{Query: layers.Query{Equal: map[string][]any{"category": {"漏水"}, "source": {"12345"}}}}), "source", 0, 0},
		{"public community", pub(Params{Query: layers.Query{Equal: map[string][]any{"category": {"漏水"}, "community": {"x"}}}}), "", 9, 1},
		{"res 3", pub(Params{Res: 3}), "res", 0, 0},
		{"res 14", staff(Params{Res: 14}), "res", 0, 0},
		{"public res 10", pub(Params{Res: 10}), "res", 0, 0},
		{"staff res 11", staff(Params{Res: 11}), "", 11, 1},
		{"k 3", pub(Params{K: 3}), "", 9, 3},
		{"k 4", pub(Params{K: 4}), "k", 0, 0},
		{"k -1", pub(Params{K: -1}), "k", 0, 0},
		{"steps need a window", pub(Params{Steps: 4}), "steps", 0, 0},
		{"steps need both ends", pub(Params{Steps: 4, Query: layers.Query{Time: open}}), "steps", 0, 0},
		{"steps 1", pub(Params{Steps: 1, Query: layers.Query{Time: window}}), "steps", 0, 0},
		{"steps 25", pub(Params{Steps: 25, Query: layers.Query{Time: window}}), "steps", 0, 0},
		{"public steps 24 over 6 months", pub(Params{Steps: 24, Query: layers.Query{Time: window}}), "steps", 0, 0},
		{"staff steps 24", staff(Params{Steps: 24, Query: layers.Query{Time: window}}), "", 9, 1},
		{"public steps 3 over 6 months", pub(Params{Steps: 3, Query: layers.Query{Time: window}}), "", 9, 1},
		{"series without steps", pub(Params{Series: true}), "series", 0, 0},
		{"inverted window", pub(Params{Query: layers.Query{Time: inverted}}), "datetime", 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.in.Normalize()
			if tc.wantParam != "" {
				var inv *layers.InvalidError
				if !errors.As(err, &inv) || inv.Param != tc.wantParam {
					t.Fatalf("err = %v, want an invalid %s", err, tc.wantParam)
				}
				if inv.Message == "" {
					t.Error("empty message")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Res != tc.res || got.K != tc.k {
				t.Errorf("res %d k %d, want %d %d", got.Res, got.K, tc.res, tc.k)
			}
		})
	}
}

func TestNormalizeDropsUnusedQueryParts(t *testing.T) {
	p, err := Params{Query: layers.Query{Role: layers.Staff, Limit: 3, AfterID: 9, Properties: []string{"x"}}}.Normalize()
	if err != nil {
		t.Fatal(err)
	}
	if p.Query.Limit != 0 || p.Query.AfterID != 0 || p.Query.Properties != nil || p.Query.Role != layers.Staff {
		t.Errorf("query %+v", p.Query)
	}
}

func TestStepRanges(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, layers.Shanghai)
	for _, tc := range []struct {
		end time.Time
		n   int
	}{
		{start.AddDate(1, 0, 0).Add(-time.Nanosecond), 12},
		{start.Add(7 * time.Nanosecond), 3},
		{start.AddDate(20, 0, 0), 24},
	} {
		t.Run(fmt.Sprint(tc.n), func(t *testing.T) {
			steps := stepRanges(&layers.TimeRange{Start: &start, End: &tc.end}, tc.n)
			if len(steps) != tc.n {
				t.Fatalf("%d steps", len(steps))
			}
			if !steps[0].Start.Equal(start) || !steps[tc.n-1].End.Equal(tc.end) {
				t.Errorf("steps span %v – %v, want %v – %v", steps[0].Start, steps[tc.n-1].End, start, tc.end)
			}
			for i := range steps {
				if steps[i].End.Before(*steps[i].Start) {
					t.Errorf("step %d is empty: %v – %v", i, steps[i].Start, steps[i].End)
				}
				if i > 0 && !steps[i].Start.Equal(steps[i-1].End.Add(time.Nanosecond)) {
					t.Errorf("gap or overlap between steps %d and %d", i-1, i)
				}
			}
			// Equal lengths, to the nanosecond.
			total := tc.end.Sub(start)
			for i, s := range steps {
				d := s.End.Sub(*s.Start) + time.Nanosecond
				if i == tc.n-1 {
					d -= time.Nanosecond
				}
				if diff := d - total/time.Duration(tc.n); diff < -2 || diff > 2 {
					t.Errorf("step %d lasts %v, want about %v", i, d, total/time.Duration(tc.n))
				}
			}
		})
	}
}

func TestResForZoom(t *testing.T) {
	tests := []struct {
		z                  int
		public, staffWants int
	}{
		{0, 9, 7}, {10, 9, 7}, {12, 9, 7}, {13, 9, 8}, {14, 9, 9}, {15, 9, 10}, {16, 9, 11}, {22, 9, 11},
	}
	for _, tc := range tests {
		if got := ResForZoom(tc.z, layers.Public); got != tc.public {
			t.Errorf("z%d public: %d, want %d", tc.z, got, tc.public)
		}
		if got := ResForZoom(tc.z, layers.Staff); got != tc.staffWants {
			t.Errorf("z%d staff: %d, want %d", tc.z, got, tc.staffWants)
		}
	}
}

func TestCacheKeyDistinguishes(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, layers.Shanghai)
	end := start.AddDate(0, 1, 0)
	base := Params{Res: 9, K: 1, Query: layers.Query{Role: layers.Public}}
	v := map[string]int64{"incidents": 3, "patches": 1, "communities": 1}
	variants := []Params{
		base,
		{Res: 8, K: 1, Query: layers.Query{Role: layers.Public}},
		{Res: 9, K: 2, Query: layers.Query{Role: layers.Public}},
		{Res: 9, K: 1, FDR: true, Query: layers.Query{Role: layers.Public}},
		{Res: 9, K: 1, Query: layers.Query{Role: layers.Staff}},
		{Res: 9, K: 1, Query: layers.Query{Role: layers.Public, Time: &layers.TimeRange{Start: &start}}},
		{Res: 9, K: 1, Query: layers.Query{Role: layers.Public, Time: &layers.TimeRange{End: &start}}},
		{Res: 9, K: 1, Query: layers.Query{Role: layers.Public, Time: &layers.TimeRange{Start: &start, End: &end}}},
		{Res: 9, K: 1, Query: layers.Query{Role: layers.Public, Equal: map[string][]any{"category": {"漏水"}}}},
		{Res: 9, K: 1, Query: layers.Query{Role: layers.Public, Equal: map[string][]any{"category": {"停电"}}}},
		{Res: 9, K: 1, Query: layers.Query{Role: layers.Public, Equal: map[string][]any{"source": {"漏水"}}}},
	}
	seen := map[string]int{}
	for i, p := range variants {
		k := cacheKey(p, v)
		if j, dup := seen[k]; dup {
			t.Errorf("variants %d and %d share the key %s", j, i, k)
		}
		seen[k] = i
	}
	if cacheKey(base, v) == cacheKey(base, map[string]int64{"incidents": 4, "patches": 1, "communities": 1}) {
		t.Error("a write to incidents does not change the key")
	}
	if cacheKey(base, v) == cacheKey(base, map[string]int64{"incidents": 3, "patches": 2, "communities": 1}) {
		t.Error("a write to patches does not change the key")
	}
}

func TestLRU(t *testing.T) {
	c := newLRU[int](2)
	c.put("a", 1)
	c.put("b", 2)
	if v, ok := c.get("a"); !ok || v != 1 {
		t.Fatalf("a = %v %v", v, ok)
	}
	c.put("c", 3) // evicts b, the least recently used
	if _, ok := c.get("b"); ok {
		t.Error("b was not evicted")
	}
	if _, ok := c.get("a"); !ok {
		t.Error("a was evicted")
	}
	c.put("a", 10)
	if v, _ := c.get("a"); v != 10 || c.len() != 2 {
		t.Errorf("a = %d, len %d", v, c.len())
	}
	off := newLRU[int](0)
	off.put("x", 1)
	if _, ok := off.get("x"); ok {
		t.Error("a cache of size 0 kept an entry")
	}
}
