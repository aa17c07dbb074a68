package cql2

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

// testSchema is the schema the tests parse against. "and" and "date" test
// quoting of reserved and contextual keywords; "road name" a quoted name.
func testSchema() SchemaMap {
	return SchemaMap{
		"name":      TString,
		"名称":        TString,
		"kind":      TString,
		"road name": TString,
		"and":       TString,
		"pop":       TInt,
		"area":      TFloat,
		"open":      TBool,
		"t":         TTime,
		"date":      TTime,
		"geom":      TGeometry,
		"missing":   TInt,
		"nullname":  TString,
		"missingt":  TTime,
	}
}

func TestParseCanonical(t *testing.T) {
	tests := []struct{ in, want string }{
		{`name = 'x'`, `name = 'x'`},
		{`pop>5`, `pop > 5`},
		{`pop <> -3`, `pop <> -3`},
		{`pop<=-3`, `pop <= -3`},
		{`area >= 1.5e3`, `area >= 1500.0`},
		{`area < -0.0`, `area < -0.0`},
		{`area < .5`, `area < 0.5`},
		{`area = 1e-7`, `area = 1e-07`},
		{`area = 1E+21`, `area = 1e+21`},
		{`pop = 007`, `pop = 7`},
		{`pop = 9223372036854775808`, `pop = 9.223372036854776e+18`},
		{`pop = -9223372036854775808`, `pop = -9223372036854775808`},
		{`名称 = '丰台街道'`, `名称 = '丰台街道'`},
		{`name = 'it''s'`, `name = 'it''s'`},
		{`name = ''`, `name = ''`},
		{"name = 'line\nbreak'", "name = 'line\nbreak'"},
		{`open = true`, `open = TRUE`},
		{`open <> False`, `open <> FALSE`},
		{`name = 'a' and pop = 1 or open = false`, `name = 'a' AND pop = 1 OR open = FALSE`},
		{`name = 'a' and (pop = 1 or pop = 2)`, `name = 'a' AND (pop = 1 OR pop = 2)`},
		{`(name = 'a' and pop = 1) and open = true`, `name = 'a' AND pop = 1 AND open = TRUE`},
		{`pop = 1 or (pop = 2 or pop = 3)`, `pop = 1 OR pop = 2 OR pop = 3`},
		{`((pop = 1))`, `pop = 1`},
		{`not (pop = 1 or pop = 2)`, `NOT (pop = 1 OR pop = 2)`},
		{`not (pop = 1)`, `NOT pop = 1`},
		{`NOT NOT pop = 1`, `NOT NOT pop = 1`},
		{`not pop = 1 and pop = 2`, `NOT pop = 1 AND pop = 2`},
		{`pop in (1, 2, 3)`, `pop IN (1, 2, 3)`},
		{`pop not in (1, 2.5)`, `pop NOT IN (1.0, 2.5)`},
		{`name IN ('a','b')`, `name IN ('a', 'b')`},
		{`open in (true)`, `open IN (TRUE)`},
		{`name like '丰台%'`, `name LIKE '丰台%'`},
		{`name not like 'a\_b'`, `name NOT LIKE 'a\_b'`},
		{`name like 'a\\'`, `name LIKE 'a\\'`},
		{`pop between 1 and 10`, `pop BETWEEN 1 AND 10`},
		{`name NOT BETWEEN 'a' AND 'm'`, `name NOT BETWEEN 'a' AND 'm'`},
		{`name is null`, `name IS NULL`},
		{`geom is not null`, `geom IS NOT NULL`},
		{`not name is null`, `NOT name IS NULL`},
		{`"road name" = 'x'`, `"road name" = 'x'`},
		{`"and" = 'x'`, `"and" = 'x'`},
		{`"name" = 'x'`, `name = 'x'`},
		{`date = DATE('2026-01-01')`, `date = TIMESTAMP('2025-12-31T16:00:00Z')`}, // a DATE is a Beijing day,
		{`t > timestamp('2026-03-01T08:00:00.1234567+08:00')`, `t > TIMESTAMP('2026-03-01T00:00:00.123456Z')`},
		{`t in (timestamp('2026-01-01T00:00:00Z'), date('2026-02-01'))`,
			`t IN (TIMESTAMP('2026-01-01T00:00:00Z'), TIMESTAMP('2026-01-31T16:00:00Z'))`},
		{`t between date('2026-01-01') and date('2026-12-31')`,
			`t BETWEEN TIMESTAMP('2025-12-31T16:00:00Z') AND TIMESTAMP('2026-12-30T16:00:00Z')`},
		{`S_INTERSECTS(geom, BBOX(116.2, 39.8, 116.4, 39.9))`, `S_INTERSECTS(geom, BBOX(116.2, 39.8, 116.4, 39.9))`},
		{`s_intersects(geom,bbox(-180,-90,180,90))`, `S_INTERSECTS(geom, BBOX(-180, -90, 180, 90))`},
		{`S_INTERSECTS(geom, BBOX(1, 2, 1, 2))`, `S_INTERSECTS(geom, POINT(1 2))`},
		{`S_INTERSECTS(geom, BBOX(0, 1, 5, 1))`, `S_INTERSECTS(geom, LINESTRING(0 1, 5 1))`},
		{`S_INTERSECTS(geom, BBOX(3, 1, 3, 5))`, `S_INTERSECTS(geom, LINESTRING(3 1, 3 5))`},
		{`S_INTERSECTS(geom, POLYGON((0 0, 0 0, 1 0, 1 1, 1 1, 0 0)))`, `S_INTERSECTS(geom, POLYGON((0 0, 0 0, 1 0, 1 1, 1 1, 0 0)))`},
		{`S_INTERSECTS(geom, MULTIPOLYGON(((0 0, 9 0, 9 9, 0 9, 0 0), (1 1, 8 1, 8 8, 1 8, 1 1)), ((2 2, 3 2, 3 3, 2 2))))`,
			`S_INTERSECTS(geom, MULTIPOLYGON(((0 0, 9 0, 9 9, 0 9, 0 0), (1 1, 8 1, 8 8, 1 8, 1 1)), ((2 2, 3 2, 3 3, 2 2))))`},
		{`S_INTERSECTS(geom, POINT(116.3 39.85))`, `S_INTERSECTS(geom, POINT(116.3 39.85))`},
		{`S_INTERSECTS(geom, point (1 2))`, `S_INTERSECTS(geom, POINT(1 2))`},
		{`S_INTERSECTS(geom, LINESTRING(0 0, 1 1, 2 0))`, `S_INTERSECTS(geom, LINESTRING(0 0, 1 1, 2 0))`},
		{`S_INTERSECTS(geom, POLYGON((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 2 1, 2 2, 1 1)))`,
			`S_INTERSECTS(geom, POLYGON((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 2 1, 2 2, 1 1)))`},
		{`S_INTERSECTS(geom, MULTIPOINT(1 2, 3 4))`, `S_INTERSECTS(geom, MULTIPOINT((1 2), (3 4)))`},
		{`S_INTERSECTS(geom, MULTIPOINT((1 2), (3 4)))`, `S_INTERSECTS(geom, MULTIPOINT((1 2), (3 4)))`},
		{`S_INTERSECTS(geom, MULTILINESTRING((0 0, 1 1), (2 2, 3 3)))`, `S_INTERSECTS(geom, MULTILINESTRING((0 0, 1 1), (2 2, 3 3)))`},
		{`S_INTERSECTS(geom, MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5))))`,
			`S_INTERSECTS(geom, MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5))))`},
		{`T_INTERSECTS(t, INTERVAL('2026-01-01T00:00:00Z','..'))`, `T_INTERSECTS(t, INTERVAL('2026-01-01T00:00:00Z', '..'))`},
		{`T_INTERSECTS(t, INTERVAL('..', '2026-01-31'))`, `T_INTERSECTS(t, INTERVAL('..', '2026-01-30T16:00:00Z'))`},
		{`T_INTERSECTS(t, INTERVAL('..', '..'))`, `T_INTERSECTS(t, INTERVAL('..', '..'))`},
		{`T_INTERSECTS(t, INTERVAL(DATE('2026-01-01'), TIMESTAMP('2026-02-01T00:00:00Z')))`,
			`T_INTERSECTS(t, INTERVAL('2025-12-31T16:00:00Z', '2026-02-01T00:00:00Z'))`},
		{`T_INTERSECTS(t, TIMESTAMP('2026-01-01T00:00:00Z'))`, `T_INTERSECTS(t, INTERVAL('2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'))`},
		{`t_after(t, timestamp('2026-01-01T00:00:00Z'))`, `T_AFTER(t, TIMESTAMP('2026-01-01T00:00:00Z'))`},
		{`T_BEFORE(date, DATE('2026-01-01'))`, `T_BEFORE(date, TIMESTAMP('2025-12-31T16:00:00Z'))`},
		{"name\u3000=\t'x'\r\nAND\npop=1", `name = 'x' AND pop = 1`}, // ideographic space counts as space
	}
	s := testSchema()
	for _, tt := range tests {
		e, err := Parse(tt.in, s)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if got := e.String(); got != tt.want {
			t.Errorf("Parse(%q).String()\n got %s\nwant %s", tt.in, got, tt.want)
		}
		again, err := Parse(e.String(), s)
		if err != nil {
			t.Errorf("Parse(%q) (round trip of %q): %v", e.String(), tt.in, err)
			continue
		}
		if !reflect.DeepEqual(again, e) {
			t.Errorf("round trip of %q changed the tree:\n got %#v\nwant %#v", tt.in, again, e)
		}
	}
}

func TestParseTree(t *testing.T) {
	jan := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	janBeijing := time.Date(2025, 12, 31, 16, 0, 0, 0, time.UTC) // DATE('2026-01-01'): midnight in Beijing
	tests := []struct {
		in   string
		want Expr
	}{
		{`name = 'a' AND (pop < 3 OR NOT open = TRUE)`, &And{Args: []Expr{
			&Compare{Op: OpEq, Prop: "name", Value: "a"},
			&Or{Args: []Expr{
				&Compare{Op: OpLt, Prop: "pop", Value: int64(3)},
				&Not{Arg: &Compare{Op: OpEq, Prop: "open", Value: true}},
			}},
		}}},
		{`pop NOT IN (1, 2)`, &In{Prop: "pop", Values: []any{int64(1), int64(2)}, Not: true}},
		{`area IN (1, 2.5)`, &In{Prop: "area", Values: []any{1.0, 2.5}}},
		{`name NOT LIKE '%x'`, &Like{Prop: "name", Pattern: "%x", Not: true}},
		{`pop BETWEEN 1 AND 2.5`, &Between{Prop: "pop", Low: int64(1), High: 2.5}},
		{`geom IS NULL`, &IsNull{Prop: "geom", Geometry: true}},
		{`name IS NOT NULL`, &IsNull{Prop: "name", Not: true}},
		{`S_INTERSECTS(geom, BBOX(1, 2, 3, 4))`, &SIntersects{Prop: "geom", Geom: orb.Bound{Min: orb.Point{1, 2}, Max: orb.Point{3, 4}}}},
		{`S_INTERSECTS(geom, POLYGON((0 0, 1 0, 1 1, 0 0)))`, &SIntersects{Prop: "geom",
			Geom: orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}}},
		{`T_INTERSECTS(t, INTERVAL('2026-01-01', '..'))`, &TIntersects{Prop: "t", Start: &janBeijing}},
		{`T_AFTER(t, DATE('2026-01-01'))`, &TAfter{Prop: "t", Time: janBeijing}},
		{`T_BEFORE(t, TIMESTAMP('2026-01-01T08:00:00+08:00'))`, &TBefore{Prop: "t", Time: jan}},
		{`t = TIMESTAMP('2026-01-01T00:00:00Z')`, &Compare{Op: OpEq, Prop: "t", Value: jan}},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in, testSchema())
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Parse(%q)\n got %#v\nwant %#v", tt.in, got, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{``, `cql2: empty filter at position 1`},
		{`   `, `cql2: empty filter at position 4`},
		{`foo = 1`, `cql2: unknown property "foo" at position 1`},
		{`NAME = 'x'`, `cql2: unknown property "NAME" at position 1`},
		{`name = 'a' AND hidden = 1`, `cql2: unknown property "hidden" at position 16`},
		{`S_INTERSECTS(hidden, BBOX(0, 0, 1, 1))`, `cql2: unknown property "hidden" at position 14`},
		{`名称 = 1`, `cql2: cannot compare string property "名称" with a number at position 6`},
		{`name = 1`, `cql2: cannot compare string property "name" with a number at position 8`},
		{`pop = 'x'`, `cql2: cannot compare int property "pop" with a string at position 7`},
		{`pop IN (1, 'x')`, `cql2: cannot compare int property "pop" with a string at position 12`},
		{`open = 1`, `cql2: cannot compare bool property "open" with a number at position 8`},
		{`t > '2026-01-01'`, `cql2: cannot compare time property "t" with a string at position 5`},
		{`pop = TRUE`, `cql2: cannot compare int property "pop" with a boolean at position 7`},
		{`name = DATE('2026-01-01')`, `cql2: cannot compare string property "name" with a timestamp at position 8`},
		{`pop LIKE 'x%'`, `cql2: LIKE needs a string property; "pop" is int at position 5`},
		{`name LIKE 5`, `cql2: expected a string pattern after LIKE, found number 5 at position 11`},
		{`name LIKE 'a\'`, `cql2: LIKE pattern ends with an unescaped backslash at position 11`},
		{`S_INTERSECTS(name, BBOX(0, 0, 1, 1))`, `cql2: S_INTERSECTS needs a geometry property; "name" is string at position 14`},
		{`T_AFTER(pop, TIMESTAMP('2026-01-01T00:00:00Z'))`, `cql2: T_AFTER needs a time property; "pop" is int at position 9`},
		{`T_INTERSECTS(name, INTERVAL('..', '..'))`, `cql2: T_INTERSECTS needs a time property; "name" is string at position 14`},
		{`T_BEFORE(t, INTERVAL('..', '..'))`, `cql2: expected TIMESTAMP(...) or DATE(...), found "INTERVAL" at position 13`},
		{`T_INTERSECTS(t, '2026-01-01')`, `cql2: expected INTERVAL(...), TIMESTAMP(...) or DATE(...), found string '2026-01-01' at position 17`},
		{`geom = 1`, `cql2: cannot compare geometry property "geom" with = (use S_INTERSECTS) at position 6`},
		{`geom IN (1)`, `cql2: IN is not defined for geometry property "geom" at position 6`},
		{`open < TRUE`, `cql2: operator < is not defined for bool property "open" (use = or <>) at position 6`},
		{`open BETWEEN TRUE AND FALSE`, `cql2: BETWEEN is not defined for bool property "open" at position 6`},
		{`(name = 'a'`, `cql2: expected ')', found end of input at position 12`},
		{`(name = 'a' AND (pop = 1)`, `cql2: expected ')', found end of input at position 26`},
		{`pop IN (1, 2`, `cql2: expected ',' or ')' in IN list, found end of input at position 13`},
		{`pop IN ()`, `cql2: expected a literal value, found ')' at position 9`},
		{`pop IN 1`, `cql2: expected '(' after IN, found number 1 at position 8`},
		{`name = 'abc`, `cql2: unterminated string at position 8`},
		{`"name = 'abc'`, `cql2: unterminated quoted property name at position 1`},
		{`"" = 'abc'`, `cql2: empty quoted property name at position 1`},
		{`name = "abc"`, `cql2: expected a literal value, found property name "abc" (strings take single quotes) at position 8`},
		{`pop = NULL`, `cql2: NULL is not a value (use IS NULL or IS NOT NULL) at position 7`},
		{`pop = area`, `cql2: expected a literal value, found "area" (comparing two properties is not supported) at position 7`},
		{`pop != 1`, `cql2: unexpected character '!' (use <> for not equal) at position 5`},
		{`pop = 1 ; DROP`, `cql2: unexpected character ';' at position 9`},
		{`pop == 1`, `cql2: expected a literal value, found '=' at position 6`},
		{`pop = 1e999`, `cql2: number 1e999 is out of range at position 7`},
		{`pop = 1x`, `cql2: malformed number "1x" at position 7`},
		{`pop = 1.2.3`, `cql2: malformed number "1.2." at position 7`},
		{`pop = 1e`, `cql2: malformed number "1e" at position 7`},
		{`pop = 1-2`, `cql2: malformed number "1-" at position 7`},
		{`pop = -`, `cql2: '-' must be followed by a number at position 7`},
		{`pop = .`, `cql2: malformed number at position 7`},
		{`pop NOT NULL`, `cql2: expected IN, LIKE or BETWEEN after NOT, found "NULL" at position 9`},
		{`pop IS 1`, `cql2: expected NULL, found number 1 at position 8`},
		{`pop IS NOT`, `cql2: expected NULL, found end of input at position 11`},
		{`pop BETWEEN 1 OR 2`, `cql2: expected AND, found "OR" at position 15`},
		{`pop`, `cql2: expected a comparison operator, IN, LIKE, BETWEEN or IS after property "pop", found end of input at position 4`},
		{`AND pop = 1`, `cql2: expected a property name, NOT or '(', found "AND" at position 1`},
		{`name = 'x' AND`, `cql2: expected a property name, NOT or '(', found end of input at position 15`},
		{`name = 'x' AND OR pop = 1`, `cql2: expected a property name, NOT or '(', found "OR" at position 16`},
		{`pop = 1 pop = 2`, `cql2: unexpected "pop" after a complete expression (missing AND or OR?) at position 9`},
		{`pop = 1)`, `cql2: unexpected ')' after a complete expression (missing AND or OR?) at position 8`},
		{`'x' = name`, `cql2: expected a property name, NOT or '(', found string 'x' at position 1`},
		{`TRUE`, `cql2: expected a property name, NOT or '(', found "TRUE" at position 1`},
		{`pop = 1 @`, `cql2: unexpected character '@' at position 9`},
		{"name = '\xff'", `cql2: invalid UTF-8 at position 9`},
		{"name = 'a\x00'", `cql2: string contains a NUL character at position 8`},
		{`t > TIMESTAMP('2026-13-01T00:00:00Z')`, `cql2: invalid timestamp "2026-13-01T00:00:00Z" (want RFC 3339, e.g. 2026-01-01T00:00:00Z) at position 15`},
		{`t > TIMESTAMP('2026-01-01')`, `cql2: invalid timestamp "2026-01-01" (want RFC 3339, e.g. 2026-01-01T00:00:00Z) at position 15`},
		{`t > TIMESTAMP('0001-01-01T00:00:00+01:00')`, `cql2: invalid timestamp "0001-01-01T00:00:00+01:00" (want RFC 3339, e.g. 2026-01-01T00:00:00Z) at position 15`},
		{`t > DATE('2026/01/01')`, `cql2: invalid date "2026/01/01" (want YYYY-MM-DD, e.g. 2026-01-01) at position 10`},
		{`t > DATE(2026)`, `cql2: expected a quoted date inside DATE(...), found number 2026 at position 10`},
		{`t > TIMESTAMP '2026-01-01T00:00:00Z'`, `cql2: expected '(' after TIMESTAMP, found string '2026-01-01T00:00:00Z' at position 15`},
		{`T_INTERSECTS(t, INTERVAL('2026-02-01', '2026-01-01'))`, `cql2: interval starts after it ends at position 26`},
		{`T_INTERSECTS(t, INTERVAL('soon', '..'))`, `cql2: invalid interval end "soon" (want '..', RFC 3339 like 2026-01-01T00:00:00Z or a date like 2026-01-01) at position 26`},
		{`T_INTERSECTS(t, INTERVAL('..'))`, `cql2: expected ',', found ')' at position 30`},
		{`S_INTERSECTS(geom, BBOX(1, 1, 0, 0))`, `cql2: BBOX minimum exceeds maximum (want BBOX(minx, miny, maxx, maxy)) at position 20`},
		{`S_INTERSECTS(geom, BBOX(0, 0, 1))`, `cql2: expected ',' between BBOX numbers (BBOX takes exactly 4), found ')' at position 32`},
		{`S_INTERSECTS(geom, BBOX(0, 0, 0, 1, 1, 1))`, `cql2: expected ')' after 4 BBOX numbers (3D boxes are not supported), found ',' at position 35`},
		{`S_INTERSECTS(geom, BBOX(0, 0, 1, 1e400))`, `cql2: coordinate 1e400 is out of range at position 34`},
		{`S_INTERSECTS(geom, POINT Z (1 2 3))`, `cql2: only 2D geometries are supported at position 26`},
		{`S_INTERSECTS(geom, POINT(1 2 3))`, `cql2: only 2D coordinates are supported at position 30`},
		{`S_INTERSECTS(geom, POINT EMPTY)`, `cql2: empty geometries are not supported at position 26`},
		{`S_INTERSECTS(geom, POINT(1 2, 3 4))`, `cql2: a POINT has exactly one coordinate pair at position 25`},
		{`S_INTERSECTS(geom, POINT(1))`, `cql2: expected a coordinate, found ')' at position 27`},
		{`S_INTERSECTS(geom, LINESTRING(1 2))`, `cql2: a LINESTRING needs at least 2 points at position 30`},
		{`S_INTERSECTS(geom, POLYGON((0 0, 1 0, 1 1, 0 1)))`, `cql2: polygon ring is not closed (first and last points differ) at position 28`},
		{`S_INTERSECTS(geom, POLYGON((0 0, 1 0, 0 0)))`, `cql2: a polygon ring needs at least 4 points at position 28`},
		{`S_INTERSECTS(geom, POLYGON(0 0, 1 0, 1 1, 0 0))`, `cql2: expected '(', found number 0 at position 28`},
		{`S_INTERSECTS(geom, POLYGON((0 0, 1 1, 0 1, 1 0, 0 0)))`, `cql2: invalid POLYGON: a ring crosses or touches itself at position 20`},
		{`S_INTERSECTS(geom, POLYGON((0 0, 2 0, 1 1, 2 2, 0 2, 1 1, 0 0)))`, `cql2: invalid POLYGON: a ring crosses or touches itself at position 20`},
		{`S_INTERSECTS(geom, POLYGON((0 0, 1 0, 2 0, 0 0)))`, `cql2: invalid POLYGON: a ring doubles back on itself at position 20`},
		{`S_INTERSECTS(geom, POLYGON((1 1, 1 1, 1 1, 1 1)))`, `cql2: invalid POLYGON: a ring has zero area at position 20`},
		{`S_INTERSECTS(geom, POLYGON((0 0, 4 0, 2 0, 2 2, 0 0)))`, `cql2: invalid POLYGON: a ring doubles back on itself at position 20`},
		{`S_INTERSECTS(geom, POLYGON((0 0, 4 0, 4 4, 5 4, 4 4, 0 4, 0 0)))`, `cql2: invalid POLYGON: a ring crosses or touches itself at position 20`},
		{`S_INTERSECTS(geom, POLYGON((0 0, 4 0, 4 4, 0 4, 0 0), (5 5, 6 5, 6 6, 5 5)))`, `cql2: invalid POLYGON: a hole lies outside the exterior ring at position 20`},
		{`S_INTERSECTS(geom, POLYGON((0 0, 4 0, 4 4, 0 4, 0 0), (2 2, 5 2, 5 3, 2 2)))`, `cql2: invalid POLYGON: rings cross or touch at position 20`},
		{`S_INTERSECTS(geom, POLYGON((0 0, 4 0, 4 4, 0 4, 0 0), (0 0, 1 1, 1 2, 0 0)))`, `cql2: invalid POLYGON: rings cross or touch at position 20`},
		{`S_INTERSECTS(geom, POLYGON((0 0, 9 0, 9 9, 0 9, 0 0), (1 1, 8 1, 8 8, 1 8, 1 1), (2 2, 3 2, 3 3, 2 2)))`, `cql2: invalid POLYGON: a hole lies inside another hole at position 20`},
		{`S_INTERSECTS(geom, MULTIPOLYGON(((0 0, 2 0, 2 2, 0 0)), ((1 0, 3 0, 3 2, 1 0))))`, `cql2: invalid MULTIPOLYGON: its polygons overlap or touch at position 20`},
		{`S_INTERSECTS(geom, MULTIPOLYGON(((0 0, 2 0, 2 2, 0 0)), ((0 0, 1 0, 1 -1, 0 0))))`, `cql2: invalid MULTIPOLYGON: its polygons overlap or touch at position 20`},
		{`S_INTERSECTS(geom, MULTIPOLYGON(((0 0, 1 1, 0 0, 0 0))))`, `cql2: invalid MULTIPOLYGON: a ring has zero area at position 20`},
		{`S_INTERSECTS(geom, GEOMETRYCOLLECTION(POINT(1 2)))`, `cql2: geometry type GEOMETRYCOLLECTION is not supported at position 20`},
		{`S_INTERSECTS(geom, CIRCLE(1 2))`, `cql2: expected BBOX(...) or a WKT geometry, found "CIRCLE" at position 20`},
		{`S_INTERSECTS(geom, 'POINT(1 2)')`, `cql2: expected BBOX(...) or a WKT geometry, found string 'POINT(1 2)' at position 20`},
		{`S_INTERSECTS(geom BBOX(0, 0, 1, 1))`, `cql2: expected ',', found "BBOX" at position 19`},
		{`S_INTERSECTS(geom, BBOX(0, 0, 1, 1)`, `cql2: expected ')', found end of input at position 36`},
	}
	s := testSchema()
	for _, tt := range tests {
		e, err := Parse(tt.in, s)
		if err == nil {
			t.Errorf("Parse(%q) = %s, want error %s", tt.in, e, tt.want)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("Parse(%q)\n got %s\nwant %s", tt.in, err, tt.want)
		}
		var pe *Error
		if !errors.As(err, &pe) {
			t.Errorf("Parse(%q) error is %T, want *Error", tt.in, err)
		}
	}
}

func TestErrorUnwrap(t *testing.T) {
	_, err := Parse(`t > TIMESTAMP('2026-13-01T00:00:00Z')`, testSchema())
	var te *time.ParseError
	if !errors.As(err, &te) {
		t.Fatalf("error %v does not wrap a *time.ParseError", err)
	}
	var pe *Error
	if !errors.As(err, &pe) || pe.Pos != 15 || pe.Msg == "" {
		t.Fatalf("error %#v: want *Error at position 15", err)
	}
}

func TestNilSchema(t *testing.T) {
	_, err := Parse(`pop = 1`, nil)
	if err == nil || err.Error() != `cql2: unknown property "pop" at position 1` {
		t.Fatalf("Parse with nil schema: %v", err)
	}
}

func TestInvalidSchemaType(t *testing.T) {
	_, err := Parse(`x = 1`, SchemaMap{"x": Type(0)})
	if err == nil || err.Error() != `cql2: property "x" has an unsupported type (Type(0)) at position 1` {
		t.Fatalf("Parse with invalid type: %v", err)
	}
}

func TestLimits(t *testing.T) {
	s := testSchema()
	nest := func(n int) string { return strings.Repeat("(", n) + "pop = 1" + strings.Repeat(")", n) }
	nots := func(n int) string { return strings.Repeat("NOT ", n) + "pop = 1" }
	in := func(n int) string { return "pop IN (" + strings.TrimSuffix(strings.Repeat("1,", n), ",") + ")" }
	long := "name = '" + strings.Repeat("x", MaxLength-len("name = ''")) + "'"

	ok := []string{nest(MaxDepth), nots(MaxDepth), in(MaxInItems), long, "NOT (" + nest(MaxDepth-2) + ")"}
	for _, src := range ok {
		if _, err := Parse(src, s); err != nil {
			t.Errorf("Parse(%.40q…) at the limit: %v", src, err)
		}
	}
	bad := []struct{ in, want string }{
		{nest(MaxDepth + 1), `cql2: expression is nested too deeply (limit 32) at position 33`},
		{nots(MaxDepth + 1), `cql2: expression is nested too deeply (limit 32) at position 129`},
		{"NOT (" + nest(MaxDepth-1) + ")", `cql2: expression is nested too deeply (limit 32) at position 36`},
		{in(MaxInItems + 1), `cql2: too many items in IN list (limit 1000) at position 2009`},
		{long + " ", `cql2: filter is too long (8193 bytes, limit 8192) at position 8193`},
		{strings.Repeat("丰", 3000), `cql2: filter is too long (9000 bytes, limit 8192) at position 2731`},
	}
	for _, tt := range bad {
		_, err := Parse(tt.in, s)
		if err == nil || err.Error() != tt.want {
			t.Errorf("Parse(%.40q…)\n got %v\nwant %s", tt.in, err, tt.want)
		}
	}
}

// TestCoordinateLimit needs more text than MaxLength allows to reach
// MaxCoordinates, so it raises the length limit.
func TestCoordinateLimit(t *testing.T) {
	lim := defaultLimits()
	lim.length = 1 << 20
	line := func(n int) string {
		pts := make([]string, n)
		for i := range pts {
			pts[i] = "0 0"
		}
		return "S_INTERSECTS(geom, LINESTRING(" + strings.Join(pts, ",") + "))"
	}
	if _, err := parse(line(MaxCoordinates), testSchema(), lim); err != nil {
		t.Fatalf("%d coordinates: %v", MaxCoordinates, err)
	}
	_, err := parse(line(MaxCoordinates+1), testSchema(), lim)
	want := `cql2: too many coordinates (limit 10000) at position 40031`
	if err == nil || err.Error() != want {
		t.Fatalf("%d coordinates:\n got %v\nwant %s", MaxCoordinates+1, err, want)
	}
	// BBOXes count two coordinates each, across the whole filter.
	lim = defaultLimits()
	lim.coords = 5
	bbox := `S_INTERSECTS(geom, BBOX(0, 0, 1, 1))`
	if _, err := parse(bbox+" OR "+bbox, testSchema(), lim); err != nil {
		t.Fatalf("two BBOXes under a limit of 5: %v", err)
	}
	_, err = parse(bbox+" OR "+bbox+" OR "+bbox, testSchema(), lim)
	if err == nil || !strings.Contains(err.Error(), "too many coordinates (limit 5)") {
		t.Fatalf("three BBOXes under a limit of 5: %v", err)
	}
}

func TestQuoteIdent(t *testing.T) {
	tests := map[string]string{
		"name":         "name",
		"名称":           "名称",
		"_x1":          "_x1",
		"1x":           `"1x"`,
		"road name":    `"road name"`,
		"and":          `"and"`,
		"Not":          `"Not"`,
		"s_intersects": `"s_intersects"`,
		"date":         "date",
		`a"b`:          `"a""b"`,
		"":             `""`,
	}
	for in, want := range tests {
		if got := quoteIdent(in); got != want {
			t.Errorf("quoteIdent(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestTypeAndOpString(t *testing.T) {
	if got := TGeometry.String(); got != "geometry" {
		t.Errorf("TGeometry.String() = %q", got)
	}
	if got := OpNe.String(); got != "<>" {
		t.Errorf("OpNe.String() = %q", got)
	}
	if got := Op(99).String(); got != "Op(99)" {
		t.Errorf("Op(99).String() = %q", got)
	}
}
