package cql2

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/paulmach/orb"
)

// FuzzParse checks that Parse never panics, that its errors are *Error with
// a position inside the input, and that every filter it accepts prints as
// canonical text that parses back to the same tree, compiles to SQL made
// only of ToSQL's fixed words and placeholders, and evaluates without
// panicking.
func FuzzParse(f *testing.F) {
	for _, s := range pgFilters() {
		f.Add(s)
	}
	for _, s := range []string{
		`name = 'a' AND (pop = 1 OR NOT open = FALSE)`,
		`"road name" = '''); DROP TABLE x; --'`,
		`NOT NOT NOT pop = 1`,
		`((((pop = 1))))`,
		`pop IN (1, 2.5, -3, 4e10, 9223372036854775808)`,
		`area = -0.0 OR area = .5 OR area = 1E+21`,
		`date = DATE('2026-01-01') AND "and" = 'x'`,
		`S_INTERSECTS(geom, MULTIPOINT(1 2, 3 4))`,
		"name\u3000=\t'丰台'\r\nAND\npop=1",
		// invalid
		``, `(`, `)`, `pop`, `pop =`, `pop = 1 AND`, `pop != 1`, `name = 'x`, `"x`, `""`,
		`pop = 1e999`, `pop = 1x`, `pop = 1-2`, `pop = -`, `name LIKE 'a\'`, `foo = 1`,
		`S_INTERSECTS(geom, POLYGON((0 0, 1 0, 1 1, 0 1)))`, `S_INTERSECTS(geom, POINT Z (1 2 3))`,
		`S_INTERSECTS(geom, BBOX(1, 1, 0, 0))`, `S_INTERSECTS(geom, BBOX(1, 1, 1, 1))`,
		`S_INTERSECTS(geom, POLYGON((0 0, 1 1, 0 1, 1 0, 0 0)))`,
		`S_INTERSECTS(geom, POLYGON((0 0, 4 0, 4 4, 0 4, 0 0), (5 5, 6 5, 6 6, 5 5)))`,
		`S_INTERSECTS(geom, MULTIPOLYGON(((0 0, 2 0, 2 2, 0 0)), ((1 0, 3 0, 3 2, 1 0))))`, `T_INTERSECTS(t, INTERVAL('2026-02-01', '2026-01-01'))`,
		`t > TIMESTAMP('9999-12-31T23:00:00-05:00')`, "name = '\xff'", "name = 'a\x00'",
		strings.Repeat("(", 40) + "pop = 1" + strings.Repeat(")", 40),
	} {
		f.Add(s)
	}
	schema := testSchema()
	col, cols := safeColumns()
	roundTrip := defaultLimits()
	roundTrip.length = 1 << 20 // canonical text may be longer than the input
	props := feature()
	f.Fuzz(func(t *testing.T, src string) {
		e, err := Parse(src, schema)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q) error %v is %T, not *Error", src, err, err)
			}
			if pe.Pos < 1 || pe.Pos > utf8.RuneCountInString(src)+1 {
				t.Fatalf("Parse(%q): position %d outside the input", src, pe.Pos)
			}
			return
		}
		out := e.String()
		var again Expr
		if len(out) <= MaxLength {
			again, err = Parse(out, schema)
		} else {
			again, err = parse(out, schema, roundTrip)
		}
		if err != nil {
			t.Fatalf("Parse(%q).String() = %q, which does not parse: %v", src, out, err)
		}
		if s := again.String(); s != out {
			t.Fatalf("Parse(%q): String() not stable:\n first %s\nsecond %s", src, out, s)
		}
		if !reflect.DeepEqual(again, e) {
			t.Fatalf("Parse(%q): round trip through %q changed the tree:\n%#v\n%#v", src, out, e, again)
		}
		sql, args, err := ToSQL(e, col, 1)
		if err != nil {
			t.Fatalf("ToSQL(%s): %v", out, err)
		}
		checkSQLVocabulary(t, sql, cols, 1, len(args))
		Eval(e, props, orb.Point{116.3, 39.85})
		Eval(e, nil, nil)
	})
}
