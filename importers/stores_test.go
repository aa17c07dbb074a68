package importers_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"minqing/deploy/fengtai"
	"minqing/importers"
	"minqing/layers"
	"minqing/stores/sourcetest"
	"minqing/stores/storetest"
)

// eachStoreKind runs fn as a subtest per store kind, handing it the opener
// (for tests that need several fresh stores of one kind).
func eachStoreKind(t *testing.T, fn func(t *testing.T, open func(*testing.T) layers.Source)) {
	t.Helper()
	for _, s := range storetest.Kinds() {
		t.Run(s.Name, func(t *testing.T) { fn(t, s.Open) })
	}
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func layer(t testing.TB, name string) *layers.Layer {
	t.Helper()
	l, ok := fengtai.Catalog().Lookup(name)
	if !ok {
		t.Fatalf("no layer %s", name)
	}
	return l
}

// seedCommunities writes the test's two communities: 新华街北里 (west,
// 第一片区) and 正阳北里 (east, 第二片区).
func seedCommunities(t *testing.T, src layers.Source) {
	t.Helper()
	westCommunity, eastCommunity := testCommunities()
	fs := []*layers.Feature{
		{Geometry: westCommunity, Props: map[string]any{"code": "C01", "name": "新华街北里", "patch": "第一片区"}},
		{Geometry: eastCommunity, Props: map[string]any{"code": "C02", "name": "正阳北里", "patch": "第二片区"}},
	}
	if _, err := src.Write(testCtx(t), layer(t, "communities"), layers.WriteOptions{}, &sourcetest.Slice{Features: fs}); err != nil {
		t.Fatal(err)
	}
}

// run imports data into layer name of src.
func run(t *testing.T, src layers.Source, name string, data []byte, opts importers.Options) (*importers.Report, error) {
	t.Helper()
	return importers.Import(testCtx(t), src, fengtai.Catalog(), layer(t, name), bytes.NewReader(data), opts)
}

// mustRun imports and fails the test on any error.
func mustRun(t *testing.T, src layers.Source, name string, data []byte, opts importers.Options) *importers.Report {
	t.Helper()
	rep, err := run(t, src, name, data, opts)
	if err != nil {
		t.Fatalf("import: %v\nerrors: %v", err, rep.Errors)
	}
	return rep
}

// all returns every feature of a layer as an admin sees it, keyed by the
// given property.
func all(t *testing.T, src layers.Source, name, key string) map[string]*layers.Feature {
	t.Helper()
	out := map[string]*layers.Feature{}
	err := src.Features(testCtx(t), layer(t, name), layers.Query{Role: layers.Admin}, func(f *layers.Feature) error {
		k, _ := f.Props[key].(string)
		out[k] = f
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func count(t *testing.T, src layers.Source, name string) int64 {
	t.Helper()
	n, err := src.Count(testCtx(t), layer(t, name), layers.Query{Role: layers.Admin})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// contacts returns the stored contacts by incident id.
func contacts(t *testing.T, src layers.Source) map[int64]layers.Contact {
	t.Helper()
	cs, ok := src.(interface {
		Contacts(context.Context, func(int64, layers.Contact) error) error
	})
	if !ok {
		t.Fatalf("%s store cannot list contacts", src.Kind())
	}
	out := map[int64]layers.Contact{}
	if err := cs.Contacts(testCtx(t), func(id int64, c layers.Contact) error { out[id] = c; return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

func point(t *testing.T, f *layers.Feature) orb.Point {
	t.Helper()
	p, ok := f.Geometry.(orb.Point)
	if !ok {
		t.Fatalf("geometry is %T, want a point", f.Geometry)
	}
	return p
}
