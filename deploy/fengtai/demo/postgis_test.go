package demo_test

import (
	"context"
	"testing"
	"time"

	"minqing/deploy/fengtai"
	"minqing/deploy/fengtai/demo"
	"minqing/layers"
	"minqing/stores/storetest"
)

// TestLoadCheckPostGIS loads the demo into a real PostGIS through the store's
// own write path and asserts every seed figure on what was stored.
func TestLoadCheckPostGIS(t *testing.T) {
	ctx := context.Background()
	cat := fengtai.Catalog()
	st := storetest.PostGIS(t)
	opts := demo.Options{Incidents: 5000, AsOf: time.Date(2026, 11, 1, 0, 0, 0, 0, layers.Shanghai)}
	counts, err := demo.Load(ctx, st, cat, opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{"communities": 25, "patches": 5, "care_targets": 239, "incidents": 5000, "greening": 3}
	for name, n := range want {
		if counts[name] != n {
			t.Errorf("%s: loaded %d, want %d", name, counts[name], n)
		}
	}
	if err := demo.Check(ctx, st, cat); err != nil {
		t.Fatal(err)
	}
	// The patches really are the unions of their communities, computed by PostGIS.
	var diff float64
	if err := st.Pool().QueryRow(ctx, `SELECT ST_Area(ST_SymDifference(
		(SELECT ST_Union(geom) FROM communities), (SELECT ST_Union(geom) FROM patches)))`).Scan(&diff); err != nil {
		t.Fatal(err)
	}
	if diff > 1e-12 {
		t.Errorf("union of communities and union of patches differ by %g deg²", diff)
	}
	var overlaps int
	if err := st.Pool().QueryRow(ctx, `SELECT count(*) FROM communities a JOIN communities b
		ON a.id < b.id AND ST_Intersects(a.geom, b.geom) WHERE ST_Area(ST_Intersection(a.geom, b.geom)) > 1e-12`).Scan(&overlaps); err != nil {
		t.Fatal(err)
	}
	if overlaps != 0 {
		t.Errorf("%d pairs of communities overlap", overlaps)
	}
	var invalid int
	if err := st.Pool().QueryRow(ctx, `SELECT count(*) FROM communities WHERE NOT ST_IsValid(geom)`).Scan(&invalid); err != nil {
		t.Fatal(err)
	}
	if invalid != 0 {
		t.Errorf("%d invalid community polygons", invalid)
	}
	// Loading again replaces: the figures still hold, nothing doubled.
	if _, err := demo.Load(ctx, st, cat, opts, nil); err != nil {
		t.Fatal(err)
	}
	if err := demo.Check(ctx, st, cat); err != nil {
		t.Errorf("after a second load: %v", err)
	}
}
