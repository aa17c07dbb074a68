package importers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/paulmach/orb"
)

// geojsonReader streams features from a FeatureCollection (walking the
// tokens, so the collection is never in memory as a whole), a single Feature
// or geometry, or a sequence of Features (newline-delimited GeoJSON, or
// RFC 8142 text sequences).
type geojsonReader struct {
	dec       *json.Decoder
	bud       *budget
	maxCoords int
	n         int64
	state     int // see the gj* constants
}

const (
	gjStart    = iota // before the first value
	gjFeatures        // inside "features": [
	gjTopRest         // after the features array, inside the top-level object
	gjSequence        // after the first value: more top-level values follow
)

func newGeoJSONReader(r io.Reader, maxRecord int64, maxCoords int) *geojsonReader {
	bud := newBudget(&rsStripper{r: r}, maxRecord)
	dec := json.NewDecoder(bud)
	dec.UseNumber()
	return &geojsonReader{dec: dec, bud: bud, maxCoords: maxCoords}
}

// rsStripper turns the record separators of RFC 8142 GeoJSON text sequences
// into spaces.
type rsStripper struct{ r io.Reader }

func (s *rsStripper) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	for i := range p[:n] {
		if p[i] == 0x1E {
			p[i] = ' '
		}
	}
	return n, err
}

// syntaxError explains a JSON decoding error with its byte offset.
func (g *geojsonReader) syntaxError(err error) error {
	if !isTooLarge(err) && g.bud.exhausted() {
		err = g.bud.tooLarge()
	}
	if isTooLarge(err) {
		return fmt.Errorf("feature %d: %w", g.n+1, err)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("not valid JSON near byte %d (after feature %d): %v", se.Offset, g.n, err)
	}
	var ute *json.UnmarshalTypeError
	if errors.As(err, &ute) {
		return fmt.Errorf("not valid GeoJSON near byte %d (after feature %d): %v", ute.Offset, g.n, err)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return fmt.Errorf("the file ends in the middle of feature %d (truncated?)", g.n+1)
	}
	return err
}

func (g *geojsonReader) next() (*record, error) {
	for {
		g.bud.reset()
		switch g.state {
		case gjStart:
			tok, err := g.dec.Token()
			if errors.Is(err, io.EOF) {
				return nil, fmt.Errorf("the file is empty")
			}
			if err != nil {
				return nil, g.syntaxError(err)
			}
			if d, ok := tok.(json.Delim); !ok || d != '{' {
				return nil, fmt.Errorf("GeoJSON must start with an object ({\"type\": \"FeatureCollection\", …}), not %v", tok)
			}
			rec, err := g.topObject()
			if err != nil || rec != nil {
				return rec, err
			}
		case gjFeatures:
			if g.dec.More() {
				var raw json.RawMessage
				if err := g.dec.Decode(&raw); err != nil {
					return nil, g.syntaxError(err)
				}
				g.n++
				return g.feature(raw), nil
			}
			if _, err := g.dec.Token(); err != nil { // ]
				return nil, g.syntaxError(err)
			}
			g.state = gjTopRest
			rec, err := g.topObject()
			if err != nil || rec != nil {
				return rec, err
			}
		case gjTopRest:
			rec, err := g.topObject()
			if err != nil || rec != nil {
				return rec, err
			}
		case gjSequence:
			if !g.dec.More() {
				if _, err := g.dec.Token(); !errors.Is(err, io.EOF) {
					return nil, g.syntaxError(fmt.Errorf("unexpected content after the last feature"))
				}
				return nil, io.EOF
			}
			var raw json.RawMessage
			if err := g.dec.Decode(&raw); err != nil {
				return nil, g.syntaxError(err)
			}
			g.n++
			return g.feature(raw), nil
		}
	}
}

// topObject walks the members of the top-level object. It returns when it
// enters "features" (state gjFeatures, nil record), or at the object's end:
// with the single Feature or geometry the object was, or nil.
func (g *geojsonReader) topObject() (*record, error) {
	var members map[string]json.RawMessage
	for g.dec.More() {
		tok, err := g.dec.Token()
		if err != nil {
			return nil, g.syntaxError(err)
		}
		key, _ := tok.(string)
		if key == "features" && g.state == gjStart {
			tok, err := g.dec.Token()
			if err != nil {
				return nil, g.syntaxError(err)
			}
			if d, ok := tok.(json.Delim); !ok || d != '[' {
				return nil, fmt.Errorf(`"features" must be an array`)
			}
			g.state = gjFeatures
			return nil, nil
		}
		var raw json.RawMessage
		if err := g.dec.Decode(&raw); err != nil {
			return nil, g.syntaxError(err)
		}
		if key == "crs" {
			if err := checkCRSMember(raw); err != nil {
				return nil, err
			}
		}
		if members == nil {
			members = map[string]json.RawMessage{}
		}
		members[key] = raw
	}
	if _, err := g.dec.Token(); err != nil { // }
		return nil, g.syntaxError(err)
	}
	wasCollection := g.state != gjStart
	g.state = gjSequence
	if wasCollection {
		return nil, nil
	}
	var typ string
	_ = json.Unmarshal(members["type"], &typ)
	switch typ {
	case "FeatureCollection":
		return nil, nil // without "features": empty
	case "Feature":
		raw, err := json.Marshal(members)
		if err != nil {
			return nil, err
		}
		g.n++
		return g.feature(raw), nil
	case "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection":
		raw, err := json.Marshal(members)
		if err != nil {
			return nil, err
		}
		g.n++
		rec := &record{n: g.n, hasGeom: true, raw: []byte(`{"type":"Feature","properties":{},"geometry":` + string(raw) + `}`)}
		geom, err := decodeGeometry(raw, g.maxCoords)
		if err != nil {
			rec.errs = append(rec.errs, Problem{Row: g.n, Field: "geometry", Reason: err.Error()})
		}
		rec.geom = geom
		return rec, nil
	case "":
		return nil, fmt.Errorf(`the top-level object has no "type": is this GeoJSON?`)
	}
	return nil, fmt.Errorf("the top-level object is a %q, not a GeoJSON FeatureCollection or Feature", typ)
}

// checkCRSMember rejects a legacy "crs" member naming a projected system.
func checkCRSMember(raw json.RawMessage) error {
	var c struct {
		Properties struct {
			Name string `json:"name"`
		} `json:"properties"`
	}
	if json.Unmarshal(raw, &c) != nil || c.Properties.Name == "" {
		return nil
	}
	name := strings.ToUpper(c.Properties.Name)
	for _, ok := range []string{"CRS84", "4326", "4490", "4214", "4610"} {
		if strings.HasSuffix(name, ok) || strings.HasSuffix(name, ":"+ok) {
			return nil
		}
	}
	return fmt.Errorf("the file declares its coordinates in %s; only longitude/latitude (EPSG:4326, 4490) can be imported: reproject it first (ogr2ogr -t_srs EPSG:4326 out.geojson in.geojson)", c.Properties.Name)
}

// feature decodes one Feature into a record; problems stay in the record.
func (g *geojsonReader) feature(raw json.RawMessage) *record {
	rec := &record{n: g.n, raw: []byte(raw), hasGeom: true}
	var f struct {
		Type       string          `json:"type"`
		Geometry   json.RawMessage `json:"geometry"`
		Properties json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		rec.errs = append(rec.errs, Problem{Row: g.n, Reason: "not a GeoJSON Feature object"})
		return rec
	}
	if f.Type != "Feature" {
		rec.errs = append(rec.errs, Problem{Row: g.n, Field: "type", Value: shorten(f.Type), Reason: `a member of "features" must have "type": "Feature"`})
		return rec
	}
	if len(f.Properties) > 0 && !bytes.Equal(f.Properties, []byte("null")) {
		dec := json.NewDecoder(bytes.NewReader(f.Properties))
		dec.UseNumber()
		var props map[string]any
		if err := dec.Decode(&props); err != nil {
			rec.errs = append(rec.errs, Problem{Row: g.n, Field: "properties", Reason: "properties must be an object"})
		}
		keys := make([]string, 0, len(props))
		for k := range props {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			rec.vals = append(rec.vals, keyVal{key: k, val: props[k]})
		}
	}
	if len(f.Geometry) == 0 || bytes.Equal(f.Geometry, []byte("null")) {
		return rec
	}
	geom, err := decodeGeometry(f.Geometry, g.maxCoords)
	if err != nil {
		rec.errs = append(rec.errs, Problem{Row: g.n, Field: "geometry", Reason: err.Error()})
		return rec
	}
	rec.geom = geom
	return rec
}

// decodeGeometry decodes a GeoJSON geometry object, requiring two or three
// numbers per position and at most maxCoords positions.
func decodeGeometry(raw json.RawMessage, maxCoords int) (orb.Geometry, error) {
	return decodeGeometryDepth(raw, maxCoords, 0)
}

func decodeGeometryDepth(raw json.RawMessage, maxCoords, depth int) (orb.Geometry, error) {
	var gj struct {
		Type        string            `json:"type"`
		Coordinates json.RawMessage   `json:"coordinates"`
		Geometries  []json.RawMessage `json:"geometries"`
	}
	if err := json.Unmarshal(raw, &gj); err != nil {
		return nil, fmt.Errorf("not a GeoJSON geometry object")
	}
	if gj.Type == "GeometryCollection" {
		if depth >= maxCollectionDepth {
			return nil, fmt.Errorf("geometry collections are nested more than %d deep", maxCollectionDepth)
		}
		out := make(orb.Collection, 0, len(gj.Geometries))
		for _, m := range gj.Geometries {
			g, err := decodeGeometryDepth(m, maxCoords, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, g)
			maxCoords -= countPoints(g)
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("the geometry collection is empty")
		}
		return out, nil
	}
	if len(gj.Coordinates) == 0 || bytes.Equal(gj.Coordinates, []byte("null")) {
		return nil, fmt.Errorf("the %s has no coordinates", orDefault(gj.Type, "geometry"))
	}
	// The nesting of coordinates is fixed by the type, so decoding into the
	// right shape bounds the depth.
	var err error
	count := 0
	pos := func(c []float64) (orb.Point, error) {
		count++
		if count > maxCoords {
			return orb.Point{}, fmt.Errorf("the geometry has more than %d coordinates", maxCoords)
		}
		if len(c) < 2 || len(c) > 4 {
			return orb.Point{}, fmt.Errorf("a position must have two numbers (longitude, latitude), it has %d", len(c))
		}
		return orb.Point{c[0], c[1]}, nil
	}
	line := func(cs [][]float64) ([]orb.Point, error) {
		out := make([]orb.Point, len(cs))
		for i, c := range cs {
			if out[i], err = pos(c); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	poly := func(rs [][][]float64) (orb.Polygon, error) {
		out := make(orb.Polygon, len(rs))
		for i, r := range rs {
			pts, err := line(r)
			if err != nil {
				return nil, err
			}
			out[i] = pts
		}
		return out, nil
	}
	bad := func() error {
		return fmt.Errorf("the coordinates of a %s are not nested as GeoJSON requires", gj.Type)
	}
	switch gj.Type {
	case "Point":
		var c []float64
		if json.Unmarshal(gj.Coordinates, &c) != nil {
			return nil, bad()
		}
		return pos(c)
	case "MultiPoint", "LineString":
		var cs [][]float64
		if json.Unmarshal(gj.Coordinates, &cs) != nil {
			return nil, bad()
		}
		pts, err := line(cs)
		if err != nil {
			return nil, err
		}
		if len(pts) == 0 {
			return nil, fmt.Errorf("the %s has no coordinates", gj.Type)
		}
		if gj.Type == "MultiPoint" {
			return orb.MultiPoint(pts), nil
		}
		return orb.LineString(pts), nil
	case "MultiLineString", "Polygon":
		var rs [][][]float64
		if json.Unmarshal(gj.Coordinates, &rs) != nil {
			return nil, bad()
		}
		p, err := poly(rs)
		if err != nil {
			return nil, err
		}
		if len(p) == 0 {
			return nil, fmt.Errorf("the %s has no coordinates", gj.Type)
		}
		if gj.Type == "Polygon" {
			return p, nil
		}
		ml := make(orb.MultiLineString, len(p))
		for i, r := range p {
			ml[i] = orb.LineString(r)
		}
		return ml, nil
	case "MultiPolygon":
		var ps [][][][]float64
		if json.Unmarshal(gj.Coordinates, &ps) != nil {
			return nil, bad()
		}
		out := make(orb.MultiPolygon, len(ps))
		for i, rs := range ps {
			p, err := poly(rs)
			if err != nil {
				return nil, err
			}
			out[i] = p
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("the MultiPolygon has no coordinates")
		}
		return out, nil
	case "":
		return nil, fmt.Errorf(`the geometry has no "type"`)
	}
	return nil, fmt.Errorf("%q is not a GeoJSON geometry type", shorten(gj.Type))
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
