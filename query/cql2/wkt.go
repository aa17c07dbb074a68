package cql2

import "github.com/paulmach/orb"

// This file parses the spatial predicate and its geometry literals: BBOX
// and the 2D WKT subset.

// parseSpatial = S_INTERSECTS '(' prop ',' geometry ')'
func (p *parser) parseSpatial() Expr {
	p.advance()
	p.expect(tokLParen, "'(' after S_INTERSECTS")
	name, typ, pos := p.property()
	if typ != TGeometry {
		p.fail(pos, "S_INTERSECTS needs a geometry property; %q is %s", name, typ)
	}
	p.expect(tokComma, "','")
	g := p.geometry()
	p.expect(tokRParen, "')'")
	return &SIntersects{Prop: name, Geom: g}
}

// geometry parses BBOX(x1, y1, x2, y2) or a 2D WKT geometry.
func (p *parser) geometry() orb.Geometry {
	t := p.tok
	if t.kind != tokIdent {
		p.fail(t.pos, "expected BBOX(...) or a WKT geometry, found %s", describe(t))
	}
	kw := keyword(t.text)
	p.advance()
	switch kw {
	case "BBOX":
		p.expect(tokLParen, "'(' after BBOX")
		var v [4]float64
		for i := range v {
			if i > 0 {
				p.expect(tokComma, "',' between BBOX numbers (BBOX takes exactly 4)")
			}
			v[i] = p.coordinate()
		}
		p.expect(tokRParen, "')' after 4 BBOX numbers (3D boxes are not supported)")
		p.countCoords(t.pos, 2)
		if v[0] > v[2] || v[1] > v[3] {
			p.fail(t.pos, "BBOX minimum exceeds maximum (want BBOX(minx, miny, maxx, maxy))")
		}
		return boundGeometry(orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}})
	case "POINT":
		p.wktDims(kw)
		return p.points(1, "a POINT")[0]
	case "LINESTRING":
		p.wktDims(kw)
		return orb.LineString(p.points(2, "a LINESTRING"))
	case "POLYGON":
		p.wktDims(kw)
		poly := p.polygon()
		if msg := polygonProblem(poly); msg != "" {
			p.fail(t.pos, "invalid POLYGON: %s", msg)
		}
		return poly
	case "MULTIPOINT":
		p.wktDims(kw)
		return p.multiPoint()
	case "MULTILINESTRING":
		p.wktDims(kw)
		var ml orb.MultiLineString
		p.list(func() { ml = append(ml, orb.LineString(p.points(2, "a LINESTRING"))) })
		return ml
	case "MULTIPOLYGON":
		p.wktDims(kw)
		var mp orb.MultiPolygon
		p.list(func() { mp = append(mp, p.polygon()) })
		if msg := multiPolygonProblem(mp); msg != "" {
			p.fail(t.pos, "invalid MULTIPOLYGON: %s", msg)
		}
		return mp
	case "GEOMETRYCOLLECTION", "ENVELOPE":
		p.fail(t.pos, "geometry type %s is not supported", kw)
	}
	p.fail(t.pos, "expected BBOX(...) or a WKT geometry, found %s", describe(t))
	return nil
}

// wktDims rejects the Z, M, ZM and EMPTY variants.
func (p *parser) wktDims(kw string) {
	if p.tok.kind == tokIdent {
		switch keyword(p.tok.text) {
		case "Z", "M", "ZM":
			p.fail(p.tok.pos, "only 2D geometries are supported")
		case "EMPTY":
			p.fail(p.tok.pos, "empty geometries are not supported")
		}
	}
	if p.tok.kind != tokLParen {
		p.fail(p.tok.pos, "expected '(' after %s, found %s", kw, describe(p.tok))
	}
}

// list parses '(' item {',' item} ')'.
func (p *parser) list(item func()) {
	p.expect(tokLParen, "'('")
	for {
		item()
		if p.tok.kind != tokComma {
			break
		}
		p.advance()
	}
	p.expect(tokRParen, "',' or ')'")
}

// points parses '(' x y {',' x y} ')' with at least minPoints points (one
// exactly when minPoints is 1); what names the geometry for errors.
func (p *parser) points(minPoints int, what string) []orb.Point {
	pos := p.tok.pos
	var pts []orb.Point
	p.list(func() { pts = append(pts, p.point()) })
	if minPoints == 1 && len(pts) > 1 {
		p.fail(pos, "%s has exactly one coordinate pair", what)
	}
	if len(pts) < minPoints {
		p.fail(pos, "%s needs at least %d points", what, minPoints)
	}
	return pts
}

// point parses "x y".
func (p *parser) point() orb.Point {
	pos := p.tok.pos
	x := p.coordinate()
	y := p.coordinate()
	if p.tok.kind == tokNumber {
		p.fail(p.tok.pos, "only 2D coordinates are supported")
	}
	p.countCoords(pos, 1)
	return orb.Point{x, y}
}

func (p *parser) countCoords(pos, n int) {
	p.coords += n
	if p.coords > p.lim.coords {
		p.fail(pos, "too many coordinates (limit %d)", p.lim.coords)
	}
}

func (p *parser) coordinate() float64 {
	t := p.tok
	if t.kind != tokNumber {
		p.fail(t.pos, "expected a coordinate, found %s", describe(t))
	}
	f, err := parseFloat(t.text)
	if err != nil {
		p.failErr(t.pos, err, "coordinate %s is out of range", t.text)
	}
	p.advance()
	return f
}

func (p *parser) polygon() orb.Polygon {
	var poly orb.Polygon
	p.list(func() {
		pos := p.tok.pos
		r := orb.Ring(p.points(4, "a polygon ring"))
		if r[0] != r[len(r)-1] {
			p.fail(pos, "polygon ring is not closed (first and last points differ)")
		}
		poly = append(poly, r)
	})
	return poly
}

// multiPoint accepts both MULTIPOINT((1 2), (3 4)) and MULTIPOINT(1 2, 3 4).
func (p *parser) multiPoint() orb.MultiPoint {
	var mp orb.MultiPoint
	p.list(func() {
		if p.tok.kind == tokLParen {
			mp = append(mp, p.points(1, "a MULTIPOINT member")[0])
		} else {
			mp = append(mp, p.point())
		}
	})
	return mp
}
