package layers

import (
	"regexp"
	"testing"
)

var hexColor = regexp.MustCompile(`^#[0-9a-f]{6}$`)

// Every value of every vocabulary of the 丰台 catalog has a Chinese and an
// English name and a colour: /layers serves them and the web map has no
// other copy.
func TestValuesCoverFengtai(t *testing.T) {
	n := 0
	for _, l := range Fengtai().All() {
		for _, f := range l.Fields {
			vals := Values(f.Name, f.Enum)
			if len(vals) != len(f.Enum) {
				t.Fatalf("%s.%s: %d values for %d enum entries", l.Name, f.Name, len(vals), len(f.Enum))
			}
			for i, v := range vals {
				n++
				if v.Value != f.Enum[i] {
					t.Errorf("%s.%s: value %d is %q, want %q (enum order)", l.Name, f.Name, i, v.Value, f.Enum[i])
				}
				if _, ok := valueNames[f.Name][v.Value]; !ok {
					t.Errorf("%s.%s %q has no entry in valueNames", l.Name, f.Name, v.Value)
				}
				if v.ZH == "" || v.EN == "" || !hexColor.MatchString(v.Color) {
					t.Errorf("%s.%s %q: zh %q, en %q, colour %q", l.Name, f.Name, v.Value, v.ZH, v.EN, v.Color)
				}
			}
		}
	}
	if n < 40 {
		t.Errorf("only %d enum values in the catalog: the test covers less than it should", n)
	}
}

func TestValuesUnknown(t *testing.T) {
	got := Values("category", []string{"停电", "火星来客"})
	if got[0].EN != "Power cut" || got[0].Color == "" {
		t.Errorf("known value: %+v", got[0])
	}
	if got[1] != (Value{Value: "火星来客", ZH: "火星来客", EN: "火星来客"}) {
		t.Errorf("an unknown value is named as stored with no colour: %+v", got[1])
	}
	if Values("status", nil) != nil {
		t.Error("no enum, no values")
	}
}

func TestValueLabel(t *testing.T) {
	for _, tc := range []struct {
		field, value, lang, want string
		ok                       bool
	}{
		{"status", "closed", "zh", "已关闭", true},
		{"status", "closed", "en", "Closed", true},
		{"status", "in_progress", "en", "In progress", true},
		{"status", "in_progress", "", "办理中", true},
		{"status", "完成", "en", "", false}, // a word, written as stored
		{"status", "nonsense", "zh", "", false},
		{"category", "停电", "en", "", false}, // exports keep stored words
		{"kind", "街", "en", "", false},
	} {
		got, ok := ValueLabel(tc.field, tc.value, tc.lang)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ValueLabel(%q, %q, %q) = %q, %v; want %q, %v", tc.field, tc.value, tc.lang, got, ok, tc.want, tc.ok)
		}
	}
}
