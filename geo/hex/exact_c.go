package hex

// The exact cells of a point at every stored resolution in one pass: the
// icosahedron face, the great-circle distance and the azimuth from the face
// centre (acos, tan, atan2 — most of LatLngToCell's cost) are the same at
// every resolution, so they are computed once and only the scaling, the hex
// grid rounding and the index are done per resolution. The arithmetic is
// H3's own _geoToHex2d (v4.1, faceijk.c), step for step and with the same
// long double constants, and the grid and index steps call H3's own
// functions from the library h3-go links in, so every cell is bit for bit
// what h3.LatLngToCell returns (TestExactCellsMatchLatLngToCell checks it).

/*
#include <math.h>
#include <stdint.h>

typedef struct { double lat; double lng; } hexLatLng;
typedef struct { double x; double y; } hexVec2d;
typedef struct { int i; int j; int k; } hexCoordIJK;
typedef struct { int face; hexCoordIJK coord; } hexFaceIJK;

// From the H3 library that github.com/uber/h3-go/v4 compiles in.
extern void _geoToClosestFace(const hexLatLng *g, int *face, double *sqd);
extern double _posAngleRads(double rads);
extern double _geoAzimuthRads(const hexLatLng *p1, const hexLatLng *p2);
extern const hexLatLng faceCenterGeo[20];
extern void _hex2dToCoordIJK(const hexVec2d *v, hexCoordIJK *h);
extern uint64_t _faceIjkToH3(const hexFaceIJK *fijk, int res);

// faceAxesAzRadsCII[face][0] of faceijk.c (static there).
static const double hexFaceAxisAz[20] = {
	5.619958268523939882, 5.760339081714187279, 0.780213654393430055,
	0.430469363979999913, 6.130269123335111400, 2.692877706530642877,
	2.982963003477243874, 3.532912002790141181, 3.494305004259568154,
	3.003214169499538391, 5.930472956509811562, 0.138378484090254847,
	0.448714947059150361, 0.158629650112549365, 5.891865957979238535,
	2.711123289609793325, 3.294508837434268316, 3.804819692245439833,
	3.664438879055192436, 2.361378999196363184,
};

#define HEX_EPSILON 0.0000000000000001L
#define HEX_AP7_ROT_RADS 0.333473172251832115336090755351601070065900389L
#define HEX_RES0_U_GNOMONIC 0.38196601125010500003L
#define HEX_SQRT7 2.6457513110645905905016157536392604257102L

// hex_exact_cells fills out[0..maxRes-minRes]; it returns 0, or the first
// resolution without a cell.
static int hex_exact_cells(double lat, double lng, int minRes, int maxRes, uint64_t *out) {
	hexLatLng g = {lat, lng};
	int face;
	double sqd;
	_geoToClosestFace(&g, &face, &sqd);
	double r = acos(1 - sqd / 2);
	int center = r < HEX_EPSILON;
	double cosII = 0, sinII = 0, cosIII = 0, sinIII = 0;
	if (!center) {
		double theta = _posAngleRads(hexFaceAxisAz[face] - _posAngleRads(_geoAzimuthRads(&faceCenterGeo[face], &g)));
		double thetaIII = _posAngleRads(theta - HEX_AP7_ROT_RADS);
		cosII = cos(theta);
		sinII = sin(theta);
		cosIII = cos(thetaIII);
		sinIII = sin(thetaIII);
		r = tan(r);
		r /= HEX_RES0_U_GNOMONIC;
	}
	for (int res = minRes; res <= maxRes; res++) {
		hexFaceIJK f;
		hexVec2d v;
		f.face = face;
		if (center) {
			v.x = v.y = 0.0L;
		} else {
			double rr = r;
			for (int i = 0; i < res; i++) rr *= HEX_SQRT7;
			if (res % 2) {
				v.x = rr * cosIII;
				v.y = rr * sinIII;
			} else {
				v.x = rr * cosII;
				v.y = rr * sinII;
			}
		}
		_hex2dToCoordIJK(&v, &f.coord);
		out[res - minRes] = _faceIjkToH3(&f, res);
		if (!out[res - minRes]) return res;
	}
	return 0;
}
*/
import "C"

import (
	"math"

	_ "github.com/uber/h3-go/v4" // links the H3 library the C above calls
)

// degsToRads is h3-go's conversion, for the same radians.
const degsToRads = math.Pi / 180.0

// exactCells computes the cells of (lat, lng) in degrees at MinExactRes…
// MaxExactRes; bad is the first resolution without a cell (0: none).
func exactCells(lat, lng float64, out *[ExactCount]Cell) (bad int) {
	var cells [ExactCount]C.uint64_t
	r := C.hex_exact_cells(C.double(degsToRads*lat), C.double(degsToRads*lng), MinExactRes, MaxExactRes, &cells[0])
	for i, c := range cells {
		out[i] = Cell(c)
	}
	return int(r)
}
