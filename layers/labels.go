package layers

// Value is how one value of a vocabulary field is shown: its names in
// Chinese and English and the colour the web map draws it in. A deployment
// gives them with the field's vocabulary (Field.Vocab); /layers serves them
// with each field's enum, so the web map, its legend and the exports all
// read the one table the deployment holds.
type Value struct {
	Value string `json:"value"`
	ZH    string `json:"zh"`
	EN    string `json:"en"`
	Color string `json:"color"`
}

// Values returns how each value of f's vocabulary is shown, in Enum order
// (nil when f has no vocabulary). A value without an entry in f.Vocab is
// named as stored, with no colour.
func (f Field) Values() []Value {
	if len(f.Enum) == 0 {
		return nil
	}
	out := make([]Value, 0, len(f.Enum))
	for _, v := range f.Enum {
		if e, ok := f.vocabEntry(v); ok {
			out = append(out, e)
			continue
		}
		out = append(out, Value{Value: v, ZH: v, EN: v})
	}
	return out
}

func (f Field) vocabEntry(v string) (Value, bool) {
	for _, e := range f.Vocab {
		if e.Value == v {
			return e, true
		}
	}
	return Value{}, false
}

// ValueLabel returns the display name in lang ("zh" or "en") of a stored
// machine value of f's vocabulary (incident status: closed → 已关闭), as the
// web map shows it, and whether it has one. Values that are already the
// Chinese words people read (categories, kinds, sources) have none and are
// written as stored.
func (f Field) ValueLabel(value, lang string) (string, bool) {
	e, ok := f.vocabEntry(value)
	if !ok || e.ZH == value {
		return "", false
	}
	if lang == "en" {
		return e.EN, true
	}
	return e.ZH, true
}

// BoolLabel is a yes/no value in lang: 是/否, or yes/no.
func BoolLabel(v bool, lang string) string {
	switch {
	case lang == "en" && v:
		return "yes"
	case lang == "en":
		return "no"
	case v:
		return "是"
	}
	return "否"
}
