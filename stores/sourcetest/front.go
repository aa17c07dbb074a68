package sourcetest

import (
	"errors"
	"testing"

	"github.com/paulmach/orb"

	"minqing/layers"
)

// testFront: every check of the front in package layers (CheckWrite,
// PrepareAt, CheckCellCounts, CheckEqual) refuses through every store with
// the very *InvalidError the front returns — same parameter, same sentence —
// and a refused write writes nothing. A store that checked on its own, or
// forgot to, would fail here.
func testFront(t *testing.T, src layers.Source, cat *layers.Catalog) {
	inc := layer(t, cat, "incidents")
	com := layer(t, cat, "communities")
	mustWrite(t, src, inc, layers.Insert, grid(3))
	fresh := func(i int) *layers.Feature { return Incident(100+i, orb.Point{116.28, 39.85}, "停电") }

	writes := []struct {
		name string
		opts layers.WriteOptions
		fs   []*layers.Feature
		want error
	}{
		{"unknown mode", layers.WriteOptions{Mode: "merge"}, []*layers.Feature{fresh(1), fresh(2)},
			second(layers.CheckWrite(inc, layers.WriteOptions{Mode: "merge"}))},
		{"nil first feature", layers.WriteOptions{}, []*layers.Feature{nil, fresh(1)},
			layers.PrepareAt(inc, nil, 1)},
		{"nil feature", layers.WriteOptions{}, []*layers.Feature{fresh(1), nil},
			layers.PrepareAt(inc, nil, 2)},
		{"feature out of vocabulary", layers.WriteOptions{Mode: layers.Upsert}, []*layers.Feature{fresh(1), badSource()},
			layers.PrepareAt(inc, badSource(), 2)},
	}
	for _, tc := range writes {
		_, err := src.Write(ctx(t), inc, tc.opts, &Slice{Features: tc.fs})
		sameInvalid(t, "write: "+tc.name, err, tc.want)
		if n, _ := src.Count(ctx(t), inc, layers.Query{Role: layers.Staff}); n != 3 {
			t.Errorf("write: %s: %d incidents after it, want the 3 there before", tc.name, n)
		}
	}

	cells := []struct {
		name    string
		l       *layers.Layer
		res     int
		role    layers.Role
		groupBy string
	}{
		{"layer without cells", com, 9, layers.Staff, ""},
		{"resolution not stored", inc, 15, layers.Staff, ""},
		{"group by no such property", inc, 9, layers.Staff, "nope"},
		{"public group by a staff field", inc, 9, layers.Public, "unit"},
	}
	for _, tc := range cells {
		q := layers.Query{Role: tc.role}
		_, want := layers.CheckCellCounts(tc.l, tc.res, q, tc.groupBy)
		_, err := src.CellCounts(ctx(t), tc.l, tc.res, q, tc.groupBy)
		sameInvalid(t, "cell counts: "+tc.name, err, want)
	}

	equals := []struct {
		name string
		q    layers.Query
	}{
		{"no such property", layers.Query{Role: layers.Staff, Equal: map[string][]any{"nope": {"x"}}}},
		{"public filter on a staff field", layers.Query{Role: layers.Public, Equal: map[string][]any{"unit": {"x"}}}},
		{"number for a text field", layers.Query{Role: layers.Staff, Equal: map[string][]any{"category": {int64(7)}}}},
		{"text for a yes/no field", layers.Query{Role: layers.Staff, Equal: map[string][]any{"satisfied": {"yes"}}}},
		{"first bad name in name order", layers.Query{Role: layers.Public, Equal: map[string][]any{"zz": {"x"}, "aa": {"x"}}}},
	}
	for _, tc := range equals {
		_, want := layers.CheckEqual(inc, tc.q)
		err := src.Features(ctx(t), inc, tc.q, func(*layers.Feature) error { return nil })
		sameInvalid(t, "features: "+tc.name, err, want)
		_, err = src.Count(ctx(t), inc, tc.q)
		sameInvalid(t, "count: "+tc.name, err, want)
		_, err = src.CellCounts(ctx(t), inc, 9, tc.q, "")
		sameInvalid(t, "cell counts: "+tc.name, err, want)
		_, err = src.Tile(ctx(t), layers.TileRequest{Layers: []*layers.Layer{inc}, Z: 16, X: 53937, Y: 24843, Role: tc.q.Role,
			Query: map[string]layers.Query{inc.Name: tc.q}})
		sameInvalid(t, "tile: "+tc.name, err, want)
	}
}

// badSource is an incident whose source is outside the vocabulary.
func badSource() *layers.Feature {
	f := Incident(99, orb.Point{116.28, 39.85}, "停电")
	f.Props["source"] = "飞鸽传书"
	return f
}

// sameInvalid checks that err is the front's refusal want: an
// *InvalidError with the same parameter and sentence.
func sameInvalid(t *testing.T, what string, err, want error) {
	t.Helper()
	var w *layers.InvalidError
	if !errors.As(want, &w) {
		t.Fatalf("%s: the front itself returns %v, not an *InvalidError: the case tests nothing", what, want)
	}
	var got *layers.InvalidError
	if !errors.As(err, &got) {
		t.Errorf("%s: err = %v, want the front's invalid %q: %s", what, err, w.Param, w.Message)
		return
	}
	if got.Param != w.Param || got.Message != w.Message {
		t.Errorf("%s: invalid %q: %s\n\twant the front's %q: %s", what, got.Param, got.Message, w.Param, w.Message)
	}
}

func second[T any](_ T, err error) error { return err }
