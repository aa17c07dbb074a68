package importers

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// kmlReader streams Placemarks out of a KML document with encoding/xml,
// keeping the name of the enclosing Folder.
type kmlReader struct {
	dec       *xml.Decoder
	bud       *budget
	maxCoords int
	n         int64
	stack     []string // enclosing element names
	folders   []string // names of the enclosing Folders ("" until known)
	// sawElement is set by the first start element.
	sawElement bool
}

func newKMLReader(r io.Reader, converted bool, maxRecord int64, maxCoords int) *kmlReader {
	bud := newBudget(r, maxRecord)
	dec := xml.NewDecoder(bud)
	dec.CharsetReader = charsetReader(converted)
	dec.Strict = false // tolerate the HTML entities map apps put in descriptions
	dec.AutoClose = xml.HTMLAutoClose
	dec.Entity = xml.HTMLEntity
	return &kmlReader{dec: dec, bud: bud, maxCoords: maxCoords}
}

// placemark is the part of a KML Placemark that is imported.
type placemark struct {
	Name        string    `xml:"name"`
	Description string    `xml:"description"`
	Data        []kmlData `xml:"ExtendedData>Data"`
	SimpleData  []kmlData `xml:"ExtendedData>SchemaData>SimpleData"`
	kmlGeometries
	folder string
}

type kmlData struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value"`
	Text  string `xml:",chardata"` // SimpleData holds its value as text
}

// kmlGeometries are the geometry elements a Placemark or MultiGeometry holds.
type kmlGeometries struct {
	Points   []kmlCoords     `xml:"Point"`
	Lines    []kmlCoords     `xml:"LineString"`
	Rings    []kmlCoords     `xml:"LinearRing"`
	Polygons []kmlPolygon    `xml:"Polygon"`
	Multi    []kmlGeometries `xml:"MultiGeometry"`
}

type kmlCoords struct {
	Coordinates string `xml:"coordinates"`
}

type kmlPolygon struct {
	Outer kmlCoords   `xml:"outerBoundaryIs>LinearRing"`
	Inner []kmlCoords `xml:"innerBoundaryIs>LinearRing"`
}

func (k *kmlReader) syntaxError(err error) error {
	if !isTooLarge(err) && k.bud.exhausted() {
		err = k.bud.tooLarge()
	}
	if isTooLarge(err) {
		return fmt.Errorf("placemark %d: %w", k.n+1, err)
	}
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("not valid KML (XML error on line %d, after placemark %d): %s", se.Line, k.n, se.Msg)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return fmt.Errorf("the file ends in the middle of placemark %d (truncated?)", k.n+1)
	}
	return err
}

func (k *kmlReader) next() (*record, error) {
	for {
		k.bud.reset()
		tok, err := k.dec.Token()
		if errors.Is(err, io.EOF) {
			if !k.sawElement {
				return nil, fmt.Errorf("the file has no XML elements: is it KML?")
			}
			return nil, io.EOF
		}
		if err != nil {
			return nil, k.syntaxError(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			k.sawElement = true
			switch t.Name.Local {
			case "Placemark":
				var pm placemark
				if err := k.dec.DecodeElement(&pm, &t); err != nil {
					return nil, k.syntaxError(err)
				}
				k.n++
				pm.folder = k.folderPath()
				return k.record(&pm), nil
			case "name":
				if len(k.stack) > 0 && k.stack[len(k.stack)-1] == "Folder" {
					var name string
					if err := k.dec.DecodeElement(&name, &t); err != nil {
						return nil, k.syntaxError(err)
					}
					k.folders[len(k.folders)-1] = strings.TrimSpace(name)
					continue
				}
			case "Folder":
				if len(k.folders) >= maxCollectionDepth*4 {
					return nil, fmt.Errorf("folders are nested more than %d deep", maxCollectionDepth*4)
				}
				k.folders = append(k.folders, "")
			}
			if len(k.stack) >= 1000 {
				return nil, fmt.Errorf("elements are nested more than 1000 deep")
			}
			k.stack = append(k.stack, t.Name.Local)
		case xml.EndElement:
			if len(k.stack) > 0 {
				k.stack = k.stack[:len(k.stack)-1]
			}
			if t.Name.Local == "Folder" && len(k.folders) > 0 {
				k.folders = k.folders[:len(k.folders)-1]
			}
		}
	}
}

// folderPath joins the names of the enclosing folders with "/".
func (k *kmlReader) folderPath() string {
	var parts []string
	for _, f := range k.folders {
		if f != "" {
			parts = append(parts, f)
		}
	}
	return strings.Join(parts, "/")
}

// record turns a placemark into a record.
func (k *kmlReader) record(pm *placemark) *record {
	rec := &record{n: k.n, raw: pm, hasGeom: true}
	add := func(key, val string) {
		rec.vals = append(rec.vals, keyVal{key: key, s: strings.TrimSpace(val)})
	}
	if pm.Name != "" {
		add("name", pm.Name)
	}
	if pm.Description != "" {
		add("description", pm.Description)
	}
	for _, d := range pm.Data {
		add(d.Name, d.Value)
	}
	for _, d := range pm.SimpleData {
		add(d.Name, d.Text)
	}
	if pm.folder != "" {
		add("folder", pm.folder)
	}
	budget := k.maxCoords
	g, err := kmlGeometry(&pm.kmlGeometries, &budget, 0)
	if err != nil {
		rec.errs = append(rec.errs, Problem{Row: k.n, Field: "geometry", Reason: err.Error()})
		return rec
	}
	rec.geom = g
	return rec
}

// kmlGeometry converts a placemark's geometry elements; several become a
// collection (collapsed later into a multi geometry).
func kmlGeometry(gs *kmlGeometries, budget *int, depth int) (orb.Geometry, error) {
	if depth > maxCollectionDepth {
		return nil, fmt.Errorf("MultiGeometry is nested more than %d deep", maxCollectionDepth)
	}
	var out orb.Collection
	for _, p := range gs.Points {
		pts, err := kmlParseCoords(p.Coordinates, budget)
		if err != nil {
			return nil, err
		}
		if len(pts) != 1 {
			return nil, fmt.Errorf("a Point must have one coordinate, it has %d", len(pts))
		}
		out = append(out, pts[0])
	}
	for _, l := range gs.Lines {
		pts, err := kmlParseCoords(l.Coordinates, budget)
		if err != nil {
			return nil, err
		}
		out = append(out, orb.LineString(pts))
	}
	for _, r := range gs.Rings {
		pts, err := kmlParseCoords(r.Coordinates, budget)
		if err != nil {
			return nil, err
		}
		out = append(out, orb.Polygon{orb.Ring(pts)})
	}
	for _, p := range gs.Polygons {
		outer, err := kmlParseCoords(p.Outer.Coordinates, budget)
		if err != nil {
			return nil, err
		}
		if len(outer) == 0 {
			return nil, fmt.Errorf("a Polygon has no outerBoundaryIs ring")
		}
		poly := orb.Polygon{orb.Ring(outer)}
		for _, in := range p.Inner {
			pts, err := kmlParseCoords(in.Coordinates, budget)
			if err != nil {
				return nil, err
			}
			poly = append(poly, orb.Ring(pts))
		}
		out = append(out, poly)
	}
	for i := range gs.Multi {
		g, err := kmlGeometry(&gs.Multi[i], budget, depth+1)
		if err != nil {
			return nil, err
		}
		if g != nil {
			out = append(out, g)
		}
	}
	switch len(out) {
	case 0:
		if depth == 0 {
			return nil, fmt.Errorf("the placemark has no Point, LineString or Polygon")
		}
		return nil, nil
	case 1:
		return out[0], nil
	}
	return out, nil
}

// kmlParseCoords parses "lon,lat[,alt] lon,lat[,alt] …", tolerating spaces
// after commas.
func kmlParseCoords(s string, budget *int) ([]orb.Point, error) {
	var out []orb.Point
	fields := strings.Fields(s)
	for i := 0; i < len(fields); i++ {
		tuple := fields[i]
		for (strings.HasSuffix(tuple, ",") || (i+1 < len(fields) && strings.HasPrefix(fields[i+1], ","))) && i+1 < len(fields) {
			i++
			tuple += fields[i]
		}
		parts := strings.Split(tuple, ",")
		if len(parts) < 2 || len(parts) > 3 {
			return nil, fmt.Errorf("coordinate %q is not lon,lat[,altitude]", shorten(tuple))
		}
		lon, err1 := strconv.ParseFloat(parts[0], 64)
		lat, err2 := strconv.ParseFloat(parts[1], 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("coordinate %q is not two numbers", shorten(tuple))
		}
		if *budget--; *budget < 0 {
			return nil, fmt.Errorf("the placemark has too many coordinates")
		}
		out = append(out, orb.Point{lon, lat})
	}
	return out, nil
}
