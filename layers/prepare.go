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
	_, _, err := PrepareCells(l, f, false)
	return err
}

// PrepareCells is Prepare that also returns, for a layer that StoresCells,
// the feature's exact cells (hex.PointCells computes them in the same pass
// as its h3 cell); ok is false for any other layer. checked is the write's
// WriteOptions.Checked: a feature that already passed l.Check is not
// checked again, only given what is filled on write.
func PrepareCells(l *Layer, f *Feature, checked bool) (cells [hex.ExactCount]hex.Cell, ok bool, err error) {
	if f.Props == nil {
		f.Props = map[string]any{}
	}
	if f.Geometry != nil {
		f.Geometry = Promote(l.Geometry, f.Geometry)
	}
	checkIt := func() error {
		if checked {
			return nil
		}
		return l.Check(f)
	}
	if _, has := l.Field("h3"); !has {
		return cells, false, checkIt()
	}
	p, isPoint := f.Geometry.(orb.Point)
	if !isPoint {
		// No cells: a point layer's Check refuses any other geometry.
		return cells, false, checkIt()
	}
	store, exact, err := hex.PointCells(p)
	if err != nil {
		return cells, false, fmt.Errorf("h3 cell: %w", err)
	}
	f.Props["h3"] = store
	if err := checkIt(); err != nil {
		return cells, false, err
	}
	return exact, StoresCells(l), nil
}

// CheckWrite is the front of every Source.Write: it validates what a write
// asks for before any store opens a transaction, and returns the write mode
// to use (Insert when none is given). An unknown mode is an *InvalidError on
// "mode" in every store.
func CheckWrite(l *Layer, opts WriteOptions) (WriteMode, error) {
	if l == nil {
		return "", fmt.Errorf("write: no layer: %w", ErrInvalid)
	}
	switch opts.Mode {
	case "":
		return Insert, nil
	case Insert, Upsert, Replace:
		return opts.Mode, nil
	}
	return "", Invalid("mode", fmt.Sprintf("write mode %q: use insert, upsert or replace", opts.Mode))
}
