package importers

import (
	"fmt"
	"strings"

	"github.com/paulmach/orb"
	"github.com/twpayne/go-geom"
	"github.com/twpayne/go-geom/encoding/wkt"
)

// maxCollectionDepth bounds nested geometry collections (WKT, GeoJSON, KML).
const maxCollectionDepth = 8

// parseWKT reads WKT or EWKT ("SRID=4326;POINT(…)"), with or without Z/M,
// into an orb geometry (Z and M dropped). go-geom's parser is used for its
// Z/M support; the result is converted to orb here, at the edge.
func parseWKT(s string, maxCoords int) (orb.Geometry, error) {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, ';'); i >= 0 && strings.HasPrefix(strings.ToUpper(s), "SRID=") {
		srid := strings.TrimSpace(s[5:i])
		if srid != "4326" && srid != "4490" {
			return nil, fmt.Errorf("the WKT is in SRID %s; only longitude/latitude (4326, 4490) can be imported", srid)
		}
		s = s[i+1:]
	}
	if s == "" {
		return nil, fmt.Errorf("the WKT is empty")
	}
	g, err := wkt.Unmarshal(s)
	if err != nil {
		return nil, fmt.Errorf("not valid WKT: %v", err)
	}
	og, err := fromGeom(g, 0)
	if err != nil {
		return nil, err
	}
	if n := countPoints(og); n > maxCoords {
		return nil, fmt.Errorf("the geometry has %d coordinates, more than the %d allowed", n, maxCoords)
	}
	return og, nil
}

// fromGeom converts a go-geom geometry to orb, dropping Z and M.
func fromGeom(g geom.T, depth int) (orb.Geometry, error) {
	if g == nil || g.Empty() {
		return nil, fmt.Errorf("the geometry is empty")
	}
	switch v := g.(type) {
	case *geom.Point:
		return orb.Point{v.X(), v.Y()}, nil
	case *geom.MultiPoint:
		out := make(orb.MultiPoint, 0, v.NumPoints())
		for i := range v.NumPoints() {
			p := v.Point(i)
			if p.Empty() {
				continue
			}
			out = append(out, orb.Point{p.X(), p.Y()})
		}
		return out, nil
	case *geom.LineString:
		return orb.LineString(points(v.FlatCoords(), v.Stride())), nil
	case *geom.MultiLineString:
		out := make(orb.MultiLineString, v.NumLineStrings())
		for i := range out {
			ls := v.LineString(i)
			out[i] = points(ls.FlatCoords(), ls.Stride())
		}
		return out, nil
	case *geom.Polygon:
		return polygonOf(v), nil
	case *geom.MultiPolygon:
		out := make(orb.MultiPolygon, v.NumPolygons())
		for i := range out {
			out[i] = polygonOf(v.Polygon(i))
		}
		return out, nil
	case *geom.GeometryCollection:
		if depth >= maxCollectionDepth {
			return nil, fmt.Errorf("geometry collections are nested more than %d deep", maxCollectionDepth)
		}
		out := make(orb.Collection, 0, v.NumGeoms())
		for _, m := range v.Geoms() {
			og, err := fromGeom(m, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, og)
		}
		return out, nil
	}
	return nil, fmt.Errorf("unsupported geometry %T", g)
}

func polygonOf(p *geom.Polygon) orb.Polygon {
	out := make(orb.Polygon, p.NumLinearRings())
	for i := range out {
		r := p.LinearRing(i)
		out[i] = orb.Ring(points(r.FlatCoords(), r.Stride()))
	}
	return out
}

func points(flat []float64, stride int) []orb.Point {
	if stride < 2 {
		return nil
	}
	out := make([]orb.Point, 0, len(flat)/stride)
	for i := 0; i+1 < len(flat); i += stride {
		out = append(out, orb.Point{flat[i], flat[i+1]})
	}
	return out
}
