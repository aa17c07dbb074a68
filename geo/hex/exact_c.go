package hex

// The cells of a point at every stored resolution in one pass. The
// icosahedron face, the great-circle distance and the azimuth from the face
// centre (acos, tan, atan2) are the same at every resolution, so they are
// computed once. H3 then turns the point's grid coordinates at a resolution
// into an index by walking up to resolution 0, one aperture-7 step and digit
// per level: that walk, about 85 ns a level, was most of the cost (56 levels
// for resolutions 5–11, 15 more for the stored resolution-15 cell).
//
// So the walk is done once, from resolution 15, and each coarser
// resolution r only checks where it joins it: the point's own coordinates
// at r equal one step up from its coordinates at r+1 exactly when H3's walk
// from r+1 passes through them, and then the cell at r has the same base
// cell, rotation and digits as the cell at r+1 without its last digit — its
// parent, taken by bit manipulation. In a pentagon's base cell (Beijing is
// in one, base cell 24) that holds too once the cell has a non-zero digit
// at r or above: H3 rotates a pentagon cell's digits by where its first
// non-zero digit is. Where the coordinates differ (a point near a
// hexagon's edge, about one in fifteen a level) or a pentagon cell's digits
// down to r are all 0, the cell at r is walked in full.
//
// The arithmetic is H3's own _geoToHex2d (v4.1, faceijk.c), step for step
// and with the same long double constants, and the grid, step and index
// functions are H3's own from the library h3-go links in, so every cell is
// bit for bit what h3.LatLngToCell returns (TestExactCellsMatchLatLngToCell
// checks it).

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
extern void _upAp7(hexCoordIJK *ijk);
extern void _upAp7r(hexCoordIJK *ijk);
extern int _isBaseCellPentagon(int baseCell);

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

// hex_parent is the ancestor of the cell h at the coarser resolution res:
// the resolution field set to res, the digits below it to 7 (cellToParent).
static uint64_t hex_parent(uint64_t h, int res) {
	uint64_t below = ((uint64_t)1 << ((15 - res) * 3)) - 1;
	return (h & ~((uint64_t)15 << 52)) | ((uint64_t)res << 52) | below;
}

// hex_leading_digit reports whether one of the digits of h at resolutions
// 1…res is not 0. In a pentagon's base cell H3 rotates a cell's digits by
// where its first non-zero digit is: a cell at res and its finer cell are
// rotated alike when that digit is at res or above.
static int hex_leading_digit(uint64_t h, int res) {
	uint64_t digits = (((uint64_t)1 << 45) - 1) & ~(((uint64_t)1 << ((15 - res) * 3)) - 1);
	return (h & digits) != 0;
}

// hex_point_cells fills out[0..maxRes-minRes] with the point's cells at
// minRes…maxRes and out[maxRes-minRes+1] with its cell at topRes (above
// maxRes); it returns 0, or the first resolution without a cell. It walks
// every resolution from topRes down (those between maxRes and topRes only
// to carry the walk on).
static int hex_point_cells(double lat, double lng, int minRes, int maxRes, int topRes, uint64_t *out) {
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
	hexCoordIJK prev = {0, 0, 0};
	uint64_t prevCell = 0;
	for (int res = topRes; res >= minRes; res--) {
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
		uint64_t cell = 0;
		if (prevCell && (!_isBaseCellPentagon((int)((prevCell >> 45) & 127)) || hex_leading_digit(prevCell, res))) {
			hexCoordIJK up = prev;
			if ((res + 1) % 2) _upAp7(&up); else _upAp7r(&up);
			if (up.i == f.coord.i && up.j == f.coord.j && up.k == f.coord.k) cell = hex_parent(prevCell, res);
		}
		if (!cell) cell = _faceIjkToH3(&f, res);
		if (!cell) return res;
		if (res == topRes) out[maxRes - minRes + 1] = cell;
		else if (res <= maxRes) out[res - minRes] = cell;
		prev = f.coord;
		prevCell = cell;
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

// pointCells computes the cells of (lat, lng) in degrees at MinExactRes…
// MaxExactRes and at StoreRes; bad is the first resolution without a cell
// (0: none).
func pointCells(lat, lng float64, exact *[ExactCount]Cell) (store Cell, bad int) {
	var cells [ExactCount + 1]C.uint64_t
	r := C.hex_point_cells(C.double(degsToRads*lat), C.double(degsToRads*lng), MinExactRes, MaxExactRes, StoreRes, &cells[0])
	for i := range exact {
		exact[i] = Cell(cells[i])
	}
	return Cell(cells[ExactCount]), int(r)
}
