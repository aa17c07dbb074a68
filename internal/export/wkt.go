package export

import (
	"math"
	"strconv"

	"github.com/paulmach/orb"
)

// AppendWKT appends g as 2D WKT with coordinates rounded to prec decimals
// ("" for a nil geometry).
func AppendWKT(b []byte, g orb.Geometry, prec int) []byte {
	switch v := g.(type) {
	case nil:
		return b
	case orb.Point:
		b = append(b, "POINT("...)
		b = appendXY(b, v, prec)
		return append(b, ')')
	case orb.MultiPoint:
		if len(v) == 0 {
			return append(b, "MULTIPOINT EMPTY"...)
		}
		b = append(b, "MULTIPOINT("...)
		for i, p := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '(')
			b = appendXY(b, p, prec)
			b = append(b, ')')
		}
		return append(b, ')')
	case orb.LineString:
		if len(v) == 0 {
			return append(b, "LINESTRING EMPTY"...)
		}
		b = append(b, "LINESTRING"...)
		return appendSeq(b, v, prec)
	case orb.MultiLineString:
		if len(v) == 0 {
			return append(b, "MULTILINESTRING EMPTY"...)
		}
		b = append(b, "MULTILINESTRING("...)
		for i, ls := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendSeq(b, ls, prec)
		}
		return append(b, ')')
	case orb.Ring:
		return AppendWKT(b, orb.Polygon{v}, prec)
	case orb.Bound:
		return AppendWKT(b, v.ToPolygon(), prec)
	case orb.Polygon:
		if len(v) == 0 {
			return append(b, "POLYGON EMPTY"...)
		}
		b = append(b, "POLYGON"...)
		return appendRings(b, v, prec)
	case orb.MultiPolygon:
		if len(v) == 0 {
			return append(b, "MULTIPOLYGON EMPTY"...)
		}
		b = append(b, "MULTIPOLYGON("...)
		for i, p := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendRings(b, p, prec)
		}
		return append(b, ')')
	case orb.Collection:
		if len(v) == 0 {
			return append(b, "GEOMETRYCOLLECTION EMPTY"...)
		}
		b = append(b, "GEOMETRYCOLLECTION("...)
		for i, g := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = AppendWKT(b, g, prec)
		}
		return append(b, ')')
	}
	return b
}

func appendXY(b []byte, p orb.Point, prec int) []byte {
	b = strconv.AppendFloat(b, round(p[0], prec), 'f', -1, 64)
	b = append(b, ' ')
	return strconv.AppendFloat(b, round(p[1], prec), 'f', -1, 64)
}

func appendSeq[T ~[]orb.Point](b []byte, ps T, prec int) []byte {
	b = append(b, '(')
	for i, p := range ps {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendXY(b, p, prec)
	}
	return append(b, ')')
}

func appendRings(b []byte, p orb.Polygon, prec int) []byte {
	b = append(b, '(')
	for i, r := range p {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendSeq(b, r, prec)
	}
	return append(b, ')')
}

func round(x float64, prec int) float64 {
	p := math.Pow10(prec)
	return math.Round(x*p) / p
}
