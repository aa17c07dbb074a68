package hex_test

import (
	"fmt"

	"github.com/paulmach/orb"

	"minqing/geo/hex"
)

// An incident is indexed at StoreRes when it is recorded; coarser cells for
// a heat map are derived from the stored one.
func Example() {
	incident := orb.Point{116.2875, 39.8575} // [lon, lat], WGS84

	cell, err := hex.FromPoint(incident, hex.StoreRes)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("stored:", hex.String(cell), "res", hex.Res(cell))

	district := hex.Parent(cell, 9)
	fmt.Println("res 9: ", hex.String(district))
	fmt.Printf("area:   %.3f km²\n", hex.AreaKm2(district))
	fmt.Println("ring:  ", len(hex.Disk(district, 1)), "cells")

	// The same parent, computed by the database.
	fmt.Println(hex.ParentSQLExpr("incidents.h3", "$1"))
	fmt.Println(hex.ParentSQLiteExpr("incidents.h3", "?1"))
	// Output:
	// stored: 8f31aa414008521 res 15
	// res 9:  8931aa41403ffff
	// area:   0.075 km²
	// ring:   7 cells
	// (((incidents.h3)::bigint & ~(15::bigint << 52)) | ((($1)::integer)::bigint << 52) | ((1::bigint << (3 * (15 - ($1)::integer))) - 1))
	// (((incidents.h3) & ~(15 << 52)) | ((?1) << 52) | ((1 << (3 * (15 - (?1)))) - 1))
}

// Cells covering an area, e.g. to pre-compute an empty heat map.
func ExamplePolygonCells() {
	square := orb.Polygon{{
		{116.280, 39.850}, {116.290, 39.850}, {116.290, 39.860}, {116.280, 39.860}, {116.280, 39.850},
	}}
	cells, err := hex.PolygonCells(square, 10)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(cells), "cells at resolution 10")

	_, err = hex.PolygonCells(square, 16)
	fmt.Println(err)
	// Output:
	// 91 cells at resolution 10
	// hex: polygon cells: resolution 16 out of range 0..15
}
