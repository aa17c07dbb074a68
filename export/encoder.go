package export

import (
	"context"
	"fmt"
	"io"

	"minqing/export/geojson"
	"minqing/layers"
)

// Headers chooses the CSV header row.
type Headers string

// The CSV header styles.
const (
	HeadersZH   Headers = "zh"   // the fields' Chinese titles (default)
	HeadersEN   Headers = "en"   // the fields' English titles
	HeadersName Headers = "name" // the machine names (for scripts)
)

// ParseHeaders reads "zh", "en" or "name" ("" is zh).
func ParseHeaders(s string) (Headers, error) {
	switch Headers(s) {
	case "", HeadersZH:
		return HeadersZH, nil
	case HeadersEN, HeadersName:
		return Headers(s), nil
	}
	return "", fmt.Errorf("export: headers %q: use zh, en or name", s)
}

// Lang is the language of the values of an export: "" writes stored values
// as they are (true, closed: for scripts and GeoJSON); zh and en write
// booleans as 是/否 or yes/no and vocabulary codes as their names
// (closed → 已关闭 or Closed, layers.Field.ValueLabel), as the web map shows them.
type Lang string

// The value languages.
const (
	LangRaw Lang = ""
	LangZH  Lang = "zh"
	LangEN  Lang = "en"
)

// ParseLang reads the lang parameter of an export: "zh" or "en"; "" gives
// the default, the language of the CSV headers (zh, en, or raw values
// for machine names). GeoJSON, for programs, keeps stored values unless
// lang is given.
func ParseLang(s string, f Format, h Headers) (Lang, error) {
	switch Lang(s) {
	case LangZH, LangEN:
		return Lang(s), nil
	case "":
		switch {
		case f == GeoJSON || h == HeadersName:
			return LangRaw, nil
		case f == CSV && h == HeadersEN:
			return LangEN, nil
		}
		return LangZH, nil
	}
	return "", fmt.Errorf("export: lang %q: use zh or en", s)
}

// Options tune an export.
type Options struct {
	// Layer is the layer exported.
	Layer *layers.Layer
	// Columns are the properties written, in order: the caller's visible
	// fields (layers.Query.Columns), never more.
	Columns []layers.Field
	// Headers chooses the CSV header row ("" is HeadersZH).
	Headers Headers
	// Lang is the language of the values (LangRaw: as stored).
	Lang Lang
	// Precision is the number of decimals of coordinates; 0 means
	// geojson.DefaultPrecision (7).
	Precision int
}

func (o Options) precision() int {
	if o.Precision <= 0 {
		return geojson.DefaultPrecision
	}
	return o.Precision
}

// Encoder writes one export: Begin once, Write each feature, End once.
// Nothing is guaranteed to reach the underlying writer before End (encoders
// buffer), and End flushes.
type Encoder interface {
	Begin() error
	Write(f *layers.Feature) error
	End() error
	// Count returns how many features were written.
	Count() int64
}

// NewEncoder returns an encoder of format f writing to w.
func NewEncoder(f Format, w io.Writer, o Options) (Encoder, error) {
	if o.Layer == nil {
		return nil, fmt.Errorf("export: no layer")
	}
	switch f {
	case GeoJSON:
		return newGeoJSON(w, o), nil
	case CSV:
		return newCSV(w, o)
	case KML:
		return newKML(w, o), nil
	}
	return nil, fmt.Errorf("export: unknown format %q", f)
}

// Write streams the features q selects from src as format f to w and
// returns how many were written. The columns are q.Columns(l); opts.Layer
// and opts.Columns are filled from l and q.
func Write(ctx context.Context, src layers.FeatureStreamer, l *layers.Layer, q layers.Query, f Format, w io.Writer, opts Options) (int64, error) {
	opts.Layer = l
	opts.Columns = q.Columns(l)
	enc, err := NewEncoder(f, w, opts)
	if err != nil {
		return 0, err
	}
	if err := enc.Begin(); err != nil {
		return 0, fmt.Errorf("export %s: %w", l.Name, err)
	}
	// In keyset pages, so that a slow writer (a pipe, a full disk) never
	// holds a store connection or a read transaction.
	if err := layers.Stream(ctx, src, l, q, layers.DefaultPageSize, enc.Write); err != nil {
		return enc.Count(), fmt.Errorf("export %s: %w", l.Name, err)
	}
	if err := enc.End(); err != nil {
		return enc.Count(), fmt.Errorf("export %s: %w", l.Name, err)
	}
	return enc.Count(), nil
}

// geojsonEncoder is a FeatureCollection with the layer's name.
type geojsonEncoder struct {
	w    *geojson.Writer
	name string
}

func newGeoJSON(w io.Writer, o Options) *geojsonEncoder {
	return &geojsonEncoder{w: geojson.NewWriter(w, o.Columns, o.precision()), name: o.Layer.Name}
}

func (g *geojsonEncoder) Begin() error {
	return g.w.Begin(geojson.Member{Key: "name", Value: g.name})
}

func (g *geojsonEncoder) Write(f *layers.Feature) error { return g.w.Write(f) }
func (g *geojsonEncoder) End() error                    { return g.w.End() }
func (g *geojsonEncoder) Count() int64                  { return int64(g.w.Count()) }
