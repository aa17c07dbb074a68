package export

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"

	"minqing/layers"
)

func encodeAll(t *testing.T, f Format, o Options, fs []*layers.Feature) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc, err := NewEncoder(f, &buf, o)
	if err != nil {
		t.Fatal(err)
	}
	if err := enc.Begin(); err != nil {
		t.Fatal(err)
	}
	for _, x := range fs {
		if err := enc.Write(x); err != nil {
			t.Fatal(err)
		}
	}
	if err := enc.End(); err != nil {
		t.Fatal(err)
	}
	if enc.Count() != int64(len(fs)) {
		t.Errorf("Count = %d, want %d", enc.Count(), len(fs))
	}
	return buf.Bytes()
}

// readCSV checks the BOM and parses the rest.
func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")) {
		t.Fatalf("CSV does not start with a UTF-8 BOM: %q", b[:min(len(b), 10)])
	}
	rows, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
	if err != nil {
		t.Fatalf("CSV does not parse: %v\n%s", err, b)
	}
	return rows
}

func TestCSVPoints(t *testing.T) {
	l := testLayer(t, "incidents")
	tests := []struct {
		headers Headers
		role    layers.Role
		header  []string
	}{
		{"", layers.Public, []string{"id", "来源", "问题分类", "子类", "社区", "片区", "状态", "受理时间", "派单时间", "响应时间", "办结时间", "关闭时间", "是否满意", "回访已解决", "响应层级", "经度", "纬度"}},
		{HeadersEN, layers.Public, []string{"id", "Source", "Category", "Subcategory", "Community", "Patch", "Status", "Received", "Dispatched", "Responded", "Resolved", "Closed", "Satisfied", "Resolved at visit", "Level", "lon", "lat"}},
		{HeadersName, layers.Staff, []string{"id", "external_id", "source", "category", "subcategory", "description", "address", "community", "patch", "status", "received_at", "dispatched_at", "responded_at", "resolved_at", "closed_at", "satisfied", "visit_resolved", "unit", "level", "response_due", "resolution_due", "h3", "lon", "lat"}},
	}
	for _, tc := range tests {
		o := Options{Layer: l, Columns: l.VisibleFields(tc.role), Headers: tc.headers}
		rows := readCSV(t, encodeAll(t, CSV, o, []*layers.Feature{incident(1), incident(2)}))
		if len(rows) != 3 {
			t.Fatalf("%s: %d rows, want a header and 2", tc.headers, len(rows))
		}
		if strings.Join(rows[0], "|") != strings.Join(tc.header, "|") {
			t.Errorf("%s header:\n got %v\nwant %v", tc.headers, rows[0], tc.header)
		}
		col := map[string]string{}
		for i, h := range rows[0] {
			col[h] = rows[1][i]
		}
		get := func(zh, en, name string) string {
			switch tc.headers {
			case HeadersEN:
				return col[en]
			case HeadersName:
				return col[name]
			}
			return col[zh]
		}
		if got := get("受理时间", "Received", "received_at"); got != "2026-03-05 15:03:07" {
			t.Errorf("%s: received = %q, want Beijing time 2026-03-05 15:03:07", tc.headers, got)
		}
		if got := get("经度", "lon", "lon"); got != "116.2812346" {
			t.Errorf("%s: lon = %q, want 7 decimals", tc.headers, got)
		}
		if got := get("纬度", "lat", "lat"); got != "39.8523457" {
			t.Errorf("%s: lat = %q", tc.headers, got)
		}
		if got := get("关闭时间", "Closed", "closed_at"); got != "" {
			t.Errorf("%s: nil time = %q, want empty", tc.headers, got)
		}
		if got := get("是否满意", "Satisfied", "satisfied"); got != "false" {
			t.Errorf("%s: satisfied = %q", tc.headers, got)
		}
		if tc.role == layers.Staff {
			if got := col["description"]; !strings.HasPrefix(got, `'=HYPERLINK("http://evil") 楼道"漏水", 三单元`) {
				t.Errorf("description = %q, want the formula defused with a leading apostrophe and quotes kept", got)
			}
		} else if _, ok := col["诉求内容"]; ok {
			t.Errorf("public CSV has the staff-only description column")
		}
	}
}

func TestCSVPolygonsAsWKT(t *testing.T) {
	l := testLayer(t, "communities")
	o := Options{Layer: l, Columns: l.VisibleFields(layers.Public), Headers: HeadersName}
	rows := readCSV(t, encodeAll(t, CSV, o, []*layers.Feature{community(7)}))
	last := len(rows[0]) - 1
	if rows[0][last] != "wkt" {
		t.Fatalf("last column = %q, want wkt", rows[0][last])
	}
	g, err := wkt.Unmarshal(rows[1][last])
	if err != nil {
		t.Fatalf("wkt %q: %v", rows[1][last], err)
	}
	if !orb.Equal(g, community(7).Geometry) {
		t.Errorf("wkt = %v, want %v", g, community(7).Geometry)
	}
	if rows[1][0] != "7" || rows[1][1] != "C07" {
		t.Errorf("row = %v", rows[1])
	}
}

func TestDefuse(t *testing.T) {
	tests := map[string]string{
		"=1+1": "'=1+1", "+86 138": "'+86 138", "-": "'-", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx",
		"水管爆裂": "水管爆裂", "": "", "a=b": "a=b",
	}
	for in, want := range tests {
		if got := defuse(in); got != want {
			t.Errorf("defuse(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAppendWKT(t *testing.T) {
	tests := []struct {
		g    orb.Geometry
		want string
	}{
		{orb.Point{116.123456789, 39.1}, "POINT(116.1234568 39.1)"},
		{orb.LineString{{1, 2}, {3, 4}}, "LINESTRING(1 2,3 4)"},
		{orb.MultiPoint{{1, 2}, {3, 4}}, "MULTIPOINT((1 2),(3 4))"},
		{orb.MultiLineString{{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}}, "MULTILINESTRING((1 2,3 4),(5 6,7 8))"},
		{orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}, "POLYGON((0 0,1 0,1 1,0 0))"},
		{orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}}, "MULTIPOLYGON(((0 0,1 0,1 1,0 0)))"},
		{orb.Collection{orb.Point{1, 2}, orb.LineString{{1, 2}, {3, 4}}}, "GEOMETRYCOLLECTION(POINT(1 2),LINESTRING(1 2,3 4))"},
		{orb.MultiPolygon{}, "MULTIPOLYGON EMPTY"},
		{nil, ""},
	}
	for _, tc := range tests {
		got := string(AppendWKT(nil, tc.g, 7))
		if got != tc.want {
			t.Errorf("AppendWKT(%v) = %q, want %q", tc.g, got, tc.want)
		}
		if tc.g == nil {
			continue
		}
		back, err := wkt.Unmarshal(got)
		if err != nil {
			t.Errorf("%q does not parse: %v", got, err)
		} else if back.GeoJSONType() != tc.g.GeoJSONType() {
			t.Errorf("%q parses as %s", got, back.GeoJSONType())
		}
	}
}
