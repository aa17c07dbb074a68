package hotspot_test

import (
	"fmt"

	"minqing/hotspot"
	"minqing/layers"
)

// The resolution of the hexagons on a map tile follows the zoom, and public
// callers never get cells finer than resolution 9.
func ExampleResForZoom() {
	for _, z := range []int{12, 14, 16} {
		fmt.Printf("z%d: public %d, staff %d\n", z, hotspot.ResForZoom(z, layers.Public), hotspot.ResForZoom(z, layers.Staff))
	}
	// Output:
	// z12: public 9, staff 7
	// z14: public 9, staff 9
	// z16: public 9, staff 11
}

// Params.Normalize fills the defaults and names the parameter at fault.
func ExampleParams_Normalize() {
	p, err := hotspot.Params{Query: layers.Query{Role: layers.Public}}.Normalize()
	fmt.Println(p.Res, p.K, err)
	_, err = hotspot.Params{Res: 11, Query: layers.Query{Role: layers.Public}}.Normalize()
	fmt.Println(err)
	// Output:
	// 9 1 <nil>
	// public incident figures are published per H3 cell of resolution 9 only, not 11; staff may use 7 to 11
}
