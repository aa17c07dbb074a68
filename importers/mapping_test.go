package importers

import (
	"strings"
	"testing"
	"time"

	"minqing/deploy/fengtai"
	"minqing/layers"
)

func TestResolve(t *testing.T) {
	inc, _ := fengtai.Catalog().Lookup("incidents")
	sp, _ := fengtai.Catalog().Lookup("service_points")
	res, err := newResolver(inc, Mapping{Columns: map[string]string{"事发地点": "address", "内容": "ignore", "X坐标": "经度"}})
	if err == nil {
		t.Fatal("a mapping to the Chinese word 经度 should not resolve: targets are field names, titles or pseudo names")
	}
	res, err = newResolver(inc, Mapping{Columns: map[string]string{"事发地点": "address", "内容": "ignore", "X坐标": "lon", "类别": "子类"}})
	if err != nil {
		t.Fatal(err)
	}
	spRes, _ := newResolver(sp, Mapping{})
	tests := []struct {
		r    *resolver
		key  string
		want string
		kind targetKind
	}{
		{res, "工单编号", "external_id", tField},
		{res, " 受理时间 ", "received_at", tField},
		{res, "问题分类", "category", tField},
		{res, "二级分类", "subcategory", tField},
		{res, "类别", "subcategory", tField}, // the user's mapping wins over the built-in
		{res, "事发地点", "address", tField},
		{res, "内容", "", tIgnore},
		{res, "X坐标", "lon", tLon},
		{res, "经度(GCJ02)", "lon", tLon},
		{res, "纬度", "lat", tLat},
		{res, "WKT", "wkt", tWKT},
		{res, "来电人", "contact_name", tContactName},
		{res, "手机", "contact_phone", tContactPhone},
		{res, "是否解决", "resolved", tResolved},
		{res, "办结时间", "resolved_at", tField},
		{res, "received_at", "received_at", tField},
		{res, "Work order", "external_id", tField},
		{res, "h3", "", tIgnore},
		{res, "id", "", tIgnore},
		{res, "奇怪的列", "", tUnknown},
		{spRes, "编号", "", tUnknown},      // service_points has neither code nor external_id
		{spRes, "名称", "name", tField},    // TitleZH
		{spRes, "开放时间", "hours", tField}, // TitleZH
	}
	for _, tc := range tests {
		got := tc.r.resolve(tc.key)
		if got.kind != tc.kind || got.name() != tc.want {
			t.Errorf("%s: %v %q, want %v %q", tc.key, got.kind, got.name(), tc.kind, tc.want)
		}
	}
	if _, err := newResolver(inc, Mapping{Columns: map[string]string{"a": "nonsense"}}); err == nil || !strings.Contains(err.Error(), "not a field of incidents") {
		t.Errorf("unknown target: %v", err)
	}
}

func TestParseValue(t *testing.T) {
	inc, _ := fengtai.Catalog().Lookup("incidents")
	care, _ := fengtai.Catalog().Lookup("care_targets")
	f := func(name string) layers.Field {
		if fd, ok := inc.Field(name); ok {
			return fd
		}
		fd, _ := care.Field(name)
		return fd
	}
	tests := []struct {
		field string
		in    any
		want  any
		err   string
	}{
		{"category", "水管漏水", "漏水", ""},
		{"category", "停水", "水电气暖", ""},
		{"category", "城市管理-占道经营", "占道经营", ""},
		{"category", "市政设施>雨箅子破损", "雨箅子破损", ""},
		{"category", "下水道堵了", "污水井冒污水", ""}, // user synonym
		{"category", "外星人", nil, "vocabulary"},
		{"source", "12345热线", "12345", ""},
		{"status", "已办结", "resolved", ""},
		{"status", "In_Progress", "in_progress", ""},
		{"satisfied", "满意", true, ""},
		{"satisfied", "不满意", false, ""},
		{"satisfied", "未评价", nil, ""},
		{"satisfied", true, true, ""},
		{"satisfied", "也许", nil, "yes or no"},
		{"received_at", "2026/3/5 14:03", "2026-03-05T14:03:00+08:00", ""},
		{"received_at", "2026-3-5 9:03", "2026-03-05T09:03:00+08:00", ""},
		{"received_at", "2026年3月5日", "2026-03-05T00:00:00+08:00", ""},
		{"received_at", "2026-03-05T06:03:00Z", "2026-03-05T14:03:00+08:00", ""},
		{"received_at", "昨天", nil, "not a date"},
		{"received_at", "-", nil, ""},
		{"visits", "12", int64(12), ""},
		{"visits", "1,234", int64(1234), ""},
		{"visits", "12.5", nil, "whole number"},
		{"h3", "8f31aa4141436c4", int64(644888463657940676), ""},
		{"h3", "8F31AA4141436C4", int64(644888463657940676), ""},
		{"h3", "644888463657940676", int64(644888463657940676), ""}, // as files of the previous release wrote it
		{"h3", "12", nil, "H3 cell"},
		{"h3", "8f31aa4141436c7", nil, "H3 cell"},
		{"description", "  多余空格  ", "多余空格", ""},
		{"description", "\xff\xfe", nil, "UTF-8"},
	}
	user := map[string]string{"下水道堵了": "污水井冒污水"}
	for _, tc := range tests {
		got, err := parseValue(f(tc.field), tc.in, user)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s %v: err %v, want %q", tc.field, tc.in, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s %v: %v", tc.field, tc.in, err)
			continue
		}
		if s, ok := tc.want.(string); ok && tc.field == "received_at" {
			tm, _ := got.(time.Time)
			if want := mustTime(t, s); !tm.Equal(want) {
				t.Errorf("%s %v = %v, want %s", tc.field, tc.in, got, s)
			}
			continue
		}
		if got != tc.want {
			t.Errorf("%s %v = %#v, want %#v", tc.field, tc.in, got, tc.want)
		}
	}
}

func TestDeriveStatus(t *testing.T) {
	yes, no := true, false
	tm := mustTime(t, "2026-03-06 10:00")
	tests := []struct {
		name     string
		props    map[string]any
		resolved *bool
		want     string
		closedAt bool
	}{
		{"resolved and rated", map[string]any{"satisfied": true, "resolved_at": tm}, &yes, "closed", true},
		{"resolved, not rated", map[string]any{"resolved_at": tm}, &yes, "resolved", false},
		{"unresolved but finished", map[string]any{"resolved_at": tm}, &no, "closed", true},
		{"unresolved", map[string]any{}, &no, "in_progress", false},
		{"finished", map[string]any{"resolved_at": tm}, nil, "resolved", false},
		{"responded", map[string]any{"responded_at": tm}, nil, "in_progress", false},
		{"dispatched", map[string]any{"dispatched_at": tm}, nil, "dispatched", false},
		{"nothing", map[string]any{}, nil, "received", false},
		{"given status kept", map[string]any{"status": "dispatched"}, &yes, "dispatched", false},
	}
	for _, tc := range tests {
		deriveStatus(tc.props, tc.resolved)
		if tc.props["status"] != tc.want {
			t.Errorf("%s: status %v, want %s", tc.name, tc.props["status"], tc.want)
		}
		if _, has := tc.props["closed_at"]; has != tc.closedAt {
			t.Errorf("%s: closed_at set %v, want %v", tc.name, has, tc.closedAt)
		}
	}
}
