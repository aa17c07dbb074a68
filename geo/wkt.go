package geo

import (
	"math"
	"strconv"

	"github.com/paulmach/orb"
)

// WKT writes geometries as 2D well-known text: the one writer behind the
// exports' wkt column and the geometries of CQL2 text and of the SQL it
// binds.
type WKT struct {
	// Prec ≥ 0 rounds coordinates to that many decimals; a negative Prec
	// writes the shortest text that reads back as the exact float.
	Prec int
	// Spaced separates points and parts with ", " (CQL2 text) rather than
	// "," (compact).
	Spaced bool
}

// Append appends g to b; a nil geometry appends nothing. A Ring is written
// as a Polygon and a Bound as the Polygon of its box.
func (w WKT) Append(b []byte, g orb.Geometry) []byte {
	switch v := g.(type) {
	case nil:
		return b
	case orb.Point:
		b = append(b, "POINT("...)
		b = w.xy(b, v)
		return append(b, ')')
	case orb.MultiPoint:
		if len(v) == 0 {
			return append(b, "MULTIPOINT EMPTY"...)
		}
		b = append(b, "MULTIPOINT("...)
		for i, p := range v {
			if i > 0 {
				b = w.sep(b)
			}
			b = append(b, '(')
			b = w.xy(b, p)
			b = append(b, ')')
		}
		return append(b, ')')
	case orb.LineString:
		if len(v) == 0 {
			return append(b, "LINESTRING EMPTY"...)
		}
		b = append(b, "LINESTRING"...)
		return appendSeq(w, b, v)
	case orb.MultiLineString:
		if len(v) == 0 {
			return append(b, "MULTILINESTRING EMPTY"...)
		}
		b = append(b, "MULTILINESTRING("...)
		for i, ls := range v {
			if i > 0 {
				b = w.sep(b)
			}
			b = appendSeq(w, b, ls)
		}
		return append(b, ')')
	case orb.Ring:
		return w.Append(b, orb.Polygon{v})
	case orb.Bound:
		return w.Append(b, v.ToPolygon())
	case orb.Polygon:
		if len(v) == 0 {
			return append(b, "POLYGON EMPTY"...)
		}
		b = append(b, "POLYGON"...)
		return w.rings(b, v)
	case orb.MultiPolygon:
		if len(v) == 0 {
			return append(b, "MULTIPOLYGON EMPTY"...)
		}
		b = append(b, "MULTIPOLYGON("...)
		for i, p := range v {
			if i > 0 {
				b = w.sep(b)
			}
			b = w.rings(b, p)
		}
		return append(b, ')')
	case orb.Collection:
		if len(v) == 0 {
			return append(b, "GEOMETRYCOLLECTION EMPTY"...)
		}
		b = append(b, "GEOMETRYCOLLECTION("...)
		for i, g := range v {
			if i > 0 {
				b = w.sep(b)
			}
			b = w.Append(b, g)
		}
		return append(b, ')')
	}
	return b
}

// String is Append to a new string.
func (w WKT) String(g orb.Geometry) string { return string(w.Append(nil, g)) }

func (w WKT) xy(b []byte, p orb.Point) []byte {
	if w.Prec < 0 {
		b = strconv.AppendFloat(b, p[0], 'g', -1, 64)
		b = append(b, ' ')
		return strconv.AppendFloat(b, p[1], 'g', -1, 64)
	}
	f := math.Pow10(w.Prec)
	b = strconv.AppendFloat(b, math.Round(p[0]*f)/f, 'f', -1, 64)
	b = append(b, ' ')
	return strconv.AppendFloat(b, math.Round(p[1]*f)/f, 'f', -1, 64)
}

func (w WKT) sep(b []byte) []byte {
	if w.Spaced {
		return append(b, ',', ' ')
	}
	return append(b, ',')
}

func appendSeq[T ~[]orb.Point](w WKT, b []byte, ps T) []byte {
	b = append(b, '(')
	for i, p := range ps {
		if i > 0 {
			b = w.sep(b)
		}
		b = w.xy(b, p)
	}
	return append(b, ')')
}

func (w WKT) rings(b []byte, p orb.Polygon) []byte {
	b = append(b, '(')
	for i, r := range p {
		if i > 0 {
			b = w.sep(b)
		}
		b = appendSeq(w, b, r)
	}
	return append(b, ')')
}

// Round rounds x to prec decimals (half away from zero).
func Round(x float64, prec int) float64 {
	p := math.Pow10(prec)
	return math.Round(x*p) / p
}
