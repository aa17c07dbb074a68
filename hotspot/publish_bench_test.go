package hotspot

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"minqing/deploy/fengtai"
	"minqing/deploy/fengtai/demo"
	"minqing/layers"
	"minqing/stores/gpkg"
)

// BenchmarkPublicAnalysis compares, on the embedded store with 20,000 demo
// incidents and a 12-month window, without the analysis cache: the staff
// analysis (one count query over the window, as the public one was before
// the published table), the public one from a cold table (three count
// queries per month, then the rule) and from the cached table (what every
// public request after the first of a month pays).
func BenchmarkPublicAnalysis(b *testing.B) {
	ctx := context.Background()
	st, window := benchDemo(b)
	run := func(b *testing.B, svc func() *Service, role layers.Role) {
		for b.Loop() {
			if _, err := svc().Analyze(ctx, Params{Query: layers.Query{Role: role, Time: window}}); err != nil {
				b.Fatal(err)
			}
		}
	}
	cfg := Config{CacheEntries: -1}
	b.Run("staff-counted", func(b *testing.B) {
		s := NewService(st, fengtai.Catalog(), cfg)
		run(b, func() *Service { return s }, layers.Staff)
	})
	b.Run("public-cold-table", func(b *testing.B) {
		run(b, func() *Service { return NewService(st, fengtai.Catalog(), cfg) }, layers.Public)
	})
	b.Run("public-cached-table", func(b *testing.B) {
		s := NewService(st, fengtai.Catalog(), cfg)
		run(b, func() *Service { return s }, layers.Public)
	})
}

// benchDemo returns an embedded store with 20,000 demo incidents up to
// March 2026 (closed when b ends) and the 12 months before it.
func benchDemo(b *testing.B) (*gpkg.Store, *layers.TimeRange) {
	b.Helper()
	ctx := context.Background()
	st, err := gpkg.Open(ctx, filepath.Join(b.TempDir(), "bench.gpkg"), fengtai.Catalog())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	asOf := time.Date(2026, 3, 1, 0, 0, 0, 0, layers.Shanghai)
	if _, err := demo.Load(ctx, st, fengtai.Catalog(), demo.Options{Incidents: 20000, AsOf: asOf}, nil); err != nil {
		b.Fatal(err)
	}
	start, end := asOf.AddDate(-1, 0, 0), asOf.Add(-time.Nanosecond)
	return st, &layers.TimeRange{Start: &start, End: &end}
}
