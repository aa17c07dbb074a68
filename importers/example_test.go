package importers_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"minqing/deploy/fengtai"
	"minqing/importers"
)

// A 12345 work-order sheet with Chinese headers, checked in a dry run: the
// categories are mapped to the layer's vocabulary, the caller's phone is
// kept apart, and the row whose coordinates are swapped is reported.
func ExampleImport() {
	sheet := "工单编号,受理时间,问题分类,来电人,联系电话,经度,纬度\n" +
		"GD001,2026/3/5 14:03,水管漏水,张三,13800000001,116.2755,39.8512\n" +
		"GD002,2026年3月5日,停水,李四,13900000002,39.8625,116.2910\n"
	incidents, _ := fengtai.Catalog().Lookup("incidents")
	rep, err := importers.Import(context.Background(), nil, nil, incidents, strings.NewReader(sheet),
		importers.Options{Format: importers.CSV, CRS: "gcj02", DryRun: true})
	fmt.Println(errors.Is(err, importers.ErrRejected), rep.Encoding, rep.Read, rep.Valid, rep.Rejected)
	for _, p := range rep.Errors {
		fmt.Println(p)
	}
	// Output:
	// true utf-8 2 1 1
	// row 3: geometry: (39.862500, 116.291000) is outside the region (lon 115.4–117.6, lat 39.4–41.1): longitude and latitude look swapped
}
