package tiles

import (
	"time"

	"minqing/layers"
)

// Properties converts a feature's properties to MVT values for the given
// fields: strings, whole numbers, numbers and booleans as they are, times as
// Unix epoch seconds (whole numbers), dates as YYYY-MM-DD text, H3 cells as
// their hexadecimal text. Nil values
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
	if c, ok := v.(int64); ok && f.Type == layers.Cell {
		return layers.FormatCell(c)
	}
	t, ok := v.(time.Time)
	if !ok {
		return v
	}
	if f.Type == layers.Date {
		return t.In(layers.Shanghai).Format(time.DateOnly)
	}
	return t.Unix()
}
