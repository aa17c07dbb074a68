package gpkg

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"minqing/geo/hex"
	"minqing/layers"
)

// CellCounts counts features per H3 cell at resolution res, the parent of
// the stored resolution-15 cell. Without a bbox or CQL2 filter the counting
// is SQL over hex.ParentSQLiteExpr (integer arithmetic, no H3 call); with
// one, the candidates are filtered and counted in Go with hex.Parent.
// groupBy, if set, must be a field the caller may see.
func (s *Store) CellCounts(ctx context.Context, l *layers.Layer, res int, q layers.Query, groupBy string) ([]layers.CellCount, error) {
	if _, ok := l.Field("h3"); !ok {
		return nil, layers.Invalid("layer", fmt.Sprintf("layer %s has no H3 cells", l.Name))
	}
	if res < 0 || res > hex.StoreRes {
		return nil, layers.Invalid("res", fmt.Sprintf("resolution %d is outside 0–%d", res, hex.StoreRes))
	}
	var group *layers.Field
	if groupBy != "" {
		f, ok := l.VisibleField(groupBy, q.Role)
		if !ok {
			return nil, layers.Invalid("groupBy", fmt.Sprintf("layer %s has no property %q", l.Name, groupBy))
		}
		group = &f
	}
	p, err := buildPlan(l, q, false)
	if err != nil {
		return nil, err
	}
	counts := map[cellGroup]int64{}
	if p.inGo() {
		err = s.cellCountsGo(ctx, l, res, q, p, group, counts)
	} else {
		err = s.cellCountsSQL(ctx, l, res, p, group, counts)
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
	cell := hex.ParentSQLiteExpr("h3", p.arg(int64(res)))
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
	read := l.VisibleFields(q.Role)
	h3, _ := l.Field("h3")
	if !q.Role.Can(h3.Access) {
		read = append(read, h3) // counted, not returned
	}
	rows, err := s.rdb.QueryContext(ctx, "SELECT "+selectList(read)+" FROM "+ident(l.Name)+" WHERE "+p.where(), p.args...)
	if err != nil {
		return wrap("cell counts", err)
	}
	defer rows.Close()
	sc := newScanner(read)
	for rows.Next() {
		f, err := sc.scan(rows)
		if err != nil {
			return wrap("cell counts", err)
		}
		if !p.match(f.Props, f.Geometry) {
			continue
		}
		c, _ := f.Props["h3"].(int64)
		var text string
		if group != nil {
			if text, err = groupText(group, f.Props[group.Name]); err != nil {
				return wrap("cell counts", err)
			}
		}
		counts[cellGroup{hex.Parent(c, res), text}]++
	}
	return wrap("cell counts", rows.Err())
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
