package fengtai_test

import (
	"errors"
	"strings"
	"testing"

	"minqing/deploy/fengtai"
	"minqing/layers"
)

func TestCatalogAccess(t *testing.T) {
	cat := fengtai.Catalog()
	tests := []struct {
		role    layers.Role
		layer   string
		visible bool
	}{
		{layers.Public, "communities", true},
		{layers.Public, "incidents", true},
		{layers.Public, "care_targets", false},
		{layers.Staff, "care_targets", true},
		{layers.Admin, "care_targets", true},
		{layers.Public, "incident_contacts", false},
		{layers.Admin, "incident_contacts", false},
		{layers.Public, "nope", false},
	}
	for _, tc := range tests {
		_, err := cat.Get(tc.layer, tc.role)
		if (err == nil) != tc.visible {
			t.Errorf("Get(%s, %s) err = %v, want visible=%v", tc.layer, tc.role, err, tc.visible)
		}
		if err != nil && !errors.Is(err, layers.ErrNotFound) {
			t.Errorf("Get(%s, %s) err = %v, want layers.ErrNotFound (never a 403)", tc.layer, tc.role, err)
		}
	}
	if n := len(cat.Visible(layers.Public)); n != 7 {
		t.Errorf("public sees %d layers, want 7", n)
	}
	if n := len(cat.Visible(layers.Staff)); n != 8 {
		t.Errorf("staff see %d layers, want 8", n)
	}
	inc, _ := cat.Lookup("incidents")
	for _, f := range inc.VisibleFields(layers.Public) {
		switch f.Name {
		case "description", "address", "unit", "external_id", "h3":
			t.Errorf("public may see incidents.%s", f.Name)
		}
	}
	// A filter may name only what the caller may see.
	pub, stf := inc.CQLSchema(layers.Public), inc.CQLSchema(layers.Staff)
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
		if l.Access == layers.Staff && len(l.VisibleFields(layers.Public)) != 0 {
			t.Errorf("staff layer %s has public fields", l.Name)
		}
	}
}
