package layers

import "testing"

// Values follow Enum; a value without an entry in Vocab is named as stored,
// with no colour.
func TestFieldValues(t *testing.T) {
	f := Field{Name: "status", Type: String, Enum: []string{"closed", "火星来客"},
		Vocab: []Value{{Value: "closed", ZH: "已关闭", EN: "Closed", Color: "#8c8c8c"}}}
	got := f.Values()
	if len(got) != 2 || got[0] != f.Vocab[0] {
		t.Fatalf("values %+v", got)
	}
	if got[1] != (Value{Value: "火星来客", ZH: "火星来客", EN: "火星来客"}) {
		t.Errorf("an unknown value is named as stored with no colour: %+v", got[1])
	}
	if (Field{Name: "x", Vocab: f.Vocab}).Values() != nil {
		t.Error("no enum, no values")
	}
}

func TestFieldValueLabel(t *testing.T) {
	f := Field{Name: "status", Type: String, Enum: []string{"closed", "完成"}, Vocab: []Value{
		{Value: "closed", ZH: "已关闭", EN: "Closed"}, {Value: "完成", ZH: "完成", EN: "Done"},
	}}
	for _, tc := range []struct {
		value, lang, want string
		ok                bool
	}{
		{"closed", "zh", "已关闭", true},
		{"closed", "en", "Closed", true},
		{"完成", "en", "", false}, // already the word people read: written as stored
		{"nope", "zh", "", false},
	} {
		got, ok := f.ValueLabel(tc.value, tc.lang)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ValueLabel(%q, %q) = %q, %v; want %q, %v", tc.value, tc.lang, got, ok, tc.want, tc.ok)
		}
	}
}
