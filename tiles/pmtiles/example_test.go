package pmtiles_test

import (
	"bytes"
	"fmt"
	"os"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"minqing/tiles/pmtiles"
)

// Write three tiles (two alike, stored once) and read one back.
func Example() {
	ts := []maptile.Tile{maptile.New(1, 1, 1), maptile.New(0, 0, 1), maptile.New(0, 1, 1)}
	pmtiles.Order(ts) // a Writer takes tiles in tile-id order
	w, err := pmtiles.NewWriter(os.TempDir())
	if err != nil {
		panic(err)
	}
	defer w.Close()
	for _, t := range ts {
		body := []byte("land")
		if t == maptile.New(1, 1, 1) {
			body = []byte("sea")
		}
		if err := w.Add(t, body); err != nil {
			panic(err)
		}
	}
	var archive bytes.Buffer
	st, err := w.Finish(&archive, pmtiles.Meta{MinZoom: 1, MaxZoom: 1, Bounds: orb.Bound{Min: orb.Point{-180, -85}, Max: orb.Point{180, 85}}})
	if err != nil {
		panic(err)
	}
	fmt.Println(st.Addressed, "tiles,", st.Contents, "stored")
	r, err := pmtiles.Open(bytes.NewReader(archive.Bytes()), int64(archive.Len()))
	if err != nil {
		panic(err)
	}
	h := r.Header()
	fmt.Println(h.TileType, h.MinZoom, h.MaxZoom, h.TileGzip)
	// Output:
	// 3 tiles, 2 stored
	// mvt 1 1 true
}
