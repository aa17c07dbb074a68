package layers

import (
	"errors"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func TestCatalogAccess(t *testing.T) {
	cat := Fengtai()
	tests := []struct {
		role    Role
		layer   string
		visible bool
	}{
		{Public, "communities", true},
		{Public, "incidents", true},
		{Public, "care_targets", false},
		{Staff, "care_targets", true},
		{Admin, "care_targets", true},
		{Public, "incident_contacts", false},
		{Admin, "incident_contacts", false},
		{Public, "nope", false},
	}
	for _, tc := range tests {
		_, err := cat.Get(tc.layer, tc.role)
		if (err == nil) != tc.visible {
			t.Errorf("Get(%s, %s) err = %v, want visible=%v", tc.layer, tc.role, err, tc.visible)
		}
		if err != nil && !errors.Is(err, ErrNotFound) {
			t.Errorf("Get(%s, %s) err = %v, want ErrNotFound (never a 403)", tc.layer, tc.role, err)
		}
	}
	if n := len(cat.Visible(Public)); n != 7 {
		t.Errorf("public sees %d layers, want 7", n)
	}
	if n := len(cat.Visible(Staff)); n != 8 {
		t.Errorf("staff see %d layers, want 8", n)
	}
	inc, _ := cat.Lookup("incidents")
	for _, f := range inc.VisibleFields(Public) {
		switch f.Name {
		case "description", "address", "unit", "external_id", "h3":
			t.Errorf("public may see incidents.%s", f.Name)
		}
	}
	// A filter may name only what the caller may see.
	pub, stf := inc.CQLSchema(Public), inc.CQLSchema(Staff)
	if _, ok := pub.Lookup("description"); ok {
		t.Error("the public CQL2 schema has incidents.description")
	}
	if _, ok := stf.Lookup("description"); !ok {
		t.Error("the staff CQL2 schema lacks incidents.description")
	}
	if _, ok := pub.Lookup("geometry"); !ok {
		t.Error("the CQL2 schema lacks geometry")
	}
	// No layer has a field that could hold a caller's name or phone.
	for _, l := range cat.All() {
		for _, f := range l.Fields {
			if strings.Contains(f.Name, "phone") || strings.Contains(f.Name, "caller") || strings.Contains(f.Name, "contact") {
				t.Errorf("layer %s has a personal-data field %s", l.Name, f.Name)
			}
		}
	}
	// Every staff-only layer has only staff fields, so nothing leaks through a field list.
	for _, l := range cat.All() {
		if l.Access == Staff && len(l.VisibleFields(Public)) != 0 {
			t.Errorf("staff layer %s has public fields", l.Name)
		}
	}
}

func TestCheckAndPrepare(t *testing.T) {
	cat := Fengtai()
	inc, _ := cat.Lookup("incidents")
	good := func() *Feature {
		return &Feature{Geometry: orb.Point{116.28, 39.85}, Props: map[string]any{
			"source": "12345", "category": "停电", "status": "received", "received_at": mustTime(t, "2026-03-05 14:03"),
		}}
	}
	tests := []struct {
		name   string
		mutate func(f *Feature)
		want   []string // substrings of the error; none means valid
	}{
		{"valid", func(f *Feature) {}, nil},
		{"line in a point layer", func(f *Feature) { f.Geometry = orb.LineString{{1, 2}, {3, 4}} }, []string{"LineString"}},
		{"missing required", func(f *Feature) { delete(f.Props, "category"); delete(f.Props, "status") }, []string{"category is required", "status is required"}},
		{"wrong type", func(f *Feature) { f.Props["satisfied"] = "yes" }, []string{"satisfied must be of type bool"}},
		{"outside vocabulary", func(f *Feature) { f.Props["source"] = "飞鸽传书" }, []string{"source"}},
		{"unknown field", func(f *Feature) { f.Props["phone"] = "138" }, []string{"phone is not a field"}},
		{"NUL in text", func(f *Feature) { f.Props["description"] = "x\x00y" }, []string{"NUL"}},
		{"invalid UTF-8", func(f *Feature) { f.Props["address"] = "\xb1\xb1\xbe\xa9" }, []string{"UTF-8"}},
	}
	for _, tc := range tests {
		f := good()
		tc.mutate(f)
		err := Prepare(inc, f)
		if len(tc.want) == 0 {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			if c, ok := f.Props["h3"].(int64); !ok || c == 0 {
				t.Errorf("%s: h3 not computed: %v", tc.name, f.Props["h3"])
			}
			continue
		}
		for _, w := range tc.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%s: err = %v, want it to say %q", tc.name, err, w)
			}
		}
	}
	// A Polygon is promoted for a MultiPolygon layer.
	com, _ := cat.Lookup("communities")
	f := &Feature{Geometry: orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}, Props: map[string]any{"code": "C1", "name": "x"}}
	if err := Prepare(com, f); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.Geometry.(orb.MultiPolygon); !ok {
		t.Errorf("polygon not promoted: %T", f.Geometry)
	}
}

func mustTime(t *testing.T, s string) any {
	v, err := ParseTime(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
