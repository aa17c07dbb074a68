package storetest

import (
	"context"
	"testing"

	"minqing/deploy/fengtai"
	"minqing/layers"
	"minqing/stores/gpkg"
	"minqing/stores/postgis"
)

// TestEach: Each runs once per kind, in order, on a fresh migrated store of
// that kind which answers and holds no features.
func TestEach(t *testing.T) {
	var ran []string
	Each(t, func(t *testing.T, src layers.Source) {
		switch src.(type) {
		case *postgis.Store:
			ran = append(ran, "postgis")
		case *gpkg.Store:
			ran = append(ran, "gpkg")
		default:
			t.Fatalf("store %T", src)
		}
		l, _ := fengtai.Catalog().Lookup("incidents")
		n, err := src.Count(context.Background(), l, layers.Query{Role: layers.Staff})
		if err != nil || n != 0 {
			t.Errorf("fresh store: %d incidents, %v; want 0", n, err)
		}
	})
	if len(ran) != 2 || ran[0] != "postgis" || ran[1] != "gpkg" {
		t.Errorf("Each ran on %v, want [postgis gpkg]", ran)
	}
}
