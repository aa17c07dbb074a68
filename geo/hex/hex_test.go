package hex

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/planar"
	"github.com/uber/h3-go/v4"
)

// Bounds of 丰台街道, where the random test points are drawn.
const (
	streetMinLon, streetMaxLon = 116.270, 116.305
	streetMinLat, streetMaxLat = 39.845, 39.870

	numRandomPoints = 1000
)

// randomStreetPoints returns n reproducible random points in the street's
// bounding box.
func randomStreetPoints(n int) []orb.Point {
	rng := rand.New(rand.NewPCG(2024, 1))
	pts := make([]orb.Point, n)
	for i := range pts {
		pts[i] = orb.Point{
			streetMinLon + rng.Float64()*(streetMaxLon-streetMinLon),
			streetMinLat + rng.Float64()*(streetMaxLat-streetMinLat),
		}
	}
	return pts
}

// randomWorldPoints returns n reproducible random points spread over the
// globe (uniform on the sphere), to reach every base cell and pentagons.
func randomWorldPoints(n int) []orb.Point {
	rng := rand.New(rand.NewPCG(7, 7))
	pts := make([]orb.Point, n)
	for i := range pts {
		pts[i] = orb.Point{
			rng.Float64()*360 - 180,
			math.Asin(rng.Float64()*2-1) * 180 / math.Pi,
		}
	}
	return pts
}

// mustCell is FromPoint for inputs known to be valid.
func mustCell(t testing.TB, p orb.Point, res int) Cell {
	t.Helper()
	c, err := FromPoint(p, res)
	if err != nil {
		t.Fatalf("FromPoint(%v, %d): %v", p, res, err)
	}
	return c
}

func TestParentMatchesH3(t *testing.T) {
	sets := []struct {
		name string
		pts  []orb.Point
	}{
		{"street", randomStreetPoints(numRandomPoints)},
		{"world", randomWorldPoints(numRandomPoints)},
	}
	for _, set := range sets {
		t.Run(set.name, func(t *testing.T) {
			checked := 0
			for _, p := range set.pts {
				// Children at every resolution, parents at every coarser
				// one, plus the out-of-range resolutions on both sides.
				for childRes := 0; childRes <= MaxRes; childRes++ {
					c := mustCell(t, p, childRes)
					for res := -1; res <= MaxRes+1; res++ {
						want := Cell(h3.Cell(c).Parent(res))
						if got := Parent(c, res); got != want {
							t.Fatalf("Parent(%s, %d) = %s, h3 says %s (point %v)", String(c), res, String(got), String(want), p)
						}
						checked++
					}
				}
			}
			t.Logf("%d Parent results equal h3 cellToParent", checked)
		})
	}
}

func TestParentStoreRes(t *testing.T) {
	for _, p := range randomStreetPoints(100) {
		stored := mustCell(t, p, StoreRes)
		for res := 0; res <= StoreRes; res++ {
			if got, want := Parent(stored, res), mustCell(t, p, res); Res(got) != res || !Valid(got) {
				t.Fatalf("Parent(%s, %d) = %s: invalid or wrong resolution", String(stored), res, String(got))
			} else if res == StoreRes && got != want {
				t.Fatalf("Parent at the stored resolution changed the cell")
			}
		}
	}
}

// TestParentSQLFormula evaluates the exact SQL text built by ParentSQLExpr
// and ParentSQLiteExpr with a small integer-expression interpreter, and
// compares it with Parent. The interpreter refuses to mix different binary
// operators without parentheses, so the result cannot depend on the
// (different) operator precedences of PostgreSQL and SQLite.
func TestParentSQLFormula(t *testing.T) {
	dialects := []struct {
		name     string
		expr     string
		col, res string
	}{
		{"postgres", ParentSQLExpr("i.h3_cell", "$2"), "i.h3_cell", "$2"},
		{"sqlite", ParentSQLiteExpr("h3_cell", ":res"), "h3_cell", ":res"},
	}
	for _, d := range dialects {
		t.Run(d.name, func(t *testing.T) {
			t.Logf("%s", d.expr)
			if strings.Contains(d.expr, "&~") {
				t.Errorf("expression contains %q, which PostgreSQL lexes as one operator", "&~")
			}
			if d.name == "sqlite" && strings.Contains(d.expr, "::") {
				t.Errorf("SQLite expression uses a PostgreSQL cast")
			}
			for _, p := range randomStreetPoints(numRandomPoints) {
				c := mustCell(t, p, StoreRes)
				for res := 0; res <= StoreRes; res++ {
					got, err := evalSQL(d.expr, map[string]int64{d.col: c, d.res: int64(res)})
					if err != nil {
						t.Fatalf("evaluating %s: %v", d.expr, err)
					}
					if want := Parent(c, res); got != want {
						t.Fatalf("SQL parent of %s at %d = %s, want %s", String(c), res, String(got), String(want))
					}
				}
			}
		})
	}
}

func TestParentSQLExprText(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{ParentSQLExpr("h3", "$1"), "(((h3)::bigint & ~(15::bigint << 52)) | ((($1)::integer)::bigint << 52) | ((1::bigint << (3 * (15 - ($1)::integer))) - 1))"},
		{ParentSQLiteExpr("h3", "?1"), "(((h3) & ~(15 << 52)) | ((?1) << 52) | ((1 << (3 * (15 - (?1)))) - 1))"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got  %s\nwant %s", tt.got, tt.want)
		}
	}
}

func TestKnownCell(t *testing.T) {
	// The example of the H3 documentation (h3geo.org, "Quick Start"):
	// lat 37.775938728915946, lng -122.41795063018799 at resolution 9.
	sf := orb.Point{-122.41795063018799, 37.775938728915946}
	c := mustCell(t, sf, 9)
	if got, want := String(c), "8928308280fffff"; got != want {
		t.Errorf("String(FromPoint(sf, 9)) = %s, want %s", got, want)
	}
	if Res(c) != 9 || !Valid(c) {
		t.Errorf("Res = %d, Valid = %v", Res(c), Valid(c))
	}
	if c < 0 {
		t.Errorf("cell %d is negative as int64", c)
	}
}

func TestFromPointErrors(t *testing.T) {
	tests := []struct {
		name string
		p    orb.Point
		res  int
		want string
	}{
		{"res too small", orb.Point{116.29, 39.86}, -1, "resolution -1 out of range"},
		{"res too large", orb.Point{116.29, 39.86}, 16, "resolution 16 out of range"},
		{"NaN", orb.Point{math.NaN(), 39.86}, 9, "non-finite"},
		{"Inf", orb.Point{116.29, math.Inf(-1)}, 9, "non-finite"},
		{"latitude", orb.Point{116.29, 91}, 9, "latitude 91 out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := FromPoint(tt.p, tt.res)
			if err == nil {
				t.Fatalf("FromPoint(%v, %d) = %s, want error", tt.p, tt.res, String(c))
			}
			if !strings.HasPrefix(err.Error(), "hex: ") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want prefix %q and %q", err, "hex: ", tt.want)
			}
		})
	}
}

func TestRoundTrips(t *testing.T) {
	for _, p := range randomStreetPoints(200) {
		for res := 0; res <= MaxRes; res++ {
			c := mustCell(t, p, res)
			if Res(c) != res || !Valid(c) {
				t.Fatalf("FromPoint(%v, %d) = %s: Res %d, Valid %v", p, res, String(c), Res(c), Valid(c))
			}

			// String ↔ Parse, also in upper case and with a prefix.
			s := String(c)
			if s != h3.Cell(c).String() {
				t.Fatalf("String = %s, h3 prints %s", s, h3.Cell(c))
			}
			for _, in := range []string{s, strings.ToUpper(s), "0x" + s} {
				if got, err := Parse(in); err != nil || got != c {
					t.Fatalf("Parse(%q) = %s, %v; want %s", in, String(got), err, s)
				}
			}

			// Centre ↔ cell.
			center := Center(c)
			if back := mustCell(t, center, res); back != c {
				t.Fatalf("FromPoint(Center(%s)) = %s", s, String(back))
			}

			// The boundary is a closed, counter-clockwise ring around the
			// centre and the original point.
			poly := Boundary(c)
			if len(poly) != 1 {
				t.Fatalf("Boundary(%s) has %d rings", s, len(poly))
			}
			ring := poly[0]
			// 5 or 6 vertices, plus up to 4 distortion vertices at
			// Class III resolutions, plus the closing one.
			wantMin := 7
			if h3.Cell(c).IsPentagon() {
				wantMin = 6
			}
			if len(ring) < wantMin || len(ring) > 11 || !ring.Closed() {
				t.Fatalf("Boundary(%s) = %v: want a closed ring of %d to 11 points", s, ring, wantMin)
			}
			if o := ring.Orientation(); o != orb.CCW {
				t.Fatalf("Boundary(%s) orientation %v, want CCW", s, o)
			}
			if !planar.RingContains(ring, center) {
				t.Fatalf("Boundary(%s) does not contain its centre", s)
			}
			if res >= 5 && !planar.RingContains(ring, p) {
				// Above resolution 5 edges are short enough for planar
				// containment to agree with H3's.
				t.Fatalf("Boundary(%s) does not contain %v", s, p)
			}

			// Area close to the average of the resolution.
			area, avg := AreaKm2(c), h3.HexagonAreaAvgKm2(res)
			if area < 0.5*avg || area > 1.5*avg {
				t.Fatalf("AreaKm2(%s) = %g km², average %g", s, area, avg)
			}
		}
	}
}

func TestStoreResCellSize(t *testing.T) {
	c := mustCell(t, orb.Point{116.2875, 39.8575}, StoreRes)
	areaM2 := AreaKm2(c) * 1e6
	if areaM2 < 0.5 || areaM2 > 1.5 {
		t.Errorf("StoreRes cell area %.3f m², want under 1 m²", areaM2)
	}
	t.Logf("cell %s at resolution %d: %.3f m²", String(c), StoreRes, areaM2)
}

func TestParseErrors(t *testing.T) {
	for _, in := range []string{
		"",
		"0x",
		"zz",
		"8928308280fffffff",   // 17 digits: overflows 64 bits
		"-8928308280fffff",    // signed
		"0",                   // null index
		"1",                   // not a cell
		"ffffffffffffffff",    // top bit set
		"1928308280fffff",     // mode 0
		"8f28308280fffff",     // resolution 15 claimed, digits say 9
		"8928308280fffff ",    // trailing space
		"  8928308280fffff",   // leading space
		"g928308280fffff",     // not hex
		"0x0x8928308280fffff", // double prefix
	} {
		c, err := Parse(in)
		if err == nil {
			t.Errorf("Parse(%q) = %s, want error", in, String(c))
			continue
		}
		if c != 0 {
			t.Errorf("Parse(%q) returned %d with an error", in, c)
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, "hex: ") || msg != strings.ToLower(msg[:1])+msg[1:] {
			t.Errorf("Parse(%q) error %q: want lower-case with prefix", in, msg)
		}
	}
	// Syntax errors wrap strconv's.
	if _, err := Parse("zz"); !isNumError(err) {
		t.Errorf("Parse(%q) error %v does not wrap *strconv.NumError", "zz", err)
	}
}

// isNumError reports whether err wraps a *strconv.NumError.
func isNumError(err error) bool {
	var ne *strconv.NumError
	return errors.As(err, &ne)
}

func TestInvalidCell(t *testing.T) {
	for _, c := range []Cell{0, -1, 1, 0x0928308280fffff} {
		if Valid(c) {
			t.Errorf("Valid(%d) = true", c)
		}
		if Boundary(c) != nil {
			t.Errorf("Boundary(%d) not nil", c)
		}
		if Center(c) != (orb.Point{}) {
			t.Errorf("Center(%d) not zero", c)
		}
		if Disk(c, 1) != nil {
			t.Errorf("Disk(%d) not nil", c)
		}
		if AreaKm2(c) != 0 {
			t.Errorf("AreaKm2(%d) not zero", c)
		}
	}
}

func TestDisk(t *testing.T) {
	c := mustCell(t, orb.Point{116.2875, 39.8575}, 12)
	tests := []struct {
		k    int
		want int
	}{
		{-1, 0},
		{0, 1},
		{1, 7},
		{2, 19},
		{5, 91},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint("k=", tt.k), func(t *testing.T) {
			disk := Disk(c, tt.k)
			if len(disk) != tt.want {
				t.Fatalf("len(Disk(c, %d)) = %d, want %d", tt.k, len(disk), tt.want)
			}
			if tt.k < 0 {
				return
			}
			if !slices.Contains(disk, c) {
				t.Errorf("Disk(c, %d) does not contain c", tt.k)
			}
			seen := map[Cell]bool{}
			for _, n := range disk {
				if seen[n] || !Valid(n) || Res(n) != 12 {
					t.Fatalf("Disk(c, %d): duplicate or bad cell %s", tt.k, String(n))
				}
				seen[n] = true
				if d := h3.GridDistance(h3.Cell(c), h3.Cell(n)); d > tt.k {
					t.Errorf("cell %s at grid distance %d > %d", String(n), d, tt.k)
				}
			}
		})
	}
}

// square returns a closed counter-clockwise square ring of the given half
// side (degrees) around centre.
func square(center orb.Point, half float64) orb.Ring {
	return orb.Ring{
		{center[0] - half, center[1] - half},
		{center[0] + half, center[1] - half},
		{center[0] + half, center[1] + half},
		{center[0] - half, center[1] + half},
		{center[0] - half, center[1] - half},
	}
}

// bruteForceCells returns, sorted, the cells of resolution res near poly
// whose centre lies inside poly (holes honoured), by testing every cell of a
// disk large enough to cover poly's bounding box.
func bruteForceCells(t *testing.T, poly orb.Polygon, res int) []Cell {
	t.Helper()
	b := poly.Bound()
	origin := mustCell(t, b.Center(), res)
	radiusM := orbgeo.DistanceHaversine(b.Min, b.Max) / 2
	edgeM := h3.HexagonEdgeLengthAvgM(res)
	k := int(radiusM/(edgeM*1.5)) + 3
	var cells []Cell
	for _, c := range Disk(origin, k) {
		if planar.PolygonContains(poly, Center(c)) {
			cells = append(cells, c)
		}
	}
	slices.Sort(cells)
	return cells
}

func TestPolygonCellsBruteForce(t *testing.T) {
	center := orb.Point{116.2875, 39.8575}
	tests := []struct {
		name string
		poly orb.Polygon
		res  int
	}{
		{"800 m square, res 10", orb.Polygon{square(center, 0.004)}, 10},
		{"200 m square, res 11", orb.Polygon{square(center, 0.001)}, 11},
		{"200 m square, res 12", orb.Polygon{square(center, 0.001)}, 12},
		{"100 m square, res 13", orb.Polygon{square(orb.Point{116.2801, 39.8512}, 0.0005)}, 13},
		{"square with hole, res 12", orb.Polygon{square(center, 0.001), square(center, 0.0004)}, 12},
		{"clockwise square, res 12", orb.Polygon{reversed(square(center, 0.001))}, 12},
		{"open ring, res 11", orb.Polygon{square(center, 0.001)[:4]}, 11},
		{"triangle, res 12", orb.Polygon{{{116.28, 39.85}, {116.29, 39.851}, {116.283, 39.858}, {116.28, 39.85}}}, 12},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := PolygonCells(tt.poly, tt.res)
			if err != nil {
				t.Fatal(err)
			}
			want := bruteForceCells(t, tt.poly, tt.res)
			if len(want) < 10 {
				t.Fatalf("test polygon too small: %d cells", len(want))
			}
			if !slices.Equal(got, want) {
				t.Errorf("PolygonCells: %d cells, brute force: %d cells", len(got), len(want))
			}
			if !slices.IsSorted(got) {
				t.Errorf("result not sorted")
			}
			t.Logf("%d cells", len(got))
		})
	}
}

func reversed(r orb.Ring) orb.Ring {
	out := slices.Clone(r)
	slices.Reverse(out)
	return out
}

func TestPolygonCellsHoleExcluded(t *testing.T) {
	center := orb.Point{116.2875, 39.8575}
	outer, hole := square(center, 0.001), square(center, 0.0004)
	full, err := PolygonCells(orb.Polygon{outer}, 12)
	if err != nil {
		t.Fatal(err)
	}
	holed, err := PolygonCells(orb.Polygon{outer, hole}, 12)
	if err != nil {
		t.Fatal(err)
	}
	inHole, err := PolygonCells(orb.Polygon{hole}, 12)
	if err != nil {
		t.Fatal(err)
	}
	if len(inHole) == 0 || len(holed)+len(inHole) != len(full) {
		t.Errorf("full %d cells, with hole %d, hole %d", len(full), len(holed), len(inHole))
	}
	for _, c := range inHole {
		if _, found := slices.BinarySearch(holed, c); found {
			t.Errorf("cell %s of the hole is in the holed polygon's cells", String(c))
		}
	}
}

func TestPolygonCellsEdgeCases(t *testing.T) {
	center := orb.Point{116.2875, 39.8575}
	tests := []struct {
		name    string
		poly    orb.Polygon
		res     int
		wantErr string
		wantN   int
	}{
		{"nil polygon", nil, 9, "", 0},
		{"empty ring", orb.Polygon{{}}, 9, "", 0},
		{"two points", orb.Polygon{{{116.28, 39.85}, {116.29, 39.86}}}, 9, "", 0},
		{"flat ring", orb.Polygon{{{116.28, 39.85}, {116.29, 39.85}, {116.30, 39.85}, {116.28, 39.85}}}, 9, "", 0},
		{"smaller than a cell", orb.Polygon{square(center, 0.00001)}, 7, "", 0},
		{"degenerate hole ignored", orb.Polygon{square(center, 0.001), {{116.2875, 39.8575}}}, 10, "", -1},
		{"bad resolution", orb.Polygon{square(center, 0.001)}, 16, "hex: polygon cells: resolution 16 out of range", 0},
		{"NaN vertex", orb.Polygon{{{116.28, math.NaN()}, {116.29, 39.85}, {116.29, 39.86}}}, 9, "hex: polygon cells: non-finite coordinate", 0},
		{"NaN in hole", orb.Polygon{square(center, 0.001), {{math.NaN(), 0}}}, 9, "non-finite coordinate", 0},
		{"too large: Beijing at res 12", orb.Polygon{square(orb.Point{116.4, 40}, 0.8)}, 12, "hex: polygon cells: polygon too large", 0},
		// Would run for well over 10 minutes inside H3.
		{"too large: the street at res 15", orb.Polygon{square(orb.Point{116.2875, 39.8575}, 0.0175)}, 15, "hex: polygon cells: polygon too large", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := PolygonCells(tt.poly, tt.res)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantN >= 0 && len(got) != tt.wantN {
				t.Errorf("got %d cells, want %d", len(got), tt.wantN)
			}
			if tt.wantN < 0 {
				want := bruteForceCells(t, orb.Polygon{tt.poly[0]}, tt.res)
				if !slices.Equal(got, want) {
					t.Errorf("got %d cells, want %d", len(got), len(want))
				}
			}
		})
	}
}

func TestMultiPolygonCells(t *testing.T) {
	a := orb.Polygon{square(orb.Point{116.2875, 39.8575}, 0.001)}
	b := orb.Polygon{square(orb.Point{116.2885, 39.8580}, 0.001)} // overlaps a
	c := orb.Polygon{square(orb.Point{116.2750, 39.8480}, 0.0005)}
	mp := orb.MultiPolygon{a, b, c}

	got, err := MultiPolygonCells(mp, 12)
	if err != nil {
		t.Fatal(err)
	}
	var want []Cell
	for _, poly := range mp {
		want = append(want, bruteForceCells(t, poly, 12)...)
	}
	slices.Sort(want)
	want = slices.Compact(want)
	if !slices.Equal(got, want) {
		t.Errorf("got %d cells, want %d", len(got), len(want))
	}
	ca, _ := PolygonCells(a, 12)
	cb, _ := PolygonCells(b, 12)
	cc, _ := PolygonCells(c, 12)
	if len(got) >= len(ca)+len(cb)+len(cc) {
		t.Errorf("overlap not deduplicated: %d ≥ %d", len(got), len(ca)+len(cb)+len(cc))
	}

	if cells, err := MultiPolygonCells(nil, 12); err != nil || len(cells) != 0 {
		t.Errorf("MultiPolygonCells(nil) = %v, %v", cells, err)
	}
	_, err = MultiPolygonCells(orb.MultiPolygon{a, {{{math.Inf(1), 0}}}}, 12)
	if err == nil || !strings.HasPrefix(err.Error(), "hex: multipolygon cells: polygon 1: non-finite") {
		t.Errorf("error %v, want one naming polygon 1", err)
	}
}

// evalSQL evaluates the integer SQL expression expr, in which the names of
// vars stand for their values. It supports integer literals, parentheses,
// casts to bigint/integer, unary ~ and the binary operators | & << - *,
// with 64-bit two's-complement semantics as in PostgreSQL and SQLite. Mixing
// binary operators at one parenthesis level, or repeating a
// non-associative one, is an error, so the result is independent of operator
// precedence.
func evalSQL(expr string, vars map[string]int64) (int64, error) {
	toks, err := tokenize(expr)
	if err != nil {
		return 0, err
	}
	e := &sqlEval{toks: toks, vars: vars}
	v, err := e.expr()
	if err != nil {
		return 0, err
	}
	if e.pos != len(e.toks) {
		return 0, fmt.Errorf("unexpected %q at end", e.toks[e.pos])
	}
	return v, nil
}

type sqlEval struct {
	toks []string
	pos  int
	vars map[string]int64
}

func tokenize(s string) ([]string, error) {
	var toks []string
	isName := func(r byte) bool {
		return r == '_' || r == '$' || r == '?' || r == ':' || r == '.' || unicode.IsLetter(rune(r)) || unicode.IsDigit(rune(r))
	}
	for i := 0; i < len(s); {
		switch ch := s[i]; {
		case ch == ' ':
			i++
		case strings.HasPrefix(s[i:], "::"):
			toks = append(toks, "::")
			i += 2
		case strings.HasPrefix(s[i:], "<<"):
			toks = append(toks, "<<")
			i += 2
		case strings.ContainsRune("()~|&-*", rune(ch)):
			toks = append(toks, string(ch))
			i++
		case isName(ch):
			j := i
			for j < len(s) && isName(s[j]) && !strings.HasPrefix(s[j:], "::") {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		default:
			return nil, fmt.Errorf("unexpected character %q", ch)
		}
	}
	return toks, nil
}

func (e *sqlEval) peek() string {
	if e.pos < len(e.toks) {
		return e.toks[e.pos]
	}
	return ""
}

func (e *sqlEval) next() string {
	t := e.peek()
	e.pos++
	return t
}

// expr parses operand (op operand)* with a single operator kind.
func (e *sqlEval) expr() (int64, error) {
	v, err := e.unary()
	if err != nil {
		return 0, err
	}
	op := ""
	for {
		t := e.peek()
		if !slices.Contains([]string{"|", "&", "<<", "-", "*"}, t) {
			return v, nil
		}
		if op != "" && (t != op || t == "<<" || t == "-") {
			return 0, fmt.Errorf("ambiguous precedence: %q after %q without parentheses", t, op)
		}
		op = e.next()
		w, err := e.unary()
		if err != nil {
			return 0, err
		}
		switch op {
		case "|":
			v |= w
		case "&":
			v &= w
		case "-":
			v -= w
		case "*":
			v *= w
		case "<<":
			if w < 0 || w > 63 {
				return 0, fmt.Errorf("shift by %d", w)
			}
			v <<= w
		}
	}
}

func (e *sqlEval) unary() (int64, error) {
	if e.peek() == "~" {
		e.next()
		v, err := e.unary()
		return ^v, err
	}
	v, err := e.primary()
	if err != nil {
		return 0, err
	}
	for e.peek() == "::" {
		e.next()
		switch typ := e.next(); typ {
		case "bigint":
		case "integer":
			if v < math.MinInt32 || v > math.MaxInt32 {
				return 0, fmt.Errorf("integer out of range: %d", v)
			}
		default:
			return 0, fmt.Errorf("unknown type %q", typ)
		}
	}
	return v, nil
}

func (e *sqlEval) primary() (int64, error) {
	t := e.next()
	switch {
	case t == "(":
		v, err := e.expr()
		if err != nil {
			return 0, err
		}
		if e.next() != ")" {
			return 0, fmt.Errorf("missing )")
		}
		return v, nil
	case t != "" && unicode.IsDigit(rune(t[0])):
		return strconv.ParseInt(t, 10, 64)
	default:
		v, ok := e.vars[t]
		if !ok {
			return 0, fmt.Errorf("unexpected token %q", t)
		}
		return v, nil
	}
}

func TestEvalSQL(t *testing.T) {
	vars := map[string]int64{"x": 5}
	tests := []struct {
		expr    string
		want    int64
		wantErr bool
	}{
		{"((1 << 3) - 1)", 7, false},
		{"~(15::bigint << 52)", ^(int64(15) << 52), false},
		{"(x | 2 | 8)", 15, false},
		{"3 * (15 - (x)::integer)", 30, false},
		{"1 << 3 - 1", 0, true}, // precedence-dependent
		{"x - 1 - 1", 0, true},
		{"x & ~ 1 | 2", 0, true},
		{"(y)", 0, true},
		{"((5)", 0, true},
	}
	for _, tt := range tests {
		got, err := evalSQL(tt.expr, vars)
		if (err != nil) != tt.wantErr || (!tt.wantErr && got != tt.want) {
			t.Errorf("evalSQL(%q) = %d, %v; want %d, error %v", tt.expr, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestExactCells(t *testing.T) {
	tests := []struct {
		name string
		p    orb.Point
	}{
		{"丰台街道", orb.Point{116.2843, 39.8577}},
		{"origin", orb.Point{0, 0}},
		{"near pole", orb.Point{10, 89.9}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cells, err := ExactCells(tc.p)
			if err != nil {
				t.Fatal(err)
			}
			for i, c := range cells {
				res := MinExactRes + i
				want, err := FromPoint(tc.p, res)
				if err != nil {
					t.Fatal(err)
				}
				if c != want || Res(c) != res {
					t.Errorf("res %d: cell %s, want %s", res, String(c), String(want))
				}
			}
		})
	}
	if _, err := ExactCells(orb.Point{0, 91}); err == nil {
		t.Error("latitude 91: no error")
	}
}

// BenchmarkExactCells is the write path's extra work per incident: its
// cells at the seven stored resolutions (against one FromPoint, the
// resolution-15 cell stored before).
func BenchmarkExactCells(b *testing.B) {
	p := orb.Point{116.2843, 39.8577}
	b.Run("ExactCells", func(b *testing.B) {
		for b.Loop() {
			if _, err := ExactCells(p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("FromPoint15", func(b *testing.B) {
		for b.Loop() {
			if _, err := FromPoint(p, StoreRes); err != nil {
				b.Fatal(err)
			}
		}
	})
}
