package cql2

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/paulmach/orb"
)

// ToSQL compiles e to a PostgreSQL boolean expression for a WHERE clause.
//
// col maps a property name to its SQL column expression, already quoted by
// the caller (e.g. `"category"` or `t."geom"`). Placeholders are numbered
// from $argStart, and args holds their values in order. Nothing from the
// filter is ever written into the SQL text: every literal is a bound
// parameter with an explicit cast taken from its Go type (::text, ::bigint,
// ::double precision, ::boolean, ::timestamptz, or the array form for IN),
// so PostgreSQL never has to guess a parameter's type. In detail:
//
//   - ordering comparisons and BETWEEN on strings add COLLATE "C", so
//     strings order by code point exactly as Eval orders them;
//   - LIKE becomes LIKE … ESCAPE '\' (standard_conforming_strings on, the
//     default since PostgreSQL 9.1);
//   - IN becomes col = ANY($n::type[]) with a []string, []int64, []float64,
//     []bool or []time.Time argument;
//   - S_INTERSECTS becomes ST_Intersects(col, ST_MakeEnvelope($a, $b, $c,
//     $d, 4326)) for a BBOX and ST_Intersects(col, ST_GeomFromText($n,
//     4326)) with 2D WKT otherwise (also for a BBOX with no width or
//     height, bound as the point or line it is), so the column must be a
//     geometry in SRID 4326;
//   - times are bound as time.Time and compared as timestamptz.
//
// ToSQL returns an error (and no SQL) for a tree Parse would not produce:
// nil nodes, unknown operators, literals of unsupported or mixed types,
// non-finite numbers, strings PostgreSQL cannot store, empty IN lists and
// malformed geometries.
func ToSQL(e Expr, col func(prop string) string, argStart int) (sql string, args []any, err error) {
	if col == nil {
		return "", nil, errors.New("cql2: ToSQL needs a column function")
	}
	if argStart < 1 {
		return "", nil, fmt.Errorf("cql2: placeholders start at $1, not $%d", argStart)
	}
	c := &compiler{col: col, next: argStart}
	if err := c.expr(e); err != nil {
		return "", nil, err
	}
	return c.b.String(), c.args, nil
}

// compiler writes SQL into b and collects the bound arguments.
type compiler struct {
	col  func(string) string
	b    strings.Builder
	args []any
	next int
}

// param binds v and writes its placeholder followed by cast.
func (c *compiler) param(v any, cast string) {
	c.args = append(c.args, v)
	c.b.WriteString("$" + strconv.Itoa(c.next) + cast)
	c.next++
}

// value binds a scalar literal with the cast for its type; collate adds
// COLLATE "C" to strings.
func (c *compiler) value(v any, collate bool) error {
	cast, err := castFor(v)
	if err != nil {
		return err
	}
	if _, ok := v.(string); ok && collate {
		// Parenthesised: BETWEEN's lower bound cannot take a bare COLLATE.
		c.b.WriteString("(")
		c.param(v, cast+` COLLATE "C"`)
		c.b.WriteString(")")
		return nil
	}
	c.param(v, cast)
	return nil
}

// castFor validates a literal and returns its placeholder cast.
func castFor(v any) (string, error) {
	switch v := v.(type) {
	case string:
		if err := checkString(v); err != nil {
			return "", err
		}
		return "::text", nil
	case int64:
		return "::bigint", nil
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return "", fmt.Errorf("cql2: non-finite number %v", v)
		}
		return "::double precision", nil
	case bool:
		return "::boolean", nil
	case time.Time:
		return "::timestamptz", nil
	}
	return "", fmt.Errorf("cql2: unsupported literal type %T", v)
}

func checkString(s string) error {
	if !utf8.ValidString(s) {
		return errors.New("cql2: string literal is not valid UTF-8")
	}
	if strings.IndexByte(s, 0) >= 0 {
		return errors.New("cql2: string literal contains a NUL character")
	}
	return nil
}

func (c *compiler) expr(e Expr) error {
	switch e := e.(type) {
	case *And:
		return c.join(e.Args, " AND ", "TRUE")
	case *Or:
		return c.join(e.Args, " OR ", "FALSE")
	case *Not:
		c.b.WriteString("NOT (")
		if err := c.expr(e.Arg); err != nil {
			return err
		}
		c.b.WriteString(")")
		return nil
	case *Compare:
		if e.Op < OpEq || e.Op > OpGe {
			return fmt.Errorf("cql2: unknown comparison operator %d", int(e.Op))
		}
		c.b.WriteString(c.col(e.Prop) + " " + e.Op.String() + " ")
		return c.value(e.Value, e.Op.ordering())
	case *In:
		return c.in(e)
	case *Like:
		if err := checkString(e.Pattern); err != nil {
			return err
		}
		if !validLikePattern(e.Pattern) {
			return errors.New("cql2: LIKE pattern ends with an unescaped backslash")
		}
		c.b.WriteString(c.col(e.Prop) + not(e.Not) + " LIKE ")
		c.param(e.Pattern, "::text")
		c.b.WriteString(` ESCAPE '\'`)
		return nil
	case *Between:
		if kindOf(e.Low) != kindOf(e.High) {
			return fmt.Errorf("cql2: BETWEEN bounds of different types %T and %T", e.Low, e.High)
		}
		c.b.WriteString(c.col(e.Prop) + not(e.Not) + " BETWEEN ")
		if err := c.value(e.Low, true); err != nil {
			return err
		}
		c.b.WriteString(" AND ")
		return c.value(e.High, true)
	case *IsNull:
		if e.Not {
			c.b.WriteString(c.col(e.Prop) + " IS NOT NULL")
		} else {
			c.b.WriteString(c.col(e.Prop) + " IS NULL")
		}
		return nil
	case *SIntersects:
		return c.spatial(e)
	case *TIntersects:
		return c.interval(e)
	case *TAfter:
		c.b.WriteString(c.col(e.Prop) + " > ")
		c.param(e.Time, "::timestamptz")
		return nil
	case *TBefore:
		c.b.WriteString(c.col(e.Prop) + " < ")
		c.param(e.Time, "::timestamptz")
		return nil
	case nil:
		return errors.New("cql2: nil expression")
	}
	return fmt.Errorf("cql2: unsupported expression %T", e)
}

// join writes "(a SEP b ...)", or empty for no args.
func (c *compiler) join(args []Expr, sep, empty string) error {
	if len(args) == 0 {
		c.b.WriteString(empty)
		return nil
	}
	c.b.WriteString("(")
	for i, a := range args {
		if i > 0 {
			c.b.WriteString(sep)
		}
		if err := c.expr(a); err != nil {
			return err
		}
	}
	c.b.WriteString(")")
	return nil
}

// in writes col = ANY($n::type[]) with one typed slice argument.
func (c *compiler) in(e *In) error {
	if len(e.Values) == 0 {
		return errors.New("cql2: empty IN list")
	}
	arr, cast, err := typedSlice(e.Values)
	if err != nil {
		return err
	}
	if e.Not {
		c.b.WriteString("NOT (")
	}
	c.b.WriteString(c.col(e.Prop) + " = ANY(")
	c.param(arr, cast)
	c.b.WriteString(")")
	if e.Not {
		c.b.WriteString(")")
	}
	return nil
}

// typedSlice converts IN values of one type (ints and floats mix as
// float64) to a Go slice pgx binds as a PostgreSQL array.
func typedSlice(vals []any) (arr any, cast string, err error) {
	first, err := castFor(vals[0])
	if err != nil {
		return nil, "", err
	}
	numeric := first == "::bigint" || first == "::double precision"
	for _, v := range vals[1:] {
		cv, err := castFor(v)
		if err != nil {
			return nil, "", err
		}
		if cv != first && !(numeric && (cv == "::bigint" || cv == "::double precision")) {
			return nil, "", fmt.Errorf("cql2: IN list mixes %T and %T", vals[0], v)
		}
		if cv == "::double precision" {
			first = cv
		}
	}
	switch first {
	case "::text":
		return collect[string](vals), "::text[]", nil
	case "::bigint":
		return collect[int64](vals), "::bigint[]", nil
	case "::double precision":
		out := make([]float64, len(vals))
		for i, v := range vals {
			if n, ok := v.(int64); ok {
				out[i] = float64(n)
			} else {
				out[i] = v.(float64)
			}
		}
		return out, "::double precision[]", nil
	case "::boolean":
		return collect[bool](vals), "::boolean[]", nil
	}
	return collect[time.Time](vals), "::timestamptz[]", nil
}

func collect[T any](vals []any) []T {
	out := make([]T, len(vals))
	for i, v := range vals {
		out[i] = v.(T)
	}
	return out
}

func (c *compiler) spatial(e *SIntersects) error {
	if err := checkGeometry(e.Geom); err != nil {
		return err
	}
	g := e.Geom
	if b, ok := g.(orb.Bound); ok {
		g = boundGeometry(b) // a collapsed BBOX is a point or line
	}
	c.b.WriteString("ST_Intersects(" + c.col(e.Prop) + ", ")
	if b, ok := g.(orb.Bound); ok {
		c.b.WriteString("ST_MakeEnvelope(")
		for _, v := range []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]} {
			c.param(v, "")
			c.b.WriteString(", ")
		}
		c.b.WriteString("4326))")
		return nil
	}
	c.b.WriteString("ST_GeomFromText(")
	c.param(formatGeometry(g), "")
	c.b.WriteString(", 4326))")
	return nil
}

// interval writes the closed-interval test. An interval open at both ends
// still has to be NULL for a NULL column (so that NOT of it stays unknown,
// as in Eval), hence "IS NOT NULL OR NULL": true or NULL, never false.
func (c *compiler) interval(e *TIntersects) error {
	col := c.col(e.Prop)
	switch {
	case e.Start != nil && e.End != nil:
		c.b.WriteString(col + " BETWEEN ")
		c.param(*e.Start, "::timestamptz")
		c.b.WriteString(" AND ")
		c.param(*e.End, "::timestamptz")
	case e.Start != nil:
		c.b.WriteString(col + " >= ")
		c.param(*e.Start, "::timestamptz")
	case e.End != nil:
		c.b.WriteString(col + " <= ")
		c.param(*e.End, "::timestamptz")
	default:
		c.b.WriteString("(" + col + " IS NOT NULL OR NULL)")
	}
	return nil
}

// checkGeometry accepts the geometries Parse produces: a BBOX with min <=
// max, or a non-empty 2D point, line string, polygon (closed rings of at
// least 4 points) or multi of those, with finite coordinates.
func checkGeometry(g orb.Geometry) error {
	bad := func(what string) error { return fmt.Errorf("cql2: invalid %T: %s", g, what) }
	finite := func(pts ...orb.Point) bool {
		for _, p := range pts {
			if math.IsNaN(p[0]) || math.IsInf(p[0], 0) || math.IsNaN(p[1]) || math.IsInf(p[1], 0) {
				return false
			}
		}
		return true
	}
	line := func(l orb.LineString) bool { return len(l) >= 2 && finite(l...) }
	poly := func(p orb.Polygon) bool {
		for _, r := range p {
			if len(r) < 4 || r[0] != r[len(r)-1] || !finite(r...) {
				return false
			}
		}
		return len(p) > 0
	}
	// polygonProblem and multiPolygonProblem run after poly has checked
	// the ring shapes they rely on.
	switch g := g.(type) {
	case orb.Bound:
		if !finite(g.Min, g.Max) || g.Min[0] > g.Max[0] || g.Min[1] > g.Max[1] {
			return bad("minimum must not exceed maximum")
		}
	case orb.Point:
		if !finite(g) {
			return bad("non-finite coordinate")
		}
	case orb.MultiPoint:
		if len(g) == 0 || !finite(g...) {
			return bad("empty or non-finite")
		}
	case orb.LineString:
		if !line(g) {
			return bad("needs 2 or more finite points")
		}
	case orb.MultiLineString:
		for _, l := range g {
			if !line(l) {
				return bad("each line needs 2 or more finite points")
			}
		}
		if len(g) == 0 {
			return bad("empty")
		}
	case orb.Polygon:
		if !poly(g) {
			return bad("rings must be closed, finite and have 4 or more points")
		}
		if msg := polygonProblem(g); msg != "" {
			return bad(msg)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			if !poly(p) {
				return bad("rings must be closed, finite and have 4 or more points")
			}
		}
		if len(g) == 0 {
			return bad("empty")
		}
		if msg := multiPolygonProblem(g); msg != "" {
			return bad(msg)
		}
	case nil:
		return errors.New("cql2: S_INTERSECTS without a geometry")
	default:
		return fmt.Errorf("cql2: unsupported S_INTERSECTS geometry %T", g)
	}
	return nil
}
