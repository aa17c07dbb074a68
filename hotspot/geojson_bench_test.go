package hotspot

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"minqing/deploy/fengtai"
	"minqing/deploy/fengtai/demo"
	"minqing/layers"
	"minqing/stores/gpkg"
)

// BenchmarkAnalysisGeoJSON compares what a cached /hotspots?res=9 answer
// costs per request: drawing every hexagon and encoding the collection
// again (as every request did before) against the bytes encoded once per
// analysis (GeoJSON). 20,000 demo incidents on the embedded store, 12
// months, the public analysis.
func BenchmarkAnalysisGeoJSON(b *testing.B) {
	ctx := context.Background()
	st, err := gpkg.Open(ctx, filepath.Join(b.TempDir(), "bench.gpkg"), fengtai.Catalog())
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	asOf := time.Date(2026, 3, 1, 0, 0, 0, 0, layers.Shanghai)
	if _, err := demo.Load(ctx, st, fengtai.Catalog(), demo.Options{Incidents: 20000, AsOf: asOf}, nil); err != nil {
		b.Fatal(err)
	}
	start, end := asOf.AddDate(-1, 0, 0), asOf.Add(-time.Nanosecond)
	a, err := NewService(st, fengtai.Catalog(), Config{}).Analyze(ctx, Params{Res: 9, Query: layers.Query{Role: layers.Public, Time: &layers.TimeRange{Start: &start, End: &end}}})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("encode-per-request", func(b *testing.B) {
		for b.Loop() {
			body, err := json.Marshal(a.FeatureCollection())
			if err != nil || len(body) == 0 {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(body)))
		}
	})
	b.Run("encoded-once", func(b *testing.B) {
		for b.Loop() {
			body, err := a.GeoJSON()
			if err != nil || len(body) == 0 {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(body)))
		}
	})
}
