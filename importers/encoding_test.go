package importers

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

func TestDecodeInput(t *testing.T) {
	const text = "工单编号,经度\nA1,116.28\n"
	gbk, _ := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(text))
	utf16, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(text))
	// A GBK byte pair cut at the 64 KiB sniff boundary must not be mistaken
	// for UTF-8; a UTF-8 rune cut there must not be mistaken for GBK.
	longUTF8 := []byte(strings.Repeat("a", sniffBytes-1) + "经度")
	tests := []struct {
		name, enc, want string
		format          Format
		in              []byte
		wantText        string
	}{
		{"utf-8", "", "utf-8", CSV, []byte(text), text},
		{"utf-8 bom", "", "utf-8", CSV, append([]byte("\ufeff"), text...), text},
		{"utf-8 bom given", "utf-8", "utf-8", CSV, append([]byte("\ufeff"), text...), text},
		{"gbk detected", "auto", "gb18030", CSV, gbk, text},
		{"gbk given", "GBK", "gbk", CSV, gbk, text},
		{"utf-16 bom", "", "utf-16le", CSV, utf16, text},
		{"rune cut at the sniff boundary", "", "utf-8", CSV, longUTF8, string(longUTF8)},
		{"kml declaring gbk", "", "gbk", KML, append([]byte(`<?xml version="1.0" encoding="GBK"?>`), gbk...), `<?xml version="1.0" encoding="GBK"?>` + text},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := decodeInput(bytes.NewReader(tc.in), tc.enc, tc.format)
			if err != nil {
				t.Fatal(err)
			}
			if d.name != tc.want {
				t.Errorf("encoding %q, want %q", d.name, tc.want)
			}
			got, err := io.ReadAll(d.r)
			if err != nil {
				t.Fatal(err)
			}
			if d.xmlDeclared { // left for the XML decoder: still raw
				got, _ = simplifiedchinese.GBK.NewDecoder().Bytes(got)
			}
			if string(got) != tc.wantText {
				t.Errorf("text %.80q, want %.80q", got, tc.wantText)
			}
		})
	}
	if _, err := decodeInput(strings.NewReader(text), "klingon", CSV); err == nil || !strings.Contains(err.Error(), "unknown encoding") {
		t.Errorf("unknown encoding: %v", err)
	}
}

func TestParseMapping(t *testing.T) {
	tests := []struct {
		name, in string
		cols     map[string]string
		values   map[string]map[string]string
		err      string
	}{
		{"lines", "# 映射\n事发地点=address\n\nX坐标 = lon\n", map[string]string{"事发地点": "address", "X坐标": "lon"}, nil, ""},
		{"flat json", `{"事发地点":"address"}`, map[string]string{"事发地点": "address"}, nil, ""},
		{"structured json", `{"columns":{"a":"lon"},"values":{"category":{"下水道堵了":"污水井冒污水"}}}`, map[string]string{"a": "lon"}, map[string]map[string]string{"category": {"下水道堵了": "污水井冒污水"}}, ""},
		{"bad line", "事发地点\n", nil, nil, "line 1"},
		{"bad json", `{"a":`, nil, nil, "not valid JSON"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := ParseMapping(strings.NewReader(tc.in))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(m.Columns) != len(tc.cols) {
				t.Errorf("columns %v, want %v", m.Columns, tc.cols)
			}
			for k, v := range tc.cols {
				if m.Columns[k] != v {
					t.Errorf("columns[%s] = %q, want %q", k, m.Columns[k], v)
				}
			}
			for f, syn := range tc.values {
				for k, v := range syn {
					if m.Values[f][k] != v {
						t.Errorf("values[%s][%s] = %q, want %q", f, k, m.Values[f][k], v)
					}
				}
			}
		})
	}
}
