package gpkg

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"minqing/geo/hex"
	"minqing/layers"
	"minqing/query/cql2"
)

// ident quotes one SQL identifier. Identifiers come from the catalog, never
// from a request.
func ident(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// plan is a query translated for SQLite: the conditions SQL can test, with
// their bound arguments, and what Go must test on each row SQL returns.
type plan struct {
	conds []string
	args  []any
	// bbox is the exact bounding-box test (the R-tree condition in SQL only
	// narrows the candidates: its float32 boxes are rounded outwards).
	bbox *orb.Bound
	// filter is a CQL2 filter, evaluated in Go; program is it compiled
	// once for the query (LIKE patterns parsed once, not per row).
	filter  cql2.Expr
	program *cql2.Program
}

// arg binds a value and returns its numbered placeholder.
func (p *plan) arg(v any) string {
	p.args = append(p.args, v)
	return "?" + strconv.Itoa(len(p.args))
}

func (p *plan) add(cond string) { p.conds = append(p.conds, cond) }

// where returns the WHERE clause (without the keyword).
func (p *plan) where() string {
	if len(p.conds) == 0 {
		return "1"
	}
	return strings.Join(p.conds, " AND ")
}

// inGo reports whether some rows SQL returns may still be rejected in Go (so
// SQL can neither count nor limit).
func (p *plan) inGo() bool { return p.bbox != nil || p.filter != nil }

// match runs the Go half of the plan on one row. props must hold every
// field the filter may name (all the fields the role may see).
func (p *plan) match(props map[string]any, g orb.Geometry) bool {
	if p.bbox != nil && !intersectsBound(g, *p.bbox) {
		return false
	}
	return p.program == nil || p.program.Match(props, g)
}

// intersectsBound reports whether g intersects b, boundaries included, on
// the plane (longitude, latitude as x, y), as PostGIS's ST_Intersects on
// geometry in SRID 4326 does. The test is cql2's S_INTERSECTS, so that a
// bbox parameter and a CQL2 BBOX filter agree exactly.
func intersectsBound(g orb.Geometry, b orb.Bound) bool {
	if g == nil {
		return false
	}
	if p, ok := g.(orb.Point); ok {
		return b.Contains(p)
	}
	return cql2.Eval(&cql2.SIntersects{Prop: "geometry", Geom: b}, nil, g)
}

// list binds each of vs and returns their placeholders, comma-separated.
func (p *plan) list(vs []int64) string {
	ph := make([]string, len(vs))
	for i, v := range vs {
		ph[i] = p.arg(v)
	}
	return strings.Join(ph, ", ")
}

// rtree is the condition that l's R-tree puts a feature's box in touch
// with b.
func (p *plan) rtree(l *layers.Layer, b orb.Bound) string {
	return fmt.Sprintf("id IN (SELECT id FROM %s WHERE minx <= %s AND maxx >= %s AND miny <= %s AND maxy >= %s)",
		ident("rtree_"+l.Name+"_geom"), p.arg(b.Max[0]), p.arg(b.Min[0]), p.arg(b.Max[1]), p.arg(b.Min[1]))
}

// cells is the condition of a CellSet: the points' stored cell at its
// resolution is one of its cells and, with box (when no other box narrows
// the rows), the R-tree puts them in the cells' box. Without box the cell
// column is kept from choosing an index (SQLite's unary +), so that the
// rest of the query's conditions (a span of time) pick the rows: an index
// on the cells would read every row of them, at all times.
func (p *plan) cells(l *layers.Layer, s *layers.CellSet, box bool) string {
	if len(s.Cells) == 0 {
		return "0"
	}
	col := ident(hex.ExactColumn(s.Res))
	if !box {
		col = "+" + col
	}
	cond := col + " IN (" + p.list(s.Cells) + ")"
	if box {
		cond += " AND " + p.rtree(l, s.Bound())
	}
	return cond
}

// buildPlan translates q for layer l. paging adds the keyset condition
// (Count leaves it out).
func buildPlan(l *layers.Layer, q layers.Query, paging bool) (*plan, error) {
	p := &plan{filter: q.Filter}
	if q.Filter != nil {
		p.program = cql2.Compile(q.Filter)
	}
	box := q.BBox
	if b, ok := filterBound(q.Filter); ok {
		// An S_INTERSECTS at the top of the filter narrows the R-tree search
		// too; cql2.Eval still makes the exact test.
		if box != nil {
			b = intersection(*box, b)
		}
		box = &b
	}
	if q.BBox != nil {
		b := *q.BBox
		p.bbox = &b
	}
	if box != nil {
		p.add(p.rtree(l, *box))
	}
	if err := layers.CheckCells(l, q); err != nil {
		return nil, err
	}
	if q.Cells != nil {
		p.add(p.cells(l, q.Cells, box == nil))
	}
	if q.Time != nil && l.TimeField != "" {
		if f, ok := l.Field(l.TimeField); ok {
			p.addTime(f, q.Time)
		}
	}
	terms, err := layers.CheckEqual(l, q)
	if err != nil {
		return nil, err
	}
	for _, term := range terms {
		f, vals := term.Field, term.Values
		if len(vals) == 0 {
			p.add("0")
			continue
		}
		ph := make([]string, 0, len(vals))
		for _, v := range vals {
			bv, err := bindValue(f, v)
			if err != nil {
				return nil, layers.Invalid(f.Name, err.Error())
			}
			ph = append(ph, p.arg(bv))
		}
		p.add(ident(f.Name) + " IN (" + strings.Join(ph, ", ") + ")")
	}
	if paging && q.AfterID > 0 {
		p.add("id > " + p.arg(q.AfterID))
	}
	return p, nil
}

// addTime adds a closed time window on f. DATETIME text in the store's
// fixed-width UTC form compares in time order. A DATE is the instant of its
// midnight in Asia/Shanghai, so the window's ends become days: the first day
// whose midnight is not before Start, the last whose midnight is not after End.
func (p *plan) addTime(f layers.Field, r *layers.TimeRange) {
	col := ident(f.Name)
	if r.Start != nil {
		if f.Type == layers.Date {
			s := r.Start.In(layers.Shanghai)
			day := time.Date(s.Year(), s.Month(), s.Day(), 0, 0, 0, 0, layers.Shanghai)
			if day.Before(s) {
				day = day.AddDate(0, 0, 1)
			}
			p.add(col + " >= " + p.arg(formatDate(day)))
		} else {
			p.add(col + " >= " + p.arg(formatDatetimeFloor(*r.Start)))
		}
	}
	if r.End != nil {
		if f.Type == layers.Date {
			p.add(col + " <= " + p.arg(formatDate(*r.End)))
		} else {
			p.add(col + " <= " + p.arg(formatDatetime(*r.End)))
		}
	}
}

// formatDatetimeFloor formats the start of a window: stored times keep
// milliseconds, so a start inside a millisecond rounds up to the next one.
func formatDatetimeFloor(t time.Time) string {
	if t2 := t.Truncate(time.Millisecond); t2.Before(t) {
		t = t2.Add(time.Millisecond)
	}
	return formatDatetime(t)
}

// filterBound returns the bound of an S_INTERSECTS on the geometry that the
// whole filter requires (the filter itself, or a term of a top-level AND).
func filterBound(e cql2.Expr) (orb.Bound, bool) {
	switch e := e.(type) {
	case *cql2.SIntersects:
		if e.Prop == "geometry" || e.Prop == "geom" {
			return e.Geom.Bound(), true
		}
	case *cql2.And:
		var out orb.Bound
		found := false
		for _, a := range e.Args {
			if b, ok := filterBound(a); ok {
				if found {
					b = intersection(out, b)
				}
				out, found = b, true
			}
		}
		return out, found
	}
	return orb.Bound{}, false
}

// intersection returns the common part of two bounds; for disjoint bounds
// it is an inverted bound that no R-tree entry satisfies.
func intersection(a, b orb.Bound) orb.Bound {
	return orb.Bound{
		Min: orb.Point{max(a.Min[0], b.Min[0]), max(a.Min[1], b.Min[1])},
		Max: orb.Point{min(a.Max[0], b.Max[0]), min(a.Max[1], b.Max[1])},
	}
}
