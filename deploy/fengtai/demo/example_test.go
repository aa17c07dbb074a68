package demo_test

import (
	"errors"
	"fmt"
	"io"
	"time"

	"minqing/deploy/fengtai/demo"
	"minqing/layers"
)

func Example() {
	g := demo.New(demo.Options{
		Seed:      20190701,
		Incidents: 1000,
		AsOf:      time.Date(2025, 7, 1, 0, 0, 0, 0, layers.Shanghai),
	})
	for _, name := range demo.LayerOrder() {
		r, err := g.Reader(name)
		if err != nil {
			fmt.Println(err)
			return
		}
		n, area := 0, 0.0
		for {
			f, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			n++
			if name == "demolitions" && f.Props["kind"] == "违法建设" {
				area += f.Props["area_m2"].(float64)
			}
		}
		fmt.Printf("%-14s %5d\n", name, n)
		if area > 0 {
			fmt.Printf("  违法建设 %.0f m²\n", area)
		}
	}
	fmt.Println(len(g.Communities()), "communities")
	// Output:
	// patches            5
	// communities       25
	// streets           40
	// demolitions      248
	//   违法建设 18502 m²
	// greening           3
	// service_points    10
	// care_targets     239
	// incidents       1000
	// 25 communities
}
