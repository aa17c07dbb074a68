package layers

import (
	"fmt"

	"github.com/paulmach/orb"

	"minqing/geo/hex"
)

// CellSet restricts a Query to the points whose own cell at Res (a stored
// resolution, see StoresCells) is one of Cells. Unlike a bbox it selects
// whole cells, so a count restricted by it can be read from the rollups,
// which are kept per cell: tile clusters ask this way.
type CellSet struct {
	Res   int
	Cells []int64
}

// MaxCellSet is the most cells a CellSet may name.
const MaxCellSet = 10_000

// CheckCells is the front of every store's translation of q.Cells: l must
// store cells, Res be a stored resolution and the set at most MaxCellSet
// valid cells of Res. A refusal is an *InvalidError on "cells".
func CheckCells(l *Layer, q Query) error {
	s := q.Cells
	if s == nil {
		return nil
	}
	if !StoresCells(l) {
		return Invalid("cells", fmt.Sprintf("layer %s has no H3 cells", l.Name))
	}
	if !hex.HasExact(s.Res) {
		return Invalid("cells", fmt.Sprintf("H3 resolution %d is not stored: use %d to %d", s.Res, hex.MinExactRes, hex.MaxExactRes))
	}
	if len(s.Cells) > MaxCellSet {
		return Invalid("cells", fmt.Sprintf("%d cells asked, at most %d", len(s.Cells), MaxCellSet))
	}
	for _, c := range s.Cells {
		if !hex.Valid(c) || hex.Res(c) != s.Res {
			return Invalid("cells", fmt.Sprintf("%s is not a cell of resolution %d", hex.String(c), s.Res))
		}
	}
	return nil
}

// Bound is a box that holds every point of the set's cells (their
// boundaries' box grown by a tenth of a cell, for the edges' curvature): a
// store adds it to its query so that its spatial index picks the rows. The
// zero Bound for an empty set.
func (s *CellSet) Bound() orb.Bound {
	if len(s.Cells) == 0 {
		return orb.Bound{}
	}
	var b, cb orb.Bound
	for i, c := range s.Cells {
		cb = hex.Boundary(c).Bound()
		if i == 0 {
			b = cb
		} else {
			b = b.Union(cb)
		}
	}
	// A cell's edges are arcs, not straight in longitude and latitude: grow
	// the box by a tenth of the last cell's size, far more than they bulge.
	dx, dy := (cb.Max[0]-cb.Min[0])/10, (cb.Max[1]-cb.Min[1])/10
	return orb.Bound{Min: orb.Point{b.Min[0] - dx, b.Min[1] - dy}, Max: orb.Point{b.Max[0] + dx, b.Max[1] + dy}}
}
