package hex

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"
)

// StoreRes is the H3 resolution stored on every incident: cells of under
// 1 m² (0.64 m² in Beijing; 0.9 m² on average worldwide), edges about 0.5 m.
const StoreRes = 15

// MaxRes is the finest H3 resolution.
const MaxRes = 15

// MaxPolygonCells bounds the work of a single [PolygonCells] call: a polygon
// whose bounding box would hold more than this many cells of the requested
// resolution (estimated from the average cell area) is refused. H3's
// polygonToCells costs more than linear time in the number of cells: the
// bounding box of 丰台街道 holds about 1.9 million cells at resolution 14,
// filled in about 2 s, but at resolution 15 (13 million cells) it does not
// finish within 10 minutes. For fine resolutions over large areas, fill at
// a coarser resolution instead.
const MaxPolygonCells = 2_000_000

// Layout of a 64-bit H3 cell index; see [Parent].
const (
	resShift  = 52
	resMask   = 0xF
	digitBits = 3
)

// Cell is an H3 cell index. It is an alias of int64 so that it can be stored
// directly in bigint / INTEGER columns: valid indexes have their top bit
// clear, so the signed value is the same as H3's unsigned one.
type Cell = int64

// FromPoint returns the cell of resolution res (0–15) containing the point p
// ([lon, lat] in WGS84 degrees).
func FromPoint(p orb.Point, res int) (Cell, error) {
	if err := checkRes(res); err != nil {
		return 0, fmt.Errorf("hex: cell of point: %w", err)
	}
	if err := checkPoint(p); err != nil {
		return 0, fmt.Errorf("hex: cell of point: %w", err)
	}
	c := h3.LatLngToCell(h3.NewLatLng(p[1], p[0]), res)
	if c == 0 {
		return 0, fmt.Errorf("hex: no cell for point %v at resolution %d", p, res)
	}
	return Cell(c), nil
}

// Res returns the resolution of c, read from bits 52–55 of the index.
func Res(c Cell) int {
	return int((c >> resShift) & resMask)
}

// Parent returns the ancestor of c at resolution res. It equals H3's
// cellToParent but is computed by bit manipulation alone, without a cgo call,
// and mirrors the SQL built by [ParentSQLExpr] and [ParentSQLiteExpr].
//
// An H3 cell index is laid out, from the most significant bit:
//
//	bit  63      reserved, always 0
//	bits 59–62   mode, 1 for a cell
//	bits 56–58   mode-dependent, 0 for a cell
//	bits 52–55   resolution r, 0–15
//	bits 45–51   base cell, 0–121
//	bits 42–44   digit 1 (the child of the base cell at resolution 1)
//	...
//	bits  0–2    digit 15
//
// Digit d occupies bits 3·(15−d) to 3·(15−d)+2; digits d > r are unused
// and set to 7 (binary 111). The parent at resolution res is therefore the
// index with the resolution field replaced by res and the lowest 3·(15−res)
// bits (digits res+1 to 15) all set to 1.
//
// Parent returns c itself when res == Res(c), and 0 when res is outside
// 0..Res(c), as H3 does.
func Parent(c Cell, res int) Cell {
	if res < 0 || res > Res(c) {
		return 0
	}
	return (c &^ (resMask << resShift)) | (Cell(res) << resShift) | (1<<(digitBits*(MaxRes-res)) - 1)
}

// ParentSQLExpr returns a PostgreSQL bigint expression computing the parent,
// at the resolution given by the SQL expression resParam (typically a bind
// parameter such as "$2"), of the H3 cell stored in the column or expression
// col. It applies the same arithmetic as [Parent]:
//
//	(((col)::bigint & ~(15::bigint << 52))
//	  | (((res)::integer)::bigint << 52)
//	  | ((1::bigint << (3 * (15 - (res)::integer))) - 1))
//
// resParam is cast to integer wherever it appears, so that a bind parameter
// gets one consistent type (bigint << integer is the only shift PostgreSQL
// has). The resolution must lie between 0 and the resolution of the stored
// cells; unlike Parent, the expression does not check it. col and resParam
// are pasted verbatim: pass trusted SQL, never user input.
func ParentSQLExpr(col, resParam string) string {
	// Keep a space between "&" and "~": PostgreSQL would lex "&~" as a
	// single (non-existent) operator.
	return fmt.Sprintf("(((%[1]s)::bigint & ~(15::bigint << 52)) | (((%[2]s)::integer)::bigint << 52) | ((1::bigint << (3 * (15 - (%[2]s)::integer))) - 1))", col, resParam)
}

// ParentSQLiteExpr returns the SQLite equivalent of [ParentSQLExpr]: an
// integer expression computing the parent, at resolution resParam, of the H3
// cell in col. SQLite integers are 64-bit signed, like Cell.
//
// resParam appears twice in the expression, so a bare positional "?" would
// consume two arguments: use a numbered ("?2") or named (":res") parameter.
// col and resParam are pasted verbatim: pass trusted SQL, never user input.
func ParentSQLiteExpr(col, resParam string) string {
	return fmt.Sprintf("(((%[1]s) & ~(15 << 52)) | ((%[2]s) << 52) | ((1 << (3 * (15 - (%[2]s)))) - 1))", col, resParam)
}

// Valid reports whether c is a valid H3 cell index (hexagon or pentagon).
func Valid(c Cell) bool {
	return h3.Cell(c).IsValid()
}

// String formats c as H3 does: lower-case hexadecimal without prefix, e.g.
// "8f31aa5535b2a48".
func String(c Cell) string {
	return strconv.FormatUint(uint64(c), 16)
}

// Parse parses the hexadecimal form of an H3 cell, as produced by [String]
// (case-insensitive, optional "0x" prefix), and checks that it is valid.
func Parse(s string) (Cell, error) {
	digits := s
	if len(digits) > 2 && (digits[:2] == "0x" || digits[:2] == "0X") {
		digits = digits[2:]
	}
	u, err := strconv.ParseUint(digits, 16, 64)
	if err != nil {
		return 0, fmt.Errorf("hex: parse cell %q: %w", s, err)
	}
	c := Cell(u)
	if !Valid(c) {
		return 0, fmt.Errorf("hex: parse cell %q: not a valid H3 cell", s)
	}
	return c, nil
}

// Boundary returns the outline of c as a polygon with a single closed ring,
// in [lon, lat] order and counter-clockwise, as H3 emits it. It returns nil
// for an invalid cell. Cells crossing the antimeridian are not unwrapped.
func Boundary(c Cell) orb.Polygon {
	if !Valid(c) {
		return nil
	}
	b := h3.CellToBoundary(h3.Cell(c))
	if len(b) == 0 {
		return nil
	}
	ring := make(orb.Ring, 0, len(b)+1)
	for _, ll := range b {
		ring = append(ring, orb.Point{ll.Lng, ll.Lat})
	}
	ring = append(ring, ring[0])
	return orb.Polygon{ring}
}

// Center returns the centre of c as [lon, lat], or the zero point for an
// invalid cell.
func Center(c Cell) orb.Point {
	if !Valid(c) {
		return orb.Point{}
	}
	ll := h3.CellToLatLng(h3.Cell(c))
	return orb.Point{ll.Lng, ll.Lat}
}

// Disk returns the cells within grid distance k of c, c included (H3
// gridDisk), in no particular order: 3k(k+1)+1 cells, fewer near a pentagon.
// It returns nil for an invalid cell or a negative k.
func Disk(c Cell, k int) []Cell {
	if k < 0 || !Valid(c) {
		return nil
	}
	return toCells(h3.GridDisk(h3.Cell(c), k))
}

// PolygonCells returns, sorted, the cells of resolution res whose centre lies
// inside poly (H3 polygonToCells); holes are honoured. poly is in [lon, lat]
// order; rings may be open or closed and of either orientation. Degenerate
// polygons (empty, or with no area) yield no cells. Polygons whose bounding
// box would hold more than [MaxPolygonCells] cells are refused.
func PolygonCells(poly orb.Polygon, res int) ([]Cell, error) {
	cells, err := polygonCells(poly, res)
	if err != nil {
		return nil, fmt.Errorf("hex: polygon cells: %w", err)
	}
	return cells, nil
}

// polygonCells implements PolygonCells, with errors lacking the package
// prefix.
func polygonCells(poly orb.Polygon, res int) ([]Cell, error) {
	if err := checkRes(res); err != nil {
		return nil, err
	}
	for _, r := range poly {
		for _, p := range r {
			if err := checkPoint(p); err != nil {
				return nil, err
			}
		}
	}
	if len(poly) == 0 || !hasArea(poly[0]) {
		return nil, nil
	}
	if n := EstimateCells(poly[0].Bound(), res); n > MaxPolygonCells {
		return nil, fmt.Errorf("polygon too large: about %.0f cells at resolution %d, limit %d", n, res, MaxPolygonCells)
	}
	gp := h3.GeoPolygon{GeoLoop: toGeoLoop(poly[0])}
	for _, hole := range poly[1:] {
		if hasArea(hole) {
			gp.Holes = append(gp.Holes, toGeoLoop(hole))
		}
	}
	cells := toCells(h3.PolygonToCells(gp, res))
	slices.Sort(cells)
	return slices.Compact(cells), nil
}

// MultiPolygonCells returns the union of [PolygonCells] over the polygons of
// mp: sorted and without duplicates.
func MultiPolygonCells(mp orb.MultiPolygon, res int) ([]Cell, error) {
	var all []Cell
	for i, poly := range mp {
		cells, err := polygonCells(poly, res)
		if err != nil {
			return nil, fmt.Errorf("hex: multipolygon cells: polygon %d: %w", i, err)
		}
		all = append(all, cells...)
	}
	slices.Sort(all)
	return slices.Compact(all), nil
}

// AreaKm2 returns the exact area of c in square kilometres, or 0 for an
// invalid cell.
func AreaKm2(c Cell) float64 {
	if !Valid(c) {
		return 0
	}
	return h3.CellAreaKm2(h3.Cell(c))
}

// checkRes returns an error unless res is a valid H3 resolution.
func checkRes(res int) error {
	if res < 0 || res > MaxRes {
		return fmt.Errorf("resolution %d out of range 0..%d", res, MaxRes)
	}
	return nil
}

// checkPoint returns an error unless p is a finite [lon, lat] with a
// latitude within ±90°.
func checkPoint(p orb.Point) error {
	lon, lat := p[0], p[1]
	if math.IsNaN(lon) || math.IsInf(lon, 0) || math.IsNaN(lat) || math.IsInf(lat, 0) {
		return fmt.Errorf("non-finite coordinate in %v", p)
	}
	if lat < -90 || lat > 90 {
		return fmt.Errorf("latitude %g out of range -90..90", lat)
	}
	return nil
}

// hasArea reports whether the ring has at least three vertices and a bounding
// box of non-zero width and height. H3 fails (and h3-go then panics) on
// rings without.
func hasArea(r orb.Ring) bool {
	if len(openRing(r)) < 3 {
		return false
	}
	b := r.Bound()
	return b.Max[0] > b.Min[0] && b.Max[1] > b.Min[1]
}

// openRing drops the closing vertex of a closed ring: H3 loops are
// implicitly closed.
func openRing(r orb.Ring) orb.Ring {
	if len(r) > 1 && r[0] == r[len(r)-1] {
		return r[:len(r)-1]
	}
	return r
}

// toGeoLoop converts a [lon, lat] ring to an H3 loop.
func toGeoLoop(r orb.Ring) h3.GeoLoop {
	r = openRing(r)
	loop := make(h3.GeoLoop, len(r))
	for i, p := range r {
		loop[i] = h3.NewLatLng(p[1], p[0])
	}
	return loop
}

// toCells converts H3 cells to Cells, dropping the zero entries H3 may leave.
func toCells(in []h3.Cell) []Cell {
	out := make([]Cell, 0, len(in))
	for _, c := range in {
		if c != 0 {
			out = append(out, Cell(c))
		}
	}
	return out
}

// EstimateCells estimates how many cells of resolution res cover the
// bounding box b (in [lon, lat]), from its spherical area and the average
// cell area.
func EstimateCells(b orb.Bound, res int) float64 {
	const earthRadiusKm = 6371.0088
	rad := math.Pi / 180
	dLon := (b.Max[0] - b.Min[0]) * rad
	areaKm2 := earthRadiusKm * earthRadiusKm * dLon * math.Abs(math.Sin(b.Max[1]*rad)-math.Sin(b.Min[1]*rad))
	return areaKm2 / h3.HexagonAreaAvgKm2(res)
}
