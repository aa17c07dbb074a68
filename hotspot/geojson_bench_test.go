package hotspot

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"

	"minqing/deploy/fengtai"
	"minqing/geo/hex"
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

// BenchmarkLargeGeoJSON encodes a staff analysis of 10,000 res-9 cells
// (what /hotspots?res=9 answers at a million incidents over 40 streets)
// both ways in the same run: json.Marshal of the orb FeatureCollection
// (the encoding before) and the direct writer GeoJSON uses, each drawing
// the hexagons afresh.
func BenchmarkLargeGeoJSON(b *testing.B) {
	c0, err := hex.FromPoint(orb.Point{116.285, 39.857}, 9)
	if err != nil {
		b.Fatal(err)
	}
	disk := h3.Cell(c0).GridDisk(57)
	cells := make([]CellResult, 0, len(disk))
	for i, c := range disk {
		cells = append(cells, CellResult{Cell: hex.Cell(c), InArea: i%3 > 0, Count: int64(i % 97),
			Result: Result{Z: float64(i%41)/7 - 3, P: 1 / float64(i%89+2), Class: NotSignificant}})
	}
	fresh := func() *Analysis { return &Analysis{Params: Params{Res: 9, K: 1}, Cells: cells, Total: 1_000_000} }
	b.Run("orb+encoding/json", func(b *testing.B) {
		for b.Loop() {
			body, err := json.Marshal(fresh().FeatureCollection())
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(body)))
		}
	})
	b.Run("direct", func(b *testing.B) {
		for b.Loop() {
			body, err := fresh().GeoJSON()
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(body)))
		}
	})
}
