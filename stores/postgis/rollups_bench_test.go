package postgis

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"minqing/deploy/fengtai"
	"minqing/layers"
)

// BenchmarkCellCounts compares CellCounts read from the rollups with the
// raw GROUP BY, in the same run, on the database MINQING_ROLLUP_BENCH_URL
// names (loaded with `minqing demo --incidents N`; bench/hotspots.sh sets
// it): every hot-spot resolution and the windows the web map asks for.
// There is no cache in the store: every iteration runs the query.
func BenchmarkCellCounts(b *testing.B) {
	url := os.Getenv("MINQING_ROLLUP_BENCH_URL")
	if url == "" {
		b.Skip("MINQING_ROLLUP_BENCH_URL is not set (bench/hotspots.sh sets it)")
	}
	ctx := context.Background()
	s, err := Open(ctx, url, fengtai.Catalog())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	l, _ := s.catalog.Lookup("incidents")
	var last time.Time
	if err := s.pool.QueryRow(ctx, "SELECT max(received_at) FROM incidents").Scan(&last); err != nil {
		b.Fatal(err)
	}
	y, m, d := last.In(layers.Shanghai).Date()
	end := time.Date(y, m, d+1, 0, 0, 0, 0, layers.Shanghai).Add(-time.Nanosecond)
	days := func(n int) *layers.TimeRange {
		s := time.Date(y, m, d+1-n, 0, 0, 0, 0, layers.Shanghai)
		return &layers.TimeRange{Start: &s, End: &end}
	}
	windows := []struct {
		name string
		tr   *layers.TimeRange
	}{{"all", nil}, {"365d", days(365)}, {"30d", days(30)}}
	for _, w := range windows {
		for _, res := range []int{7, 9, 11} {
			for _, mode := range []string{"raw", "rollups"} {
				b.Run(fmt.Sprintf("%s/res%d/%s", w.name, res, mode), func(b *testing.B) {
					s.SetRollups(mode == "rollups")
					for range b.N {
						if _, err := s.CellCounts(ctx, l, res, layers.Query{Role: layers.Staff, Time: w.tr}, ""); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		}
	}
	b.Run("12m/res9/by-category/raw", func(b *testing.B) { benchGrouped(b, s, l, days(365), false) })
	b.Run("12m/res9/by-category/rollups", func(b *testing.B) { benchGrouped(b, s, l, days(365), true) })
}

func benchGrouped(b *testing.B, s *Store, l *layers.Layer, tr *layers.TimeRange, on bool) {
	s.SetRollups(on)
	for range b.N {
		if _, err := s.CellCounts(context.Background(), l, 9, layers.Query{Role: layers.Staff, Time: tr}, "category"); err != nil {
			b.Fatal(err)
		}
	}
}
