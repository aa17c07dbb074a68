package cql2

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"minqing/geo"
)

// Type is the type of a queryable property.
type Type int

// The property types a Schema can declare.
const (
	TString Type = iota + 1
	TInt
	TFloat
	TBool
	TTime
	TGeometry
)

// String returns the lowercase name of the type ("string", "int", …).
func (t Type) String() string {
	switch t {
	case TString:
		return "string"
	case TInt:
		return "int"
	case TFloat:
		return "float"
	case TBool:
		return "bool"
	case TTime:
		return "time"
	case TGeometry:
		return "geometry"
	}
	return "Type(" + strconv.Itoa(int(t)) + ")"
}

func (t Type) valid() bool { return t >= TString && t <= TGeometry }

func (t Type) numeric() bool { return t == TInt || t == TFloat }

// Schema tells the parser which properties exist and are visible to the
// caller, and their types. A property Lookup does not report is unknown.
type Schema interface {
	Lookup(name string) (Type, bool)
}

// SchemaMap is a Schema listing the properties by name.
type SchemaMap map[string]Type

// Lookup reports the type of the named property.
func (m SchemaMap) Lookup(name string) (Type, bool) {
	t, ok := m[name]
	return t, ok
}

// Expr is a parsed filter: one of *And, *Or, *Not, *Compare, *In, *Like,
// *Between, *IsNull, *SIntersects, *TIntersects, *TAfter and *TBefore.
// String returns canonical CQL2-text that parses back to an equal tree.
//
// Literal values in the tree (Compare.Value, In.Values, Between.Low and
// High) are string, int64, float64, bool or time.Time. Only this package's
// node types implement Expr.
type Expr interface {
	String() string
	exprNode()
}

// And is true when all of Args are (the empty And is true).
type And struct {
	Args []Expr
}

// Or is true when any of Args is (the empty Or is false).
type Or struct {
	Args []Expr
}

// Not negates Arg (NOT of unknown stays unknown).
type Not struct {
	Arg Expr
}

// Op is a comparison operator.
type Op int

// The comparison operators.
const (
	OpEq Op = iota + 1 // =
	OpNe               // <>
	OpLt               // <
	OpGt               // >
	OpLe               // <=
	OpGe               // >=
)

// String returns the operator as written in CQL2 and SQL.
func (o Op) String() string {
	switch o {
	case OpEq:
		return "="
	case OpNe:
		return "<>"
	case OpLt:
		return "<"
	case OpGt:
		return ">"
	case OpLe:
		return "<="
	case OpGe:
		return ">="
	}
	return "Op(" + strconv.Itoa(int(o)) + ")"
}

// ordering reports whether the operator compares order, not just equality.
func (o Op) ordering() bool { return o == OpLt || o == OpGt || o == OpLe || o == OpGe }

// Compare is "Prop Op Value".
type Compare struct {
	Op    Op
	Prop  string
	Value any
}

// In is "Prop IN (Values...)", or NOT IN when Not is set. The parser makes
// the values of one list the same Go type (ints become float64 when the
// list mixes ints and floats).
type In struct {
	Prop   string
	Values []any
	Not    bool
}

// Like is "Prop LIKE Pattern", or NOT LIKE when Not is set. In Pattern, %
// matches any run of characters, _ exactly one, and a backslash makes the
// character after it literal.
type Like struct {
	Prop    string
	Pattern string
	Not     bool
}

// Between is "Prop BETWEEN Low AND High" (both ends included), or NOT
// BETWEEN when Not is set.
type Between struct {
	Prop      string
	Low, High any
	Not       bool
}

// IsNull is "Prop IS NULL", or IS NOT NULL when Not is set. A missing
// property is NULL. Geometry is set (by Parse, from the schema) when Prop is
// a geometry property, which Eval then looks for in its geom argument too.
type IsNull struct {
	Prop     string
	Not      bool
	Geometry bool
}

// SIntersects is "S_INTERSECTS(Prop, Geom)". Geom is an orb.Bound for a
// BBOX (an orb.Point or two-point orb.LineString when the box has no width
// or height) and an orb.Point, LineString, Polygon, MultiPoint,
// MultiLineString or MultiPolygon for WKT.
type SIntersects struct {
	Prop string
	Geom orb.Geometry
}

// TIntersects is "T_INTERSECTS(Prop, INTERVAL(Start, End))": the instant
// Prop lies in the closed interval. A nil Start or End is open ('..').
type TIntersects struct {
	Prop       string
	Start, End *time.Time
}

// TAfter is "T_AFTER(Prop, TIMESTAMP(Time))": Prop is strictly later.
type TAfter struct {
	Prop string
	Time time.Time
}

// TBefore is "T_BEFORE(Prop, TIMESTAMP(Time))": Prop is strictly earlier.
type TBefore struct {
	Prop string
	Time time.Time
}

func (*And) exprNode()         {}
func (*Or) exprNode()          {}
func (*Not) exprNode()         {}
func (*Compare) exprNode()     {}
func (*In) exprNode()          {}
func (*Like) exprNode()        {}
func (*Between) exprNode()     {}
func (*IsNull) exprNode()      {}
func (*SIntersects) exprNode() {}
func (*TIntersects) exprNode() {}
func (*TAfter) exprNode()      {}
func (*TBefore) exprNode()     {}

// String returns the terms joined by AND; an OR or AND term is
// parenthesised.
func (e *And) String() string {
	return joinTerms(e.Args, " AND ", func(x Expr) bool { return isOr(x) || isAnd(x) })
}

// String returns the terms joined by OR; an OR term is parenthesised (AND
// binds tighter, so AND terms need no parentheses).
func (e *Or) String() string { return joinTerms(e.Args, " OR ", isOr) }

// String returns "NOT x", parenthesising x when it is an AND or OR.
func (e *Not) String() string {
	if isOr(e.Arg) || isAnd(e.Arg) {
		return "NOT (" + exprString(e.Arg) + ")"
	}
	return "NOT " + exprString(e.Arg)
}

// String returns the predicate as CQL2-text.
func (e *Compare) String() string {
	return quoteIdent(e.Prop) + " " + e.Op.String() + " " + formatValue(e.Value)
}

// String returns the predicate as CQL2-text.
func (e *In) String() string {
	var b strings.Builder
	b.WriteString(quoteIdent(e.Prop))
	if e.Not {
		b.WriteString(" NOT")
	}
	b.WriteString(" IN (")
	for i, v := range e.Values {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(formatValue(v))
	}
	b.WriteString(")")
	return b.String()
}

// String returns the predicate as CQL2-text.
func (e *Like) String() string {
	return quoteIdent(e.Prop) + not(e.Not) + " LIKE " + quoteString(e.Pattern)
}

// String returns the predicate as CQL2-text.
func (e *Between) String() string {
	return quoteIdent(e.Prop) + not(e.Not) + " BETWEEN " + formatValue(e.Low) + " AND " + formatValue(e.High)
}

// String returns the predicate as CQL2-text.
func (e *IsNull) String() string {
	if e.Not {
		return quoteIdent(e.Prop) + " IS NOT NULL"
	}
	return quoteIdent(e.Prop) + " IS NULL"
}

// String returns the predicate as CQL2-text.
func (e *SIntersects) String() string {
	return "S_INTERSECTS(" + quoteIdent(e.Prop) + ", " + formatGeometry(e.Geom) + ")"
}

// String returns the predicate as CQL2-text.
func (e *TIntersects) String() string {
	return "T_INTERSECTS(" + quoteIdent(e.Prop) + ", INTERVAL(" + formatBound(e.Start) + ", " + formatBound(e.End) + "))"
}

// String returns the predicate as CQL2-text.
func (e *TAfter) String() string {
	return "T_AFTER(" + quoteIdent(e.Prop) + ", " + formatValue(e.Time) + ")"
}

// String returns the predicate as CQL2-text.
func (e *TBefore) String() string {
	return "T_BEFORE(" + quoteIdent(e.Prop) + ", " + formatValue(e.Time) + ")"
}

func not(b bool) string {
	if b {
		return " NOT"
	}
	return ""
}

func isAnd(e Expr) bool { _, ok := e.(*And); return ok }
func isOr(e Expr) bool  { _, ok := e.(*Or); return ok }

func exprString(e Expr) string {
	if e == nil {
		return "<nil>"
	}
	return e.String()
}

func joinTerms(args []Expr, sep string, paren func(Expr) bool) string {
	var b strings.Builder
	for i, a := range args {
		if i > 0 {
			b.WriteString(sep)
		}
		if paren(a) {
			b.WriteString("(" + exprString(a) + ")")
		} else {
			b.WriteString(exprString(a))
		}
	}
	return b.String()
}

// formatValue writes a literal as CQL2-text.
func formatValue(v any) string {
	switch v := v.(type) {
	case string:
		return quoteString(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return formatFloatLiteral(v)
	case bool:
		if v {
			return "TRUE"
		}
		return "FALSE"
	case time.Time:
		return "TIMESTAMP(" + quoteString(formatTime(v)) + ")"
	}
	return fmt.Sprintf("<invalid %T>", v)
}

// formatFloatLiteral writes f so that it reads back as a float, not an int.
func formatFloatLiteral(f float64) string {
	s := formatFloat(f)
	if !strings.ContainsAny(s, ".eIN") {
		s += ".0"
	}
	return s
}

// formatFloat writes the shortest text that reads back as f.
func formatFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func formatBound(t *time.Time) string {
	if t == nil {
		return "'..'"
	}
	return quoteString(formatTime(*t))
}

// quoteString writes s as a CQL2 string literal.
func quoteString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// quoteIdent writes a property name bare when it reads back as itself and
// double-quoted otherwise.
func quoteIdent(name string) string {
	if isBareIdent(name) && !isReserved(name) {
		return name
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// formatGeometry writes a query geometry as BBOX(...) or 2D WKT (geo.WKT,
// exact coordinates). It is also the WKT ToSQL binds for ST_GeomFromText.
func formatGeometry(g orb.Geometry) string {
	if b, ok := g.(orb.Bound); ok {
		return "BBOX(" + formatFloat(b.Min[0]) + ", " + formatFloat(b.Min[1]) + ", " +
			formatFloat(b.Max[0]) + ", " + formatFloat(b.Max[1]) + ")"
	}
	if g == nil {
		return "<no geometry>"
	}
	return geo.WKT{Prec: -1, Spaced: true}.String(g)
}
