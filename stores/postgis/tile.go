package postgis

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"minqing/layers"
	"minqing/query/cql2"
)

// Tile renders one Mapbox Vector Tile of finished features in one round
// trip: one ST_AsMVT sub-select per requested layer, concatenated (an MVT is
// a sequence of layers). Each finds its features through the GiST index on
// geom (the tile's envelope with margin buffer/extent, transformed to
// EPSG:4326, as pg_tileserv does), clips the stored Web Mercator geometry
// geom_3857 with ST_AsMVTGeom, writes the row id as feature
// id and the properties req.Role may see (times as Unix epoch seconds, dates
// as YYYY-MM-DD, as package tiles writes them), at most the layer query's
// Limit. Zoom ranges, clustering and caching are package
// tiles' (tiles.Render); a tile with no feature is empty.
func (s *Store) Tile(ctx context.Context, req layers.TileRequest) ([]byte, error) {
	sql, args, err := tileSQL(req)
	if err != nil {
		return nil, err
	}
	if sql == "" {
		return nil, nil
	}
	var mvt []byte
	// One tile's rows, under each layer's cap: a small read.
	err = s.read(ctx, true, sql, args, func(rows pgx.Rows) error {
		if rows.Next() {
			if err := rows.Scan(&mvt); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, wrap(fmt.Sprintf("tile %d/%d/%d", req.Z, req.X, req.Y), err)
	}
	return mvt, nil
}

// Defaults of a tile request that sets no extent or buffer, as package tiles has them.
const (
	defaultExtent = 4096
	defaultBuffer = 64
)

// tileSQL builds the statement for req: "" when it asks for no layer.
// Parameters $1–$5 are z, x, y, extent and buffer; each layer adds its own.
func tileSQL(req layers.TileRequest) (string, []any, error) {
	if err := checkTile(req.Z, req.X, req.Y); err != nil {
		return "", nil, err
	}
	extent, buffer := req.Extent, req.Buffer
	if extent <= 0 {
		extent = defaultExtent
	}
	if buffer == 0 {
		buffer = defaultBuffer
	}
	buffer = max(buffer, 0)
	w := &where{}
	w.arg(int32(req.Z))
	w.arg(int32(req.X))
	w.arg(int32(req.Y))
	w.arg(int32(extent))
	w.arg(int32(buffer))
	var parts []string
	for _, l := range req.Layers {
		q := req.Query[l.Name]
		q.Role = req.Role
		part, err := plainLayerSQL(w, l, q, extent, buffer)
		if err != nil {
			return "", nil, err
		}
		parts = append(parts, "coalesce(("+part+"), ''::bytea)")
	}
	if len(parts) == 0 {
		return "", nil, nil
	}
	return "SELECT " + strings.Join(parts, " || "), w.args, nil
}

// checkTile reports whether z/x/y names a tile: z within 0–22 (the deepest
// zoom package tiles serves) and x, y within 0–2^z−1.
func checkTile(z, x, y int) error {
	if z < 0 || z > 22 {
		return layers.Invalid("z", fmt.Sprintf("zoom %d is outside 0–22", z))
	}
	n := 1 << z
	if x < 0 || x >= n || y < 0 || y >= n {
		return layers.Invalid("x", fmt.Sprintf("tile %d/%d/%d does not exist", z, x, y))
	}
	return nil
}

// envelope is the tile's Web Mercator envelope, ST_AsMVTGeom's bounds.
const envelope = "ST_TileEnvelope($1, $2, $3)"

// plainLayerSQL is one MVT layer of l's features.
func plainLayerSQL(w *where, l *layers.Layer, q layers.Query, extent, buffer int) (string, error) {
	cols := []string{"id", "ST_AsMVTGeom(geom_3857, " + envelope + ", $4, $5) AS geom"}
	for _, f := range q.Columns(l) {
		cols = append(cols, tileColumn(f))
	}
	// The index search covers the tile, its buffer and one unit more:
	// ST_AsMVTGeom rounds to whole units and keeps what rounds onto the
	// buffer's edge.
	margin := float64(buffer+1) / float64(extent)
	// The GiST index on geom, through the envelope in EPSG:4326 — a box,
	// as Web Mercator keeps longitude and latitude apart — grown by 1e-9°
	// (0.1 mm) against rounding in the transform. It finds a few features
	// more than the envelope holds (&& compares single-precision boxes,
	// about a metre here): those lie beyond the buffer, ST_AsMVTGeom clips
	// them to nothing and they are dropped before the cap counts, so a tile
	// holds exactly what it held when it was searched in Web Mercator. (A
	// second test of geom_3857 against the envelope would drop them sooner,
	// but the planner multiplies the two selectivities and picked worse
	// plans: 15–25 % slower z16–z17 tiles at 1M.)
	conds := []string{"geom && ST_Expand(ST_Transform(ST_TileEnvelope($1, $2, $3, margin => " + w.arg(margin) + "), 4326), 1e-9)"}
	more, err := tileWhere(w, l, q)
	if err != nil {
		return "", err
	}
	conds = append(conds, more...)
	// Features that clip to nothing are dropped before the cap counts.
	inner := "SELECT * FROM (SELECT " + strings.Join(cols, ", ") + " FROM " + ident(l.Name) + " WHERE " + strings.Join(conds, " AND ") + ") f WHERE geom IS NOT NULL"
	if q.Limit > 0 {
		inner += " LIMIT " + w.arg(int64(q.Limit))
	}
	return "SELECT ST_AsMVT(q, " + w.arg(l.Name) + ", $4, 'geom', 'id') FROM (" + inner + ") q", nil
}

// tileColumn selects one property as a tile holds it (see package tiles):
// times as whole Unix epoch seconds, dates as YYYY-MM-DD text, H3 cells as
// hexadecimal text, the rest as stored.
func tileColumn(f layers.Field) string {
	c := ident(f.Name)
	switch f.Type {
	case layers.Time:
		return "floor(extract(epoch FROM " + c + "))::bigint AS " + c
	case layers.Date:
		return "to_char(" + c + ", 'YYYY-MM-DD') AS " + c
	case layers.Cell:
		return "to_hex(" + c + ") AS " + c // as hex.String writes it
	}
	return c
}

// tileWhere turns a tile's filters (time window, property equality, CQL2)
// into conditions on w's numbering.
func tileWhere(w *where, l *layers.Layer, q layers.Query) ([]string, error) {
	var conds []string
	if q.Time != nil && l.TimeField != "" {
		col := ident(l.TimeField)
		if q.Time.Start != nil {
			conds = append(conds, col+" >= "+w.arg(*q.Time.Start))
		}
		if q.Time.End != nil {
			conds = append(conds, col+" <= "+w.arg(*q.Time.End))
		}
	}
	terms, err := layers.CheckEqual(l, q)
	if err != nil {
		return nil, err
	}
	for _, term := range terms {
		arr, err := typedArray(term.Field, term.Values)
		if err != nil {
			return nil, err
		}
		conds = append(conds, ident(term.Field.Name)+" = ANY("+w.arg(arr)+")")
	}
	if q.Filter != nil {
		sql, args, err := cql2.ToSQL(q.Filter, columnFor, len(w.args)+1)
		if err != nil {
			return nil, layers.Invalid("filter", err.Error())
		}
		w.args = append(w.args, args...)
		conds = append(conds, "("+sql+")")
	}
	return conds, nil
}
