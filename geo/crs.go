package geo

import (
	"fmt"
	"math"
	"strings"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/project"
)

// CRS names a geographic coordinate reference system accepted by importers.
// Obtain one from a user-supplied string with [ParseCRS].
type CRS string

// The coordinate reference systems understood by this package.
const (
	// WGS84 is the World Geodetic System 1984 (EPSG:4326), used by GPS and
	// OpenStreetMap. It is the storage system of the project.
	WGS84 CRS = "wgs84"
	// CGCS2000 is the China Geodetic Coordinate System 2000 (EPSG:4490). It
	// agrees with WGS84 to a few centimetres and is treated as identical.
	CGCS2000 CRS = "cgcs2000"
	// GCJ02 is the obfuscated "Mars" system required for maps published in
	// mainland China (Amap/AutoNavi, Tencent, Google China).
	GCJ02 CRS = "gcj02"
	// BD09 is Baidu Maps' system: GCJ-02 with a further perturbation.
	BD09 CRS = "bd09"
)

// Parameters of the published GCJ-02 and BD-09 formulas.
const (
	// krasovskyA is the semi-major axis of the Krasovsky 1940 ellipsoid, in
	// metres.
	krasovskyA = 6378245.0
	// krasovskyEE is the first eccentricity squared of that ellipsoid.
	krasovskyEE = 0.00669342162296594323
	// bdXPi is Baidu's x_pi constant, π·3000/180.
	bdXPi = math.Pi * 3000.0 / 180.0
	// bdLonShift and bdLatShift are the constant offsets of BD-09, in degrees.
	bdLonShift = 0.0065
	bdLatShift = 0.006

	// inverseTolerance is the convergence threshold, in degrees, of the
	// iterative inverses (1e-10° is about 0.01 mm).
	inverseTolerance = 1e-10
	// inverseMaxIter bounds the iterative inverses. Away from the border of
	// the China rectangle they converge in 3 to 5 iterations.
	inverseMaxIter = 30
)

// Bounds of the rectangle used by every published GCJ-02 implementation to
// decide whether a point is "in China".
const (
	chinaMinLon = 72.004
	chinaMaxLon = 137.8347
	chinaMinLat = 0.8293
	chinaMaxLat = 55.8271
)

// ParseCRS returns the CRS named by s. Matching is case-insensitive and
// ignores surrounding white space. Besides the canonical names ("wgs84",
// "cgcs2000", "gcj02", "bd09") it accepts the aliases "wgs-84", "epsg:4326",
// "cgcs-2000", "epsg:4490", "gcj-02", "bd-09" and Baidu's API names
// "wgs84ll", "gcj02ll" and "bd09ll".
func ParseCRS(s string) (CRS, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "wgs84", "wgs-84", "epsg:4326", "wgs84ll":
		return WGS84, nil
	case "cgcs2000", "cgcs-2000", "epsg:4490":
		return CGCS2000, nil
	case "gcj02", "gcj-02", "gcj02ll":
		return GCJ02, nil
	case "bd09", "bd-09", "bd09ll":
		return BD09, nil
	}
	return "", fmt.Errorf("geo: unknown CRS %q: valid names are wgs84 (epsg:4326), cgcs2000 (epsg:4490), gcj02 (gcj-02), bd09 (bd-09)", s)
}

// canonical returns c if it is one of the CRS constants, otherwise the result
// of parsing it as a name or alias. ok is false for unknown names.
func canonical(c CRS) (CRS, bool) {
	switch c {
	case WGS84, CGCS2000, GCJ02, BD09:
		return c, true
	}
	parsed, err := ParseCRS(string(c))
	return parsed, err == nil
}

// ToWGS84 converts p from the system c to WGS84. WGS84 and CGCS2000 points
// are returned unchanged. c may also be any alias accepted by [ParseCRS];
// points in an unknown system are returned unchanged, so validate
// user-supplied names with ParseCRS first.
func ToWGS84(c CRS, p orb.Point) orb.Point {
	c, _ = canonical(c)
	switch c {
	case GCJ02:
		return GCJ02ToWGS84(p)
	case BD09:
		return BD09ToWGS84(p)
	default:
		return p
	}
}

// FromWGS84 converts the WGS84 point p to the system c. It is the inverse of
// [ToWGS84] and follows the same rules for names.
func FromWGS84(c CRS, p orb.Point) orb.Point {
	c, _ = canonical(c)
	switch c {
	case GCJ02:
		return WGS84ToGCJ02(p)
	case BD09:
		return WGS84ToBD09(p)
	default:
		return p
	}
}

// OutOfChina reports whether p lies outside the rough rectangle
// (lon 72.004–137.8347, lat 0.8293–55.8271) within which GCJ-02 offsets are
// applied. It is the test used by the published GCJ-02 implementations, not
// an accurate border: it includes neighbouring countries.
func OutOfChina(p orb.Point) bool {
	lon, lat := p[0], p[1]
	return lon < chinaMinLon || lon > chinaMaxLon || lat < chinaMinLat || lat > chinaMaxLat
}

// gcjTransformLat is the latitude series of the GCJ-02 formula, evaluated at
// x = lon-105, y = lat-35.
func gcjTransformLat(x, y float64) float64 {
	ret := -100.0 + 2.0*x + 3.0*y + 0.2*y*y + 0.1*x*y + 0.2*math.Sqrt(math.Abs(x))
	ret += (20.0*math.Sin(6.0*x*math.Pi) + 20.0*math.Sin(2.0*x*math.Pi)) * 2.0 / 3.0
	ret += (20.0*math.Sin(y*math.Pi) + 40.0*math.Sin(y/3.0*math.Pi)) * 2.0 / 3.0
	ret += (160.0*math.Sin(y/12.0*math.Pi) + 320.0*math.Sin(y*math.Pi/30.0)) * 2.0 / 3.0
	return ret
}

// gcjTransformLon is the longitude series of the GCJ-02 formula, evaluated
// at x = lon-105, y = lat-35.
func gcjTransformLon(x, y float64) float64 {
	ret := 300.0 + x + 2.0*y + 0.1*x*x + 0.1*x*y + 0.1*math.Sqrt(math.Abs(x))
	ret += (20.0*math.Sin(6.0*x*math.Pi) + 20.0*math.Sin(2.0*x*math.Pi)) * 2.0 / 3.0
	ret += (20.0*math.Sin(x*math.Pi) + 40.0*math.Sin(x/3.0*math.Pi)) * 2.0 / 3.0
	ret += (150.0*math.Sin(x/12.0*math.Pi) + 300.0*math.Sin(x/30.0*math.Pi)) * 2.0 / 3.0
	return ret
}

// gcjDelta returns the GCJ-02 offset (dLon, dLat), in degrees, for the WGS84
// point p. It does not apply the OutOfChina test.
func gcjDelta(p orb.Point) (dLon, dLat float64) {
	lon, lat := p[0], p[1]
	dLat = gcjTransformLat(lon-105.0, lat-35.0)
	dLon = gcjTransformLon(lon-105.0, lat-35.0)
	radLat := lat / 180.0 * math.Pi
	magic := math.Sin(radLat)
	magic = 1 - krasovskyEE*magic*magic
	sqrtMagic := math.Sqrt(magic)
	dLat = (dLat * 180.0) / ((krasovskyA * (1 - krasovskyEE)) / (magic * sqrtMagic) * math.Pi)
	dLon = (dLon * 180.0) / (krasovskyA / sqrtMagic * math.Cos(radLat) * math.Pi)
	return dLon, dLat
}

// WGS84ToGCJ02 converts a WGS84 point to GCJ-02 with the standard published
// formula. Points outside China (see [OutOfChina]) are returned unchanged.
func WGS84ToGCJ02(p orb.Point) orb.Point {
	if OutOfChina(p) {
		return p
	}
	dLon, dLat := gcjDelta(p)
	return orb.Point{p[0] + dLon, p[1] + dLat}
}

// gcjToWGS84OneStep is the widespread non-iterative approximation of the
// GCJ-02 inverse: subtract the offset evaluated at the GCJ-02 point itself.
// It is off by up to a few metres and serves as the starting guess of
// GCJ02ToWGS84 (and as a baseline in tests).
func gcjToWGS84OneStep(p orb.Point) orb.Point {
	if OutOfChina(p) {
		return p
	}
	dLon, dLat := gcjDelta(p)
	return orb.Point{p[0] - dLon, p[1] - dLat}
}

// invert solves forward(w) = target for w by the fixed-point iteration
// w ← w − (forward(w) − target), starting from guess. It converges quickly
// when forward is close to a translation, as GCJ-02 and BD-09 are (their
// offsets vary by less than 1% per degree).
func invert(forward func(orb.Point) orb.Point, target, guess orb.Point) orb.Point {
	if !isFinite(target) {
		return target
	}
	w := guess
	for range inverseMaxIter {
		f := forward(w)
		dLon, dLat := f[0]-target[0], f[1]-target[1]
		w = orb.Point{w[0] - dLon, w[1] - dLat}
		if math.Abs(dLon) < inverseTolerance && math.Abs(dLat) < inverseTolerance {
			break
		}
	}
	return w
}

// isFinite reports whether both coordinates of p are finite numbers.
func isFinite(p orb.Point) bool {
	return !math.IsNaN(p[0]) && !math.IsInf(p[0], 0) && !math.IsNaN(p[1]) && !math.IsInf(p[1], 0)
}

// GCJ02ToWGS84 converts a GCJ-02 point to WGS84. It inverts [WGS84ToGCJ02]
// iteratively, to about 1e-9 degrees (under 1 mm) inside China; points
// whose inverse lies outside China are returned unchanged.
func GCJ02ToWGS84(p orb.Point) orb.Point {
	return invert(WGS84ToGCJ02, p, gcjToWGS84OneStep(p))
}

// GCJ02ToBD09 converts a GCJ-02 point to Baidu's BD-09 with the standard
// published formula.
func GCJ02ToBD09(p orb.Point) orb.Point {
	x, y := p[0], p[1]
	z := math.Hypot(x, y) + 0.00002*math.Sin(y*bdXPi)
	theta := math.Atan2(y, x) + 0.000003*math.Cos(x*bdXPi)
	return orb.Point{z*math.Cos(theta) + bdLonShift, z*math.Sin(theta) + bdLatShift}
}

// bdToGCJ02OneStep is the standard published (approximate) BD-09 to GCJ-02
// formula, used as the starting guess of BD09ToGCJ02.
func bdToGCJ02OneStep(p orb.Point) orb.Point {
	x, y := p[0]-bdLonShift, p[1]-bdLatShift
	z := math.Hypot(x, y) - 0.00002*math.Sin(y*bdXPi)
	theta := math.Atan2(y, x) - 0.000003*math.Cos(x*bdXPi)
	return orb.Point{z * math.Cos(theta), z * math.Sin(theta)}
}

// BD09ToGCJ02 converts a BD-09 point to GCJ-02. It starts from the standard
// published inverse formula, which is itself approximate (errors of a few
// decimetres), and refines it iteratively so that
// GCJ02ToBD09(BD09ToGCJ02(p)) == p to about 1e-9 degrees.
func BD09ToGCJ02(p orb.Point) orb.Point {
	return invert(GCJ02ToBD09, p, bdToGCJ02OneStep(p))
}

// BD09ToWGS84 converts a BD-09 point to WGS84, via GCJ-02, using the
// iterative inverses.
func BD09ToWGS84(p orb.Point) orb.Point {
	return GCJ02ToWGS84(BD09ToGCJ02(p))
}

// WGS84ToBD09 converts a WGS84 point to BD-09, via GCJ-02.
func WGS84ToBD09(p orb.Point) orb.Point {
	return GCJ02ToBD09(WGS84ToGCJ02(p))
}

// Distance returns the great-circle distance between a and b in metres,
// computed with the haversine formula on a sphere of radius
// [orb.EarthRadius].
func Distance(a, b orb.Point) float64 {
	return orbgeo.DistanceHaversine(a, b)
}

// TransformGeometry returns a copy of g with f applied to every point: orb's
// project.Geometry on a clone (the input is not modified, nil slices stay
// nil), except that an [orb.Bound] is mapped to the bounding box of its four
// transformed corners (project.Bound maps only two, wrong for a non-linear
// f such as GCJ-02). A nil geometry yields nil.
func TransformGeometry(g orb.Geometry, f func(orb.Point) orb.Point) orb.Geometry {
	switch g := g.(type) {
	case nil:
		return nil
	case orb.Bound:
		b := orb.Bound{Min: f(g.Min), Max: f(g.Min)}
		for _, corner := range []orb.Point{g.Max, g.LeftTop(), g.RightBottom()} {
			b = b.Extend(f(corner))
		}
		return b
	}
	c := orb.Clone(g)
	if c == nil { // a nil slice: orb.Clone drops its type
		return g
	}
	return project.Geometry(c, f)
}
