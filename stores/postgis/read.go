package postgis

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"minqing/layers"
)

// selectList returns "id, ST_AsBinary(geom), col…" for the given fields.
func selectList(cols []layers.Field) string {
	var b strings.Builder
	b.WriteString("id, ST_AsBinary(geom)")
	for _, f := range cols {
		b.WriteString(", ")
		b.WriteString(ident(f.Name))
	}
	return b.String()
}

// Features streams the features q selects, ordered by id.
func (s *Store) Features(ctx context.Context, l *layers.Layer, q layers.Query, fn func(*layers.Feature) error) error {
	w, err := buildWhere(l, q, true)
	if err != nil {
		return err
	}
	cols := q.Columns(l)
	sql := "SELECT " + selectList(cols) + " FROM " + ident(l.Name) + " WHERE " + w.sql()
	if !q.Unordered || q.AfterID > 0 {
		// Unordered (a tile's points, which become clusters past a
		// budget): the scan stops at the limit instead of reading and
		// sorting every row that matches.
		sql += " ORDER BY id"
	}
	if q.Limit > 0 {
		// A literal, not a parameter: with a parameter, the generic plan
		// of a cached statement may guess the limit and prefer a full scan
		// and sort for every page of a stream.
		sql += " LIMIT " + strconv.Itoa(q.Limit)
	}
	var stopped error // fn's, returned as it is
	err = s.read(ctx, q.Limit > 0 && q.Limit <= smallRead, sql, w.args, func(rows pgx.Rows) error {
		for rows.Next() {
			f, err := scanFeature(rows, cols)
			if err != nil {
				return err
			}
			if stopped = fn(f); stopped != nil {
				return stopped
			}
		}
		return rows.Err()
	})
	if stopped != nil {
		return stopped
	}
	return wrap("features "+l.Name, err)
}

// scanFeature reads one row of selectList(cols).
func scanFeature(rows pgx.Rows, cols []layers.Field) (*layers.Feature, error) {
	vals, err := rows.Values()
	if err != nil {
		return nil, err
	}
	f := &layers.Feature{Props: make(map[string]any, len(cols))}
	id, ok := vals[0].(int64)
	if !ok {
		return nil, fmt.Errorf("id is %T", vals[0])
	}
	f.ID = id
	raw, _ := vals[1].([]byte)
	g, err := wkb.Unmarshal(raw)
	if err != nil {
		return nil, fmt.Errorf("feature %d: geometry: %w", id, err)
	}
	f.Geometry = g
	for i, c := range cols {
		f.Props[c.Name] = normalize(c, vals[i+2])
	}
	return f, nil
}

// normalize gives every store the same Go values: dates at midnight in
// Asia/Shanghai, times in Asia/Shanghai.
func normalize(f layers.Field, v any) any {
	t, ok := v.(time.Time)
	if !ok {
		return v
	}
	if f.Type == layers.Date {
		y, m, d := t.Date()
		return time.Date(y, m, d, 0, 0, 0, 0, layers.Shanghai)
	}
	return t.In(layers.Shanghai)
}

// Count returns how many features q selects, ignoring paging.
func (s *Store) Count(ctx context.Context, l *layers.Layer, q layers.Query) (int64, error) {
	if layers.RollupUsable(l, layers.CountRes(q), q, "") && !s.noRollups.Load() {
		if err := layers.CheckRollup(l, q); err != nil {
			return 0, err
		}
		return s.rollupCount(ctx, l, q)
	}
	w, err := buildWhere(l, q, false)
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.reader().QueryRow(ctx, "SELECT count(*) FROM "+ident(l.Name)+" WHERE "+w.sql(), w.args...).Scan(&n)
	return n, wrap("count "+l.Name, err)
}

// Feature returns one feature by id.
func (s *Store) Feature(ctx context.Context, l *layers.Layer, id int64, role layers.Role) (*layers.Feature, error) {
	cols := l.VisibleFields(role)
	rows, err := s.reader().Query(ctx, "SELECT "+selectList(cols)+" FROM "+ident(l.Name)+" WHERE id = $1", id)
	if err != nil {
		return nil, wrap("feature", err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, wrap("feature", err)
		}
		return nil, fmt.Errorf("postgis: %s %d: %w", l.Name, id, layers.ErrNotFound)
	}
	f, err := scanFeature(rows, cols)
	return f, wrap("feature", err)
}

// Extent returns the bounds of the layer's features.
func (s *Store) Extent(ctx context.Context, l *layers.Layer) (orb.Bound, error) {
	var minx, miny, maxx, maxy *float64
	err := s.reader().QueryRow(ctx, "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geom) AS e FROM "+ident(l.Name)+") x").
		Scan(&minx, &miny, &maxx, &maxy)
	if err != nil {
		return orb.Bound{}, wrap("extent", err)
	}
	if minx == nil {
		return orb.Bound{}, nil
	}
	return orb.Bound{Min: orb.Point{*minx, *miny}, Max: orb.Point{*maxx, *maxy}}, nil
}
