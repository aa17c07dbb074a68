// Package geojson writes GeoJSON FeatureCollections as a stream, one feature
// at a time, with coordinates rounded to a fixed precision: memory stays flat
// however large the layer.
package geojson

import (
	"bufio"
	"encoding/json"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/paulmach/orb"

	"minqing/geo"
	"minqing/layers"
)

// DefaultPrecision is 7 decimals: about 1 cm at Beijing's latitude.
const DefaultPrecision = 7

// Writer streams a FeatureCollection.
type Writer struct {
	w         *bufio.Writer
	cols      []layers.Field
	precision int
	n         int
	buf       []byte
}

// NewWriter returns a Writer for features with the given columns; precision
// < 0 means DefaultPrecision.
func NewWriter(w io.Writer, cols []layers.Field, precision int) *Writer {
	if precision < 0 {
		precision = DefaultPrecision
	}
	return &Writer{w: bufio.NewWriterSize(w, 64<<10), cols: cols, precision: precision}
}

// Begin writes the collection's head; members (such as "numberMatched") are
// written before "features", in the order given.
func (g *Writer) Begin(members ...Member) error {
	g.w.WriteString(`{"type":"FeatureCollection"`)
	for _, m := range members {
		if err := g.member(m); err != nil {
			return err
		}
	}
	_, err := g.w.WriteString(`,"features":[`)
	return err
}

// Member is one extra top-level member of a FeatureCollection.
type Member struct {
	Key   string
	Value any
}

func (g *Writer) member(m Member) error {
	b, err := json.Marshal(m.Value)
	if err != nil {
		return err
	}
	g.w.WriteByte(',')
	g.w.WriteString(strconv.Quote(m.Key))
	g.w.WriteByte(':')
	_, err = g.w.Write(b)
	return err
}

// Write writes one feature.
func (g *Writer) Write(f *layers.Feature) error {
	if g.n > 0 {
		g.w.WriteByte(',')
	}
	g.n++
	b := AppendFeature(g.buf[:0], f, g.cols, g.precision)
	g.buf = b
	_, err := g.w.Write(b)
	return err
}

// End closes the features array, writes trailing members and flushes.
func (g *Writer) End(members ...Member) error {
	g.w.WriteByte(']')
	for _, m := range members {
		if err := g.member(m); err != nil {
			return err
		}
	}
	g.w.WriteByte('}')
	return g.w.Flush()
}

// Count returns how many features were written.
func (g *Writer) Count() int { return g.n }

// AppendFeature appends one GeoJSON Feature to b.
func AppendFeature(b []byte, f *layers.Feature, cols []layers.Field, precision int) []byte {
	b = append(b, `{"type":"Feature","id":`...)
	b = strconv.AppendInt(b, f.ID, 10)
	b = append(b, `,"geometry":`...)
	b = AppendGeometry(b, f.Geometry, precision)
	b = append(b, `,"properties":{`...)
	for i, c := range cols {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendQuote(b, c.Name)
		b = append(b, ':')
		b = AppendValue(b, c, f.Props[c.Name])
	}
	return append(b, "}}"...)
}

// AppendValue appends a property value as JSON: times in RFC 3339 with the
// +08:00 offset, dates as YYYY-MM-DD, H3 cells as their hexadecimal string
// (a JSON number would lose digits above 2^53).
func AppendValue(b []byte, c layers.Field, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case string:
		return appendString(b, x)
	case int64:
		if c.Type == layers.Cell {
			b = append(b, '"')
			b = strconv.AppendUint(b, uint64(x), 16)
			return append(b, '"')
		}
		return strconv.AppendInt(b, x, 10)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return append(b, "null"...)
		}
		return strconv.AppendFloat(b, x, 'f', -1, 64)
	case bool:
		return strconv.AppendBool(b, x)
	case time.Time:
		b = append(b, '"')
		if c.Type == layers.Date {
			b = x.In(layers.Shanghai).AppendFormat(b, "2006-01-02")
		} else {
			b = x.In(layers.Shanghai).AppendFormat(b, time.RFC3339)
		}
		return append(b, '"')
	}
	j, err := json.Marshal(v)
	if err != nil {
		return append(b, "null"...)
	}
	return append(b, j...)
}

// appendString appends s as a JSON string (UTF-8 kept, not \u-escaped).
func appendString(b []byte, s string) []byte {
	j, _ := json.Marshal(s) // cannot fail for a string
	return append(b, j...)
}

// AppendGeometry appends a GeoJSON geometry with coordinates rounded to
// precision decimals.
func AppendGeometry(b []byte, g orb.Geometry, precision int) []byte {
	if g == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"type":"`...)
	b = append(b, g.GeoJSONType()...)
	b = append(b, `","coordinates":`...)
	switch v := g.(type) {
	case orb.Point:
		b = appendPoint(b, v, precision)
	case orb.MultiPoint:
		b = appendPoints(b, v, precision)
	case orb.LineString:
		b = appendPoints(b, v, precision)
	case orb.MultiLineString:
		b = append(b, '[')
		for i, ls := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendPoints(b, ls, precision)
		}
		b = append(b, ']')
	case orb.Ring:
		b = appendPoints(b, v, precision)
	case orb.Polygon:
		b = appendPolygon(b, v, precision)
	case orb.MultiPolygon:
		b = append(b, '[')
		for i, p := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendPolygon(b, p, precision)
		}
		b = append(b, ']')
	case orb.Bound:
		b = appendPolygon(b, v.ToPolygon(), precision)
	default:
		b = append(b, "[]"...)
	}
	return append(b, '}')
}

func appendPoint(b []byte, p orb.Point, prec int) []byte {
	b = append(b, '[')
	b = strconv.AppendFloat(b, geo.Round(p[0], prec), 'f', -1, 64)
	b = append(b, ',')
	b = strconv.AppendFloat(b, geo.Round(p[1], prec), 'f', -1, 64)
	return append(b, ']')
}

func appendPoints[T ~[]orb.Point](b []byte, ps T, prec int) []byte {
	b = append(b, '[')
	for i, p := range ps {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendPoint(b, p, prec)
	}
	return append(b, ']')
}

func appendPolygon(b []byte, p orb.Polygon, prec int) []byte {
	b = append(b, '[')
	for i, r := range p {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendPoints(b, r, prec)
	}
	return append(b, ']')
}
