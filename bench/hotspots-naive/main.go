// Command hotspots-naive times the naive way to compute H3 hotspots, for
// bench/hotspots.sh to compare with minqing's /hotspots endpoint: read every
// incident point from PostGIS, put each through H3's LatLngToCell at the
// asked resolution (hex.FromPoint), count per cell, then run the same study
// area and Gi* as minqing. It prints the median wall time of --runs runs in
// milliseconds, the number of points read and of study cells.
//
//	go run ./bench/hotspots-naive --database-url postgres://… --res 9 --runs 3
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/paulmach/orb"

	"minqing/deploy/fengtai"
	"minqing/geo/hex"
	"minqing/hotspot"
	"minqing/layers"
	"minqing/stores/postgis"
)

// naiveSource is a store whose CellCounts reads every point and calls H3 for
// each, instead of grouping the stored cell's parent in SQL.
type naiveSource struct {
	layers.Source
	points int
}

func (n *naiveSource) CellCounts(ctx context.Context, l *layers.Layer, res int, q layers.Query, groupBy string) ([]layers.CellCount, error) {
	counts := map[hex.Cell]int64{}
	q.Properties = []string{} // the geometry only
	n.points = 0
	err := n.Source.Features(ctx, l, q, func(f *layers.Feature) error {
		p, ok := f.Geometry.(orb.Point)
		if !ok {
			return nil
		}
		c, err := hex.FromPoint(p, res)
		if err != nil {
			return err
		}
		counts[c]++
		n.points++
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]layers.CellCount, 0, len(counts))
	for c, k := range counts {
		out = append(out, layers.CellCount{Cell: c, Count: k})
	}
	return out, nil
}

func main() {
	url := flag.String("database-url", os.Getenv("DATABASE_URL"), "PostgreSQL+PostGIS URL of a loaded minqing database")
	res := flag.Int("res", 9, "H3 resolution")
	runs := flag.Int("runs", 3, "how many timed runs (the median is printed)")
	flag.Parse()
	if err := run(*url, *res, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "hotspots-naive:", err)
		os.Exit(1)
	}
}

func run(url string, res, runs int) error {
	ctx := context.Background()
	cat := fengtai.Catalog()
	st, err := postgis.Open(ctx, url, cat)
	if err != nil {
		return err
	}
	defer st.Close()
	src := &naiveSource{Source: st}
	// No result cache: every run reads and counts every point again.
	svc := hotspot.NewService(src, cat, hotspot.Config{CacheEntries: -1})
	p := hotspot.Params{Res: res, Query: layers.Query{Role: layers.Staff}}
	var times []time.Duration
	var cells int
	for range max(runs, 1) {
		start := time.Now()
		a, err := svc.Analyze(ctx, p)
		if err != nil {
			return err
		}
		times = append(times, time.Since(start))
		cells = len(a.Cells)
	}
	slices.Sort(times)
	med := times[len(times)/2]
	fmt.Printf("%.1f %d %d\n", float64(med.Microseconds())/1000, src.points, cells)
	return nil
}
