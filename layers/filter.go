package layers

import (
	"fmt"

	"minqing/query/cql2"
)

// ParseFilter parses a CQL2 text filter on l for role (see CQLSchema) and
// prepares it for the stores: an H3 cell property is named in a filter as
// H3 writes it, a string ("h3 = '8f31aa4141436c4'"), and stored as an
// integer, so the strings compared with it become the cells' int64 values
// (then the stores compare integers, with their indexes). A cell that is
// not a valid H3 index, or a LIKE on a cell, is refused as bad input.
func (l *Layer) ParseFilter(src string, role Role) (cql2.Expr, error) {
	e, err := cql2.Parse(src, l.CQLSchema(role))
	if err != nil {
		return nil, err
	}
	return l.cellLiterals(e)
}

// cellLiterals returns e with the string literals compared with Cell
// fields replaced by their int64 values.
func (l *Layer) cellLiterals(e cql2.Expr) (cql2.Expr, error) {
	isCell := func(prop string) bool {
		f, ok := l.Field(prop)
		return ok && f.Type == Cell
	}
	conv := func(prop string, v any) (any, error) {
		s, ok := v.(string)
		if !ok {
			return v, nil
		}
		c, err := ParseCell(s)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", prop, err)
		}
		return c, nil
	}
	var err error
	switch e := e.(type) {
	case *cql2.And:
		out := &cql2.And{Args: make([]cql2.Expr, len(e.Args))}
		for i, a := range e.Args {
			if out.Args[i], err = l.cellLiterals(a); err != nil {
				return nil, err
			}
		}
		return out, nil
	case *cql2.Or:
		out := &cql2.Or{Args: make([]cql2.Expr, len(e.Args))}
		for i, a := range e.Args {
			if out.Args[i], err = l.cellLiterals(a); err != nil {
				return nil, err
			}
		}
		return out, nil
	case *cql2.Not:
		arg, err := l.cellLiterals(e.Arg)
		if err != nil {
			return nil, err
		}
		return &cql2.Not{Arg: arg}, nil
	case *cql2.Compare:
		if !isCell(e.Prop) {
			return e, nil
		}
		v, err := conv(e.Prop, e.Value)
		if err != nil {
			return nil, err
		}
		return &cql2.Compare{Op: e.Op, Prop: e.Prop, Value: v}, nil
	case *cql2.In:
		if !isCell(e.Prop) {
			return e, nil
		}
		out := &cql2.In{Prop: e.Prop, Not: e.Not, Values: make([]any, len(e.Values))}
		for i, v := range e.Values {
			if out.Values[i], err = conv(e.Prop, v); err != nil {
				return nil, err
			}
		}
		return out, nil
	case *cql2.Between:
		if !isCell(e.Prop) {
			return e, nil
		}
		lo, err := conv(e.Prop, e.Low)
		if err != nil {
			return nil, err
		}
		hi, err := conv(e.Prop, e.High)
		if err != nil {
			return nil, err
		}
		return &cql2.Between{Prop: e.Prop, Low: lo, High: hi, Not: e.Not}, nil
	case *cql2.Like:
		if isCell(e.Prop) {
			return nil, fmt.Errorf("%s is an H3 cell: compare it with = or IN ('8f31aa4141436c4'), not LIKE", e.Prop)
		}
	}
	return e, nil
}
