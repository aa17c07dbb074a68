package layers

import (
	"fmt"

	"github.com/paulmach/orb"

	"minqing/geo/hex"
)

// Prepare validates a feature for layer l and fills what is computed on write:
// the promoted geometry type and, for a layer with an h3 field, the feature's
// H3 cell at hex.StoreRes. Both stores call it.
func Prepare(l *Layer, f *Feature) error {
	if f.Props == nil {
		f.Props = map[string]any{}
	}
	if f.Geometry != nil {
		f.Geometry = Promote(l.Geometry, f.Geometry)
	}
	if _, ok := l.Field("h3"); ok {
		p, isPoint := f.Geometry.(orb.Point)
		if !isPoint {
			return l.Check(f)
		}
		cell, err := hex.FromPoint(p, hex.StoreRes)
		if err != nil {
			return fmt.Errorf("h3 cell: %w", err)
		}
		f.Props["h3"] = cell
	}
	return l.Check(f)
}
