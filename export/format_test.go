package export

import (
	"testing"
	"time"

	"minqing/layers"
)

func TestContentDisposition(t *testing.T) {
	day := time.Date(2026, 3, 5, 23, 30, 0, 0, time.UTC) // 2026-03-06 in Beijing
	tests := []struct {
		layer  string
		format Format
		want   string
	}{
		{"incidents", CSV, `attachment; filename="incidents-20260306.csv"; filename*=UTF-8''%E8%AF%89%E6%B1%82-20260306.csv`},
		{"service_points", KML, `attachment; filename="service_points-20260306.kml"; filename*=UTF-8''%E4%BE%BF%E6%B0%91%E6%9C%8D%E5%8A%A1-20260306.kml`},
		{"communities", GeoJSON, `attachment; filename="communities-20260306.geojson"; filename*=UTF-8''%E7%A4%BE%E5%8C%BA-20260306.geojson`},
	}
	for _, tc := range tests {
		if got := ContentDisposition(testLayer(t, tc.layer), tc.format, day); got != tc.want {
			t.Errorf("%s.%s:\n got %s\nwant %s", tc.layer, tc.format, got, tc.want)
		}
	}
	odd := &layers.Layer{Name: `a"b/c`, TitleZH: `报表/"月"`}
	ascii, utf8 := Filename(odd, CSV, day)
	if ascii != "a_b_c-20260306.csv" || utf8 != "报表__月_-20260306.csv" {
		t.Errorf("unsafe names: %q, %q", ascii, utf8)
	}
	if got := ContentDisposition(odd, CSV, day); got != `attachment; filename="a_b_c-20260306.csv"; filename*=UTF-8''%E6%8A%A5%E8%A1%A8__%E6%9C%88_-20260306.csv` {
		t.Errorf("unsafe disposition: %s", got)
	}
}

func TestParseFormat(t *testing.T) {
	tests := []struct {
		in   string
		want Format
		ok   bool
	}{
		{"csv", CSV, true}, {".kml", KML, true}, {"GeoJSON", GeoJSON, true}, {"json", GeoJSON, true},
		{"xlsx", "", false}, {"", "", false},
	}
	for _, tc := range tests {
		got, err := ParseFormat(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseFormat(%q) = %q, %v", tc.in, got, err)
		}
	}
}
