package cql2

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

var update = flag.Bool("update", false, "rewrite the testdata/*.golden files from the current output")

// quoteColumn is the column function of the golden tests.
func quoteColumn(prop string) string { return `t."` + strings.ReplaceAll(prop, `"`, `""`) + `"` }

func TestToSQLGolden(t *testing.T) {
	tests := []struct {
		name, filter string
		argStart     int
	}{
		{"compare_string", `name = 'x'`, 1},
		{"compare_chinese", `名称 = '丰台街道'`, 1},
		{"compare_order_string", `name >= 'm'`, 1},
		{"compare_int", `pop <> -3`, 1},
		{"compare_float", `area < 1.5`, 1},
		{"compare_int_with_float", `pop <= 2.5`, 1},
		{"compare_bool", `open = TRUE`, 1},
		{"compare_time", `t > TIMESTAMP('2026-01-01T08:00:00+08:00')`, 1},
		{"compare_date", `date = DATE('2026-01-01')`, 1},
		{"arg_start", `name = 'x' AND pop = 1`, 5},
		{"and_or_not", `name = 'a' AND (pop = 1 OR NOT open = FALSE)`, 1},
		{"not_not", `NOT NOT pop = 1`, 1},
		{"in_strings", `name IN ('a', 'b', '丰台')`, 1},
		{"in_ints", `pop IN (1, 2, 3)`, 1},
		{"in_mixed_numbers", `area NOT IN (1, 2.5)`, 1},
		{"in_bools", `open IN (TRUE, FALSE)`, 1},
		{"in_times", `t IN (DATE('2026-01-01'), TIMESTAMP('2026-06-01T12:00:00Z'))`, 1},
		{"like", `name LIKE '丰台%'`, 1},
		{"not_like_escape", `name NOT LIKE '100\%\_%'`, 1},
		{"between_ints", `pop BETWEEN 1 AND 10`, 1},
		{"not_between_strings", `name NOT BETWEEN 'a' AND 'm'`, 1},
		{"between_times", `t BETWEEN DATE('2026-01-01') AND DATE('2026-12-31')`, 1},
		{"is_null", `name IS NULL`, 1},
		{"is_not_null", `geom IS NOT NULL`, 1},
		{"quoted_column", `"road name" = 'x' AND "and" = 'y'`, 1},
		{"bbox", `S_INTERSECTS(geom, BBOX(116.2, 39.8, 116.4, 39.9))`, 1},
		{"bbox_point", `S_INTERSECTS(geom, BBOX(116.3, 39.85, 116.3, 39.85))`, 1},
		{"point", `S_INTERSECTS(geom, POINT(116.3 39.85))`, 1},
		{"linestring", `S_INTERSECTS(geom, LINESTRING(116.2 39.8, 116.4 39.9))`, 1},
		{"polygon_hole", `S_INTERSECTS(geom, POLYGON((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 2 1, 2 2, 1 1)))`, 1},
		{"multipoint", `S_INTERSECTS(geom, MULTIPOINT(1 2, 3 4))`, 1},
		{"multilinestring", `S_INTERSECTS(geom, MULTILINESTRING((0 0, 1 1), (2 2, 3 3)))`, 1},
		{"multipolygon", `S_INTERSECTS(geom, MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5))))`, 1},
		{"t_intersects_closed", `T_INTERSECTS(t, INTERVAL('2026-01-01', '2026-02-01T00:00:00Z'))`, 1},
		{"t_intersects_from", `T_INTERSECTS(t, INTERVAL('2026-01-01T00:00:00Z', '..'))`, 1},
		{"t_intersects_until", `T_INTERSECTS(t, INTERVAL('..', '2026-01-01T00:00:00Z'))`, 1},
		{"t_intersects_open", `NOT T_INTERSECTS(t, INTERVAL('..', '..'))`, 1},
		{"t_after", `T_AFTER(t, TIMESTAMP('2026-01-01T00:00:00Z'))`, 1},
		{"t_before", `T_BEFORE(t, DATE('2026-01-01'))`, 1},
		{"hostile", `name = '''); DROP TABLE x; --' OR name LIKE '%'' OR 1=1 --'`, 1},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		if seen[tt.name] {
			t.Fatalf("duplicate golden name %s", tt.name)
		}
		seen[tt.name] = true
		t.Run(tt.name, func(t *testing.T) {
			e := mustParse(t, tt.filter)
			sql, args, err := ToSQL(e, quoteColumn, tt.argStart)
			if err != nil {
				t.Fatalf("ToSQL(%s): %v", tt.filter, err)
			}
			got := formatGolden(tt.filter, sql, args, tt.argStart)
			path := filepath.Join("testdata", tt.name+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -run TestToSQLGolden ./query/cql2/ -update)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs (rerun with -update if the change is intended)\n got:\n%s\nwant:\n%s", path, got, want)
			}
		})
	}
}

// formatGolden renders a ToSQL result readably and deterministically.
func formatGolden(filter, sql string, args []any, argStart int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "-- filter\n%s\n-- sql\n%s\n-- args\n", filter, sql)
	for i, a := range args {
		fmt.Fprintf(&b, "$%d %T %s\n", argStart+i, a, formatArg(a))
	}
	return b.String()
}

func formatArg(a any) string {
	switch a := a.(type) {
	case string:
		return strconv.Quote(a)
	case time.Time:
		return a.Format(time.RFC3339Nano)
	case []time.Time:
		s := make([]string, len(a))
		for i, t := range a {
			s[i] = t.Format(time.RFC3339Nano)
		}
		return "[" + strings.Join(s, " ") + "]"
	case []string:
		s := make([]string, len(a))
		for i, v := range a {
			s[i] = strconv.Quote(v)
		}
		return "[" + strings.Join(s, " ") + "]"
	}
	return fmt.Sprint(a)
}

// sqlWords is everything ToSQL itself may write.
var sqlWords = map[string]bool{
	"AND": true, "OR": true, "NOT": true, "TRUE": true, "FALSE": true,
	"LIKE": true, "ESCAPE": true, "BETWEEN": true, "IS": true, "NULL": true,
	"ANY": true, "COLLATE": true, "ST_Intersects": true, "ST_MakeEnvelope": true,
	"ST_GeomFromText": true, "text": true, "bigint": true, "double": true,
	"precision": true, "boolean": true, "timestamptz": true, "4326": true,
	"::": true, "[]": true, `'\'`: true, `"C"`: true,
	"(": true, ")": true, ",": true, ", ": true,
	"=": true, "<>": true, "<": true, ">": true, "<=": true, ">=": true,
}

// checkSQLVocabulary fails the test when sqlVocabularyError reports one.
func checkSQLVocabulary(t *testing.T, sql string, cols []string, argStart, nargs int) {
	t.Helper()
	if err := sqlVocabularyError(sql, cols, argStart, nargs); err != nil {
		t.Fatal(err)
	}
}

// sqlVocabularyError reports an error unless sql, after replacing every
// column expression, consists only of ToSQL's own fixed words and
// placeholders $argStart … $argStart+nargs-1, each used exactly once.
func sqlVocabularyError(sql string, cols []string, argStart, nargs int) error {
	orig := sql
	for _, c := range cols {
		sql = strings.ReplaceAll(sql, c, " COL ")
	}
	// Split into the pieces ToSQL output may legitimately contain; "." lets
	// anything else through as one character, to be rejected below.
	token := regexp.MustCompile(`\$[0-9]+|::|\[\]|'\\'|"C"|[0-9]+|[A-Za-z_]+|[(),=<>]+|\s+|.`)
	used := map[int]int{}
	for _, tok := range token.FindAllString(sql, -1) {
		switch {
		case strings.TrimSpace(tok) == "" || tok == "COL":
		case tok[0] == '$':
			n, _ := strconv.Atoi(tok[1:])
			if n < argStart || n >= argStart+nargs {
				return fmt.Errorf("placeholder %s out of range in %s", tok, orig)
			}
			used[n]++
		case strings.Trim(tok, "(),") == "" || sqlWords[tok]:
		default:
			return fmt.Errorf("unexpected %q in SQL %s", tok, orig)
		}
	}
	for n := argStart; n < argStart+nargs; n++ {
		if used[n] != 1 {
			return fmt.Errorf("placeholder $%d used %d times in %s", n, used[n], orig)
		}
	}
	return nil
}

// TestSQLVocabularyCheck makes sure the checker above rejects SQL with
// anything from a filter in it.
func TestSQLVocabularyCheck(t *testing.T) {
	cols := []string{`"c0"`}
	if err := sqlVocabularyError(`("c0" = $1::text AND "c0" < ($2::text COLLATE "C"))`, cols, 1, 2); err != nil {
		t.Errorf("rejected good SQL: %v", err)
	}
	for _, bad := range []string{
		`"c0" = 'x'`,
		`"c0" = $1::text; DROP TABLE x; --`,
		`"c0" = $1::text OR "c1" = $1::text`,
		`"c0" = $2::text`,
		`"c0" = $1::text AND "c0" = $1::text`,
		`"c0" = 丰台`,
		`"c0" = E'\x'`,
	} {
		if sqlVocabularyError(bad, cols, 1, 1) == nil {
			t.Errorf("accepted %s", bad)
		}
	}
}

// safeColumns maps each property to a fixed column name, so that nothing
// from the filter can reach the SQL through col either.
func safeColumns() (col func(string) string, cols []string) {
	names := map[string]string{}
	i := 0
	for p := range testSchema() {
		names[p] = fmt.Sprintf(`"c%d"`, i)
		cols = append(cols, names[p])
		i++
	}
	return func(p string) string { return names[p] }, cols
}

func TestToSQLNoLiteralInText(t *testing.T) {
	hostile := `'); DROP TABLE x; --`
	q := strings.ReplaceAll(hostile, "'", "''")
	filters := []string{
		`name = '` + q + `'`,
		`name <> '` + q + `' AND name < '` + q + `'`,
		`name IN ('a', '` + q + `')`,
		`name LIKE '` + q + `%'`,
		`name NOT BETWEEN '` + q + `' AND 'z'`,
		`"road name" = '` + q + `'`,
		`名称 = '丰台街道` + q + `'`,
		`pop = 31337 OR area = 27182.5`,
		`t > TIMESTAMP('1999-12-31T23:59:59Z')`,
		`S_INTERSECTS(geom, POINT(31337 27182))`,
		`S_INTERSECTS(geom, BBOX(31337, 27182, 31338, 27183))`,
	}
	col, cols := safeColumns()
	for _, f := range filters {
		e := mustParse(t, f)
		sql, args, err := ToSQL(e, col, 1)
		if err != nil {
			t.Fatalf("ToSQL(%s): %v", f, err)
		}
		for _, bad := range []string{"DROP", ";", "--", "丰", "31337", "27182", "1999"} {
			if strings.Contains(sql, bad) {
				t.Errorf("ToSQL(%s) = %s: contains %q from the filter", f, sql, bad)
			}
		}
		checkSQLVocabulary(t, sql, cols, 1, len(args))
	}
}

func TestToSQLErrors(t *testing.T) {
	nan := orb.Point{0, 0}
	nan[0] = nan[0] / nan[1] // NaN without a constant expression
	tests := []struct {
		e    Expr
		want string
	}{
		{nil, "cql2: nil expression"},
		{&And{Args: []Expr{nil}}, "cql2: nil expression"},
		{&Compare{Op: Op(0), Prop: "pop", Value: int64(1)}, "cql2: unknown comparison operator 0"},
		{&Compare{Op: OpEq, Prop: "pop", Value: 1}, "cql2: unsupported literal type int"},
		{&Compare{Op: OpEq, Prop: "area", Value: nan[0]}, "cql2: non-finite number NaN"},
		{&Compare{Op: OpEq, Prop: "name", Value: "a\x00"}, "cql2: string literal contains a NUL character"},
		{&Compare{Op: OpEq, Prop: "name", Value: "\xff"}, "cql2: string literal is not valid UTF-8"},
		{&In{Prop: "pop"}, "cql2: empty IN list"},
		{&In{Prop: "pop", Values: []any{int64(1), "x"}}, "cql2: IN list mixes int64 and string"},
		{&Like{Prop: "name", Pattern: `a\`}, "cql2: LIKE pattern ends with an unescaped backslash"},
		{&Between{Prop: "pop", Low: int64(1), High: "x"}, "cql2: BETWEEN bounds of different types int64 and string"},
		{&SIntersects{Prop: "geom"}, "cql2: S_INTERSECTS without a geometry"},
		{&SIntersects{Prop: "geom", Geom: orb.Collection{}}, "cql2: unsupported S_INTERSECTS geometry orb.Collection"},
		{&SIntersects{Prop: "geom", Geom: orb.LineString{{0, 0}}}, "cql2: invalid orb.LineString: needs 2 or more finite points"},
		{&SIntersects{Prop: "geom", Geom: orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 1}}}},
			"cql2: invalid orb.Polygon: rings must be closed, finite and have 4 or more points"},
		{&SIntersects{Prop: "geom", Geom: orb.Bound{Min: orb.Point{1, 1}}}, "cql2: invalid orb.Bound: minimum must not exceed maximum"},
		{&SIntersects{Prop: "geom", Geom: orb.MultiPoint{}}, "cql2: invalid orb.MultiPoint: empty or non-finite"},
		{&SIntersects{Prop: "geom", Geom: orb.Polygon{{{0, 0}, {1, 1}, {0, 1}, {1, 0}, {0, 0}}}},
			"cql2: invalid orb.Polygon: a ring crosses or touches itself"},
		{&SIntersects{Prop: "geom", Geom: orb.MultiPolygon{{{{0, 0}, {2, 0}, {2, 2}, {0, 0}}}, {{{0, 0}, {2, 0}, {2, 2}, {0, 0}}}}},
			"cql2: invalid orb.MultiPolygon: its polygons overlap or touch"},
		{&SIntersects{Prop: "geom", Geom: nan}, "cql2: invalid orb.Point: non-finite coordinate"},
	}
	for _, tt := range tests {
		sql, args, err := ToSQL(tt.e, quoteColumn, 1)
		if err == nil || err.Error() != tt.want {
			t.Errorf("ToSQL(%#v) = %q, %v, %v; want error %s", tt.e, sql, args, err, tt.want)
		}
	}
	if _, _, err := ToSQL(&IsNull{Prop: "x"}, nil, 1); err == nil {
		t.Error("ToSQL with a nil column function succeeded")
	}
	if _, _, err := ToSQL(&IsNull{Prop: "x"}, quoteColumn, 0); err == nil {
		t.Error("ToSQL with argStart 0 succeeded")
	}
}

func TestToSQLHandBuiltEmpty(t *testing.T) {
	for _, tt := range []struct {
		e    Expr
		want string
	}{
		{&And{}, "TRUE"},
		{&Or{}, "FALSE"},
		{&Or{Args: []Expr{&And{}, &IsNull{Prop: "x"}}}, `(TRUE OR t."x" IS NULL)`},
		{&SIntersects{Prop: "g", Geom: orb.Ring{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}, ""},
	} {
		sql, _, err := ToSQL(tt.e, quoteColumn, 1)
		if tt.want == "" {
			if err == nil {
				t.Errorf("ToSQL(%#v) = %s, want an error", tt.e, sql)
			}
			continue
		}
		if err != nil || sql != tt.want {
			t.Errorf("ToSQL(%#v) = %q, %v; want %q", tt.e, sql, err, tt.want)
		}
	}
}
