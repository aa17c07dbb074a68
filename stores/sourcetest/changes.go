package sourcetest

import (
	"testing"

	"github.com/paulmach/orb"

	"minqing/layers"
)

// testChanges: a store that logs where its writes fell (ChangeLogger)
// covers every version of an insert, an update that moves a feature and a
// delete, each change inside the features' old and new positions, and logs
// nothing for a layer nobody wrote.
func testChanges(t *testing.T, src layers.Source, cat *layers.Catalog) {
	cl, ok := layers.As[layers.ChangeLogger](src)
	if !ok {
		t.Fatalf("%s store logs no changes", src.Kind())
	}
	inc := layer(t, cat, "incidents")
	a, b, c := orb.Point{116.271, 39.846}, orb.Point{116.301, 39.866}, orb.Point{116.285, 39.851}
	far := orb.Point{116.40, 39.95}
	steps := []struct {
		name  string
		write func() layers.WriteResult
		reach []orb.Point // every change must lie within these (with a margin)
		touch []orb.Point // and the changes together must cover these
	}{
		{"insert", func() layers.WriteResult {
			return mustWrite(t, src, inc, layers.Insert, []*layers.Feature{Incident(1, a, "停电")})
		}, []orb.Point{a}, []orb.Point{a}},
		{"move", func() layers.WriteResult {
			f := Incident(1, b, "停电")
			f.ID = firstID(t, src, inc)
			return mustWrite(t, src, inc, layers.Upsert, []*layers.Feature{f})
		}, []orb.Point{a, b}, []orb.Point{a, b}},
		{"insert elsewhere", func() layers.WriteResult {
			return mustWrite(t, src, inc, layers.Insert, []*layers.Feature{Incident(2, c, "停电")})
		}, []orb.Point{c}, []orb.Point{c}},
		{"delete", func() layers.WriteResult {
			del, ok := layers.As[Deleter](src)
			if !ok {
				t.Fatalf("%s store has no Delete", src.Kind())
			}
			if err := del.Delete(ctx(t), inc, firstID(t, src, inc)); err != nil {
				t.Fatal(err)
			}
			return layers.WriteResult{}
		}, []orb.Point{b}, []orb.Point{b}},
	}
	before, _, err := cl.Changes(ctx(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range steps {
		s.write()
		after, changes, err := cl.Changes(ctx(t), before)
		if err != nil {
			t.Fatal(err)
		}
		if after["communities"] != before["communities"] {
			t.Errorf("%s: communities version moved", s.name)
		}
		at := before["incidents"]
		var covered orb.Bound
		seen := false
		for _, ch := range changes {
			if ch.Layer != "incidents" {
				t.Errorf("%s: a change of %s, which nobody wrote", s.name, ch.Layer)
				continue
			}
			if ch.From != at {
				t.Fatalf("%s: changes not contiguous: %d→%d after %d", s.name, ch.From, ch.To, at)
			}
			at = ch.To
			if !ch.Bound.Intersects(ch.Bound) {
				continue // empty: a statement that touched no row
			}
			within := false
			for _, p := range s.reach {
				if p.Bound().Pad(0.0001).Contains(ch.Bound.Min) || ch.Bound.Pad(0.0001).Contains(p) {
					within = true
				}
			}
			if !within || ch.Bound.Contains(far) {
				t.Errorf("%s: change %d→%d at %v, away from %v", s.name, ch.From, ch.To, ch.Bound, s.reach)
			}
			if seen {
				covered = covered.Union(ch.Bound)
			} else {
				covered, seen = ch.Bound, true
			}
		}
		if at != after["incidents"] {
			t.Errorf("%s: changes reach version %d, the layer is at %d", s.name, at, after["incidents"])
		}
		for _, p := range s.touch {
			if !seen || !covered.Pad(1e-9).Contains(p) {
				t.Errorf("%s: the changes (%v) miss %v", s.name, covered, p)
			}
		}
		before = after
	}
}

func firstID(t *testing.T, src layers.Source, l *layers.Layer) int64 {
	t.Helper()
	fs := collect(t, src, l, layers.Query{Limit: 1})
	if len(fs) == 0 {
		t.Fatal("no feature")
	}
	return fs[0].ID
}
