package selection

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"minqing/deploy/fengtai"
	"minqing/layers"
)

// wantInvalid fails unless err is a *layers.InvalidError naming param with
// a message containing msg (or is nil when param is "").
func wantInvalid(t *testing.T, name string, err error, param, msg string) {
	t.Helper()
	if param == "" {
		if err != nil {
			t.Errorf("%s: %v, want no error", name, err)
		}
		return
	}
	var inv *layers.InvalidError
	if !errors.As(err, &inv) || inv.Param != param || !strings.Contains(inv.Message, msg) {
		t.Errorf("%s: %v, want an invalid %s containing %q", name, err, param, msg)
	}
}

func TestBBox(t *testing.T) {
	for _, tc := range []struct{ in, param, msg string }{
		{"", "", ""},
		{"116.27,39.845,116.3,39.87", "", ""},
		{"1,2,3", "bbox", "four numbers"},
		{"1,2,3,4,5,6", "bbox", "not 6"},
		{"a,2,3,4", "bbox", `"a" is not a number`},
		{"NaN,2,3,4", "bbox", "not a finite number"},
		{"-181,0,0,1", "bbox", "outside"},
		{"3,2,1,4", "bbox", "minimum is greater"},
	} {
		b, err := BBox(tc.in)
		wantInvalid(t, tc.in, err, tc.param, tc.msg)
		if tc.param == "" && (b == nil) != (tc.in == "") {
			t.Errorf("%q: bound %v", tc.in, b)
		}
	}
}

func TestDatetime(t *testing.T) {
	day := time.Date(2026, 3, 5, 0, 0, 0, 0, layers.Shanghai)
	for _, tc := range []struct {
		in         string
		start, end *time.Time
		param, msg string
	}{
		{in: "2026-03-05", start: &day, end: ptr(day.Add(24*time.Hour - time.Nanosecond))},
		{in: "2026-03-05/..", start: &day},
		{in: "../2026-03-05", end: ptr(day.Add(24*time.Hour - time.Nanosecond))},
		{in: "2026-03-05T00:00:00+08:00", start: &day, end: &day},
		{in: "..", param: "datetime", msg: "not an instant"},
		{in: "2026-02-30", param: "datetime", msg: "not RFC 3339"},
		{in: "2026-03-05/2026-03-01", param: "datetime", msg: "ends before it starts"},
	} {
		r, err := Datetime(tc.in)
		wantInvalid(t, tc.in, err, tc.param, tc.msg)
		if err != nil || tc.param != "" {
			continue
		}
		if !sameTime(r.Start, tc.start) || !sameTime(r.End, tc.end) {
			t.Errorf("%q: %v..%v, want %v..%v", tc.in, r.Start, r.End, tc.start, tc.end)
		}
	}
}

func ptr(t time.Time) *time.Time { return &t }

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

// TestFeatures reads whole query strings as items and exports do.
func TestFeatures(t *testing.T) {
	cat := fengtai.Catalog()
	inc, _ := cat.Lookup("incidents")
	com, _ := cat.Lookup("communities")
	for _, tc := range []struct {
		name       string
		l          *layers.Layer
		role       layers.Role
		query      string
		param, msg string
	}{
		{"all", inc, layers.Staff, "bbox=116.27,39.845,116.3,39.87&datetime=2026-01-01/..&category=停电,漏水&filter=satisfied%20=%20TRUE&overdue=response", "", ""},
		{"crs", inc, layers.Public, "bbox-crs=EPSG:4547", "bbox-crs", "not supported"},
		{"no time field", com, layers.Public, "datetime=2026-01-01", "datetime", "no time field"},
		{"hidden property", inc, layers.Public, "properties=description", "properties", "has no property description"},
		{"filter lang", inc, layers.Public, "filter-lang=cql2-json&filter=x", "filter-lang", "not supported"},
		{"empty filter", inc, layers.Public, "filter=", "filter", "filter is empty"},
		{"bad filter", inc, layers.Public, "filter=nope%20=%201", "filter", "filter:"},
		{"overdue public", inc, layers.Public, "overdue=response", "overdue", "staff token"},
		{"overdue kind", inc, layers.Staff, "overdue=soon", "overdue", "response or resolution"},
		{"overdue layer", com, layers.Staff, "overdue=response", "overdue", "no deadlines"},
		{"equality", inc, layers.Public, "satisfied=perhaps", "satisfied", ""},
	} {
		v, err := url.ParseQuery(tc.query)
		if err != nil {
			t.Fatal(err)
		}
		q, err := Features(v, tc.l, tc.role, nil, time.Now())
		wantInvalid(t, tc.name, err, tc.param, tc.msg)
		if tc.name == "all" && (q.BBox == nil || q.Time == nil || q.Filter == nil || len(q.Equal["category"]) != 2) {
			t.Errorf("all: query %+v is missing a part", q)
		}
	}
}

// TestCheckAndWhere: unknown names are refused by Check (query strings) and
// by Where (named properties), visible properties pass both.
func TestCheckAndWhere(t *testing.T) {
	inc, _ := fengtai.Catalog().Lookup("incidents")
	for _, tc := range []struct {
		name       string
		role       layers.Role
		params     map[string][]string
		param, msg string
	}{
		{"visible", layers.Public, map[string][]string{"category": {"停电"}}, "", ""},
		{"unknown", layers.Public, map[string][]string{"colour": {"red"}}, "colour", ""},
		{"staff-only for public", layers.Public, map[string][]string{"description": {"x"}}, "description", ""},
	} {
		wantInvalid(t, "Check "+tc.name, Check(tc.params, inc, tc.role), tc.param, "unknown query parameter")
		eq, err := Where(tc.params, inc, tc.role)
		wantInvalid(t, "Where "+tc.name, err, tc.param, "has no property")
		if tc.param == "" && len(eq["category"]) != 1 {
			t.Errorf("Where %s: %v", tc.name, eq)
		}
	}
}
