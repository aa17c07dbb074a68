package gpkg

import (
	"fmt"
	"strconv"
	"time"

	"minqing/layers"
)

// GeoPackage stores a DATETIME as ISO 8601 text in UTC and a DATE as
// YYYY-MM-DD (GeoPackage 1.3, table 1.1.1.1.3). The store always writes the
// fixed-width form below, so that text order is time order and time windows
// stay in SQL.
const (
	datetimeLayout = "2006-01-02T15:04:05.000Z"
	dateLayout     = "2006-01-02"
)

// formatDatetime writes an instant as GeoPackage DATETIME text. GeoPackage
// keeps milliseconds: finer digits are truncated.
func formatDatetime(t time.Time) string { return t.UTC().Format(datetimeLayout) }

// formatDate writes the Asia/Shanghai day of t as GeoPackage DATE text.
func formatDate(t time.Time) string { return t.In(layers.Shanghai).Format(dateLayout) }

// bindValue converts a property value to what the column stores.
func bindValue(f layers.Field, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch f.Type {
	case layers.Time, layers.Date:
		t, ok := v.(time.Time)
		if !ok {
			return nil, fmt.Errorf("%s must be a time, got %T", f.Name, v)
		}
		if f.Type == layers.Date {
			return formatDate(t), nil
		}
		return formatDatetime(t), nil
	case layers.Bool:
		b, ok := v.(bool)
		if !ok {
			return nil, fmt.Errorf("%s must be true or false, got %T", f.Name, v)
		}
		if b {
			return int64(1), nil
		}
		return int64(0), nil
	}
	return v, nil
}

// readValue converts a column value to the Go type of the field: the same
// values the PostGIS store returns (times and dates in Asia/Shanghai).
// Values written by other tools in other but readable forms are accepted.
func readValue(f layers.Field, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	if b, ok := v.([]byte); ok {
		v = string(b)
	}
	switch f.Type {
	case layers.String:
		switch v := v.(type) {
		case string:
			return v, nil
		case int64:
			return strconv.FormatInt(v, 10), nil
		case float64:
			return strconv.FormatFloat(v, 'g', -1, 64), nil
		}
	case layers.Int, layers.Cell:
		switch v := v.(type) {
		case int64:
			return v, nil
		case float64:
			if v == float64(int64(v)) {
				return int64(v), nil
			}
		case bool:
			if v {
				return int64(1), nil
			}
			return int64(0), nil
		}
	case layers.Float:
		switch v := v.(type) {
		case float64:
			return v, nil
		case int64:
			return float64(v), nil
		}
	case layers.Bool:
		switch v := v.(type) {
		case bool:
			return v, nil
		case int64:
			return v != 0, nil
		}
	case layers.Time, layers.Date:
		var t time.Time
		switch v := v.(type) {
		case time.Time:
			t = v
		case string:
			var err error
			if t, err = parseStoredTime(v); err != nil {
				return nil, fmt.Errorf("%s: %w", f.Name, err)
			}
		default:
			return nil, fmt.Errorf("%s: a %T is not a time", f.Name, v)
		}
		if f.Type == layers.Date {
			y, m, d := t.Date()
			return time.Date(y, m, d, 0, 0, 0, 0, layers.Shanghai), nil
		}
		return t.In(layers.Shanghai), nil
	}
	return nil, fmt.Errorf("%s: a %T is not a %s", f.Name, v, f.Type)
}

// parseStoredTime reads GeoPackage DATETIME or DATE text. A date or a time
// without an offset is UTC, as GeoPackage says; a DATE keeps its day.
func parseStoredTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{dateLayout, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999", "2006-01-02T15:04"} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a GeoPackage date or time", s)
}
