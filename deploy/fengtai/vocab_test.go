package fengtai_test

import (
	"regexp"
	"slices"
	"testing"

	"minqing/deploy/fengtai"
	"minqing/layers/lifecycle"
)

var hexColor = regexp.MustCompile(`^#[0-9a-f]{6}$`)

// Every value of every vocabulary of the catalog has a Chinese and an
// English name and a colour, in enum order: /layers serves them and the
// web map has no other copy.
func TestEveryValueIsShown(t *testing.T) {
	n := 0
	for _, l := range fengtai.Catalog().All() {
		for _, f := range l.Fields {
			if len(f.Enum) == 0 {
				if len(f.Vocab) != 0 || len(f.Synonyms) != 0 {
					t.Errorf("%s.%s has names or synonyms but no vocabulary", l.Name, f.Name)
				}
				continue
			}
			if len(f.Vocab) != len(f.Enum) {
				t.Errorf("%s.%s: %d shown values for %d enum entries", l.Name, f.Name, len(f.Vocab), len(f.Enum))
			}
			for i, v := range f.Values() {
				n++
				if v.Value != f.Enum[i] {
					t.Errorf("%s.%s: value %d is %q, want %q (enum order)", l.Name, f.Name, i, v.Value, f.Enum[i])
				}
				if v.ZH == "" || v.EN == "" || !hexColor.MatchString(v.Color) {
					t.Errorf("%s.%s %q: zh %q, en %q, colour %q", l.Name, f.Name, v.Value, v.ZH, v.EN, v.Color)
				}
			}
		}
	}
	if n < 50 {
		t.Errorf("only %d enum values in the catalog: the test covers less than it should", n)
	}
}

// The incidents' status vocabulary is the record of steps' statuses, and
// only those codes have display names other than themselves.
func TestStatusesAreLifecycles(t *testing.T) {
	want := []string{lifecycle.Received, lifecycle.Dispatched, lifecycle.InProgress, lifecycle.Resolved, lifecycle.Closed}
	if !slices.Equal(fengtai.IncidentStatuses, want) {
		t.Errorf("statuses %v, want %v", fengtai.IncidentStatuses, want)
	}
	inc, _ := fengtai.Catalog().Lookup("incidents")
	for _, f := range inc.Fields {
		for _, v := range f.Enum {
			_, named := f.ValueLabel(v, "zh")
			if named != (f.Name == "status") {
				t.Errorf("incidents.%s %q: named %v", f.Name, v, named)
			}
		}
	}
}

// Every synonym names a value of its field's vocabulary, and no synonym is
// itself a value (it would shadow it).
func TestSynonymsLandInVocabulary(t *testing.T) {
	n := 0
	for _, l := range fengtai.Catalog().All() {
		for _, f := range l.Fields {
			for from, to := range f.Synonyms {
				n++
				if !f.InEnum(to) {
					t.Errorf("%s.%s: synonym %q → %q, not in the vocabulary", l.Name, f.Name, from, to)
				}
				if slices.Contains(f.Enum, from) {
					t.Errorf("%s.%s: synonym %q is a value itself", l.Name, f.Name, from)
				}
			}
		}
	}
	if n < 90 {
		t.Errorf("only %d synonyms", n)
	}
}

// The exported vocabularies are those of the catalog's fields.
func TestListsAreTheCatalogs(t *testing.T) {
	cat := fengtai.Catalog()
	field := func(layer, name string) []string {
		l, _ := cat.Lookup(layer)
		f, _ := l.Field(name)
		return f.Enum
	}
	for _, tc := range []struct {
		list []string
		enum []string
	}{
		{fengtai.IncidentSources, field("incidents", "source")},
		{fengtai.IncidentStatuses, field("incidents", "status")},
		{fengtai.IncidentLevels, field("incidents", "level")},
		{fengtai.IncidentCategories, field("incidents", "category")},
		{fengtai.DemolitionKinds, field("demolitions", "kind")},
		{fengtai.DemolitionStatuses, field("demolitions", "status")},
		{fengtai.StreetKinds, field("streets", "kind")},
		{fengtai.GreeningKinds, field("greening", "kind")},
		{fengtai.ServiceKinds, field("service_points", "kind")},
		{fengtai.CareKinds, field("care_targets", "kind")},
	} {
		if len(tc.list) == 0 || !slices.Equal(tc.list, tc.enum) {
			t.Errorf("list %v, catalog %v", tc.list, tc.enum)
		}
	}
}
