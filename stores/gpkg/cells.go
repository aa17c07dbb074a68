package gpkg

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"

	"minqing/geo/hex"
	"minqing/layers"
)

// CellCounts counts features per H3 cell at resolution res: the point's
// own cell at res, stored on write (layers.StoresCells), so no per-point H3
// call. Only the stored resolutions (hex.MinExactRes to hex.MaxExactRes) are
// offered. Without a bbox or CQL2 filter the counting is a SQL GROUP BY;
// with one, the candidates are filtered and counted in Go. groupBy, if set,
// must be a field the caller may see.
func (s *Store) CellCounts(ctx context.Context, l *layers.Layer, res int, q layers.Query, groupBy string) ([]layers.CellCount, error) {
	group, err := layers.CheckCellCounts(l, res, q, groupBy)
	if err != nil {
		return nil, err
	}
	counts := map[cellGroup]int64{}
	if s.useRollups(ctx, l, res, q, groupBy) {
		if err := layers.CheckRollup(l, q); err != nil {
			return nil, err
		}
		err = s.rollupCells(ctx, l, res, q, groupBy, counts)
	} else {
		var p *plan
		if p, err = buildPlan(l, q, false); err != nil {
			return nil, err
		}
		if p.inGo() {
			err = s.cellCountsGo(ctx, l, res, q, p, group, counts)
		} else {
			err = s.cellCountsSQL(ctx, l, res, p, group, counts)
		}
	}
	if err != nil {
		return nil, err
	}
	out := make([]layers.CellCount, 0, len(counts))
	for k, n := range counts {
		out = append(out, layers.CellCount{Cell: k.cell, Group: k.group, Count: n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Cell != out[j].Cell {
			return out[i].Cell < out[j].Cell
		}
		return out[i].Group < out[j].Group
	})
	return out, nil
}

type cellGroup struct {
	cell  int64
	group string
}

func (s *Store) cellCountsSQL(ctx context.Context, l *layers.Layer, res int, p *plan, group *layers.Field, counts map[cellGroup]int64) error {
	cell := ident(hex.ExactColumn(res))
	grp := "NULL"
	if group != nil {
		grp = ident(group.Name)
		if group.Type == layers.Time || group.Type == layers.Date {
			grp = "CAST(" + grp + " AS TEXT)"
		}
	}
	rows, err := s.rdb.QueryContext(ctx, "SELECT "+cell+", "+grp+", count(*) FROM "+ident(l.Name)+
		" WHERE "+p.where()+" GROUP BY 1, 2", p.args...)
	if err != nil {
		return wrap("cell counts", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c, n int64
		var g any
		if err := rows.Scan(&c, &g, &n); err != nil {
			return wrap("cell counts", err)
		}
		text, err := groupText(group, g)
		if err != nil {
			return wrap("cell counts", err)
		}
		counts[cellGroup{c, text}] += n
	}
	return wrap("cell counts", rows.Err())
}

func (s *Store) cellCountsGo(ctx context.Context, l *layers.Layer, res int, q layers.Query, p *plan, group *layers.Field, counts map[cellGroup]int64) error {
	var need []layers.Field
	if group != nil {
		need = []layers.Field{*group}
	}
	return s.eachCell(ctx, l, res, q.Role, p, need, func(f *layers.Feature, cell int64) error {
		var text string
		if group != nil {
			var err error
			if text, err = groupText(group, f.Props[group.Name]); err != nil {
				return err
			}
		}
		counts[cellGroup{cell, text}]++
		return nil
	})
}

// eachCell calls fn for each feature of l that plan p selects (filtered in
// Go where p says so), with the need properties (all those role may see
// when p has a CQL2 filter) and the feature's stored exact cell at res
// (which must be offered, see hex.HasExact).
func (s *Store) eachCell(ctx context.Context, l *layers.Layer, res int, role layers.Role, p *plan, need []layers.Field, fn func(f *layers.Feature, cell int64) error) error {
	col := hex.ExactColumn(res)
	read := slices.Clip(need)
	if p.filter != nil {
		read = l.VisibleFields(role) // everything the filter may name
	}
	// The cell column is not a field: read it as an internal integer column.
	read = append(read, layers.Field{Name: col, Type: layers.Int})
	rows, err := s.rdb.QueryContext(ctx, "SELECT "+selectList(read)+" FROM "+ident(l.Name)+" WHERE "+p.where(), p.args...)
	if err != nil {
		return wrap("cells of "+l.Name, err)
	}
	defer rows.Close()
	sc := newScanner(read)
	for rows.Next() {
		f, err := sc.scan(rows)
		if err != nil {
			return wrap("cells of "+l.Name, err)
		}
		if p.inGo() && !p.match(f.Props, f.Geometry) {
			continue
		}
		cell, _ := f.Props[col].(int64)
		delete(f.Props, col)
		if err := fn(f, cell); err != nil {
			return err
		}
	}
	return wrap("cells of "+l.Name, rows.Err())
}

// groupText writes a group value as PostgreSQL's ::text does for the
// PostGIS store (NULL is ""), so that both stores name groups alike.
func groupText(f *layers.Field, raw any) (string, error) {
	if f == nil || raw == nil {
		return "", nil
	}
	v, err := readValue(*f, raw)
	if err != nil || v == nil {
		return "", err
	}
	switch v := v.(type) {
	case string:
		return v, nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64), nil
	case bool:
		return strconv.FormatBool(v), nil
	case time.Time:
		if f.Type == layers.Date {
			return v.Format(dateLayout), nil
		}
		return v.Format("2006-01-02 15:04:05.999999-07"), nil
	}
	return fmt.Sprint(v), nil
}
