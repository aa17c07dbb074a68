package layers

import (
	"fmt"
	"sort"
	"time"

	"minqing/geo/hex"
)

// The checks of this file are the front both stores put before their
// translation to SQL (next to CheckWrite and Prepare), so that a request a
// store refuses is refused by every store with the same *InvalidError.
// Package stores/sourcetest has a contract case for each.

// PrepareAt is Prepare for the n-th feature (1-based) of a write, as every
// store calls it: a missing feature or one Prepare refuses is an
// *InvalidError naming n.
func PrepareAt(l *Layer, f *Feature, n int64) error {
	_, err := PrepareCellsAt(l, f, n, false)
	return err
}

// PrepareCellsAt is PrepareAt that also returns the feature's exact cells
// as column values, in resolution order (ExactColumns), for a layer that
// StoresCells: nil for any other layer. checked is the write's
// WriteOptions.Checked: the feature is then not checked again.
func PrepareCellsAt(l *Layer, f *Feature, n int64, checked bool) ([]any, error) {
	if f == nil {
		return nil, Invalid("", fmt.Sprintf("feature %d: no feature", n))
	}
	cells, ok, err := PrepareCells(l, f, checked)
	if err != nil {
		return nil, Invalid("", fmt.Sprintf("feature %d: %v", n, err))
	}
	if !ok {
		return nil, nil
	}
	out := make([]any, len(cells))
	for i, c := range cells {
		out[i] = c
	}
	return out, nil
}

// CheckCellCounts is the front of every Source.CellCounts: l must store H3
// cells (StoresCells), res must be a stored resolution (hex.HasExact) and
// groupBy, if set, a field q.Role may see, which it returns (nil without
// groupBy). Each refusal is an *InvalidError on "layer", "res" or "groupBy".
func CheckCellCounts(l *Layer, res int, q Query, groupBy string) (*Field, error) {
	if !StoresCells(l) {
		return nil, Invalid("layer", fmt.Sprintf("layer %s has no H3 cells", l.Name))
	}
	if !hex.HasExact(res) {
		return nil, Invalid("res", fmt.Sprintf("H3 resolution %d is not counted: use %d to %d", res, hex.MinExactRes, hex.MaxExactRes))
	}
	if groupBy == "" {
		return nil, nil
	}
	f, ok := l.VisibleField(groupBy, q.Role)
	if !ok {
		return nil, Invalid("groupBy", fmt.Sprintf("layer %s has no property %q", l.Name, groupBy))
	}
	return &f, nil
}

// EqualTerm is one checked equality filter of a Query: a field and the
// values it may take (none: nothing matches).
type EqualTerm struct {
	Field  Field
	Values []any
}

// CheckEqual is the front of every store's translation of q.Equal: each
// name must be a field q.Role may see, and each value of that field's Go
// type (see FieldType). It returns the terms sorted by name, so that the
// same query shape gives the same statement text. A refusal is an
// *InvalidError on the property's name.
func CheckEqual(l *Layer, q Query) ([]EqualTerm, error) {
	if len(q.Equal) == 0 {
		return nil, nil
	}
	names := make([]string, 0, len(q.Equal))
	for name := range q.Equal {
		names = append(names, name)
	}
	sort.Strings(names)
	out := make([]EqualTerm, 0, len(names))
	for _, name := range names {
		f, ok := l.VisibleField(name, q.Role)
		if !ok {
			return nil, Invalid(name, fmt.Sprintf("layer %s has no property %q", l.Name, name))
		}
		for _, v := range q.Equal[name] {
			if !TypeFits(f, v) {
				return nil, Invalid(name, fmt.Sprintf("%s: %v is not a %s", name, v, f.Type))
			}
		}
		out = append(out, EqualTerm{Field: f, Values: q.Equal[name]})
	}
	return out, nil
}

// TypeFits reports whether v has the Go type of field f's values.
func TypeFits(f Field, v any) bool {
	switch f.Type {
	case String:
		_, ok := v.(string)
		return ok
	case Int, Cell:
		_, ok := v.(int64)
		return ok
	case Float:
		_, ok := v.(float64)
		return ok
	case Bool:
		_, ok := v.(bool)
		return ok
	case Time, Date:
		_, ok := v.(time.Time)
		return ok
	}
	return false
}
