package export

import (
	"bufio"
	"encoding/xml"
	"html"
	"io"
	"strconv"
	"strings"
	"time"

	gkml "github.com/twpayne/go-geom/encoding/kml"
	"github.com/twpayne/go-kml/v3"

	"minqing/layers"
)

// kmlEncoder writes a KML document as header, Placemarks, footer: each
// Placemark is built with go-kml and encoded on its own, so memory holds one
// feature at a time.
type kmlEncoder struct {
	bw   *bufio.Writer
	enc  *xml.Encoder
	o    Options
	desc strings.Builder
	n    int64
}

func newKML(w io.Writer, o Options) *kmlEncoder {
	bw := bufio.NewWriterSize(w, 64<<10)
	return &kmlEncoder{bw: bw, enc: xml.NewEncoder(bw), o: o}
}

func (e *kmlEncoder) Begin() error {
	e.bw.WriteString(xml.Header)
	e.bw.WriteString(`<kml xmlns="` + kml.Namespace + `"><Document>`)
	l := e.o.Layer
	title := firstOf(l.TitleZH, l.Name)
	if l.TitleEN != "" && l.TitleEN != title {
		title += " " + l.TitleEN
	}
	if err := e.enc.Encode(kml.Name(title)); err != nil {
		return err
	}
	return e.enc.Encode(kml.Description("minqing export of layer " + l.Name))
}

func (e *kmlEncoder) Write(f *layers.Feature) error {
	g, err := toGeom(f.Geometry, e.o.precision())
	if err != nil {
		return err
	}
	children := make([]kml.Element, 0, 5)
	children = append(children, kml.Name(e.label(f)), kml.Description(e.describe(f)))
	if tf := e.o.Layer.TimeField; tf != "" && e.visible(tf) {
		if t, ok := f.Props[tf].(time.Time); ok {
			children = append(children, kml.TimeStamp(kml.When(t.In(layers.Shanghai))))
		}
	}
	data := make([]kml.Element, 0, len(e.o.Columns))
	for _, c := range e.o.Columns {
		data = append(data, kml.Data(c.Name, kml.DisplayName(firstOf(c.TitleZH, c.Name)), kml.Value(e.text(c, f.Props[c.Name]))))
	}
	children = append(children, kml.ExtendedData(data...))
	if g != nil {
		ge, err := gkml.Encode(g)
		if err != nil {
			return err
		}
		children = append(children, ge)
	}
	e.n++
	// One Placemark per line: a diff or grep of an export stays readable.
	if err := e.enc.Flush(); err != nil {
		return err
	}
	e.bw.WriteByte('\n')
	return e.enc.Encode(&placemark{id: e.o.Layer.Name + "." + strconv.FormatInt(f.ID, 10), children: children})
}

func (e *kmlEncoder) End() error {
	if _, err := e.bw.WriteString("\n</Document></kml>\n"); err != nil {
		return err
	}
	return e.bw.Flush()
}

func (e *kmlEncoder) Count() int64 { return e.n }

// visible reports whether the column named is exported.
func (e *kmlEncoder) visible(name string) bool {
	for _, c := range e.o.Columns {
		if c.Name == name {
			return true
		}
	}
	return false
}

// label is the Placemark's name: the layer's label field, when exported and
// set, else the layer's title and the id.
func (e *kmlEncoder) label(f *layers.Feature) string {
	l := e.o.Layer
	if l.LabelField != "" && e.visible(l.LabelField) {
		if c, ok := l.Field(l.LabelField); ok {
			if s := e.text(c, f.Props[l.LabelField]); s != "" {
				return s
			}
		}
	}
	return firstOf(l.TitleZH, l.Name) + " " + strconv.FormatInt(f.ID, 10)
}

// describe lists the feature's set properties as "标题：值" lines of HTML
// (what Google Earth and 奥维地图 show in a balloon); values are escaped.
func (e *kmlEncoder) describe(f *layers.Feature) string {
	b := &e.desc
	b.Reset()
	for _, c := range e.o.Columns {
		s := e.text(c, f.Props[c.Name])
		if s == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("<br/>")
		}
		b.WriteString(html.EscapeString(firstOf(c.TitleZH, c.Name)))
		b.WriteString("：")
		b.WriteString(html.EscapeString(s))
	}
	return b.String()
}

// text formats a property for KML: like CSV, without the formula guard.
func (e *kmlEncoder) text(c layers.Field, v any) string {
	if s, ok := v.(string); ok {
		if l, ok := c.ValueLabel(s, string(e.o.Lang)); ok && e.o.Lang != LangRaw {
			return l
		}
		return s
	}
	return e.o.value(c, v)
}

// placemark is a kml Placemark with an id attribute.
type placemark struct {
	id       string
	children []kml.Element
}

func (p *placemark) MarshalXML(enc *xml.Encoder, _ xml.StartElement) error {
	start := xml.StartElement{Name: xml.Name{Local: "Placemark"}, Attr: []xml.Attr{{Name: xml.Name{Local: "id"}, Value: p.id}}}
	if err := enc.EncodeToken(start); err != nil {
		return err
	}
	for _, c := range p.children {
		if err := c.MarshalXML(enc, xml.StartElement{}); err != nil {
			return err
		}
	}
	return enc.EncodeToken(start.End())
}
