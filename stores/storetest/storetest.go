// Package storetest opens the real stores for tests that must hold on both:
// a fresh, migrated PostGIS database (through internal/pgtest, so it fails
// rather than skips under CI) and a fresh GeoPackage file. Each runs a test
// once per store; PostGIS and GPKG open one store of that kind.
//
// The stores' own contract suite (stores/sourcetest) is run by the stores'
// packages; this package is for the packages above them (server, importers,
// hot spots) that test their behaviour on both.
package storetest

import (
	"context"
	"path/filepath"
	"testing"

	"minqing/deploy/fengtai"
	"minqing/internal/pgtest"
	"minqing/layers"
	"minqing/stores/gpkg"
	"minqing/stores/postgis"
)

// Kind is one kind of store: its name (the subtest's) and how to open a
// fresh, migrated, empty one.
type Kind struct {
	Name string
	Open func(t *testing.T) layers.Source
}

// Kinds are the stores every test run by Each runs on: PostGIS, then the
// GeoPackage file.
func Kinds() []Kind {
	return []Kind{
		{"postgis", func(t *testing.T) layers.Source { return PostGIS(t) }},
		{"gpkg", func(t *testing.T) layers.Source { return GPKG(t) }},
	}
}

// Each runs f as a subtest on a fresh store of each kind.
func Each(t *testing.T, f func(t *testing.T, src layers.Source)) {
	t.Helper()
	for _, k := range Kinds() {
		t.Run(k.Name, func(t *testing.T) { f(t, k.Open(t)) })
	}
}

// PostGIS opens a migrated store on a fresh database, closed when the test
// ends.
func PostGIS(t testing.TB) *postgis.Store {
	t.Helper()
	return OpenPostGIS(t, pgtest.New(t))
}

// OpenPostGIS opens and migrates the store at url, closed when the test
// ends.
func OpenPostGIS(t testing.TB, url string) *postgis.Store {
	t.Helper()
	ctx := context.Background()
	st, err := postgis.Open(ctx, url, fengtai.Catalog())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return st
}

// GPKG opens a fresh GeoPackage file in the test's temporary directory,
// closed when the test ends.
func GPKG(t testing.TB) *gpkg.Store {
	t.Helper()
	st, err := gpkg.Open(context.Background(), filepath.Join(t.TempDir(), "minqing.gpkg"), fengtai.Catalog())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
