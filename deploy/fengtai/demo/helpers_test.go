package demo

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"sort"
	"testing"
	"time"

	"minqing/layers"
)

// testAsOf is a fixed end of the incident window for tests.
var testAsOf = time.Date(2025, 7, 1, 0, 0, 0, 0, layers.Shanghai)

// readAll reads every feature of a layer.
func readAll(t testing.TB, g *Generator, layer string) []*layers.Feature {
	t.Helper()
	r, err := g.Reader(layer)
	if err != nil {
		t.Fatalf("Reader(%s): %v", layer, err)
	}
	var out []*layers.Feature
	for {
		f, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("%s: Next: %v", layer, err)
		}
		out = append(out, f)
	}
}

// digest hashes a layer's stream: geometry, properties in sorted order
// (times with their zone) and contact.
func digest(t testing.TB, g *Generator, layer string) string {
	t.Helper()
	h := sha256.New()
	r, err := g.Reader(layer)
	if err != nil {
		t.Fatal(err)
	}
	for {
		f, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(h, "%T%v|", f.Geometry, f.Geometry)
		keys := make([]string, 0, len(f.Props))
		for k := range f.Props {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			v := f.Props[k]
			if tm, ok := v.(time.Time); ok {
				v = tm.Format(time.RFC3339Nano)
			}
			fmt.Fprintf(h, "%s=%T:%v|", k, v, v)
		}
		if f.Contact != nil {
			fmt.Fprintf(h, "contact=%s/%s", f.Contact.Name, f.Contact.Phone)
		}
		h.Write([]byte{'\n'})
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// figuresOf tallies every layer straight from the generator.
func figuresOf(t testing.TB, g *Generator) *tally {
	t.Helper()
	tl := newTally()
	for _, name := range LayerOrder() {
		for _, f := range readAll(t, g, name) {
			tl.add(name, f)
		}
	}
	return tl
}
