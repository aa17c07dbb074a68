package gpkg

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/paulmach/orb"

	"minqing/layers"
)

// selectList returns "id, geom, col…" for the given fields. Times and dates
// are read as their text (CAST drops the declared type, so the driver does
// not guess at them) and parsed by readValue.
func selectList(cols []layers.Field) string {
	var b strings.Builder
	b.WriteString("id, geom")
	for _, f := range cols {
		b.WriteString(", ")
		if f.Type == layers.Time || f.Type == layers.Date {
			b.WriteString("CAST(" + ident(f.Name) + " AS TEXT)")
		} else {
			b.WriteString(ident(f.Name))
		}
	}
	return b.String()
}

// scanner reads rows of selectList(cols) into features.
type scanner struct {
	cols []layers.Field
	id   int64
	geom []byte
	vals []any
	dest []any
}

func newScanner(cols []layers.Field) *scanner {
	sc := &scanner{cols: cols, vals: make([]any, len(cols))}
	sc.dest = make([]any, 0, len(cols)+2)
	sc.dest = append(sc.dest, &sc.id, &sc.geom)
	for i := range sc.vals {
		sc.dest = append(sc.dest, &sc.vals[i])
	}
	return sc
}

func (sc *scanner) scan(rows *sql.Rows) (*layers.Feature, error) {
	if err := rows.Scan(sc.dest...); err != nil {
		return nil, err
	}
	g, err := Decode(sc.geom)
	if err != nil {
		return nil, fmt.Errorf("feature %d: %w", sc.id, err)
	}
	f := &layers.Feature{ID: sc.id, Geometry: g, Props: make(map[string]any, len(sc.cols))}
	for i, c := range sc.cols {
		v, err := readValue(c, sc.vals[i])
		if err != nil {
			return nil, fmt.Errorf("feature %d: %w", sc.id, err)
		}
		f.Props[c.Name] = v
	}
	return f, nil
}

// Features streams the features q selects, ordered by id. A bbox is looked
// up in the R-tree and tested exactly in Go; a CQL2 filter is evaluated in
// Go on each candidate (see package doc), so with either SQL does not apply
// the limit: the loop stops once it has passed q.Limit features to fn.
func (s *Store) Features(ctx context.Context, l *layers.Layer, q layers.Query, fn func(*layers.Feature) error) error {
	p, err := buildPlan(l, q, true)
	if err != nil {
		return err
	}
	cols := q.Columns(l)
	read := cols
	if p.filter != nil {
		read = l.VisibleFields(q.Role) // everything the filter may name
	}
	query := "SELECT " + selectList(read) + " FROM " + ident(l.Name) + " WHERE " + p.where() + " ORDER BY id"
	if q.Limit > 0 && !p.inGo() {
		query += " LIMIT " + p.arg(int64(q.Limit))
	}
	rows, err := s.rdb.QueryContext(ctx, query, p.args...)
	if err != nil {
		return wrap("features "+l.Name, err)
	}
	defer rows.Close()
	sc := newScanner(read)
	n, seen := 0, 0
	for rows.Next() {
		if seen++; seen%ctxCheckRows == 0 {
			if err := ctx.Err(); err != nil {
				return wrap("features "+l.Name, err)
			}
		}
		f, err := sc.scan(rows)
		if err != nil {
			return wrap("features "+l.Name, err)
		}
		if p.inGo() && !p.match(f.Props, f.Geometry) {
			continue
		}
		if len(read) != len(cols) {
			f.Props = narrow(f.Props, cols)
		}
		if err := fn(f); err != nil {
			return err
		}
		if n++; q.Limit > 0 && n >= q.Limit {
			break
		}
	}
	return wrap("features "+l.Name, rows.Err())
}

// ctxCheckRows is how often a loop that tests rows in Go looks at its
// context, so that the store deadline or a client gone away stops a filter
// that reads a large layer.
const ctxCheckRows = 256

// narrow keeps only the given fields of props.
func narrow(props map[string]any, cols []layers.Field) map[string]any {
	out := make(map[string]any, len(cols))
	for _, c := range cols {
		out[c.Name] = props[c.Name]
	}
	return out
}

// Count returns how many features q selects, ignoring paging: in SQL, or by
// running the Go half of the plan over the candidates.
func (s *Store) Count(ctx context.Context, l *layers.Layer, q layers.Query) (int64, error) {
	if s.useRollups(ctx, l, layers.CountRes(q), q, "") {
		if err := layers.CheckRollup(l, q); err != nil {
			return 0, err
		}
		return s.rollupCount(ctx, l, q)
	}
	p, err := buildPlan(l, q, false)
	if err != nil {
		return 0, err
	}
	if !p.inGo() {
		var n int64
		err := s.rdb.QueryRowContext(ctx, "SELECT count(*) FROM "+ident(l.Name)+" WHERE "+p.where(), p.args...).Scan(&n)
		return n, wrap("count "+l.Name, err)
	}
	var read []layers.Field
	if p.filter != nil {
		read = l.VisibleFields(q.Role)
	}
	rows, err := s.rdb.QueryContext(ctx, "SELECT "+selectList(read)+" FROM "+ident(l.Name)+" WHERE "+p.where(), p.args...)
	if err != nil {
		return 0, wrap("count "+l.Name, err)
	}
	defer rows.Close()
	sc := newScanner(read)
	var n, seen int64
	for rows.Next() {
		if seen++; seen%ctxCheckRows == 0 {
			if err := ctx.Err(); err != nil {
				return 0, wrap("count "+l.Name, err)
			}
		}
		f, err := sc.scan(rows)
		if err != nil {
			return 0, wrap("count "+l.Name, err)
		}
		if p.match(f.Props, f.Geometry) {
			n++
		}
	}
	return n, wrap("count "+l.Name, rows.Err())
}

// Feature returns one feature by id with the properties role may see.
func (s *Store) Feature(ctx context.Context, l *layers.Layer, id int64, role layers.Role) (*layers.Feature, error) {
	cols := l.VisibleFields(role)
	rows, err := s.rdb.QueryContext(ctx, "SELECT "+selectList(cols)+" FROM "+ident(l.Name)+" WHERE id = ?1", id)
	if err != nil {
		return nil, wrap("feature", err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, wrap("feature", err)
		}
		return nil, fmt.Errorf("gpkg: %s %d: %w", l.Name, id, layers.ErrNotFound)
	}
	f, err := newScanner(cols).scan(rows)
	return f, wrap("feature", err)
}

// Extent returns the exact bounds of the layer's features, from the
// envelopes in the geometry headers (the R-tree's float32 boxes are rounded
// outwards).
func (s *Store) Extent(ctx context.Context, l *layers.Layer) (orb.Bound, error) {
	return extent(ctx, s.rdb, l)
}

// querier is a *sql.DB or a *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// extent reads a layer's bounds from its R-tree index (whose boxes are
// rounded outwards to float32, so the extent is never too small) instead of
// decoding every geometry: TileJSON and OGC collection documents ask for it.
func extent(ctx context.Context, db querier, l *layers.Layer) (orb.Bound, error) {
	rows, err := db.QueryContext(ctx, "SELECT count(*), min(minx), min(miny), max(maxx), max(maxy) FROM "+ident("rtree_"+l.Name+"_geom"))
	if err != nil {
		return orb.Bound{}, wrap("extent", err)
	}
	defer rows.Close()
	var n int64
	var minx, miny, maxx, maxy sql.NullFloat64
	if rows.Next() {
		if err := rows.Scan(&n, &minx, &miny, &maxx, &maxy); err != nil {
			return orb.Bound{}, wrap("extent", err)
		}
	}
	if err := rows.Err(); err != nil || n == 0 {
		return orb.Bound{}, wrap("extent", err)
	}
	return orb.Bound{Min: orb.Point{minx.Float64, miny.Float64}, Max: orb.Point{maxx.Float64, maxy.Float64}}, nil
}
