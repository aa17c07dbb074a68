package server

import (
	"testing"
	"time"

	"minqing/layers"
)

// TestHotspotDatetime checks the month spellings of datetime next to the
// ones selection.Datetime takes.
func TestHotspotDatetime(t *testing.T) {
	d := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04:05.999999999", s, layers.Shanghai)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct {
		in         string
		start, end string // "" = open
		bad        bool
	}{
		{in: "2025-02", start: "2025-02-01 00:00:00", end: "2025-02-28 23:59:59.999999999"},
		{in: "2025-01/2025-03", start: "2025-01-01 00:00:00", end: "2025-03-31 23:59:59.999999999"},
		{in: "2025-01/..", start: "2025-01-01 00:00:00"},
		{in: "../2025-03", end: "2025-03-31 23:59:59.999999999"},
		{in: "2025-01/2025-03-31", start: "2025-01-01 00:00:00", end: "2025-03-31 23:59:59.999999999"},
		{in: "2025-01-01/2025-03-31", start: "2025-01-01 00:00:00", end: "2025-03-31 23:59:59.999999999"},
		{in: "2025-03/2025-01", bad: true},
		{in: "2025-13", bad: true},
		{in: "2025-1", bad: true},
	} {
		r, err := hotspotDatetime(tc.in)
		if tc.bad {
			if err == nil {
				t.Errorf("%s: %+v, want an error", tc.in, r)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		check := func(name string, got *time.Time, want string) {
			switch {
			case want == "" && got != nil:
				t.Errorf("%s: %s %v, want open", tc.in, name, got)
			case want != "" && (got == nil || !got.Equal(d(want))):
				t.Errorf("%s: %s %v, want %s", tc.in, name, got, want)
			}
		}
		check("start", r.Start, tc.start)
		check("end", r.End, tc.end)
	}
}
