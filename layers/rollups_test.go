package layers

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestRollupWindow(t *testing.T) {
	at := func(y int, m time.Month, d, h int) *time.Time {
		v := time.Date(y, m, d, h, 0, 0, 0, Shanghai)
		return &v
	}
	endOf := func(y int, m time.Month, d int) *time.Time {
		v := time.Date(y, m, d+1, 0, 0, 0, 0, Shanghai).Add(-time.Nanosecond)
		return &v
	}
	show := func(spans []RollupSpan, edges []RollupEdge) string {
		var b strings.Builder
		for _, s := range spans {
			fmt.Fprintf(&b, "%d:%s..%s ", s.Grain, s.From, s.To)
		}
		for _, e := range edges {
			f := func(t *time.Time) string {
				if t == nil {
					return "-"
				}
				return t.In(Shanghai).Format("01-02T15")
			}
			fmt.Fprintf(&b, "raw[%s,%s,%s] ", f(e.From), f(e.Before), f(e.Until))
		}
		return strings.TrimSpace(b.String())
	}
	tests := []struct {
		name string
		tr   *TimeRange
		days bool
		want string
	}{
		{"whole days across a month", &TimeRange{Start: at(2026, 1, 30, 0), End: endOf(2026, 2, 2)}, true,
			"1:2026-01-30..2026-02-02"},
		{"days, a month, days", &TimeRange{Start: at(2025, 12, 30, 0), End: endOf(2026, 2, 2)}, true,
			"1:2025-12-30..2025-12-31 2:2026-01-01..2026-01-01 1:2026-02-01..2026-02-02"},
		{"a whole year", &TimeRange{Start: at(2025, 1, 1, 0), End: endOf(2025, 12, 31)}, true,
			"3:2025-01-01..2025-01-01"},
		{"odd ends", &TimeRange{Start: at(2026, 1, 30, 8), End: at(2026, 2, 2, 8)}, true,
			"1:2026-01-31..2026-02-01 raw[01-30T08,01-31T00,-] raw[02-02T00,-,02-02T08]"},
		{"within a day", &TimeRange{Start: at(2026, 1, 30, 8), End: at(2026, 1, 30, 9)}, true,
			"raw[01-30T08,-,01-30T09]"},
		{"no days: partial months raw", &TimeRange{Start: at(2025, 12, 30, 0), End: endOf(2026, 2, 2)}, false,
			"2:2026-01-01..2026-01-01 raw[12-30T00,01-01T00,-] raw[02-01T00,-,02-02T23]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := show(RollupWindow(tc.tr, tc.days)); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
	// The whole months around a window hold it, and the rollups count them
	// without a raw row, even without days.
	for _, tc := range []struct {
		name string
		tr   *TimeRange
		want string
	}{
		{"30 days over two months", &TimeRange{Start: at(2026, 11, 2, 0), End: endOf(2026, 12, 2)}, "2:2026-11-01..2026-12-01"},
		{"odd hours within a month", &TimeRange{Start: at(2026, 2, 3, 8), End: at(2026, 2, 5, 9)}, "2:2026-02-01..2026-02-01"},
		{"over a new year", &TimeRange{Start: at(2025, 12, 31, 23), End: at(2026, 1, 1, 1)}, "2:2025-12-01..2026-01-01"},
		{"the last nanosecond of a month", &TimeRange{Start: at(2026, 1, 1, 0), End: endOf(2026, 1, 31)}, "2:2026-01-01..2026-01-01"},
	} {
		t.Run("months around "+tc.name, func(t *testing.T) {
			wide := MonthsAround(tc.tr)
			if wide.Start.After(*tc.tr.Start) || wide.End.Before(*tc.tr.End) {
				t.Errorf("%v–%v does not hold %v–%v", wide.Start, wide.End, tc.tr.Start, tc.tr.End)
			}
			if got := show(RollupWindow(wide, false)); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
	if MonthsAround(nil) != nil {
		t.Error("no window: want none")
	}
	if open := MonthsAround(&TimeRange{Start: at(2026, 3, 9, 0)}); open.End != nil || !open.Start.Equal(*at(2026, 3, 1, 0)) {
		t.Errorf("open end: got %v–%v", open.Start, open.End)
	}

	// All time: years only, and the raw rows before 1900 and from 2200.
	spans, edges := RollupWindow(nil, true)
	if len(spans) != 1 || spans[0].Grain != GrainYear || spans[0].From != "1900-01-01" || spans[0].To != "2199-01-01" || len(edges) != 2 {
		t.Errorf("all time: %s", show(spans, edges))
	}
}
