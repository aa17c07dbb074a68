package postgis

import (
	"context"
	"encoding/json"
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

// windowRowCost is what finding a row through a time window's index costs
// against finding one point through the box's GiST index: about 1 µs (the
// row's heap page read and its point tested against the box) against about
// 0.25 µs (an entry of the box's bitmap), in EXPLAIN ANALYZE at 1M
// incidents.
const windowRowCost = 4

// pointsByTime reports whether the points q asks for — a tile's, under a
// time window — are cheaper to find through the window than through the
// box: when windowRowCost times the rows the window holds is less than the
// points the box holds over all time, both as the planner estimates them
// (its histograms of the time column and of the geometries). Left to
// itself, the planner ANDs both indexes' bitmaps, and the box's alone is
// most of the time: the densest z15 tile at 1M incidents, under 7 days
// (10,700 rows), took 60–100 ms by both and 6–12 ms by the window. A sparse
// tile, or a long window, keeps the box's index (90 days over the densest
// tile: 131 ms by both, 194 by the window).
func (s *Store) pointsByTime(ctx context.Context, l *layers.Layer, q layers.Query) (bool, error) {
	if !q.Unordered || q.AfterID > 0 || q.BBox == nil || q.Cells != nil || l.Geometry != "Point" ||
		l.TimeField == "" || q.Time == nil || q.Time.Start == nil {
		return false, nil
	}
	t, b := ident(l.TimeField), *q.BBox
	window := t + " >= $1"
	args := []any{pgx.QueryExecModeSimpleProtocol, *q.Time.Start, b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
	if q.Time.End != nil {
		window += " AND " + t + " <= $6"
		args = append(args, *q.Time.End)
	}
	// One statement, its values in its text (the simple protocol): the
	// estimates are the custom plan's, never a cached generic plan's.
	sql := "EXPLAIN (FORMAT JSON) SELECT 1 FROM " + ident(l.Name) + " WHERE " + window +
		" UNION ALL SELECT 1 FROM " + ident(l.Name) + " WHERE geom && ST_MakeEnvelope($2, $3, $4, $5, 4326)"
	var plan []byte
	if err := s.reader().QueryRow(ctx, sql, args...).Scan(&plan); err != nil {
		return false, wrap("features "+l.Name, err)
	}
	var out []struct {
		Plan struct {
			Plans []struct {
				Rows float64 `json:"Plan Rows"`
			}
		}
	}
	if err := json.Unmarshal(plan, &out); err != nil || len(out) != 1 || len(out[0].Plan.Plans) != 2 {
		return false, nil // not the plan expected: the box's index, as before
	}
	inWindow, inBox := out[0].Plan.Plans[0].Rows, out[0].Plan.Plans[1].Rows
	return windowRowCost*inWindow < inBox, nil
}

// Features streams the features q selects, ordered by id.
func (s *Store) Features(ctx context.Context, l *layers.Layer, q layers.Query, fn func(*layers.Feature) error) error {
	byTime, err := s.pointsByTime(ctx, l, q)
	if err != nil {
		return err
	}
	sql, args, cols, err := featuresSQL(l, q, byTime)
	if err != nil {
		return err
	}
	var stopped error // fn's, returned as it is
	err = s.read(ctx, q.Limit > 0 && q.Limit <= smallRead, sql, args, func(rows pgx.Rows) error {
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

// featuresSQL is the statement of Features: its columns are
// selectList(cols); byTime leaves the box out of the index search
// (pointsByTime).
func featuresSQL(l *layers.Layer, q layers.Query, byTime bool) (string, []any, []layers.Field, error) {
	w, err := buildWhereBy(l, q, true, !byTime)
	if err != nil {
		return "", nil, nil, err
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
	return sql, w.args, cols, nil
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
