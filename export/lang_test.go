package export

import (
	"strings"
	"testing"

	"minqing/layers"
)

// TestParseLang: the default language of the values follows the headers
// (zh, en, raw for machine names); GeoJSON keeps stored values; anything
// but zh or en is refused.
func TestParseLang(t *testing.T) {
	tests := []struct {
		in      string
		f       Format
		h       Headers
		want    Lang
		wantErr bool
	}{
		{"", CSV, HeadersZH, LangZH, false},
		{"", CSV, HeadersEN, LangEN, false},
		{"", CSV, HeadersName, LangRaw, false},
		{"", KML, HeadersZH, LangZH, false},
		{"", GeoJSON, HeadersZH, LangRaw, false},
		{"en", CSV, HeadersZH, LangEN, false},
		{"zh", GeoJSON, HeadersZH, LangZH, false},
		{"fr", CSV, HeadersZH, "", true},
	}
	for _, tc := range tests {
		got, err := ParseLang(tc.in, tc.f, tc.h)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("ParseLang(%q, %s, %s) = %q, %v; want %q (error %v)", tc.in, tc.f, tc.h, got, err, tc.want, tc.wantErr)
		}
	}
}

// TestValuesInTheLanguageOfTheHeaders: a status code and a boolean come out
// as 已办结/是 under Chinese headers, Resolved/yes under English ones, and
// as stored for scripts, in CSV and in KML (its Data values and its
// description balloon).
func TestValuesInTheLanguageOfTheHeaders(t *testing.T) {
	l := testLayer(t, "incidents")
	cols := l.VisibleFields(layers.Staff)
	fs := []*layers.Feature{incident(1), incident(2)} // satisfied false, true
	tests := []struct {
		name    string
		format  Format
		headers Headers
		lang    Lang
		want    []string
		notWant []string
	}{
		{"csv zh", CSV, HeadersZH, LangZH, []string{",已办结,", ",是,", ",否,"}, []string{"resolved", "true", "false"}},
		{"csv en", CSV, HeadersEN, LangEN, []string{",Resolved,", ",yes,", ",no,"}, []string{"resolved", "true", "false", "已办结"}},
		{"csv raw", CSV, HeadersName, LangRaw, []string{",resolved,", ",true,", ",false,"}, []string{"已办结"}},
		{"kml zh", KML, HeadersZH, LangZH, []string{"<value>已办结</value>", "<value>是</value>", "状态：已办结"}, []string{">resolved<", ">true<", "：resolved"}},
		{"kml en", KML, HeadersZH, LangEN, []string{"<value>Resolved</value>", "<value>no</value>"}, []string{">resolved<", ">false<"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := Options{Layer: l, Columns: cols, Headers: tc.headers, Lang: tc.lang}
			out := string(encodeAll(t, tc.format, o, fs))
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("no %q in\n%.600s", w, out)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(out, w) {
					t.Errorf("%q in\n%.600s", w, out)
				}
			}
		})
	}
}

// TestKMLOnePlacemarkPerLine: each Placemark starts a line of its own, so
// a large export can be read, diffed and grepped line by line.
func TestKMLOnePlacemarkPerLine(t *testing.T) {
	l := testLayer(t, "incidents")
	o := Options{Layer: l, Columns: l.VisibleFields(layers.Staff), Lang: LangZH}
	out := string(encodeAll(t, KML, o, []*layers.Feature{incident(1), incident(2), incident(3)}))
	n := 0
	for _, line := range strings.Split(out, "\n") {
		if c := strings.Count(line, "<Placemark"); c > 0 {
			n++
			if c != 1 || !strings.HasPrefix(line, "<Placemark") || !strings.HasSuffix(line, "</Placemark>") {
				t.Errorf("a line with %d Placemarks, not one whole: %.200s", c, line)
			}
		}
	}
	if n != 3 {
		t.Errorf("%d Placemark lines, want 3", n)
	}
	readKML(t, []byte(out)) // still parses
}
