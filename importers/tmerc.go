package importers

import (
	"math"

	"github.com/paulmach/orb"
)

// tmerc is a Transverse Mercator (Gauss–Krüger) projection on an ellipsoid,
// computed with Krüger's series to the sixth order in the third flattening
// n (Karney, "Transverse Mercator with an accuracy of a few nanometers",
// J. Geodesy 85, 2011; the same method as PROJ's tmerc). Within a 3-degree
// zone the series' error is far below a micrometre; the test holds it to
// PROJ's cs2cs within a millimetre.
type tmerc struct {
	lon0, k0, fe, fn float64 // central meridian (degrees), scale, false easting/northing (metres)
	e, a1            float64 // eccentricity; rectifying radius A times k0
	alpha, beta      [7]float64
}

// newTmerc makes the projection for the ellipsoid (a, 1/f) and parameters;
// the latitude of origin is the equator.
func newTmerc(a, invf, lon0, k0, fe, fn float64) *tmerc {
	f := 1 / invf
	n := f / (2 - f)
	n2, n3 := n*n, n*n*n
	n4, n5, n6 := n2*n2, n2*n3, n3*n3
	t := &tmerc{lon0: lon0, k0: k0, fe: fe, fn: fn, e: math.Sqrt(f * (2 - f))}
	t.a1 = k0 * a / (1 + n) * (1 + n2/4 + n4/64 + n6/256)
	t.alpha = [7]float64{0,
		n/2 - 2*n2/3 + 5*n3/16 + 41*n4/180 - 127*n5/288 + 7891*n6/37800,
		13*n2/48 - 3*n3/5 + 557*n4/1440 + 281*n5/630 - 1983433*n6/1935360,
		61*n3/240 - 103*n4/140 + 15061*n5/26880 + 167603*n6/181440,
		49561*n4/161280 - 179*n5/168 + 6601661*n6/7257600,
		34729*n5/80640 - 3418889*n6/1995840,
		212378941 * n6 / 319334400,
	}
	t.beta = [7]float64{0,
		n/2 - 2*n2/3 + 37*n3/96 - n4/360 - 81*n5/512 + 96199*n6/604800,
		n2/48 + n3/15 - 437*n4/1440 + 46*n5/105 - 1118711*n6/3870720,
		17*n3/480 - 37*n4/840 - 209*n5/4480 + 5569*n6/90720,
		4397*n4/161280 - 11*n5/504 - 830251*n6/7257600,
		4583*n5/161280 - 108847*n6/3991680,
		20648693 * n6 / 638668800,
	}
	return t
}

// forward projects a geographic point (lon, lat in degrees) to (easting, northing).
func (t *tmerc) forward(p orb.Point) orb.Point {
	phi := p[1] * math.Pi / 180
	lam := (p[0] - t.lon0) * math.Pi / 180
	s := math.Sin(phi)
	tau := math.Sinh(math.Atanh(s) - t.e*math.Atanh(t.e*s))
	xi1 := math.Atan2(tau, math.Cos(lam))
	eta1 := math.Atanh(math.Sin(lam) / math.Sqrt(1+tau*tau))
	xi, eta := xi1, eta1
	for j := 1; j <= 6; j++ {
		jj := 2 * float64(j)
		xi += t.alpha[j] * math.Sin(jj*xi1) * math.Cosh(jj*eta1)
		eta += t.alpha[j] * math.Cos(jj*xi1) * math.Sinh(jj*eta1)
	}
	return orb.Point{t.fe + t.a1*eta, t.fn + t.a1*xi}
}

// inverse turns (easting, northing) into a geographic point (lon, lat in degrees).
func (t *tmerc) inverse(p orb.Point) orb.Point {
	xi := (p[1] - t.fn) / t.a1
	eta := (p[0] - t.fe) / t.a1
	xi1, eta1 := xi, eta
	for j := 1; j <= 6; j++ {
		jj := 2 * float64(j)
		xi1 -= t.beta[j] * math.Sin(jj*xi) * math.Cosh(jj*eta)
		eta1 -= t.beta[j] * math.Cos(jj*xi) * math.Sinh(jj*eta)
	}
	// Conformal latitude χ and longitude, then the geographic latitude by
	// Newton's method on τ = tan φ (Karney 2011, eqs. 19–21).
	tau1 := math.Sin(xi1) / math.Hypot(math.Sinh(eta1), math.Cos(xi1))
	lam := math.Atan2(math.Sinh(eta1), math.Cos(xi1))
	e2 := t.e * t.e
	tau := tau1
	for i := 0; i < 8; i++ {
		sq := math.Sqrt(1 + tau*tau)
		sigma := math.Sinh(t.e * math.Atanh(t.e*tau/sq))
		tauP := tau*math.Sqrt(1+sigma*sigma) - sigma*sq
		d := (tau1 - tauP) / math.Sqrt(1+tauP*tauP) * (1 + (1-e2)*tau*tau) / ((1 - e2) * sq)
		tau += d
		if math.Abs(d) < 1e-15 {
			break
		}
	}
	return orb.Point{t.lon0 + lam*180/math.Pi, math.Atan(tau) * 180 / math.Pi}
}
