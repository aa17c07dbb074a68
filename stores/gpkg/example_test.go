package gpkg_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/paulmach/orb"

	"minqing/deploy/fengtai"
	"minqing/layers"
	"minqing/stores/gpkg"
	"minqing/stores/sourcetest"
)

// Open creates a GeoPackage, writes two incidents in one transaction and
// reads back those inside a bounding box.
func ExampleOpen() {
	dir, err := os.MkdirTemp("", "minqing-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	cat := fengtai.Catalog()
	st, err := gpkg.Open(ctx, filepath.Join(dir, "minqing.gpkg"), cat)
	if err != nil {
		panic(err)
	}
	defer st.Close()
	fmt.Println("new file:", st.Created())

	incidents, _ := cat.Lookup("incidents")
	incident := func(p orb.Point, category string) *layers.Feature {
		return &layers.Feature{Geometry: p, Props: map[string]any{
			"source": "12345", "category": category, "status": "received",
			"received_at": time.Date(2026, 3, 5, 14, 3, 0, 0, layers.Shanghai),
		}}
	}
	in := []*layers.Feature{
		incident(orb.Point{116.275, 39.850}, "漏水"),
		incident(orb.Point{116.300, 39.865}, "停电"),
	}
	res, err := st.Write(ctx, incidents, layers.WriteOptions{Mode: layers.Insert}, &sourcetest.Slice{Features: in})
	if err != nil {
		panic(err)
	}
	fmt.Println("inserted:", res.Inserted)

	box := orb.Bound{Min: orb.Point{116.270, 39.845}, Max: orb.Point{116.2875, 39.8575}}
	err = st.Features(ctx, incidents, layers.Query{BBox: &box}, func(f *layers.Feature) error {
		fmt.Println(f.ID, f.Props["category"], f.Geometry)
		return nil
	})
	if err != nil {
		panic(err)
	}
	// Output:
	// new file: true
	// inserted: 2
	// 1 漏水 [116.275 39.85]
}
