package sourcetest

import (
	"testing"
	"time"

	"github.com/paulmach/orb"

	"minqing/layers"
)

// MonthMarks (in Run; a store's test also calls it with its bulk path
// taken sooner): a write gives a new mark to exactly the months whose
// counts (resolution-9 cell, category, source) it changed: an edit of a
// description marks none, a new category marks its month, moving an
// incident to another month marks both, a bulk insert (the stores' fast
// path, with the rollup triggers off) marks its months and a delete marks
// the deleted incident's.
func MonthMarks(t *testing.T, src layers.Source, cat *layers.Catalog) {
	mm, ok := layers.As[layers.MonthMarker](src)
	if !ok {
		t.Fatalf("%s store keeps no month marks", src.Kind())
	}
	inc := layer(t, cat, "incidents")
	p := orb.Point{116.285, 39.851}
	read := func() layers.MonthMarks {
		t.Helper()
		m, ok, err := mm.MonthMarks(ctx(t))
		if err != nil || !ok {
			t.Fatalf("month marks: ok %v, %v", ok, err)
		}
		return m
	}
	months := []string{"2026-02-01", "2026-03-01", "2026-04-01", "2026-05-01", "2026-06-01"}
	bulk := func(n int) []*layers.Feature {
		out := make([]*layers.Feature, n)
		for i := range out {
			out[i] = Incident(100+i, orb.Point{p[0] + float64(i%40)*0.0005, p[1] + float64(i/40)*0.0005}, "停电")
			// The last rows in June: a bulk path taken after the first
			// rows must mark June itself.
			mon := time.May
			if i >= 1200 {
				mon = time.June
			}
			out[i].Props["received_at"] = time.Date(2026, mon, 1+i%28, 10, 0, 0, 0, layers.Shanghai)
		}
		return out
	}
	steps := []struct {
		name    string
		write   func()
		changed []string
	}{
		{"insert in March", func() {
			mustWrite(t, src, inc, layers.Insert, []*layers.Feature{Incident(1, p, "停电")})
		}, []string{"2026-03-01"}},
		{"a new description", func() {
			f := Incident(1, p, "停电")
			f.ID = firstID(t, src, inc)
			f.Props["description"] = "改了描述"
			mustWrite(t, src, inc, layers.Upsert, []*layers.Feature{f})
		}, nil},
		{"a new category", func() {
			f := Incident(1, p, "水管爆裂")
			f.ID = firstID(t, src, inc)
			mustWrite(t, src, inc, layers.Upsert, []*layers.Feature{f})
		}, []string{"2026-03-01"}},
		{"moved to April", func() {
			f := Incident(1, p, "水管爆裂")
			f.ID = firstID(t, src, inc)
			f.Props["received_at"] = time.Date(2026, 4, 2, 9, 0, 0, 0, layers.Shanghai)
			mustWrite(t, src, inc, layers.Upsert, []*layers.Feature{f})
		}, []string{"2026-03-01", "2026-04-01"}},
		{"a bulk insert in May and June", func() {
			mustWrite(t, src, inc, layers.Insert, bulk(1500))
		}, []string{"2026-05-01", "2026-06-01"}},
		{"delete the April incident", func() {
			del, ok := layers.As[Deleter](src)
			if !ok {
				t.Fatalf("%s store has no Delete", src.Kind())
			}
			fs := collect(t, src, inc, layers.Query{Role: layers.Staff, Time: &layers.TimeRange{End: ptr(time.Date(2026, 4, 30, 0, 0, 0, 0, layers.Shanghai))}})
			if len(fs) != 1 {
				t.Fatalf("%d incidents before May, want 1", len(fs))
			}
			if err := del.Delete(ctx(t), inc, fs[0].ID); err != nil {
				t.Fatal(err)
			}
		}, []string{"2026-04-01"}},
	}
	before := read()
	for _, s := range steps {
		s.write()
		after := read()
		if after.Epoch != before.Epoch {
			t.Errorf("%s: the epoch moved", s.name)
		}
		for _, m := range months {
			want := false
			for _, c := range s.changed {
				want = want || c == m
			}
			if got := !before.Same(after, m); got != want {
				t.Errorf("%s: month %s marked %v, want %v (marks %v → %v)", s.name, m, got, want, before.Months, after.Months)
			}
		}
		before = after
	}
}

func ptr[T any](v T) *T { return &v }
