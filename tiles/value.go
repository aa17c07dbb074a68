package tiles

import (
	"time"

	"minqing/layers"
)

// Properties converts a feature's properties to MVT values for the given
// fields: strings, whole numbers, numbers and booleans as they are, times as
// RFC 3339 text in Asia/Shanghai (seconds), dates as YYYY-MM-DD. Nil values
// are left out, as ST_AsMVT leaves out NULLs.
func Properties(fields []layers.Field, props map[string]any) map[string]any {
	out := make(map[string]any, len(fields))
	for _, f := range fields {
		if v := Value(f, props[f.Name]); v != nil {
			out[f.Name] = v
		}
	}
	return out
}

// Value converts one property value to what a tile holds (see Properties).
func Value(f layers.Field, v any) any {
	t, ok := v.(time.Time)
	if !ok {
		return v
	}
	if f.Type == layers.Date {
		return t.In(layers.Shanghai).Format(time.DateOnly)
	}
	return FormatTime(t)
}

// FormatTime writes t as tiles hold times: RFC 3339 in +08:00, to the second
// ("2026-03-05T14:03:00+08:00"). PostGIS tiles write the same text.
func FormatTime(t time.Time) string {
	return t.In(layers.Shanghai).Truncate(time.Second).Format(time.RFC3339)
}
