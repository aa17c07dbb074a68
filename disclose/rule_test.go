package disclose

import (
	"maps"
	"testing"
	"time"

	"minqing/layers"
)

// TestPublish checks the rule on families whose outcome is worked by hand:
// threshold, complements, families where everything goes, and k edges.
func TestPublish(t *testing.T) {
	S := Entry{Suppressed: true}
	n := func(c int64) Entry { return Entry{Count: c} }
	for _, tc := range []struct {
		name      string
		total     int64
		parts     map[string]int64
		k         int
		wantTotal Entry
		want      map[string]Entry
	}{
		{"all shown", 12, map[string]int64{"a": 7, "b": 5}, 5, n(12), map[string]Entry{"a": n(7), "b": n(5)}},
		{"small total hides all", 4, map[string]int64{"a": 3, "b": 1}, 5, S, map[string]Entry{"a": S, "b": S}},
		{"zero is absent", 0, map[string]int64{}, 5, Entry{}, map[string]Entry{}},
		{"complement: one small part hides the smallest shown", 13, map[string]int64{"a": 6, "b": 5, "c": 2}, 5, n(13), map[string]Entry{"a": n(6), "b": S, "c": S}},
		{"complement ties broken by value", 12, map[string]int64{"a": 5, "b": 5, "c": 2}, 5, n(12), map[string]Entry{"a": S, "b": n(5), "c": S}},
		{"complement until all suppressed", 7, map[string]int64{"a": 5, "c": 2}, 5, n(7), map[string]Entry{"a": S, "c": S}},
		{"hidden already at k needs no complement", 15, map[string]int64{"a": 7, "b": 4, "c": 4}, 5, n(15), map[string]Entry{"a": n(7), "b": S, "c": S}},
		{"two small parts under k together", 14, map[string]int64{"a": 6, "b": 5, "c": 2, "d": 1}, 5, n(14), map[string]Entry{"a": n(6), "b": S, "c": S, "d": S}},
		{"empty value counts among the hidden", 10, map[string]int64{"a": 8, "": 2}, 5, n(10), map[string]Entry{"a": S}},
		{"empty value large enough", 13, map[string]int64{"a": 8, "": 5}, 5, n(13), map[string]Entry{"a": n(8)}},
		{"total exactly k", 5, map[string]int64{"a": 5}, 5, n(5), map[string]Entry{"a": n(5)}},
		{"total k-1", 4, map[string]int64{"a": 4}, 5, S, map[string]Entry{"a": S}},
		{"k = 1 shows everything", 3, map[string]int64{"a": 2, "b": 1}, 1, n(3), map[string]Entry{"a": n(2), "b": n(1)}},
		{"k = 2: a single 1 hides its complement", 6, map[string]int64{"a": 5, "b": 1}, 2, n(6), map[string]Entry{"a": S, "b": S}},
		{"large k hides everything", 30, map[string]int64{"a": 20, "b": 10}, 100, S, map[string]Entry{"a": S, "b": S}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tot, got := Publish(tc.total, tc.parts, tc.k)
			if tot != tc.wantTotal {
				t.Errorf("total = %+v, want %+v", tot, tc.wantTotal)
			}
			if !maps.Equal(got, tc.want) {
				t.Errorf("parts = %v, want %v", got, tc.want)
			}
			checkFamily(t, tc.total, tc.parts, tot, got, tc.k)
		})
	}
}

// checkFamily asserts the property the rule exists for: from the published
// family, total − Σ shown (the only derivable difference) is 0 or at least
// k whenever the total is shown, and no shown count is below k.
func checkFamily(t *testing.T, total int64, parts map[string]int64, tot Entry, got map[string]Entry, k int) {
	t.Helper()
	for v, e := range got {
		if e.Shown() && e.Count < int64(k) {
			t.Errorf("%s shown with %d < k", v, e.Count)
		}
		if e.Shown() && e.Count != parts[v] {
			t.Errorf("%s shown as %d, true %d", v, e.Count, parts[v])
		}
	}
	if tot.Shown() {
		rest := tot.Count
		for _, e := range got {
			rest -= e.Count
		}
		if rest > 0 && rest < int64(k) {
			t.Errorf("total − shown = %d reveals a small count", rest)
		}
	}
}

// TestPublishExhaustive runs the rule over every family of up to four
// values with counts 0..7 and k 1..6 and checks the complement property.
func TestPublishExhaustive(t *testing.T) {
	for k := 1; k <= 6; k++ {
		var rec func(parts map[string]int64, i int)
		rec = func(parts map[string]int64, i int) {
			if i == 4 {
				var total int64
				for _, n := range parts {
					total += n
				}
				tot, got := Publish(total, parts, k)
				checkFamily(t, total, parts, tot, got, k)
				return
			}
			for n := int64(0); n <= 7; n++ {
				p := maps.Clone(parts)
				p[string(rune('a'+i))] = n
				rec(p, i+1)
			}
		}
		rec(map[string]int64{}, 0)
	}
}

// TestWindow checks the month alignment of public windows.
func TestWindow(t *testing.T) {
	first, last := Month{2025, time.January}, Month{2025, time.December}
	d := func(s string) *time.Time {
		v, err := time.ParseInLocation(time.RFC3339, s, layers.Shanghai)
		if err != nil {
			t.Fatal(err)
		}
		return &v
	}
	endOf := func(m Month) *time.Time { return m.Range().End }
	for _, tc := range []struct {
		name     string
		r        *layers.TimeRange
		from, to string
		n        int
		bad      bool
	}{
		{"nil is everything", nil, "2025-01", "2025-12", 12, false},
		{"quarter", &layers.TimeRange{Start: d("2025-04-01T00:00:00+08:00"), End: endOf(Month{2025, time.June})}, "2025-04", "2025-06", 3, false},
		{"end at next month's start", &layers.TimeRange{Start: d("2025-04-01T00:00:00+08:00"), End: d("2025-07-01T00:00:00+08:00")}, "2025-04", "2025-06", 3, false},
		{"end to the second", &layers.TimeRange{Start: d("2025-04-01T00:00:00+08:00"), End: d("2025-04-30T23:59:59+08:00")}, "2025-04", "2025-04", 1, false},
		{"clipped to published", &layers.TimeRange{Start: d("2024-11-01T00:00:00+08:00")}, "2025-01", "2025-12", 12, false},
		{"UTC midnight is not Beijing's", &layers.TimeRange{Start: d("2025-04-01T00:00:00Z")}, "", "", 0, true},
		{"mid-month start", &layers.TimeRange{Start: d("2025-04-15T00:00:00+08:00")}, "", "", 0, true},
		{"mid-month end", &layers.TimeRange{End: d("2025-02-15T23:59:59+08:00")}, "", "", 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ms, err := Window(tc.r, first, last)
			if tc.bad {
				if err == nil {
					t.Fatalf("got %v, want an error", ms)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(ms) != tc.n || ms[0].String() != tc.from || ms[len(ms)-1].String() != tc.to {
				t.Errorf("months %v, want %s..%s (%d)", ms, tc.from, tc.to, tc.n)
			}
		})
	}
}
