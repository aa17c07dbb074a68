package server

import (
	"slices"
	"testing"
)

func TestCursorRoundTrip(t *testing.T) {
	c := cursor{}
	var starts []int64
	for i := 0; i < maxCursorBack+5; i++ {
		starts = append(starts, c.After)
		c = c.next(c.After + int64(i*i+1))
		back, err := parseCursor(c.String())
		if err != nil {
			t.Fatalf("parse %q: %v", c.String(), err)
		}
		if back.After != c.After || !slices.Equal(back.Back, c.Back) {
			t.Fatalf("round trip %+v → %+v", c, back)
		}
	}
	if len(c.Back) != maxCursorBack {
		t.Errorf("back chain %d long, want capped at %d", len(c.Back), maxCursorBack)
	}
	// Going back follows the page starts exactly.
	for i := len(starts) - 1; ; i-- {
		p, ok := c.prev()
		if !ok {
			if i >= len(starts)-maxCursorBack {
				t.Errorf("prev stopped at page %d", i)
			}
			break
		}
		if p.After != starts[i] {
			t.Fatalf("prev to page %d starts after %d, want %d", i, p.After, starts[i])
		}
		c = p
	}
}

func TestParseCursorRejects(t *testing.T) {
	for _, s := range []string{"garbage", "abc", "AAAAAAA", "!!!", "AAAA", "_w", "ZZZZZZZZZZZZZZZZZZZZZZ", string(make([]byte, 300))} {
		if _, err := parseCursor(s); err == nil {
			t.Errorf("parseCursor(%q) accepted", s)
		}
	}
}

// FuzzParseCursor: a cursor is untrusted input; whatever parses must be a
// valid chain (descending, non-negative) that survives a round trip.
func FuzzParseCursor(f *testing.F) {
	f.Add("")
	f.Add(cursor{After: 10, Back: []int64{0}}.String())
	f.Add(cursor{After: 1 << 40, Back: []int64{1 << 39, 5, 0}}.String())
	f.Add("gICAgICAgICAAQ")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := parseCursor(s)
		if err != nil {
			return
		}
		prev := c.After
		if prev < 0 {
			t.Fatalf("negative after %d", prev)
		}
		for _, v := range c.Back {
			if v < 0 || v >= prev {
				t.Fatalf("chain %+v is not descending", c)
			}
			prev = v
		}
		back, err := parseCursor(c.String())
		if err != nil || back.After != c.After || !slices.Equal(back.Back, c.Back) {
			t.Fatalf("round trip %+v → %+v, %v", c, back, err)
		}
	})
}
