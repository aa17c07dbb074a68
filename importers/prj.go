package importers

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/paulmach/orb"

	"minqing/geo"
)

// srs is a coordinate system a Shapefile's .prj or a GeoPackage's
// gpkg_spatial_ref_sys names, reduced to what the importers can convert:
// geographic WGS 84 or CGCS2000, or a Transverse Mercator (Gauss–Krüger)
// projection on CGCS2000 or WGS 84.
type srs struct {
	name string
	geog geo.CRS // the geographic system (WGS 84 and CGCS2000 differ by centimetres)
	tm   *tmerc  // nil: coordinates are longitude, latitude in degrees
}

// The ellipsoids (semi-major axis, inverse flattening).
const (
	grs80A, grs80InvF = 6378137.0, 298.257222101 // CGCS2000 uses GRS 80's
	wgs84A, wgs84InvF = 6378137.0, 298.257223563
)

// errUnsupportedCRS explains which systems are understood.
const supportedCRS = "this importer reads WGS 84 (EPSG:4326), CGCS2000 (EPSG:4490) and CGCS2000 3-degree Gauss–Krüger (EPSG:4513–4554); reproject the file first, e.g. ogr2ogr -t_srs EPSG:4490 out.shp in.shp"

// toGeographic converts g to longitude/latitude in s.geog.
func (s *srs) toGeographic(g orb.Geometry) orb.Geometry {
	if s.tm == nil || g == nil {
		return g
	}
	return geo.TransformGeometry(g, s.tm.inverse)
}

// srsFromEPSG makes the system of an EPSG code.
func srsFromEPSG(code int) (*srs, error) {
	switch {
	case code == 4326:
		return &srs{name: "WGS 84 (EPSG:4326)", geog: geo.WGS84}, nil
	case code == 4490:
		return &srs{name: "CGCS2000 (EPSG:4490)", geog: geo.CGCS2000}, nil
	case code >= 4513 && code <= 4533: // zones 25–45, the zone number in the false easting
		zone := float64(code - 4513 + 25)
		return &srs{name: fmt.Sprintf("CGCS2000 / 3-degree Gauss-Kruger zone %.0f (EPSG:%d)", zone, code), geog: geo.CGCS2000,
			tm: newTmerc(grs80A, grs80InvF, 3*zone, 1, zone*1e6+500000, 0)}, nil
	case code >= 4534 && code <= 4554: // CM 75°E–135°E, false easting 500 km
		cm := float64(75 + 3*(code-4534))
		return &srs{name: fmt.Sprintf("CGCS2000 / 3-degree Gauss-Kruger CM %.0fE (EPSG:%d)", cm, code), geog: geo.CGCS2000,
			tm: newTmerc(grs80A, grs80InvF, cm, 1, 500000, 0)}, nil
	}
	return nil, fmt.Errorf("the coordinate system EPSG:%d is not supported: %s", code, supportedCRS)
}

// wktNode is one KEYWORD[args] of a WKT coordinate system.
type wktNode struct {
	name string
	args []any // string (quoted), wktNumber (or a bare word) or *wktNode
}

type wktNumber string

// maxWKTDepth bounds nesting (fuzzed input).
const maxWKTDepth = 32

// parseWKT1 parses WKT 1 or WKT 2 (both ESRI and OGC flavours).
func parseWKTNode(s string) (*wktNode, error) {
	p := &wktParser{s: s}
	n, err := p.node(0)
	if err != nil {
		return nil, err
	}
	return n, nil
}

type wktParser struct {
	s string
	i int
}

func (p *wktParser) skip() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n' || p.s[p.i] == '\r') {
		p.i++
	}
}

func (p *wktParser) node(depth int) (*wktNode, error) {
	if depth > maxWKTDepth {
		return nil, errors.New("nested too deep")
	}
	p.skip()
	start := p.i
	for p.i < len(p.s) && (p.s[p.i] == '_' || unicode.IsLetter(rune(p.s[p.i])) || unicode.IsDigit(rune(p.s[p.i]))) {
		p.i++
	}
	n := &wktNode{name: strings.ToUpper(p.s[start:p.i])}
	if n.name == "" {
		return nil, fmt.Errorf("expected a keyword at character %d", p.i+1)
	}
	p.skip()
	if p.i >= len(p.s) || (p.s[p.i] != '[' && p.s[p.i] != '(') {
		return n, nil // a bare word (an axis direction such as NORTH)
	}
	closer := byte(']')
	if p.s[p.i] == '(' {
		closer = ')'
	}
	p.i++
	for {
		p.skip()
		if p.i >= len(p.s) {
			return nil, errors.New("unexpected end")
		}
		switch c := p.s[p.i]; {
		case c == '"':
			end := strings.IndexByte(p.s[p.i+1:], '"')
			if end < 0 {
				return nil, errors.New("unterminated string")
			}
			n.args = append(n.args, p.s[p.i+1:p.i+1+end])
			p.i += end + 2
		case c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9'):
			start := p.i
			for p.i < len(p.s) && strings.IndexByte("+-.eE0123456789", p.s[p.i]) >= 0 {
				p.i++
			}
			n.args = append(n.args, wktNumber(p.s[start:p.i]))
		default:
			child, err := p.node(depth + 1)
			if err != nil {
				return nil, err
			}
			n.args = append(n.args, child)
		}
		p.skip()
		if p.i >= len(p.s) {
			return nil, errors.New("unexpected end")
		}
		switch p.s[p.i] {
		case ',':
			p.i++
		case closer, ']', ')':
			p.i++
			return n, nil
		default:
			return nil, fmt.Errorf("unexpected %q at character %d", p.s[p.i], p.i+1)
		}
	}
}

// child returns the first direct child with one of the names.
func (n *wktNode) child(names ...string) *wktNode {
	for _, a := range n.args {
		if c, ok := a.(*wktNode); ok {
			for _, name := range names {
				if c.name == name {
					return c
				}
			}
		}
	}
	return nil
}

// find searches the tree depth-first for a node with one of the names.
func (n *wktNode) find(names ...string) *wktNode {
	if c := n.child(names...); c != nil {
		return c
	}
	for _, a := range n.args {
		if c, ok := a.(*wktNode); ok {
			if d := c.find(names...); d != nil {
				return d
			}
		}
	}
	return nil
}

// str is the node's first quoted argument.
func (n *wktNode) str() string {
	if n == nil {
		return ""
	}
	for _, a := range n.args {
		if s, ok := a.(string); ok {
			return s
		}
	}
	return ""
}

// num is the node's i-th numeric argument.
func (n *wktNode) num(i int) (float64, bool) {
	if n == nil {
		return 0, false
	}
	k := 0
	for _, a := range n.args {
		if s, ok := a.(wktNumber); ok {
			if k == i {
				v, err := strconv.ParseFloat(string(s), 64)
				return v, err == nil
			}
			k++
		}
	}
	return 0, false
}

// epsg is the EPSG code of the node's own AUTHORITY or ID, or 0.
func (n *wktNode) epsg() int {
	id := n.child("AUTHORITY", "ID")
	if id == nil || !strings.EqualFold(id.str(), "EPSG") {
		return 0
	}
	if v, ok := id.num(0); ok {
		return int(v)
	}
	for _, a := range id.args[1:] {
		if s, ok := a.(string); ok {
			if v, err := strconv.Atoi(s); err == nil {
				return v
			}
		}
	}
	return 0
}

// squash lower-cases s and drops everything but letters and digits.
func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, s)
}

// parsePRJ reads the coordinate system of a .prj file or a GeoPackage
// definition (WKT 1, ESRI or OGC, or WKT 2).
func parsePRJ(text string) (*srs, error) {
	text = strings.TrimSpace(strings.TrimPrefix(text, "\ufeff"))
	root, err := parseWKTNode(text)
	if err != nil {
		return nil, fmt.Errorf("the coordinate system %q cannot be read: %v", shorten(text), err)
	}
	name := root.str()
	if code := root.epsg(); code != 0 {
		if s, err := srsFromEPSG(code); err == nil {
			return s, nil
		}
	}
	unsupported := func(why string) error {
		return fmt.Errorf("the coordinate system %q is not supported (%s): %s", name, why, supportedCRS)
	}
	var geog geo.CRS
	datum := squash(root.find("DATUM", "GEODETICDATUM", "TRF", "ENSEMBLE").str())
	switch {
	case strings.Contains(datum, "china2000") || strings.Contains(datum, "cgcs2000") || strings.Contains(datum, "chinageodeticcoordinatesystem2000"):
		geog = geo.CGCS2000
	case strings.Contains(datum, "wgs1984") || strings.Contains(datum, "wgs84") || strings.Contains(datum, "worldgeodeticsystem1984"):
		geog = geo.WGS84
	default:
		return nil, unsupported(fmt.Sprintf("datum %q", root.find("DATUM", "GEODETICDATUM", "TRF", "ENSEMBLE").str()))
	}
	a, invf := grs80A, grs80InvF
	if geog == geo.WGS84 {
		a, invf = wgs84A, wgs84InvF
	}
	if sph := root.find("SPHEROID", "ELLIPSOID"); sph != nil {
		if v, ok := sph.num(0); ok {
			a = v
		}
		if v, ok := sph.num(1); ok && v != 0 {
			invf = v
		}
	}
	switch root.name {
	case "GEOGCS", "GEOGCRS", "GEODCRS":
		return &srs{name: name, geog: geog}, nil
	case "PROJCS", "PROJCRS":
	default:
		return nil, unsupported("not a geographic or projected system")
	}
	method := squash(root.find("PROJECTION", "METHOD").str())
	if !strings.Contains(method, "transversemercator") && !strings.Contains(method, "gausskruger") {
		return nil, unsupported(fmt.Sprintf("projection %q", root.find("PROJECTION", "METHOD").str()))
	}
	params := map[string]float64{}
	collectParams(root, params)
	if v := params["latitudeoforigin"] + params["latitudeofnaturalorigin"]; v != 0 {
		return nil, unsupported("a latitude of origin off the equator")
	}
	if unit := root.child("UNIT", "LENGTHUNIT"); unit != nil {
		if v, ok := unit.num(0); ok && v != 1 {
			return nil, unsupported(fmt.Sprintf("unit %q, not metres", unit.str()))
		}
	}
	k0 := 1.0
	for _, k := range []string{"scalefactor", "scalefactoratnaturalorigin"} {
		if v, ok := params[k]; ok {
			k0 = v
		}
	}
	cm, ok := params["centralmeridian"]
	if v, ok2 := params["longitudeofnaturalorigin"]; ok2 {
		cm, ok = v, true
	}
	if !ok {
		return nil, unsupported("no central meridian")
	}
	fe := params["falseeasting"]
	fn := params["falsenorthing"]
	return &srs{name: name, geog: geog, tm: newTmerc(a, invf, cm, k0, fe, fn)}, nil
}

// collectParams gathers PARAMETER["name", value] nodes by squashed name.
func collectParams(n *wktNode, out map[string]float64) {
	for _, a := range n.args {
		c, ok := a.(*wktNode)
		if !ok {
			continue
		}
		if c.name == "PARAMETER" {
			if v, ok := c.num(0); ok {
				out[squash(c.str())] = v
			}
			continue
		}
		if c.name != "BASEGEOGCRS" && c.name != "GEOGCS" {
			collectParams(c, out)
		}
	}
}
