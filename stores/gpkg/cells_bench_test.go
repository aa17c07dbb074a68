package gpkg_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"minqing/deploy/fengtai"
	"minqing/deploy/fengtai/demo"
	"minqing/geo/hex"
	"minqing/layers"
	"minqing/stores/gpkg"
	"minqing/stores/postgis"
)

// cellBenchIncidents is how many demo incidents BenchmarkCellCounts loads:
// MINQING_BENCH_INCIDENTS, 200,000 unless set.
func cellBenchIncidents(b *testing.B) int {
	if s := os.Getenv("MINQING_BENCH_INCIDENTS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatalf("MINQING_BENCH_INCIDENTS=%q: %v", s, err)
		}
		return n
	}
	return 200000
}

// BenchmarkCellCounts counts the demo's incidents per H3 cell as
// /hotspots?res=r does (CellCounts, staff, no filter; and a 30-day
// window), and renders the incident clusters of the central z12 and z14
// tiles, on each store, after loading MINQING_BENCH_INCIDENTS incidents
// (the load time is reported as load-s).
func BenchmarkCellCounts(b *testing.B) {
	n := cellBenchIncidents(b)
	for _, bs := range benchStores {
		b.Run(bs.name, func(b *testing.B) {
			ctx := context.Background()
			src := bs.open(b)
			cat := fengtai.Catalog()
			asOf := time.Date(2026, 1, 1, 0, 0, 0, 0, layers.Shanghai)
			start := time.Now()
			if _, err := demo.Load(ctx, src, cat, demo.Options{Incidents: n, Seed: demo.DefaultSeed, AsOf: asOf}, nil); err != nil {
				b.Fatal(err)
			}
			load := time.Since(start).Seconds()
			inc, _ := cat.Lookup("incidents")
			end := asOf
			from := end.AddDate(0, 0, -30)
			for _, tc := range []struct {
				name string
				res  int
				q    layers.Query
			}{
				{"res9", 9, layers.Query{Role: layers.Staff}},
				{"res11", 11, layers.Query{Role: layers.Staff}},
				{"res9-30days", 9, layers.Query{Role: layers.Staff, Time: &layers.TimeRange{Start: &from, End: &end}}},
			} {
				b.Run(tc.name, func(b *testing.B) {
					var cells int
					for b.Loop() {
						cc, err := src.CellCounts(ctx, inc, tc.res, tc.q, "")
						if err != nil {
							b.Fatal(err)
						}
						cells = len(cc)
					}
					b.ReportMetric(float64(cells), "cells")
					b.ReportMetric(load, "load-s")
				})
			}
			// The incident clusters of the tile over the street's centre.
			for _, z := range []int{12, 14} {
				t := maptile.At(orb.Point{116.2875, 39.8575}, maptile.Zoom(z))
				req := layers.TileRequest{Layers: []*layers.Layer{inc}, Z: z, X: int(t.X), Y: int(t.Y), Role: layers.Public}
				b.Run(fmt.Sprintf("tile-z%d", z), func(b *testing.B) {
					var size int
					for b.Loop() {
						mvt, err := src.Tile(ctx, req)
						if err != nil {
							b.Fatal(err)
						}
						size = len(mvt)
					}
					b.ReportMetric(float64(size), "bytes")
				})
			}
		})
	}
}

// BenchmarkGroupByParentVsExact compares, on the same data in the same
// process, the two ways of counting incidents per res-r cell in SQL: the
// bit-mask parent of the res-15 cell (before exact cells) and the stored
// exact cell column (now), in alternating rounds so that the machine's load
// falls on both alike.
func BenchmarkGroupByParentVsExact(b *testing.B) {
	n := cellBenchIncidents(b)
	for _, bs := range benchStores {
		b.Run(bs.name, func(b *testing.B) {
			ctx := context.Background()
			src := bs.open(b)
			cat := fengtai.Catalog()
			asOf := time.Date(2026, 1, 1, 0, 0, 0, 0, layers.Shanghai)
			if _, err := demo.Load(ctx, src, cat, demo.Options{Incidents: n, Seed: demo.DefaultSeed, AsOf: asOf}, nil); err != nil {
				b.Fatal(err)
			}
			query := func(stmt string) func() (int, error) {
				switch st := src.(type) {
				case *postgis.Store:
					return func() (int, error) {
						rows, err := st.Pool().Query(ctx, stmt)
						if err != nil {
							return 0, err
						}
						defer rows.Close()
						k := 0
						for rows.Next() {
							k++
						}
						return k, rows.Err()
					}
				case *gpkg.Store:
					db, err := sql.Open("sqlite3", "file:"+st.Path()+"?_query_only=1")
					if err != nil {
						b.Fatal(err)
					}
					b.Cleanup(func() { db.Close() })
					return func() (int, error) {
						rows, err := db.QueryContext(ctx, stmt)
						if err != nil {
							return 0, err
						}
						defer rows.Close()
						k := 0
						for rows.Next() {
							k++
						}
						return k, rows.Err()
					}
				}
				b.Fatalf("unknown store %T", src)
				return nil
			}
			for _, res := range []int{9, 11} {
				parent := hex.ParentSQLExpr("h3", strconv.Itoa(res))
				if bs.name == "gpkg" {
					parent = hex.ParentSQLiteExpr("h3", strconv.Itoa(res))
				}
				ways := []struct {
					name string
					run  func() (int, error)
				}{
					{"parent", query("SELECT " + parent + ", count(*) FROM incidents GROUP BY 1")},
					{"exact", query("SELECT " + hex.ExactColumn(res) + ", count(*) FROM incidents GROUP BY 1")},
				}
				for round := 0; round < 3; round++ {
					for _, w := range ways {
						b.Run(fmt.Sprintf("res%d/%s", res, w.name), func(b *testing.B) {
							var cells int
							for b.Loop() {
								k, err := w.run()
								if err != nil {
									b.Fatal(err)
								}
								cells = k
							}
							b.ReportMetric(float64(cells), "cells")
						})
					}
				}
			}
		})
	}
}
