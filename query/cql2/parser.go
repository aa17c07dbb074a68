package cql2

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Error is a syntax, type or limit error in a filter.
type Error struct {
	// Pos is the 1-based position, in characters (not bytes), where the
	// problem was found.
	Pos int
	// Msg says what is wrong, without the "cql2:" prefix or the position.
	Msg string
	// Err is the underlying cause, if any (for example a time.ParseError).
	Err error
}

// Error returns a sentence like `cql2: unknown property "foo" at position 12`.
func (e *Error) Error() string {
	return "cql2: " + e.Msg + " at position " + strconv.Itoa(e.Pos)
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// errorf makes an Error at byte offset off of src.
func errorf(src string, off int, format string, args ...any) *Error {
	off = min(max(off, 0), len(src))
	for off > 0 && off < len(src) && !utf8.RuneStart(src[off]) {
		off-- // report the character off falls inside
	}
	return &Error{Pos: utf8.RuneCountInString(src[:off]) + 1, Msg: fmt.Sprintf(format, args...)}
}

// limits bounds what one Parse accepts; see the Max* constants.
type limits struct {
	length, depth, inItems, coords int
}

func defaultLimits() limits {
	return limits{length: MaxLength, depth: MaxDepth, inItems: MaxInItems, coords: MaxCoordinates}
}

// Parse parses CQL2-text src (see the package documentation for the
// accepted subset), checking every property name and literal type against
// s; a nil s knows no properties. Errors are *Error values naming the
// problem and its position, including refusals of over-long or over-nested
// input (MaxLength, MaxDepth, MaxInItems, MaxCoordinates). Parse does not
// panic on any input.
func Parse(src string, s Schema) (Expr, error) {
	return parse(src, s, defaultLimits())
}

// bailout carries an *Error up the parser's stack to parse.
type bailout struct{ err *Error }

// parser is a recursive-descent parser with one token of lookahead.
type parser struct {
	src    string
	lx     lexer
	schema Schema
	lim    limits
	tok    token
	depth  int
	coords int
}

func parse(src string, s Schema, lim limits) (e Expr, err error) {
	if len(src) > lim.length {
		return nil, errorf(src, lim.length, "filter is too long (%d bytes, limit %d)", len(src), lim.length)
	}
	if !utf8.ValidString(src) {
		off := 0
		for off < len(src) {
			r, n := utf8.DecodeRuneInString(src[off:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			off += n
		}
		return nil, errorf(src, off, "invalid UTF-8")
	}
	if s == nil {
		s = SchemaMap(nil)
	}
	p := &parser{src: src, lx: lexer{src: src}, schema: s, lim: lim}
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(bailout)
			if !ok {
				panic(r)
			}
			e, err = nil, b.err
		}
	}()
	p.advance()
	if p.tok.kind == tokEOF {
		p.fail(p.tok.pos, "empty filter")
	}
	e = p.parseOr()
	if p.tok.kind != tokEOF {
		p.fail(p.tok.pos, "unexpected %s after a complete expression (missing AND or OR?)", describe(p.tok))
	}
	return e, nil
}

func (p *parser) fail(off int, format string, args ...any) {
	panic(bailout{errorf(p.src, off, format, args...)})
}

func (p *parser) failErr(off int, cause error, format string, args ...any) {
	e := errorf(p.src, off, format, args...)
	e.Err = cause
	panic(bailout{e})
}

func (p *parser) advance() {
	t, err := p.lx.next()
	if err != nil {
		panic(bailout{err})
	}
	p.tok = t
}

// is reports whether the current token is the keyword kw (upper case).
func (p *parser) is(kw string) bool {
	return p.tok.kind == tokIdent && keyword(p.tok.text) == kw
}

func (p *parser) expect(kind tokenKind, what string) {
	if p.tok.kind != kind {
		p.fail(p.tok.pos, "expected %s, found %s", what, describe(p.tok))
	}
	p.advance()
}

func (p *parser) expectKeyword(kw string) {
	if !p.is(kw) {
		p.fail(p.tok.pos, "expected %s, found %s", kw, describe(p.tok))
	}
	p.advance()
}

// enter counts one level of nesting (a parenthesis or a NOT).
func (p *parser) enter(off int) {
	p.depth++
	if p.depth > p.lim.depth {
		p.fail(off, "expression is nested too deeply (limit %d)", p.lim.depth)
	}
}

func (p *parser) leave() { p.depth-- }

// describe names a token for error messages.
func describe(t token) string {
	const maxRunes = 24
	text := t.text
	if utf8.RuneCountInString(text) > maxRunes {
		text = string([]rune(text)[:maxRunes]) + "…"
	}
	switch t.kind {
	case tokEOF:
		return "end of input"
	case tokIdent:
		return strconv.Quote(text)
	case tokQuotedIdent:
		return "property name " + strconv.Quote(text)
	case tokString:
		return "string " + quoteString(text)
	case tokNumber:
		return "number " + text
	}
	return "'" + text + "'"
}

// orExpr = andExpr { OR andExpr }
func (p *parser) parseOr() Expr {
	var args []Expr
	for {
		e := p.parseAnd()
		if o, ok := e.(*Or); ok {
			args = append(args, o.Args...)
		} else {
			args = append(args, e)
		}
		if !p.is("OR") {
			break
		}
		p.advance()
	}
	if len(args) == 1 {
		return args[0]
	}
	return &Or{Args: args}
}

// andExpr = notExpr { AND notExpr }
func (p *parser) parseAnd() Expr {
	var args []Expr
	for {
		e := p.parseNot()
		if a, ok := e.(*And); ok {
			args = append(args, a.Args...)
		} else {
			args = append(args, e)
		}
		if !p.is("AND") {
			break
		}
		p.advance()
	}
	if len(args) == 1 {
		return args[0]
	}
	return &And{Args: args}
}

// notExpr = NOT notExpr | '(' orExpr ')' | predicate
func (p *parser) parseNot() Expr {
	if p.is("NOT") {
		p.enter(p.tok.pos)
		defer p.leave()
		p.advance()
		return &Not{Arg: p.parseNot()}
	}
	if p.tok.kind == tokLParen {
		p.enter(p.tok.pos)
		defer p.leave()
		p.advance()
		e := p.parseOr()
		p.expect(tokRParen, "')'")
		return e
	}
	return p.parsePredicate()
}

func (p *parser) parsePredicate() Expr {
	switch p.tok.kind {
	case tokIdent:
		switch kw := keyword(p.tok.text); kw {
		case "S_INTERSECTS":
			return p.parseSpatial()
		case "T_INTERSECTS", "T_AFTER", "T_BEFORE":
			return p.parseTemporal(kw)
		}
		if isReserved(p.tok.text) {
			p.fail(p.tok.pos, "expected a property name, NOT or '(', found %s", describe(p.tok))
		}
	case tokQuotedIdent:
	default:
		p.fail(p.tok.pos, "expected a property name, NOT or '(', found %s", describe(p.tok))
	}
	name, typ, _ := p.property()
	return p.parsePropPredicate(name, typ)
}

// opFor maps a tokOp text to its Op.
func opFor(text string) Op {
	switch text {
	case "=":
		return OpEq
	case "<>":
		return OpNe
	case "<":
		return OpLt
	case ">":
		return OpGt
	case "<=":
		return OpLe
	}
	return OpGe
}

// property consumes a property name and looks it up in the schema.
func (p *parser) property() (name string, typ Type, pos int) {
	t := p.tok
	if t.kind != tokQuotedIdent && (t.kind != tokIdent || isReserved(t.text)) {
		p.fail(t.pos, "expected a property name, found %s", describe(t))
	}
	typ, ok := p.schema.Lookup(t.text)
	if !ok {
		p.fail(t.pos, "unknown property %q", t.text)
	}
	if !typ.valid() {
		p.fail(t.pos, "property %q has an unsupported type (%s)", t.text, typ)
	}
	p.advance()
	return t.text, typ, t.pos
}

func (p *parser) parsePropPredicate(name string, typ Type) Expr {
	if p.tok.kind == tokOp {
		opPos := p.tok.pos
		op := opFor(p.tok.text)
		if typ == TGeometry {
			p.fail(opPos, "cannot compare geometry property %q with %s (use S_INTERSECTS)", name, op)
		}
		if typ == TBool && op.ordering() {
			p.fail(opPos, "operator %s is not defined for bool property %q (use = or <>)", op, name)
		}
		p.advance()
		v := p.typedLiteral(name, typ)
		return &Compare{Op: op, Prop: name, Value: v}
	}
	if p.is("IS") {
		p.advance()
		not := p.is("NOT")
		if not {
			p.advance()
		}
		p.expectKeyword("NULL")
		return &IsNull{Prop: name, Not: not, Geometry: typ == TGeometry}
	}
	not := p.is("NOT")
	if not {
		p.advance()
	}
	switch {
	case p.is("IN"):
		return p.parseIn(name, typ, not)
	case p.is("LIKE"):
		return p.parseLike(name, typ, not)
	case p.is("BETWEEN"):
		return p.parseBetween(name, typ, not)
	}
	if not {
		p.fail(p.tok.pos, "expected IN, LIKE or BETWEEN after NOT, found %s", describe(p.tok))
	}
	p.fail(p.tok.pos, "expected a comparison operator, IN, LIKE, BETWEEN or IS after property %q, found %s", name, describe(p.tok))
	return nil
}

func (p *parser) parseIn(name string, typ Type, not bool) Expr {
	if typ == TGeometry {
		p.fail(p.tok.pos, "IN is not defined for geometry property %q", name)
	}
	p.advance()
	p.expect(tokLParen, "'(' after IN")
	var vals []any
	for {
		if len(vals) == p.lim.inItems {
			p.fail(p.tok.pos, "too many items in IN list (limit %d)", p.lim.inItems)
		}
		vals = append(vals, p.typedLiteral(name, typ))
		if p.tok.kind != tokComma {
			break
		}
		p.advance()
	}
	p.expect(tokRParen, "',' or ')' in IN list")
	return &In{Prop: name, Values: unifyNumbers(vals), Not: not}
}

// unifyNumbers turns the ints of a list into float64 when it also holds a
// float, so that ToSQL can bind one typed array.
func unifyNumbers(vals []any) []any {
	hasFloat := false
	for _, v := range vals {
		if _, ok := v.(float64); ok {
			hasFloat = true
		}
	}
	if !hasFloat {
		return vals
	}
	for i, v := range vals {
		if n, ok := v.(int64); ok {
			vals[i] = float64(n)
		}
	}
	return vals
}

func (p *parser) parseLike(name string, typ Type, not bool) Expr {
	if typ != TString {
		p.fail(p.tok.pos, "LIKE needs a string property; %q is %s", name, typ)
	}
	p.advance()
	if p.tok.kind != tokString {
		p.fail(p.tok.pos, "expected a string pattern after LIKE, found %s", describe(p.tok))
	}
	pat := p.tok.text
	if !validLikePattern(pat) {
		p.fail(p.tok.pos, "LIKE pattern ends with an unescaped backslash")
	}
	p.advance()
	return &Like{Prop: name, Pattern: pat, Not: not}
}

func (p *parser) parseBetween(name string, typ Type, not bool) Expr {
	if typ == TGeometry || typ == TBool {
		p.fail(p.tok.pos, "BETWEEN is not defined for %s property %q", typ, name)
	}
	p.advance()
	lo := p.typedLiteral(name, typ)
	p.expectKeyword("AND")
	hi := p.typedLiteral(name, typ)
	return &Between{Prop: name, Low: lo, High: hi, Not: not}
}

// typedLiteral parses a literal and checks that it fits property name.
func (p *parser) typedLiteral(name string, typ Type) any {
	pos := p.tok.pos
	v := p.literal()
	ok := false
	switch v.(type) {
	case string:
		ok = typ == TString
	case int64, float64:
		ok = typ.numeric()
	case bool:
		ok = typ == TBool
	case time.Time:
		ok = typ == TTime
	}
	if !ok {
		p.fail(pos, "cannot compare %s property %q with %s", typ, name, kindOf(v))
	}
	return v
}

func kindOf(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64, float64:
		return "a number"
	case bool:
		return "a boolean"
	case time.Time:
		return "a timestamp"
	}
	return fmt.Sprintf("%T", v)
}

// literal = string | number | TRUE | FALSE | TIMESTAMP(...) | DATE(...)
func (p *parser) literal() any {
	t := p.tok
	switch t.kind {
	case tokString:
		p.advance()
		return t.text
	case tokNumber:
		v, err := parseNumber(t.text)
		if err != nil {
			p.failErr(t.pos, err, "number %s is out of range", t.text)
		}
		p.advance()
		return v
	case tokIdent:
		switch keyword(t.text) {
		case "TRUE":
			p.advance()
			return true
		case "FALSE":
			p.advance()
			return false
		case "TIMESTAMP", "DATE":
			return p.timeLiteral()
		case "NULL":
			p.fail(t.pos, "NULL is not a value (use IS NULL or IS NOT NULL)")
		}
		p.fail(t.pos, "expected a literal value, found %s (comparing two properties is not supported)", describe(t))
	case tokQuotedIdent:
		p.fail(t.pos, "expected a literal value, found %s (strings take single quotes)", describe(t))
	}
	p.fail(t.pos, "expected a literal value, found %s", describe(t))
	return nil
}

// parseNumber returns an int64 when text is an integer that fits, otherwise
// a finite float64.
func parseNumber(text string) (any, error) {
	if !strings.ContainsAny(text, ".eE") {
		if n, err := strconv.ParseInt(text, 10, 64); err == nil {
			return n, nil
		}
	}
	f, err := parseFloat(text)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// parseFloat parses a finite float (underflow rounds to zero).
func parseFloat(text string) (float64, error) {
	f, err := strconv.ParseFloat(text, 64)
	if math.IsInf(f, 0) || math.IsNaN(f) {
		if err == nil {
			err = fmt.Errorf("cql2: %s is not finite", text)
		}
		return 0, err
	}
	return f, nil
}

// timeLiteral = (TIMESTAMP | DATE) '(' string ')'
func (p *parser) timeLiteral() time.Time {
	kw := keyword(p.tok.text)
	p.advance()
	p.expect(tokLParen, "'(' after "+kw)
	t := p.tok
	if t.kind != tokString {
		p.fail(t.pos, "expected a quoted %s inside %s(...), found %s", strings.ToLower(kw), kw, describe(t))
	}
	var v time.Time
	var err error
	if kw == "DATE" {
		v, err = parseDate(t.text)
	} else {
		v, err = parseTimestamp(t.text)
	}
	if err != nil {
		p.failErr(t.pos, err, "invalid %s %s", strings.ToLower(kw), timeHint(kw, t.text))
	}
	p.advance()
	p.expect(tokRParen, "')'")
	return v
}

func timeHint(kw, text string) string {
	if kw == "DATE" {
		return fmt.Sprintf("%q (want YYYY-MM-DD, e.g. 2026-01-01)", text)
	}
	return fmt.Sprintf("%q (want RFC 3339, e.g. 2026-01-01T00:00:00Z)", text)
}

// parseTimestamp parses RFC 3339, in UTC, truncated to microseconds.
func parseTimestamp(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, err
	}
	return checkYear(t.UTC().Truncate(time.Microsecond))
}

// parseDate parses YYYY-MM-DD as midnight in Beijing (Asia/Shanghai), the
// zone every date of minqing's layers is in, so that DATE('2019-07-01')
// equals a date field holding that day in both stores.
func parseDate(s string) (time.Time, error) {
	t, err := time.ParseInLocation(time.DateOnly, s, beijing())
	if err != nil {
		return time.Time{}, err
	}
	return checkYear(t.UTC())
}

func checkYear(t time.Time) (time.Time, error) {
	if y := t.Year(); y < 1 || y > 9999 {
		return time.Time{}, fmt.Errorf("cql2: year %d is outside 1–9999", y)
	}
	return t, nil
}

// parseTemporal = T_INTERSECTS | T_AFTER | T_BEFORE '(' prop ',' time ')'
func (p *parser) parseTemporal(kw string) Expr {
	p.advance()
	p.expect(tokLParen, "'(' after "+kw)
	name, typ, pos := p.property()
	if typ != TTime {
		p.fail(pos, "%s needs a time property; %q is %s", kw, name, typ)
	}
	p.expect(tokComma, "','")
	var e Expr
	switch {
	case kw == "T_INTERSECTS" && p.is("INTERVAL"):
		p.advance()
		p.expect(tokLParen, "'(' after INTERVAL")
		startPos := p.tok.pos
		start := p.intervalEnd()
		p.expect(tokComma, "','")
		end := p.intervalEnd()
		p.expect(tokRParen, "')'")
		if start != nil && end != nil && start.After(*end) {
			p.fail(startPos, "interval starts after it ends")
		}
		e = &TIntersects{Prop: name, Start: start, End: end}
	case p.is("TIMESTAMP") || p.is("DATE"):
		t := p.timeLiteral()
		switch kw {
		case "T_AFTER":
			e = &TAfter{Prop: name, Time: t}
		case "T_BEFORE":
			e = &TBefore{Prop: name, Time: t}
		default:
			start, end := t, t
			e = &TIntersects{Prop: name, Start: &start, End: &end}
		}
	default:
		want := "TIMESTAMP(...) or DATE(...)"
		if kw == "T_INTERSECTS" {
			want = "INTERVAL(...), " + want
		}
		p.fail(p.tok.pos, "expected %s, found %s", want, describe(p.tok))
	}
	p.expect(tokRParen, "')'")
	return e
}

// intervalEnd parses one end of an INTERVAL: '..' (open, nil), a quoted
// timestamp or date, or TIMESTAMP(...) / DATE(...).
func (p *parser) intervalEnd() *time.Time {
	t := p.tok
	if p.is("TIMESTAMP") || p.is("DATE") {
		v := p.timeLiteral()
		return &v
	}
	if t.kind != tokString {
		p.fail(t.pos, "expected '..', a quoted timestamp or a date, found %s", describe(t))
	}
	p.advance()
	if t.text == ".." {
		return nil
	}
	v, err := parseTimestamp(t.text)
	if err != nil {
		var derr error
		if v, derr = parseDate(t.text); derr != nil {
			p.failErr(t.pos, err, "invalid interval end %q (want '..', RFC 3339 like 2026-01-01T00:00:00Z or a date like 2026-01-01)", t.text)
		}
	}
	return &v
}

// beijing returns Asia/Shanghai, or the fixed +08:00 it has kept since 1991
// when no zone database is available.
func beijing() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}
