package tiles_test

import (
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"minqing/layers"
	"minqing/tiles"
)

// A new incident at a point: the tile around it is redrawn, a tile across
// the street is kept.
func ExampleChangeLog() {
	log := tiles.NewChangeLog()
	p := orb.Point{116.2875, 39.8575}
	log.Add([]layers.LayerChange{{Layer: "incidents", From: 7, To: 8, Bound: p.Bound()}})
	near := maptile.At(p, 16).Bound()
	far := maptile.At(orb.Point{116.2735, 39.8480}, 16).Bound()
	fmt.Println("keep near:", log.Clean("incidents", 7, 8, near))
	fmt.Println("keep far:", log.Clean("incidents", 7, 8, far))
	// Output:
	// keep near: false
	// keep far: true
}
