package postgis

import (
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"minqing/geo/hex"
	"minqing/layers"
	"minqing/query/cql2"
)

// ident quotes one SQL identifier.
func ident(name string) string { return pgx.Identifier{name}.Sanitize() }

// where builds the WHERE clause (without the keyword) and its arguments for
// q on layer l. Arguments are numbered from len(args)+1.
type where struct {
	conds []string
	args  []any
}

func (w *where) arg(v any) string {
	w.args = append(w.args, v)
	return fmt.Sprintf("$%d", len(w.args))
}

func (w *where) add(cond string) { w.conds = append(w.conds, cond) }

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return "TRUE"
	}
	return strings.Join(w.conds, " AND ")
}

// cells is the condition of a CellSet: the points' stored cell at its
// resolution is one of its cells, and (for the GiST index to pick the rows)
// they lie in the cells' box.
func (w *where) cells(s *layers.CellSet) string {
	b := s.Bound()
	return fmt.Sprintf("%s = ANY(%s) AND geom && ST_MakeEnvelope(%s, %s, %s, %s, 4326)", ident(hex.ExactColumn(s.Res)), w.arg(s.Cells),
		w.arg(b.Min[0]), w.arg(b.Min[1]), w.arg(b.Max[0]), w.arg(b.Max[1]))
}

// buildWhere translates a query into SQL conditions. paging adds the keyset
// condition (Count leaves it out).
func buildWhere(l *layers.Layer, q layers.Query, paging bool) (*where, error) {
	return buildWhereBy(l, q, paging, true)
}

// buildWhereBy is buildWhere; without boxIndex, a point layer's box is
// tested on each row the other conditions find, not searched in the GiST
// index (see pointsByTime).
func buildWhereBy(l *layers.Layer, q layers.Query, paging, boxIndex bool) (*where, error) {
	w := &where{}
	if q.BBox != nil {
		b := *q.BBox
		x0, y0, x1, y1 := w.arg(b.Min[0]), w.arg(b.Min[1]), w.arg(b.Max[0]), w.arg(b.Max[1])
		if l.Geometry == "Point" {
			// A point meets the box exactly when its coordinates lie in it:
			// the same answer as ST_Intersects (edges included), without
			// its exact test per row — 16× faster on a 20k-point tile. The
			// && lets the GiST index choose the rows.
			exact := fmt.Sprintf("ST_X(geom) BETWEEN %[1]s AND %[3]s AND ST_Y(geom) BETWEEN %[2]s AND %[4]s", x0, y0, x1, y1)
			if boxIndex {
				exact = fmt.Sprintf("geom && ST_MakeEnvelope(%[1]s, %[2]s, %[3]s, %[4]s, 4326) AND ", x0, y0, x1, y1) + exact
			}
			w.add(exact)
		} else {
			w.add(fmt.Sprintf("ST_Intersects(geom, ST_MakeEnvelope(%s, %s, %s, %s, 4326))", x0, y0, x1, y1))
		}
	}
	if err := layers.CheckCells(l, q); err != nil {
		return nil, err
	}
	if q.Cells != nil {
		w.add(w.cells(q.Cells))
	}
	if q.Time != nil && l.TimeField != "" {
		col := ident(l.TimeField)
		if q.Time.Start != nil {
			w.add(col + " >= " + w.arg(*q.Time.Start))
		}
		if q.Time.End != nil {
			w.add(col + " <= " + w.arg(*q.Time.End))
		}
	}
	terms, err := layers.CheckEqual(l, q) // sorted: a stable statement text for the statement cache
	if err != nil {
		return nil, err
	}
	for _, term := range terms {
		arr, err := typedArray(term.Field, term.Values)
		if err != nil {
			return nil, err
		}
		w.add(ident(term.Field.Name) + " = ANY(" + w.arg(arr) + ")")
	}
	if q.Filter != nil {
		sql, args, err := cql2.ToSQL(q.Filter, columnFor, len(w.args)+1)
		if err != nil {
			return nil, layers.Invalid("filter", err.Error())
		}
		w.args = append(w.args, args...)
		w.add("(" + sql + ")")
	}
	if paging && q.AfterID > 0 {
		w.add("id > " + w.arg(q.AfterID))
	}
	return w, nil
}

// columnFor maps a CQL2 property to its column; "geometry" is the geometry.
func columnFor(prop string) string {
	if prop == "geometry" || prop == "geom" {
		return "geom"
	}
	return ident(prop)
}

// typedArray turns filter values into a slice pgx binds as an array of the
// field's column type.
func typedArray(f layers.Field, vals []any) (any, error) {
	bad := func(v any) error {
		return layers.Invalid(f.Name, fmt.Sprintf("%v is not a valid %s", v, f.Name))
	}
	switch f.Type {
	case layers.String:
		out := make([]string, 0, len(vals))
		for _, v := range vals {
			s, ok := v.(string)
			if !ok {
				return nil, bad(v)
			}
			out = append(out, s)
		}
		return out, nil
	case layers.Int, layers.Cell:
		out := make([]int64, 0, len(vals))
		for _, v := range vals {
			n, ok := v.(int64)
			if !ok {
				return nil, bad(v)
			}
			out = append(out, n)
		}
		return out, nil
	case layers.Float:
		out := make([]float64, 0, len(vals))
		for _, v := range vals {
			n, ok := v.(float64)
			if !ok {
				return nil, bad(v)
			}
			out = append(out, n)
		}
		return out, nil
	case layers.Bool:
		out := make([]bool, 0, len(vals))
		for _, v := range vals {
			b, ok := v.(bool)
			if !ok {
				return nil, bad(v)
			}
			out = append(out, b)
		}
		return out, nil
	case layers.Time, layers.Date:
		out := make([]time.Time, 0, len(vals))
		for _, v := range vals {
			t, ok := v.(time.Time)
			if !ok {
				return nil, bad(v)
			}
			out = append(out, t)
		}
		return out, nil
	}
	return nil, bad(vals)
}
