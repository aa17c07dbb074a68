package hotspot

import (
	"context"
	"encoding/json"
	"testing"

	"minqing/deploy/fengtai"
	"minqing/layers"
)

// BenchmarkAnalysisGeoJSON compares what a cached /hotspots?res=9 answer
// costs per request: drawing every hexagon and encoding the collection
// again (as every request did before) against the bytes encoded once per
// analysis (GeoJSON). 20,000 demo incidents on the embedded store, 12
// months, the public analysis.
func BenchmarkAnalysisGeoJSON(b *testing.B) {
	ctx := context.Background()
	st, window := benchDemo(b)
	a, err := NewService(st, fengtai.Catalog(), Config{}).Analyze(ctx, Params{Res: 9, Query: layers.Query{Role: layers.Public, Time: window}})
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
		if _, err := a.GeoJSON(); err != nil { // the first request's encoding
			b.Fatal(err)
		}
		for b.Loop() {
			body, err := a.GeoJSON()
			if err != nil || len(body) == 0 {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(body)))
		}
	})
}
