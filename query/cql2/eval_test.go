package cql2

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

// feature is the feature most Eval tests run against. "missing",
// "missingt" and the absent keys are NULL; so is "nullname".
func feature() map[string]any {
	return map[string]any{
		"name":     "丰台",
		"名称":       "丰台街道",
		"kind":     "50%_off\\",
		"pop":      int64(10),
		"area":     2.5,
		"open":     true,
		"t":        time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
		"date":     time.Date(2026, 1, 1, 0, 0, 0, 0, time.FixedZone("CST", 8*3600)),
		"nullname": nil,
	}
}

func mustParse(t *testing.T, src string) Expr {
	t.Helper()
	e, err := Parse(src, testSchema())
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	return e
}

func TestEval(t *testing.T) {
	geom := orb.Point{116.3, 39.85}
	tests := []struct {
		filter string
		want   bool
	}{
		// comparisons, numbers across int64/float64
		{`pop = 10`, true},
		{`pop = 10.0`, true},
		{`pop < 10.5`, true},
		{`pop <> 10`, false},
		{`pop >= 10`, true},
		{`pop > 10`, false},
		{`area > 2`, true},
		{`area = 2.5`, true},
		{`area <= 2.4`, false},
		// strings compare by code point (COLLATE "C")
		{`name = '丰台'`, true},
		{`名称 = '丰台街道'`, true},
		{`name < 'Z'`, false},
		{`name > 'Z'`, true},
		{`name >= '丰'`, true},
		{`open = TRUE`, true},
		{`open <> TRUE`, false},
		// time: instants compare regardless of zone
		{`date = TIMESTAMP('2025-12-31T16:00:00Z')`, true},
		{`date = DATE('2026-01-01')`, true}, // a DATE is midnight in Beijing, as stored dates are
		{`t > DATE('2026-03-01')`, true},
		{`t < TIMESTAMP('2026-03-01T20:00:00+08:00')`, false},
		{`t <= TIMESTAMP('2026-03-01T20:00:00+08:00')`, true},
		{`T_AFTER(t, TIMESTAMP('2026-03-01T12:00:00Z'))`, false},
		{`T_BEFORE(t, TIMESTAMP('2026-03-01T12:00:00.000001Z'))`, true},
		{`T_INTERSECTS(t, INTERVAL('2026-03-01T12:00:00Z', '2026-03-01T12:00:00Z'))`, true},
		{`T_INTERSECTS(t, INTERVAL('2026-01-01', '..'))`, true},
		{`T_INTERSECTS(t, INTERVAL('..', '2026-01-01'))`, false},
		{`T_INTERSECTS(t, INTERVAL('..', '..'))`, true},
		{`T_INTERSECTS(t, TIMESTAMP('2026-03-01T12:00:00Z'))`, true},
		// IN, LIKE, BETWEEN
		{`pop IN (1, 10)`, true},
		{`pop IN (1, 10.5)`, false},
		{`pop NOT IN (1, 2)`, true},
		{`name IN ('丰台', 'x')`, true},
		{`t IN (TIMESTAMP('2026-03-01T20:00:00+08:00'))`, true},
		{`name LIKE '丰%'`, true},
		{`name LIKE '_台'`, true},
		{`name LIKE '_'`, false},
		{`name NOT LIKE '丰'`, true},
		{`kind LIKE '50\%\_off\\'`, true},
		{`kind LIKE '50\%%'`, true},
		{`kind LIKE '5\0%'`, true},
		{`kind LIKE '%\_%'`, true},
		{`name LIKE '%\_%'`, false},
		{`pop BETWEEN 10 AND 10`, true},
		{`pop BETWEEN 11 AND 1`, false},
		{`pop NOT BETWEEN 11 AND 1`, true},
		{`area BETWEEN 2 AND 2.5`, true},
		{`name BETWEEN '世' AND '丰台街道'`, true},
		// NULL: every comparison is unknown, and so is its negation
		{`missing = 1`, false},
		{`NOT missing = 1`, false},
		{`missing <> 1`, false},
		{`NOT missing <> 1`, false},
		{`nullname = 'x'`, false},
		{`NOT nullname = 'x'`, false},
		{`missing IN (1, 2)`, false},
		{`missing NOT IN (1, 2)`, false},
		{`nullname LIKE '%'`, false},
		{`nullname NOT LIKE '%'`, false},
		{`NOT nullname LIKE '%'`, false},
		{`missing BETWEEN 1 AND 2`, false},
		{`missing NOT BETWEEN 1 AND 2`, false},
		{`T_INTERSECTS(missingt, INTERVAL('..', '..'))`, false},
		{`NOT T_INTERSECTS(missingt, INTERVAL('..', '..'))`, false},
		{`T_AFTER(missingt, DATE('2026-01-01'))`, false},
		{`NOT T_BEFORE(missingt, DATE('2026-01-01'))`, false},
		{`missing IS NULL`, true},
		{`missing IS NOT NULL`, false},
		{`NOT missing IS NULL`, false},
		{`nullname IS NULL`, true},
		{`name IS NULL`, false},
		{`name IS NOT NULL`, true},
		// three-valued connectives
		{`missing = 1 OR pop = 10`, true},
		{`missing = 1 OR pop = 11`, false},
		{`NOT (missing = 1 OR pop = 11)`, false},
		{`missing = 1 AND pop = 11`, false},
		{`NOT (missing = 1 AND pop = 11)`, true},
		{`NOT (missing = 1 AND pop = 10)`, false},
		{`missing IS NULL AND NOT missing = 1`, false},
		// geometry: the feature geometry stands for geom
		{`S_INTERSECTS(geom, BBOX(116.2, 39.8, 116.4, 39.9))`, true},
		{`S_INTERSECTS(geom, BBOX(116.3, 39.85, 116.4, 39.9))`, true},
		{`S_INTERSECTS(geom, BBOX(0, 0, 1, 1))`, false},
		{`NOT S_INTERSECTS(geom, BBOX(0, 0, 1, 1))`, true},
		{`S_INTERSECTS(geom, POINT(116.3 39.85))`, true},
		{`geom IS NULL`, false},
		{`geom IS NOT NULL`, true},
	}
	props := feature()
	for _, tt := range tests {
		e := mustParse(t, tt.filter)
		if got := Eval(e, props, geom); got != tt.want {
			t.Errorf("Eval(%s) = %v, want %v", tt.filter, got, tt.want)
		}
	}
}

// TestEvalThreeValued checks AND, OR and NOT against Kleene's truth tables
// for every combination of true (pop = 10), false (pop = 11) and unknown
// (missing = 1).
func TestEvalThreeValued(t *testing.T) {
	const T, F, U = tTrue, tFalse, tUnknown
	pred := map[truth]string{T: "pop = 10", F: "pop = 11", U: "missing = 1"}
	and := func(a, b truth) truth {
		switch {
		case a == F || b == F:
			return F
		case a == U || b == U:
			return U
		}
		return T
	}
	or := func(a, b truth) truth { return and(a.not(), b.not()).not() }
	props := feature()
	for _, a := range []truth{T, F, U} {
		if got := Eval(mustParse(t, "NOT "+pred[a]), props, nil); got != (a.not() == T) {
			t.Errorf("NOT %v: got %v", a, got)
		}
		for _, b := range []truth{T, F, U} {
			for _, c := range []struct {
				op   string
				want truth
			}{{"AND", and(a, b)}, {"OR", or(a, b)}} {
				src := fmt.Sprintf("%s %s %s", pred[a], c.op, pred[b])
				if got := Eval(mustParse(t, src), props, nil); got != (c.want == T) {
					t.Errorf("Eval(%s) = %v, want %v", src, got, c.want == T)
				}
				neg := "NOT (" + src + ")"
				if got := Eval(mustParse(t, neg), props, nil); got != (c.want.not() == T) {
					t.Errorf("Eval(%s) = %v, want %v", neg, got, c.want.not() == T)
				}
			}
		}
	}
}

func TestEvalValueTypes(t *testing.T) {
	tests := []struct {
		props  map[string]any
		filter string
		want   bool
	}{
		{map[string]any{"pop": 10}, `pop = 10`, true},
		{map[string]any{"pop": int32(10)}, `pop = 10`, true},
		{map[string]any{"pop": uint8(10)}, `pop = 10.0`, true},
		{map[string]any{"area": float32(2.5)}, `area = 2.5`, true},
		{map[string]any{"pop": int64(1) << 60}, `pop = 1152921504606846976`, true},
		{map[string]any{"pop": int64(1)<<60 + 1}, `pop = 1152921504606846976`, false},
		// a value of the wrong type is unknown, not false
		{map[string]any{"pop": "ten"}, `pop = 10`, false},
		{map[string]any{"pop": "ten"}, `NOT pop = 10`, false},
		{map[string]any{"pop": "ten"}, `pop IS NOT NULL`, true},
		{map[string]any{"name": 5}, `name LIKE '%'`, false},
		{map[string]any{"t": "2026-01-01"}, `T_AFTER(t, DATE('2025-01-01'))`, false},
		// NaN sorts above every number, as in PostgreSQL
		{map[string]any{"area": math.NaN()}, `area > 1e300`, true},
		{map[string]any{"area": math.NaN()}, `area = 1`, false},
		// a geometry in props overrides the geom argument; nil is NULL
		{map[string]any{"geom": orb.Point{0.5, 0.5}}, `S_INTERSECTS(geom, BBOX(0, 0, 1, 1))`, true},
		{map[string]any{"geom": nil}, `S_INTERSECTS(geom, BBOX(0, 0, 1, 1))`, false},
		{map[string]any{"geom": nil}, `NOT S_INTERSECTS(geom, BBOX(0, 0, 1, 1))`, false},
		{map[string]any{"geom": nil}, `geom IS NULL`, true},
		{nil, `geom IS NULL`, true},
		{nil, `NOT S_INTERSECTS(geom, BBOX(0, 0, 1, 1))`, false},
	}
	for _, tt := range tests {
		if got := Eval(mustParse(t, tt.filter), tt.props, nil); got != tt.want {
			t.Errorf("Eval(%s, %v) = %v, want %v", tt.filter, tt.props, got, tt.want)
		}
	}
}

func TestEvalHandBuilt(t *testing.T) {
	props := feature()
	tests := []struct {
		e    Expr
		want bool
	}{
		{nil, false},
		{&And{}, true},
		{&Or{}, false},
		{&And{Args: []Expr{nil}}, false},
		{&Not{}, false},
		{&Compare{Op: Op(42), Prop: "pop", Value: int64(10)}, false},
		{&Compare{Op: OpEq, Prop: "pop", Value: struct{}{}}, false},
		{&Like{Prop: "name", Pattern: `\`}, false},
		{&Like{Prop: "name", Pattern: `\`, Not: true}, false},
		{&In{Prop: "pop"}, false},
		{&SIntersects{Prop: "geom"}, false},
	}
	for _, tt := range tests {
		if got := Eval(tt.e, props, orb.Point{1, 1}); got != tt.want {
			t.Errorf("Eval(%#v) = %v, want %v", tt.e, got, tt.want)
		}
	}
}

func TestLikeMatch(t *testing.T) {
	tests := []struct {
		pat, s string
		want   bool
	}{
		{"", "", true},
		{"", "a", false},
		{"%", "", true},
		{"%%", "abc", true},
		{"_", "", false},
		{"_", "丰", true},
		{"__", "丰", false},
		{"a%", "abc", true},
		{"a%", "ba", false},
		{"%c", "abc", true},
		{"%b%", "abc", true},
		{"a_c", "abc", true},
		{"a_c", "ac", false},
		{"%a%b%", "xaxxbx", true},
		{"%a%b%", "xbxxax", false},
		{`a\%`, "a%", true},
		{`a\%`, "ab", false},
		{`\_`, "_", true},
		{`\_`, "x", false},
		{`a\\`, `a\`, true},
		{`\a`, "a", true},
		{"ABC", "abc", false}, // case-sensitive, like PostgreSQL LIKE
		{"%\n%", "a\nb", true},
		{"丰台_道", "丰台街道", true},
	}
	for _, tt := range tests {
		if got := likeMatch(tt.pat, tt.s); got != tt.want {
			t.Errorf("likeMatch(%q, %q) = %v, want %v", tt.pat, tt.s, got, tt.want)
		}
	}
}

// TestLikeMatchNoBlowup guards against exponential backtracking.
func TestLikeMatchNoBlowup(t *testing.T) {
	pat := strings.Repeat("%a", 50) + "b"
	s := strings.Repeat("a", 5000)
	start := time.Now()
	if likeMatch(pat, s) {
		t.Fatal("matched")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("likeMatch took %v", d)
	}
}
