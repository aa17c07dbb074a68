package postgis

import (
	"context"
	"testing"

	"minqing/deploy/fengtai"
	"minqing/internal/pgtest"
	"minqing/layers"
)

// migratedStore opens a store of the street's catalog on a fresh test
// database and migrates it; the store is closed when the test ends.
func migratedStore(t *testing.T) (*Store, *layers.Catalog) {
	t.Helper()
	ctx := context.Background()
	cat := fengtai.Catalog()
	st, err := Open(ctx, pgtest.New(t), cat)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return st, cat
}
