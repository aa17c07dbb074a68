package intake

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"minqing/deploy/fengtai"
	"minqing/layers"
)

func TestDefaultsValid(t *testing.T) {
	r := Defaults()
	if err := r.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, c := range fengtai.IncidentCategories {
		if _, ok := r.Categories[c]; !ok {
			t.Errorf("category %s has no default route", c)
		}
	}
}

func TestRouteAndDue(t *testing.T) {
	r := Defaults()
	rec := time.Date(2026, 7, 1, 23, 30, 0, 0, layers.Shanghai)
	tests := []struct {
		category, community string
		urgent              bool
		unit, level         string
		response            time.Duration
		resolution          time.Duration
	}{
		{"疑似煤气异味", "北大地西区", false, "应急指挥中心", "街道", time.Hour, 24 * time.Hour},
		{"停电", "正阳北里", false, "城市管理办公室", "科室", 2 * time.Hour, 72 * time.Hour},
		{"邻里装修扰民", "丰益花园", false, "丰益花园社区居委会", "社区", 24 * time.Hour, 15 * 24 * time.Hour},
		{"邻里装修扰民", "丰益花园", true, "丰益花园社区居委会", "社区", time.Hour, 24 * time.Hour},
	}
	for _, tc := range tests {
		unit, level := r.RouteFor(tc.category, tc.community)
		if unit != tc.unit || level != tc.level {
			t.Errorf("%s: routed to %s/%s, want %s/%s", tc.category, unit, level, tc.unit, tc.level)
		}
		due := r.DueFor(tc.category, tc.urgent, rec)
		if !due.Response.Equal(rec.Add(tc.response)) || !due.Resolution.Equal(rec.Add(tc.resolution)) {
			t.Errorf("%s urgent=%v: due %v / %v", tc.category, tc.urgent, due.Response, due.Resolution)
		}
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	write := func(s string) string {
		p := filepath.Join(dir, "routing.json")
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	r, err := Load(write(`{"deadlines": {"general": {"response": "12h", "resolution": "7d"}},
		"categories": {"停车管理": {"unit": "第三片区", "level": "片区", "urgency": "general"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := time.Duration(r.Deadlines["general"].Resolution); got != 7*24*time.Hour {
		t.Errorf("general resolution %s, want 7d", got)
	}
	if got := time.Duration(r.Deadlines[Urgent].Response); got != time.Hour {
		t.Errorf("urgent kept its default: got %s", got)
	}
	if u, l := r.RouteFor("停电", "x"); u != "x社区居委会" || l != "社区" {
		t.Errorf("an unlisted category takes the default route, got %s/%s", u, l)
	}
	bad := []struct{ body, want string }{
		{`{"categories": {"停车管理": {"unit": "x", "level": "区级", "urgency": "general"}}}`, "level"},
		{`{"categories": {"飞碟": {"unit": "x", "level": "科室", "urgency": "general"}}}`, "not an incident category"},
		{`{"deadlines": {"general": {"response": "2d", "resolution": "1h"}}}`, "earlier than response"},
		{`{"deadlines": {"general": {"response": "-1h", "resolution": "1h"}}}`, "positive"},
		{`{"categories": {"停车管理": {"unit": "x", "level": "科室", "urgency": "someday"}}}`, "has no deadlines"},
		{`{"routes": {}}`, "unknown field"},
	}
	for _, tc := range bad {
		_, err := Load(write(tc.body))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to say %q", tc.body, err, tc.want)
		}
	}
}
