package layers

import (
	"strings"
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	bj := func(y int, m time.Month, d, h, min, s int) time.Time {
		return time.Date(y, m, d, h, min, s, 0, Shanghai)
	}
	tests := []struct {
		in   string
		want time.Time
	}{
		{"2026/3/5 14:03", bj(2026, 3, 5, 14, 3, 0)},
		{"2026-03-05 14:03:00", bj(2026, 3, 5, 14, 3, 0)},
		{"2026年3月5日", bj(2026, 3, 5, 0, 0, 0)},
		{"2026年3月5日 14:03", bj(2026, 3, 5, 14, 3, 0)},
		{"2026-03-05", bj(2026, 3, 5, 0, 0, 0)},
		{"2026-03-05T06:03:00Z", bj(2026, 3, 5, 14, 3, 0)},
		{"2026-03-05T14:03:00+08:00", bj(2026, 3, 5, 14, 3, 0)},
		{" 2026/12/31 ", bj(2026, 12, 31, 0, 0, 0)},
	}
	for _, tc := range tests {
		got, err := ParseTime(tc.in)
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "yesterday", "2026-13-01", "3/5/2026", "2026年13月1日"} {
		if _, err := ParseTime(bad); err == nil {
			t.Errorf("ParseTime(%q) accepted", bad)
		}
	}
}

func TestFieldParse(t *testing.T) {
	category := Field{Name: "category", Type: String, Enum: []string{"水管爆裂", "停电"}}
	satisfied := Field{Name: "satisfied", Type: Bool}
	households := Field{Name: "households", Type: Int}
	area := Field{Name: "area_m2", Type: Float}
	tests := []struct {
		f       Field
		in      string
		want    any
		wantErr string
	}{
		{category, "水管爆裂", "水管爆裂", ""},
		{category, "火星来客", nil, "not a known category"},
		{satisfied, "是", true, ""},
		{satisfied, "false", false, ""},
		{satisfied, "maybe", nil, "true or false"},
		{households, "1830", int64(1830), ""},
		{households, "1,830", nil, "whole number"},
		{area, "12.5", 12.5, ""},
		{area, "", nil, ""},
		{area, "NaN", nil, "must be a number"},
		{area, "-Inf", nil, "must be a number"},
	}
	for _, tc := range tests {
		got, err := tc.f.Parse(tc.in)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s.Parse(%q) err = %v, want %q", tc.f.Name, tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s.Parse(%q) = %#v, %v; want %#v", tc.f.Name, tc.in, got, err, tc.want)
		}
	}
}
