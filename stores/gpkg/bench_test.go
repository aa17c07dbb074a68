package gpkg_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"minqing/deploy/fengtai"
	"minqing/deploy/fengtai/demo"
	"minqing/internal/pgtest"
	"minqing/layers"
	"minqing/stores/gpkg"
	"minqing/stores/postgis"
)

// benchStores opens each store for a benchmark: the GeoPackage in a
// temporary file, PostGIS on a fresh database when MINQING_TEST_DATABASE is
// set (skipped otherwise).
var benchStores = []struct {
	name string
	open func(b *testing.B) layers.Source
}{
	{"postgis", func(b *testing.B) layers.Source {
		if os.Getenv(pgtest.EnvVar) == "" {
			b.Skipf("%s is not set", pgtest.EnvVar)
		}
		ctx := context.Background()
		st, err := postgis.Open(ctx, pgtest.New(b), fengtai.Catalog())
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { st.Close() })
		if _, err := st.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
		return st
	}},
	{"gpkg", func(b *testing.B) layers.Source {
		st, err := gpkg.Open(context.Background(), filepath.Join(b.TempDir(), "bench.gpkg"), fengtai.Catalog())
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { st.Close() })
		return st
	}},
}

// benchDemo is the demo data both benchmarks use: 20,000 incidents.
var benchDemo = demo.Options{Incidents: 20000, Seed: demo.DefaultSeed}

// BenchmarkBBoxRead reads the incidents of the south-west quarter of the
// street (a quarter of its area) out of 20,000, with every public property.
func BenchmarkBBoxRead(b *testing.B) {
	box := orb.Bound{Min: orb.Point{116.270, 39.845}, Max: orb.Point{116.2875, 39.8575}}
	for _, bs := range benchStores {
		b.Run(bs.name, func(b *testing.B) {
			ctx := context.Background()
			src := bs.open(b)
			cat := fengtai.Catalog()
			if _, err := demo.Load(ctx, src, cat, benchDemo, nil); err != nil {
				b.Fatal(err)
			}
			inc, _ := cat.Lookup("incidents")
			var n int
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				n = 0
				if err := src.Features(ctx, inc, layers.Query{BBox: &box}, func(*layers.Feature) error { n++; return nil }); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n), "features/op")
		})
	}
}

// BenchmarkDemoLoad loads the whole demo (every layer, 20,000 incidents)
// into a store, replacing the previous load.
func BenchmarkDemoLoad(b *testing.B) {
	for _, bs := range benchStores {
		b.Run(bs.name, func(b *testing.B) {
			ctx := context.Background()
			src := bs.open(b)
			cat := fengtai.Catalog()
			if _, err := demo.Load(ctx, src, cat, benchDemo, nil); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := demo.Load(ctx, src, cat, benchDemo, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
