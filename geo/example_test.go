package geo_test

import (
	"fmt"

	"github.com/paulmach/orb"

	"minqing/geo"
)

// A point picked on Baidu Maps near 丰台街道 is converted to WGS84 for
// storage.
func ExampleBD09ToWGS84() {
	baidu := orb.Point{116.300, 39.864} // [lon, lat] in BD-09

	wgs := geo.BD09ToWGS84(baidu)
	fmt.Printf("WGS84: %.6f, %.6f\n", wgs[0], wgs[1])
	fmt.Printf("shift: %.0f m\n", geo.Distance(baidu, wgs))

	// Converting back reproduces the Baidu point to well under a millimetre.
	back := geo.WGS84ToBD09(wgs)
	fmt.Printf("round trip error < 1 mm: %v\n", geo.Distance(baidu, back) < 0.001)
	// Output:
	// WGS84: 116.287529, 39.856491
	// shift: 1354 m
	// round trip error < 1 mm: true
}

// Importers take the source CRS as a string from the user.
func ExampleParseCRS() {
	crs, err := geo.ParseCRS("GCJ-02")
	if err != nil {
		fmt.Println(err)
		return
	}
	wgs := geo.ToWGS84(crs, orb.Point{116.2935, 39.8585})
	fmt.Printf("%s → WGS84: %.6f, %.6f\n", crs, wgs[0], wgs[1])

	_, err = geo.ParseCRS("epsg:3857")
	fmt.Println(err)
	// Output:
	// gcj02 → WGS84: 116.287453, 39.857261
	// geo: unknown CRS "epsg:3857": valid names are wgs84 (epsg:4326), cgcs2000 (epsg:4490), gcj02 (gcj-02), bd09 (bd-09)
}

// TransformGeometry converts whole geometries, e.g. a GCJ-02 polygon traced
// on Amap.
func ExampleTransformGeometry() {
	gcj := orb.LineString{{116.2760, 39.8505}, {116.3110, 39.8505}}
	wgs := geo.TransformGeometry(gcj, geo.GCJ02ToWGS84).(orb.LineString)
	for _, p := range wgs {
		fmt.Printf("%.6f, %.6f\n", p[0], p[1])
	}
	// Output:
	// 116.269973, 39.849279
	// 116.304924, 39.849234
}
