package gpkg_test

import (
	"context"
	"path/filepath"
	"testing"

	"minqing/deploy/fengtai"
	"minqing/layers"
	"minqing/stores/gpkg"
	"minqing/stores/sourcetest"
)

// open returns a new, migrated, empty store in a temporary file.
func open(t *testing.T) layers.Source {
	t.Helper()
	return openAt(t, filepath.Join(t.TempDir(), "test.gpkg"))
}

func openAt(t testing.TB, path string) *gpkg.Store {
	t.Helper()
	st, err := gpkg.Open(context.Background(), path, fengtai.Catalog())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestContract(t *testing.T) { sourcetest.Run(t, open) }
