package cql2

import (
	"cmp"
	"math"
	"time"
	"unicode/utf8"

	"github.com/paulmach/orb"
)

// truth is a value of SQL's three-valued logic.
type truth int8

const (
	tFalse truth = iota
	tTrue
	tUnknown
)

func truthOf(b bool) truth {
	if b {
		return tTrue
	}
	return tFalse
}

func (t truth) not() truth {
	switch t {
	case tTrue:
		return tFalse
	case tFalse:
		return tTrue
	}
	return tUnknown
}

// Eval reports whether one feature matches e, using SQL's three-valued logic
// so that it agrees with the SQL from ToSQL: a predicate on a NULL property is
// unknown, NOT unknown is unknown, and only a true filter matches.
//
// props holds the feature's properties as string, int64, float64, bool,
// time.Time or nil (other Go integer and float types are accepted too); a
// missing property is NULL, and a value of the wrong type for a comparison
// makes it unknown. The geometry S_INTERSECTS (and IS NULL on a geometry
// property) tests is props[Prop] when that key is present (an orb.Geometry
// or nil) and geom otherwise. A nil e matches nothing.
//
// Eval compiles e's LIKE patterns on every call; to test many features
// against one filter, Compile it once and call Program.Match.
func Eval(e Expr, props map[string]any, geom orb.Geometry) bool {
	ev := evaluator{props: props, geom: geom}
	return ev.eval(e) == tTrue
}

// Program is a filter compiled once for a query: its LIKE patterns parsed
// and measured, so that testing a feature costs no more for a long pattern
// than the matching itself. A Program is read-only and safe for concurrent use.
type Program struct {
	e     Expr
	likes map[*Like]*likePattern
}

// Compile prepares e for Match. A nil e gives a Program matching nothing.
func Compile(e Expr) *Program {
	p := &Program{e: e, likes: map[*Like]*likePattern{}}
	p.compile(e)
	return p
}

func (p *Program) compile(e Expr) {
	switch e := e.(type) {
	case *And:
		for _, a := range e.Args {
			p.compile(a)
		}
	case *Or:
		for _, a := range e.Args {
			p.compile(a)
		}
	case *Not:
		p.compile(e.Arg)
	case *Like:
		p.likes[e] = compileLike(e.Pattern)
	}
}

// Match reports whether one feature matches, as Eval does.
func (p *Program) Match(props map[string]any, geom orb.Geometry) bool {
	ev := evaluator{props: props, geom: geom, likes: p.likes}
	return ev.eval(p.e) == tTrue
}

type evaluator struct {
	props map[string]any
	geom  orb.Geometry
	likes map[*Like]*likePattern // compiled patterns, or nil
}

func (ev evaluator) eval(e Expr) truth {
	switch e := e.(type) {
	case *And:
		r := tTrue
		for _, a := range e.Args {
			switch ev.eval(a) {
			case tFalse:
				return tFalse
			case tUnknown:
				r = tUnknown
			}
		}
		return r
	case *Or:
		r := tFalse
		for _, a := range e.Args {
			switch ev.eval(a) {
			case tTrue:
				return tTrue
			case tUnknown:
				r = tUnknown
			}
		}
		return r
	case *Not:
		return ev.eval(e.Arg).not()
	case *Compare:
		c, ok := compareValues(ev.value(e.Prop), e.Value)
		if !ok {
			return tUnknown
		}
		switch e.Op {
		case OpEq:
			return truthOf(c == 0)
		case OpNe:
			return truthOf(c != 0)
		case OpLt:
			return truthOf(c < 0)
		case OpGt:
			return truthOf(c > 0)
		case OpLe:
			return truthOf(c <= 0)
		case OpGe:
			return truthOf(c >= 0)
		}
		return tUnknown
	case *In:
		v := ev.value(e.Prop)
		r := tFalse
		for _, x := range e.Values {
			c, ok := compareValues(v, x)
			if !ok {
				r = tUnknown
				continue
			}
			if c == 0 {
				r = tTrue
				break
			}
		}
		return negateIf(r, e.Not)
	case *Like:
		s, ok := ev.value(e.Prop).(string)
		if !ok {
			return tUnknown
		}
		lp := ev.likes[e]
		if lp == nil {
			lp = compileLike(e.Pattern)
		}
		if !lp.valid {
			return tUnknown
		}
		return negateIf(truthOf(lp.match(s)), e.Not)
	case *Between:
		v := ev.value(e.Prop)
		lo, ok1 := compareValues(v, e.Low)
		hi, ok2 := compareValues(v, e.High)
		if !ok1 || !ok2 {
			return tUnknown
		}
		return negateIf(truthOf(lo >= 0 && hi <= 0), e.Not)
	case *IsNull:
		if e.Geometry {
			return negateIf(truthOf(ev.geometry(e.Prop) == nil), e.Not)
		}
		return negateIf(truthOf(ev.props[e.Prop] == nil), e.Not)
	case *SIntersects:
		g := ev.geometry(e.Prop)
		if g == nil || e.Geom == nil {
			return tUnknown
		}
		return truthOf(intersects(g, e.Geom))
	case *TIntersects:
		t, ok := ev.value(e.Prop).(time.Time)
		if !ok {
			return tUnknown
		}
		return truthOf((e.Start == nil || !t.Before(*e.Start)) && (e.End == nil || !t.After(*e.End)))
	case *TAfter:
		t, ok := ev.value(e.Prop).(time.Time)
		if !ok {
			return tUnknown
		}
		return truthOf(t.After(e.Time))
	case *TBefore:
		t, ok := ev.value(e.Prop).(time.Time)
		if !ok {
			return tUnknown
		}
		return truthOf(t.Before(e.Time))
	}
	return tUnknown
}

func negateIf(t truth, not bool) truth {
	if not {
		return t.not()
	}
	return t
}

// value returns a property normalised to string, int64, float64, bool,
// time.Time or nil (for NULL, missing and unsupported values).
func (ev evaluator) value(name string) any {
	switch v := ev.props[name].(type) {
	case string, int64, float64, bool:
		return v
	case time.Time:
		return v
	case int:
		return int64(v)
	case int32:
		return int64(v)
	case int16:
		return int64(v)
	case int8:
		return int64(v)
	case uint32:
		return int64(v)
	case uint16:
		return int64(v)
	case uint8:
		return int64(v)
	case float32:
		return float64(v)
	}
	return nil
}

// geometry returns the geometry a spatial predicate on name tests: the
// property when present, otherwise the feature geometry.
func (ev evaluator) geometry(name string) orb.Geometry {
	v, ok := ev.props[name]
	if !ok {
		return ev.geom
	}
	g, _ := v.(orb.Geometry)
	return g
}

// compareValues orders a (a property value) against b (a literal). ok is
// false when either is NULL or they are not comparable, which makes the
// predicate unknown.
func compareValues(a, b any) (c int, ok bool) {
	switch a := a.(type) {
	case string:
		if b, ok := b.(string); ok {
			return cmp.Compare(a, b), true // byte order, like COLLATE "C"
		}
	case int64:
		switch b := b.(type) {
		case int64:
			return cmp.Compare(a, b), true
		case float64:
			return compareFloats(float64(a), b), true
		}
	case float64:
		switch b := b.(type) {
		case int64:
			return compareFloats(a, float64(b)), true
		case float64:
			return compareFloats(a, b), true
		}
	case bool:
		if b, ok := b.(bool); ok {
			return compareBools(a, b), true
		}
	case time.Time:
		if b, ok := b.(time.Time); ok {
			return a.Compare(b), true
		}
	}
	return 0, false
}

// compareFloats orders like PostgreSQL's float8: NaN equals NaN and sorts
// above every number. Mixed int/float comparisons convert the int to float64,
// as PostgreSQL does.
func compareFloats(a, b float64) int {
	an, bn := math.IsNaN(a), math.IsNaN(b)
	switch {
	case an && bn:
		return 0
	case an:
		return 1
	case bn:
		return -1
	}
	return cmp.Compare(a, b)
}

func compareBools(a, b bool) int {
	switch {
	case a == b:
		return 0
	case b:
		return -1
	}
	return 1
}

// validLikePattern reports whether pat does not end in a lone escape,
// which PostgreSQL rejects.
func validLikePattern(pat string) bool {
	n := 0
	for i := len(pat) - 1; i >= 0 && pat[i] == '\\'; i-- {
		n++
	}
	return n%2 == 0
}

// likeElem is one element of a compiled LIKE pattern.
type likeElem struct {
	r    rune
	kind byte // 'c' literal character, '_' any one, '%' any run
}

// likePattern is a LIKE pattern compiled once per query: its elements,
// with runs of % folded into one, and the fewest characters a match needs.
type likePattern struct {
	valid  bool // false: a pattern PostgreSQL rejects; every match is unknown
	elems  []likeElem
	minLen int // characters (not %) the pattern needs
}

// compileLike parses pat (characters, case-sensitive, backslash escape).
func compileLike(pat string) *likePattern {
	lp := &likePattern{valid: validLikePattern(pat)}
	if !lp.valid {
		return lp
	}
	for i := 0; i < len(pat); {
		r, n := utf8.DecodeRuneInString(pat[i:])
		i += n
		switch r {
		case '\\':
			r, n = utf8.DecodeRuneInString(pat[i:])
			i += n
			lp.elems = append(lp.elems, likeElem{r: r, kind: 'c'})
		case '%':
			if len(lp.elems) == 0 || lp.elems[len(lp.elems)-1].kind != '%' {
				lp.elems = append(lp.elems, likeElem{kind: '%'})
			}
			continue
		case '_':
			lp.elems = append(lp.elems, likeElem{kind: '_'})
		default:
			lp.elems = append(lp.elems, likeElem{r: r, kind: 'c'})
		}
		lp.minLen++
	}
	return lp
}

// likeMatch reports whether s matches the LIKE pattern pat.
func likeMatch(pat, s string) bool { return compileLike(pat).match(s) }

// match reports whether s matches the pattern: a greedy two-pointer
// wildcard match that backtracks only to the last %, so it takes at most
// O(len(pattern)·len(s)) steps and no memory — never the exponential time of
// a naive recursive matcher. A string shorter than the pattern's fixed
// characters is refused at once.
func (lp *likePattern) match(s string) bool {
	if utf8.RuneCountInString(s) < lp.minLen {
		return false
	}
	elems := lp.elems
	p, i := 0, 0 // element index; byte offset in s
	star, mark := -1, 0
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case p < len(elems) && (elems[p].kind == '_' || elems[p].kind == 'c' && elems[p].r == r):
			p++
			i += n
		case p < len(elems) && elems[p].kind == '%':
			star, mark = p, i
			p++
		case star >= 0:
			_, m := utf8.DecodeRuneInString(s[mark:])
			mark += m
			p, i = star+1, mark
		default:
			return false
		}
	}
	for p < len(elems) && elems[p].kind == '%' {
		p++
	}
	return p == len(elems)
}
