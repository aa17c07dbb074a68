package cql2

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokenKind classifies a token.
type tokenKind int

const (
	tokEOF         tokenKind = iota
	tokIdent                 // bare word: a keyword or a property name
	tokQuotedIdent           // "double-quoted" property name, text unquoted
	tokString                // 'string', text unquoted
	tokNumber                // number, text as written
	tokLParen                // (
	tokRParen                // )
	tokComma                 // ,
	tokOp                    // = <> < > <= >=, text is the operator
)

// token is one lexeme; pos is its byte offset in the source.
type token struct {
	kind tokenKind
	text string
	pos  int
}

// reserved are the words that cannot be bare property names. Other keywords
// (DATE, BBOX, POINT, …) are only keywords where a literal is expected.
var reserved = map[string]bool{
	"AND": true, "OR": true, "NOT": true, "IN": true, "LIKE": true,
	"BETWEEN": true, "IS": true, "NULL": true, "TRUE": true, "FALSE": true,
	"S_INTERSECTS": true, "T_INTERSECTS": true, "T_AFTER": true, "T_BEFORE": true,
}

// keyword returns the upper-cased word when it is pure ASCII; keywords are
// matched only in ASCII so that Unicode case folding cannot make a keyword
// out of, say, a Kelvin sign.
func keyword(word string) string {
	for i := 0; i < len(word); i++ {
		if word[i] >= utf8.RuneSelf {
			return ""
		}
	}
	return strings.ToUpper(word)
}

func isReserved(word string) bool { return reserved[keyword(word)] }

func isIdentStart(r rune) bool { return r == '_' || unicode.IsLetter(r) }

// isIdentPart also accepts combining marks, which some scripts need inside
// words.
func isIdentPart(r rune) bool {
	return isIdentStart(r) || unicode.IsDigit(r) || unicode.In(r, unicode.Mn, unicode.Mc)
}

// isBareIdent reports whether name lexes as one bare identifier.
func isBareIdent(name string) bool {
	if name == "" || !utf8.ValidString(name) {
		return false
	}
	for i, r := range name {
		if i == 0 && !isIdentStart(r) || !isIdentPart(r) {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// lexer splits valid UTF-8 source into tokens on demand.
type lexer struct {
	src string
	off int
}

// next returns the next token, or a lexical error.
func (l *lexer) next() (token, *Error) {
	for l.off < len(l.src) {
		r, n := utf8.DecodeRuneInString(l.src[l.off:])
		if !unicode.IsSpace(r) {
			break
		}
		l.off += n
	}
	start := l.off
	if start >= len(l.src) {
		return token{kind: tokEOF, pos: start}, nil
	}
	c := l.src[start]
	switch {
	case c == '(':
		l.off++
		return token{kind: tokLParen, text: "(", pos: start}, nil
	case c == ')':
		l.off++
		return token{kind: tokRParen, text: ")", pos: start}, nil
	case c == ',':
		l.off++
		return token{kind: tokComma, text: ",", pos: start}, nil
	case c == '=':
		l.off++
		return token{kind: tokOp, text: "=", pos: start}, nil
	case c == '<' || c == '>':
		l.off++
		if l.off < len(l.src) && (l.src[l.off] == '=' || c == '<' && l.src[l.off] == '>') {
			l.off++
		}
		return token{kind: tokOp, text: l.src[start:l.off], pos: start}, nil
	case c == '!':
		return token{}, errorf(l.src, start, "unexpected character '!' (use <> for not equal)")
	case c == '\'':
		return l.quoted('\'', tokString, "string")
	case c == '"':
		t, err := l.quoted('"', tokQuotedIdent, "quoted property name")
		if err == nil && t.text == "" {
			return token{}, errorf(l.src, start, "empty quoted property name")
		}
		return t, err
	case isDigit(c) || c == '-' || c == '.':
		return l.number()
	}
	r, n := utf8.DecodeRuneInString(l.src[start:])
	if isIdentStart(r) {
		l.off += n
		for l.off < len(l.src) {
			r, n := utf8.DecodeRuneInString(l.src[l.off:])
			if !isIdentPart(r) {
				break
			}
			l.off += n
		}
		return token{kind: tokIdent, text: l.src[start:l.off], pos: start}, nil
	}
	return token{}, errorf(l.src, start, "unexpected character %q", r)
}

// quoted lexes a literal delimited by q in which a doubled q stands for one.
func (l *lexer) quoted(q byte, kind tokenKind, what string) (token, *Error) {
	start := l.off
	l.off++
	var b strings.Builder
	for {
		i := strings.IndexByte(l.src[l.off:], q)
		if i < 0 {
			return token{}, errorf(l.src, start, "unterminated %s", what)
		}
		b.WriteString(l.src[l.off : l.off+i])
		l.off += i + 1
		if l.off < len(l.src) && l.src[l.off] == q {
			b.WriteByte(q)
			l.off++
			continue
		}
		break
	}
	s := b.String()
	if i := strings.IndexByte(s, 0); i >= 0 {
		return token{}, errorf(l.src, start, "%s contains a NUL character", what)
	}
	return token{kind: kind, text: s, pos: start}, nil
}

// number lexes -?(digits[.digits*]|.digits)([eE][+-]?digits)?. A number
// running straight into a letter, digit, underscore, dot or sign is an
// error, so "1x", "1.2.3" or "1-2" never splits silently.
func (l *lexer) number() (token, *Error) {
	start := l.off
	s := l.src
	i := start
	if s[i] == '-' {
		i++
	}
	digits := func() int {
		j := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		return i - j
	}
	intDigits := digits()
	fracDigits := 0
	if i < len(s) && s[i] == '.' {
		i++
		fracDigits = digits()
	}
	if intDigits+fracDigits == 0 {
		if s[start] == '-' {
			return token{}, errorf(s, start, "'-' must be followed by a number")
		}
		return token{}, errorf(s, start, "malformed number")
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return token{}, errorf(s, start, "malformed number %q", s[start:i])
		}
	}
	if i < len(s) {
		r, _ := utf8.DecodeRuneInString(s[i:])
		if isIdentPart(r) || r == '.' || r == '-' || r == '+' {
			return token{}, errorf(s, start, "malformed number %q", s[start:i]+string(r))
		}
	}
	l.off = i
	return token{kind: tokNumber, text: s[start:i], pos: start}, nil
}
