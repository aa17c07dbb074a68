package cql2

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// likeRegexp is the reference LIKE: the pattern as an anchored regular
// expression (Go's regexp runs in linear time and is independently written).
func likeRegexp(pat string) (*regexp.Regexp, bool) {
	if !validLikePattern(pat) {
		return nil, false
	}
	var b strings.Builder
	b.WriteString(`(?s)\A`)
	for i := 0; i < len(pat); {
		r, n := utf8.DecodeRuneInString(pat[i:])
		i += n
		switch r {
		case '\\':
			r, n = utf8.DecodeRuneInString(pat[i:])
			i += n
			b.WriteString(regexp.QuoteMeta(string(r)))
		case '%':
			b.WriteString(`.*`)
		case '_':
			b.WriteString(`.`)
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(`\z`)
	return regexp.MustCompile(b.String()), true
}

// FuzzLikeMatch checks the matcher against the regular-expression reference
// on short valid UTF-8 inputs.
func FuzzLikeMatch(f *testing.F) {
	seeds := [][2]string{
		{"%", ""}, {"_", "停"}, {"a%b_c", "axxbyc"}, {`50\%`, "50%"}, {"%停%", "突发停电"},
		{"%_%_%", "ab"}, {"%a%a%a%b", "aaaaaaaaaa"}, {`\_%`, "_x"}, {"", ""}, {"a", "ab"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pat, s string) {
		if len(pat) > 40 || len(s) > 40 || !utf8.ValidString(pat) || !utf8.ValidString(s) {
			return
		}
		re, ok := likeRegexp(pat)
		lp := compileLike(pat)
		if lp.valid != ok {
			t.Fatalf("pattern %q: valid = %v, reference %v", pat, lp.valid, ok)
		}
		if !ok {
			return
		}
		if got, want := lp.match(s), re.MatchString(s); got != want {
			t.Fatalf("%q LIKE %q = %v, reference %v", s, pat, got, want)
		}
	})
}

// TestProgramMatchesEval: a compiled Program agrees with Eval, LIKE patterns
// included, whatever the nesting.
func TestProgramMatchesEval(t *testing.T) {
	schema := SchemaMap{"category": TString, "n": TInt}
	filters := []string{
		"category LIKE '停%'",
		"NOT (category LIKE '%电' OR n > 3)",
		"category NOT LIKE '_水%' AND n BETWEEN 1 AND 5",
		"category LIKE '" + strings.Repeat("%_", 4080) + "'",
	}
	rows := []map[string]any{
		{"category": "停电", "n": int64(1)}, {"category": "漏水", "n": int64(4)},
		{"category": "施工扰民", "n": int64(9)}, {"category": nil, "n": int64(2)},
	}
	for _, src := range filters {
		e, err := Parse(src, schema)
		if err != nil {
			t.Fatalf("%s: %v", src[:min(len(src), 40)], err)
		}
		p := Compile(e)
		for _, r := range rows {
			if got, want := p.Match(r, nil), Eval(e, r, nil); got != want {
				t.Errorf("%.40s on %v: Match %v, Eval %v", src, r, got, want)
			}
		}
	}
}

// BenchmarkLike8KB tests 20 categories against an 8 KB pattern of
// '%_%_…': through Eval (the pattern parsed for each feature, as the
// embedded store did before) and through a compiled Program.
func BenchmarkLike8KB(b *testing.B) {
	e, err := Parse("category LIKE '"+strings.Repeat("%_", 4080)+"'", SchemaMap{"category": TString})
	if err != nil {
		b.Fatal(err)
	}
	rows := make([]map[string]any, 20)
	for i := range rows {
		rows[i] = map[string]any{"category": strings.Repeat("停电", i+1)}
	}
	b.Run("eval", func(b *testing.B) {
		for b.Loop() {
			for _, r := range rows {
				Eval(e, r, nil)
			}
		}
	})
	b.Run("compiled", func(b *testing.B) {
		p := Compile(e)
		for b.Loop() {
			for _, r := range rows {
				p.Match(r, nil)
			}
		}
	})
	short, _ := Parse("category LIKE '%_%'", SchemaMap{"category": TString})
	b.Run("short", func(b *testing.B) {
		p := Compile(short)
		for b.Loop() {
			for _, r := range rows {
				p.Match(r, nil)
			}
		}
	})
}
