package export

import (
	"bufio"
	"encoding/csv"
	"io"
	"strconv"
	"time"

	"github.com/paulmach/orb"

	"minqing/layers"
)

// bom is the UTF-8 byte-order mark: without it Excel reads UTF-8 as GBK.
const bom = "\uFEFF"

// CSV time layouts: Excel recognises both as dates.
const (
	csvTime = "2006-01-02 15:04:05"
	csvDate = "2006-01-02"
)

type csvEncoder struct {
	bw     *bufio.Writer
	w      *csv.Writer
	o      Options
	points bool // lon, lat columns instead of wkt
	row    []string
	wkt    []byte
	n      int64
}

func newCSV(w io.Writer, o Options) (*csvEncoder, error) {
	if _, err := ParseHeaders(string(o.Headers)); err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	return &csvEncoder{bw: bw, w: cw, o: o, points: o.Layer.Geometry == "Point"}, nil
}

// Header returns the header row of a CSV export.
func Header(o Options) []string {
	h := o.Headers
	if h == "" {
		h = HeadersZH
	}
	row := []string{"id"}
	for _, c := range o.Columns {
		switch h {
		case HeadersZH:
			row = append(row, firstOf(c.TitleZH, c.Name))
		case HeadersEN:
			row = append(row, firstOf(c.TitleEN, c.Name))
		default:
			row = append(row, c.Name)
		}
	}
	point := o.Layer.Geometry == "Point"
	switch {
	case point && h == HeadersZH:
		row = append(row, "经度", "纬度")
	case point:
		row = append(row, "lon", "lat")
	default:
		row = append(row, "wkt")
	}
	return row
}

func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (e *csvEncoder) Begin() error {
	if _, err := e.bw.WriteString(bom); err != nil {
		return err
	}
	e.row = Header(e.o)
	return e.w.Write(e.row)
}

func (e *csvEncoder) Write(f *layers.Feature) error {
	row := e.row[:0]
	row = append(row, strconv.FormatInt(f.ID, 10))
	for _, c := range e.o.Columns {
		row = append(row, e.o.value(c, f.Props[c.Name]))
	}
	prec := e.o.precision()
	if e.points {
		if p, ok := f.Geometry.(orb.Point); ok {
			row = append(row, formatCoord(p[0], prec), formatCoord(p[1], prec))
		} else {
			row = append(row, "", "")
		}
	} else {
		e.wkt = AppendWKT(e.wkt[:0], f.Geometry, prec)
		row = append(row, string(e.wkt))
	}
	e.row = row
	e.n++
	return e.w.Write(row)
}

func (e *csvEncoder) End() error {
	e.w.Flush()
	if err := e.w.Error(); err != nil {
		return err
	}
	return e.bw.Flush()
}

func (e *csvEncoder) Count() int64 { return e.n }

// value formats one property for a spreadsheet in the export's language.
func (o Options) value(c layers.Field, v any) string {
	if o.Lang == LangRaw {
		return csvValue(c, v)
	}
	switch x := v.(type) {
	case bool:
		return layers.BoolLabel(x, string(o.Lang))
	case string:
		if s, ok := c.ValueLabel(x, string(o.Lang)); ok {
			return s
		}
	}
	return csvValue(c, v)
}

// csvValue formats one property for a spreadsheet.
func csvValue(c layers.Field, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return defuse(x)
	case int64:
		if c.Type == layers.Cell {
			return layers.FormatCell(x)
		}
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case time.Time:
		if c.Type == layers.Date {
			return x.In(layers.Shanghai).Format(csvDate)
		}
		return x.In(layers.Shanghai).Format(csvTime)
	}
	return ""
}

// defuse stops a spreadsheet from reading text as a formula: citizens write
// the descriptions, and "=HYPERLINK(…)" must stay text.
func defuse(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

func formatCoord(x float64, prec int) string {
	return strconv.FormatFloat(round(x, prec), 'f', -1, 64)
}
