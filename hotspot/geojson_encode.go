package hotspot

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"sync"
	"unicode/utf8"

	exportjson "minqing/export/geojson"
	"minqing/geo/hex"
)

// encodeGeoJSON writes FeatureCollection's JSON directly: each hexagon's
// coordinates and properties appended to one buffer. json.Marshal of the
// orb collection spent most of a large answer's time (10,000 cells at a
// million incidents) re-reading the geometries orb had already encoded and
// sorting each cell's property map. The properties are those of
// CellResult.properties, written in key order; numbers as encoding/json
// writes them; coordinates rounded to 7 decimals (1 cm), as the exports,
// and kept per cell (outlineCache).
func (a *Analysis) encodeGeoJSON() ([]byte, error) {
	b := make([]byte, 0, 256+len(a.Cells)*420)
	b = append(b, `{"type":"FeatureCollection","features":[`...)
	var err error
	for i := range a.Cells {
		if i > 0 {
			b = append(b, ',')
		}
		c := &a.Cells[i]
		b = append(b, `{"type":"Feature","geometry":`...)
		b = outlines.append(b, c.Cell)
		b = append(b, `,"properties":`...)
		if b, err = appendProperties(b, c); err != nil {
			return nil, err
		}
		b = append(b, '}')
	}
	b = append(b, ']')
	if b, err = appendMembers(b, a.members()); err != nil {
		return nil, err
	}
	return append(b, '}'), nil
}

// coordDecimals is the precision of the hexagons' coordinates.
const coordDecimals = 7

// outlineCache keeps the encoded geometries of the cells' hexagons: a
// cell's outline never changes, and a street's study area is the same
// cells analysis after analysis, so each is drawn (H3's cellToBoundary,
// through cgo) and formatted once, not per analysis. Past maxOutlines
// cells it starts again empty.
type outlineCache struct {
	mu sync.Mutex
	m  map[hex.Cell][]byte
}

// maxOutlines bounds the cache: about 230 bytes per cell, 60 MB at most.
const maxOutlines = 1 << 18

var outlines outlineCache

// append appends the GeoJSON geometry of cell's hexagon.
func (o *outlineCache) append(b []byte, cell hex.Cell) []byte {
	o.mu.Lock()
	enc, ok := o.m[cell]
	o.mu.Unlock()
	if !ok {
		enc = exportjson.AppendGeometry(nil, hex.Boundary(cell), coordDecimals)
		o.mu.Lock()
		if o.m == nil || len(o.m) >= maxOutlines {
			o.m = make(map[hex.Cell][]byte)
		}
		o.m[cell] = enc
		o.mu.Unlock()
	}
	return append(b, enc...)
}

// appendProperties writes c.properties(false) as encoding/json writes the
// map, keys in order, without making the map: a cell's withheld count, z
// and p are null, a trend adds its label, tau and p, and its series (null
// for a withheld step). TestGeoJSONIsTheFeatureCollection holds the two
// to each other.
func appendProperties(b []byte, c *CellResult) ([]byte, error) {
	var err error
	withheld := func(b []byte, v float64) ([]byte, error) {
		if c.Suppressed {
			return append(b, "null"...), nil
		}
		return appendFloat(b, v)
	}
	t := c.Trend
	b = append(b, `{"class":`...)
	b = appendString(b, string(c.Class))
	b = append(b, `,"count":`...)
	if c.Suppressed {
		b = append(b, "null"...)
	} else {
		b = strconv.AppendInt(b, c.Count, 10)
	}
	b = append(b, `,"h3":`...)
	b = appendString(b, hex.String(c.Cell))
	b = append(b, `,"in_area":`...)
	b = strconv.AppendBool(b, c.InArea)
	if t != nil {
		b = append(b, `,"label":`...)
		b = appendString(b, t.Label)
	}
	b = append(b, `,"p":`...)
	if b, err = withheld(b, c.P); err != nil {
		return nil, err
	}
	if c.Partial {
		b = append(b, `,"partial":true`...)
	}
	if t != nil && t.Series != nil {
		b = append(b, `,"series":[`...)
		for i, n := range t.Series {
			if i > 0 {
				b = append(b, ',')
			}
			if n >= 0 {
				b = strconv.AppendInt(b, n, 10)
			} else {
				b = append(b, "null"...)
			}
		}
		b = append(b, ']')
	}
	b = append(b, `,"suppressed":`...)
	b = strconv.AppendBool(b, c.Suppressed)
	if t != nil {
		b = append(b, `,"tau":`...)
		if b, err = appendFloat(b, t.Tau); err != nil {
			return nil, err
		}
		b = append(b, `,"trend_p":`...)
		if b, err = appendFloat(b, t.P); err != nil {
			return nil, err
		}
	}
	b = append(b, `,"z":`...)
	if b, err = withheld(b, c.Z); err != nil {
		return nil, err
	}
	return append(b, '}'), nil
}

// appendMembers writes m's "key":value pairs in key order, each after a
// comma (they follow the features).
func appendMembers(b []byte, m map[string]any) ([]byte, error) {
	var err error
	for _, k := range slices.Sorted(maps.Keys(m)) {
		b = append(b, ',')
		b = appendString(b, k)
		b = append(b, ':')
		if b, err = appendValue(b, m[k]); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// appendValue writes the values properties hold directly, anything else
// through encoding/json.
func appendValue(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case string:
		return appendString(b, x), nil
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case float64:
		return appendFloat(b, x)
	case []any:
		b = append(b, '[')
		var err error
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = appendValue(b, e); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	}
	j, err := json.Marshal(v)
	return append(b, j...), err
}

// appendFloat writes f as encoding/json does: the shortest form that reads
// back as f, in exponent form below 1e-6 and from 1e21; NaN and the
// infinities are an error.
func appendFloat(b []byte, f float64) ([]byte, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("unsupported value %v", f)
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if n := len(b); format == 'e' && n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
		b[n-2] = b[n-1] // e-07 → e-7
		b = b[:n-1]
	}
	return b, nil
}

// appendString writes s quoted: plain ASCII directly, anything needing an
// escape (as encoding/json escapes it, <, > and & included) through it.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' || c >= utf8.RuneSelf {
			j, _ := json.Marshal(s) // a string cannot fail
			return append(b, j...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
