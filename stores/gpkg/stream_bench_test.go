package gpkg_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"minqing/deploy/fengtai"
	"minqing/deploy/fengtai/demo"
	"minqing/layers"
	"minqing/query/cql2"
)

// BenchmarkStream reads the 20,000 demo incidents (staff view) from each
// store in one Features call ("one-call", what the streaming endpoints did)
// and with layers.Stream in keyset pages ("pages-N"), which the endpoints do
// now so that a slow client holds no connection.
func BenchmarkStream(b *testing.B) {
	for _, bs := range benchStores {
		b.Run(bs.name, func(b *testing.B) {
			ctx := context.Background()
			src := bs.open(b)
			cat := fengtai.Catalog()
			if _, err := demo.Load(ctx, src, cat, benchDemo, nil); err != nil {
				b.Fatal(err)
			}
			inc, _ := cat.Lookup("incidents")
			q := layers.Query{Role: layers.Staff}
			count := func(n *int) func(*layers.Feature) error {
				return func(*layers.Feature) error { *n++; return nil }
			}
			b.Run("one-call", func(b *testing.B) {
				var n int
				for b.Loop() {
					n = 0
					if err := src.Features(ctx, inc, q, count(&n)); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(n), "features/op")
			})
			for _, size := range []int{500, 2000, 5000} {
				b.Run(fmt.Sprintf("pages-%d", size), func(b *testing.B) {
					var n int
					for b.Loop() {
						n = 0
						if err := layers.Stream(ctx, src, inc, q, size, count(&n)); err != nil {
							b.Fatal(err)
						}
					}
					b.ReportMetric(float64(n), "features/op")
				})
			}
		})
	}
}

// BenchmarkLongLike filters the 20,000 demo incidents with an 8 KB LIKE
// pattern ('%_%_…'), which the embedded store evaluates in Go: the pattern
// is compiled once per query, so it costs about what a short one does
// (both match nothing: every row is read and tested).
func BenchmarkLongLike(b *testing.B) {
	ctx := context.Background()
	src := benchStores[1].open(b)
	cat := fengtai.Catalog()
	if _, err := demo.Load(ctx, src, cat, benchDemo, nil); err != nil {
		b.Fatal(err)
	}
	inc, _ := cat.Lookup("incidents")
	for _, pat := range []struct{ name, pat string }{{"8KB", strings.Repeat("%_", 4080)}, {"short", strings.Repeat("%_", 40)}} {
		b.Run(pat.name, func(b *testing.B) {
			f, err := cql2.Parse("category LIKE '"+pat.pat+"'", inc.CQLSchema(layers.Public))
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if err := src.Features(ctx, inc, layers.Query{Filter: f, Limit: 10}, func(*layers.Feature) error { return nil }); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
