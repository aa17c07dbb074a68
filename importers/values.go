package importers

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"minqing/layers"
)

// textOf turns a decoded value into text: strings as they are, numbers as
// written, booleans as true/false, nested JSON re-encoded.
func textOf(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// errEncoding explains text that is not UTF-8 after decoding.
const errEncoding = "is not valid UTF-8 text: if the file comes from Excel on Chinese Windows, give --encoding gbk"

// parseKeyVal is parseValue of kv's value.
func parseKeyVal(fd layers.Field, kv keyVal, syn map[string]string) (any, error) {
	if kv.val == nil {
		return parseText(fd, kv.s, syn)
	}
	return parseValue(fd, kv.val, syn)
}

// parseValue converts a source value into the Go type of field fd, mapping
// vocabulary synonyms (user ones in syn). nil means "no value".
func parseValue(fd layers.Field, v any, syn map[string]string) (any, error) {
	if v == nil {
		return nil, nil
	}
	if b, ok := v.(bool); ok {
		switch fd.Type {
		case layers.Bool:
			return b, nil
		case layers.String:
			v = strconv.FormatBool(b)
		default:
			return nil, fmt.Errorf("must be a %s, not true/false", typeWord(fd.Type))
		}
	}
	return parseText(fd, textOf(v), syn)
}

// parseText is parseValue of a text value.
func parseText(fd layers.Field, s string, syn map[string]string) (any, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	if !utf8.ValidString(s) {
		return nil, fmt.Errorf("%s", errEncoding)
	}
	if fd.Type != layers.String && nullWords[s] {
		return nil, nil
	}
	switch fd.Type {
	case layers.String:
		if len(fd.Enum) > 0 {
			c, ok := canonicalValue(fd, syn, s)
			if !ok {
				return nil, fmt.Errorf("is not in the layer's vocabulary (%s); add a synonym in a --mapping file if it means one of them", strings.Join(fd.Enum, ", "))
			}
			return c, nil
		}
		return s, nil
	case layers.Cell:
		c, err := layers.ParseCell(s)
		if err != nil {
			return nil, fmt.Errorf("is not an H3 cell (write it as H3 does, e.g. 8f31aa4141436c4)")
		}
		return c, nil
	case layers.Int:
		t := strings.ReplaceAll(s, ",", "")
		if n, err := strconv.ParseInt(t, 10, 64); err == nil {
			return n, nil
		}
		if f, err := strconv.ParseFloat(t, 64); err == nil && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
			return int64(f), nil
		}
		return nil, fmt.Errorf("must be a whole number")
	case layers.Float:
		f, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, fmt.Errorf("must be a number")
		}
		return f, nil
	case layers.Bool:
		if b, ok := parseBool(s); ok {
			return b, nil
		}
		return nil, fmt.Errorf("must be yes or no (是/否, true/false, 1/0, 满意/不满意)")
	case layers.Time, layers.Date:
		t, err := parseTime(s)
		if err != nil {
			return nil, fmt.Errorf("is not a date or time (use 2026-03-05 14:03, 2026/3/5 14:03 or 2026年3月5日)")
		}
		if fd.Type == layers.Date {
			y, m, d := t.In(layers.Shanghai).Date()
			t = time.Date(y, m, d, 0, 0, 0, 0, layers.Shanghai)
		}
		return t, nil
	}
	return nil, fmt.Errorf("has an unknown type %q", fd.Type)
}

// parseBool reads yes/no words in English and Chinese.
func parseBool(s string) (bool, bool) {
	if b, ok := boolWords[strings.ToLower(s)]; ok {
		return b, true
	}
	v, err := layers.Field{Name: "b", Type: layers.Bool}.Parse(s)
	if err != nil {
		return false, false
	}
	b, ok := v.(bool)
	return b, ok
}

// parseTime is layers.ParseTime, also accepting unpadded dashes
// (2026-3-5 9:03). Slash and 年月日 forms, the usual ones in work-order
// sheets, are tried directly (the same layouts ParseTime tries, in
// Asia/Shanghai) to skip the failed attempts at RFC 3339 first.
func parseTime(s string) (time.Time, error) {
	var fast []string
	switch {
	case strings.Contains(s, "/"):
		fast = []string{"2006/1/2 15:04", "2006/1/2 15:04:05", "2006/1/2"}
	case strings.Contains(s, "年"):
		fast = []string{"2006年1月2日 15:04", "2006年1月2日 15:04:05", "2006年1月2日"}
	}
	for _, layout := range fast {
		if t, err := time.ParseInLocation(layout, s, layers.Shanghai); err == nil {
			return t, nil
		}
	}
	t, err := layers.ParseTime(s)
	if err == nil {
		return t, nil
	}
	if !strings.ContainsAny(s, "T+Z") && strings.Count(s, "-") == 2 {
		if t2, err2 := layers.ParseTime(strings.ReplaceAll(s, "-", "/")); err2 == nil {
			return t2, nil
		}
	}
	return time.Time{}, err
}

func typeWord(t layers.FieldType) string {
	switch t {
	case layers.Int:
		return "whole number"
	case layers.Float:
		return "number"
	case layers.Time:
		return "date and time"
	case layers.Date:
		return "date"
	case layers.Bool:
		return "yes/no value"
	case layers.Cell:
		return "H3 cell"
	}
	return "text"
}
