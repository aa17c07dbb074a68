package layers

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Asia/Shanghai on machines without a zone database

	"minqing/geo/hex"
)

// FieldType is the type of a layer property.
type FieldType string

// Field types. Values in Feature.Props use the Go type named in each comment.
const (
	String FieldType = "string" // string
	Int    FieldType = "int"    // int64
	Float  FieldType = "float"  // float64
	Bool   FieldType = "bool"   // bool
	Time   FieldType = "time"   // time.Time (timestamp with time zone)
	Date   FieldType = "date"   // time.Time at midnight Asia/Shanghai
	// Cell is an H3 cell index: an int64 in Feature.Props and in the
	// stores (bigint / INTEGER columns), written in every output as H3's
	// hexadecimal string ("8f31aa4141436c4", hex.String). As a JSON number
	// it would lose digits: indexes exceed 2^53.
	Cell FieldType = "cell" // int64
)

// Field is one property of a layer.
type Field struct {
	Name     string    // column and property name (ASCII snake_case)
	Type     FieldType // value type
	TitleZH  string    // Chinese title, used for CSV headers and the web map
	TitleEN  string    // English title
	Access   Role      // least role that may see it (Public or Staff)
	Enum     []string  // the vocabulary, if the field has one
	Required bool      // a write without it is rejected
	// Vocab is how the values of Enum are shown (names, colour), for
	// /layers, the web map and the exports; see Values and ValueLabel.
	Vocab []Value
	// Synonyms are other wordings of vocabulary values that imports
	// accept (已办结 → resolved, 违建 → 违法建设), by trimmed source value.
	Synonyms map[string]string
}

// Shanghai is the time zone of every date without an explicit offset.
var Shanghai = mustLoad("Asia/Shanghai")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		// The zone database is embedded by the time/tzdata import in this
		// package, so this cannot fail; a fixed zone keeps behaviour right anyway.
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}

// Parse converts a text value (a query parameter, a CSV cell) to the field's
// Go type. An empty string is nil.
func (f Field) Parse(s string) (any, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	switch f.Type {
	case String:
		if len(f.Enum) > 0 && !f.InEnum(s) {
			return nil, fmt.Errorf("%q is not a known %s (one of %s)", s, f.Name, strings.Join(f.Enum, ", "))
		}
		return s, nil
	case Int:
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%s must be a whole number, not %q", f.Name, s)
		}
		return v, nil
	case Float:
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%s must be a number, not %q", f.Name, s)
		}
		return v, nil
	case Bool:
		switch strings.ToLower(s) {
		case "true", "1", "yes", "t", "是":
			return true, nil
		case "false", "0", "no", "f", "否":
			return false, nil
		}
		return nil, fmt.Errorf("%s must be true or false, not %q", f.Name, s)
	case Cell:
		c, err := ParseCell(s)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", f.Name, err)
		}
		return c, nil
	case Time, Date:
		t, err := ParseTime(s)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", f.Name, err)
		}
		return t, nil
	}
	return nil, fmt.Errorf("field %s has unknown type %q", f.Name, f.Type)
}

// InEnum reports whether s is in the field's vocabulary (true when it has none).
func (f Field) InEnum(s string) bool {
	if len(f.Enum) == 0 {
		return true
	}
	for _, e := range f.Enum {
		if e == s {
			return true
		}
	}
	return false
}

// timeLayouts are the forms accepted by ParseTime, tried in order. Forms
// without an offset are read in Asia/Shanghai.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
	"2006/1/2 15:04:05",
	"2006/1/2 15:04",
	"2006/1/2",
	"2006年1月2日 15:04:05",
	"2006年1月2日 15:04",
	"2006年1月2日",
	"2006.1.2",
}

// ParseTime parses RFC 3339 and the common Chinese date forms
// (2026/3/5 14:03, 2026-03-05 14:03:00, 2026年3月5日), reading forms without an
// offset as Asia/Shanghai.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range timeLayouts {
		if t, err := time.ParseInLocation(layout, s, Shanghai); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date or time (use 2026-03-05T14:03:00+08:00, 2026-03-05 14:03 or 2026/3/5)", s)
}

// ParseCell parses an H3 cell index written as H3 does, in hexadecimal
// ("8f31aa4141436c4", optionally "0x"-prefixed), or, as files written before
// cells were strings hold it, in decimal ("644888463657940676").
func ParseCell(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if c, err := hex.Parse(s); err == nil {
		return c, nil
	}
	// A valid index is at least 2^59 (mode 1 in bits 59–62): 18 decimal
	// digits or more, never a 15-digit hexadecimal string read as decimal.
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && hex.Valid(n) {
		return n, nil
	}
	return 0, errors.New(strconv.Quote(s) + ` is not an H3 cell (write it as H3 does, e.g. "8f31aa4141436c4")`)
}

// FormatCell writes an H3 cell index as H3 does: lower-case hexadecimal.
func FormatCell(c int64) string { return hex.String(c) }
