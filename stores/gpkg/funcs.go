package gpkg

import (
	"fmt"

	"github.com/mattn/go-sqlite3"
	"github.com/paulmach/orb"
)

// registerFuncs adds to a connection the SQL functions the GeoPackage R-tree
// triggers call (GeoPackage 1.3, annex F.3): ST_MinX, ST_MaxX, ST_MinY,
// ST_MaxY and ST_IsEmpty over GeoPackage binary geometries. They read the
// envelope of the header, which this store always writes, and decode the WKB
// only when another tool left it out.
func registerFuncs(c *sqlite3.SQLiteConn) error {
	coord := func(pick func(orb.Bound) float64) func(any) (any, error) {
		return func(v any) (any, error) {
			blob, ok := v.([]byte)
			if !ok || len(blob) == 0 {
				return nil, nil
			}
			b, ok, err := Envelope(blob)
			if err != nil || !ok {
				return nil, err
			}
			return pick(b), nil
		}
	}
	funcs := []struct {
		name string
		impl any
	}{
		{"ST_MinX", coord(func(b orb.Bound) float64 { return b.Min[0] })},
		{"ST_MaxX", coord(func(b orb.Bound) float64 { return b.Max[0] })},
		{"ST_MinY", coord(func(b orb.Bound) float64 { return b.Min[1] })},
		{"ST_MaxY", coord(func(b orb.Bound) float64 { return b.Max[1] })},
		{"ST_IsEmpty", isEmpty},
	}
	for _, f := range funcs {
		if err := c.RegisterFunc(f.name, f.impl, true); err != nil {
			return fmt.Errorf("gpkg: register %s: %w", f.name, err)
		}
	}
	return nil
}

// isEmpty is ST_IsEmpty: 1 for an empty geometry, 0 otherwise, NULL for NULL.
func isEmpty(v any) (any, error) {
	blob, ok := v.([]byte)
	if !ok || len(blob) == 0 {
		return nil, nil
	}
	h, err := parseHeader(blob)
	if err != nil {
		return nil, err
	}
	if h.empty {
		return int64(1), nil
	}
	return int64(0), nil
}
