package export_test

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/paulmach/orb"

	"minqing/deploy/fengtai"
	"minqing/export"
	"minqing/layers"
)

// oneSource is a store holding one service point (only Features is used).
type oneSource struct{ layers.Source }

func (oneSource) Features(ctx context.Context, l *layers.Layer, q layers.Query, fn func(*layers.Feature) error) error {
	return fn(&layers.Feature{ID: 1, Geometry: orb.Point{116.2863, 39.8571}, Props: map[string]any{
		"name": "近园路阳光社区一站式服务中心", "kind": "便民服务中心", "community": "近园路阳光社区", "hours": "8:30-17:30",
	}})
}

// Export a layer as CSV for Excel: a BOM, Chinese headers, lon/lat last,
// CRLF line ends.
func Example() {
	l, _ := fengtai.Catalog().Lookup("service_points")
	var out strings.Builder
	n, err := export.Write(context.Background(), oneSource{}, l, layers.Query{}, export.CSV, &out, export.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	csv := strings.TrimPrefix(out.String(), "\uFEFF") // the BOM, for Excel
	fmt.Print(strings.ReplaceAll(csv, "\r\n", "\n"))  // lines end with CRLF
	fmt.Println(n, "feature")
	// Output:
	// id,名称,类型,地址,社区,开放时间,经度,纬度
	// 1,近园路阳光社区一站式服务中心,便民服务中心,,近园路阳光社区,8:30-17:30,116.2863,39.8571
	// 1 feature
}

// The download name of an export, for a Content-Disposition header.
func ExampleContentDisposition() {
	l, _ := fengtai.Catalog().Lookup("incidents")
	day, _ := layers.ParseTime("2026-03-05")
	fmt.Fprintln(os.Stdout, export.ContentDisposition(l, export.CSV, day))
	// Output:
	// attachment; filename="incidents-20260305.csv"; filename*=UTF-8''%E8%AF%89%E6%B1%82-20260305.csv
}
