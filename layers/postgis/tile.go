package postgis

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/paulmach/orb/maptile"

	"minqing/geo/hex"
	"minqing/internal/cql2"
	"minqing/layers"
	"minqing/tiles"
)

// Tile renders one Mapbox Vector Tile in one round trip: one ST_AsMVT
// sub-select per requested layer, concatenated (an MVT is a sequence of
// layers). Each reads the stored Web Mercator geometry through its GiST index
// (geom_3857 && ST_TileEnvelope(z, x, y, margin => buffer/extent)), clips it
// with ST_AsMVTGeom, writes the row id as feature id and the properties
// req.Role may see (times as Unix epoch seconds, dates as YYYY-MM-DD, as
// package tiles writes them), at most the layer's MaxTileFeatures.
// Where tiles.Clustered, the layer is served as clusters instead: one point
// per H3 cell (the stored exact cell of tiles.ClusterRes), at the mean of its points,
// with a count, for cells whose centroid lies in the tile. Layers outside
// their zoom range are left out; a tile with no feature is empty.
func (s *Store) Tile(ctx context.Context, req layers.TileRequest) ([]byte, error) {
	sql, args, err := tileSQL(req)
	if err != nil {
		return nil, err
	}
	if sql == "" {
		return nil, nil
	}
	var mvt []byte
	if err := s.reader().QueryRow(ctx, sql, args...).Scan(&mvt); err != nil {
		return nil, wrap(fmt.Sprintf("tile %d/%d/%d", req.Z, req.X, req.Y), err)
	}
	return mvt, nil
}

// tileSQL builds the statement for req: "" when no requested layer is in its
// zoom range. Parameters $1–$5 are z, x, y, extent and buffer; each layer
// adds its own.
func tileSQL(req layers.TileRequest) (string, []any, error) {
	if err := tiles.CheckTile(req.Z, req.X, req.Y); err != nil {
		return "", nil, err
	}
	extent, buffer := req.Extent, req.Buffer
	if extent <= 0 {
		extent = tiles.DefaultExtent
	}
	if buffer == 0 {
		buffer = tiles.DefaultBuffer
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
		if req.Z < l.MinZoom || req.Z > l.MaxZoom {
			continue
		}
		q := req.Query[l.Name]
		q.Role = req.Role
		var part string
		var err error
		if tiles.Clustered(l, req.Z) {
			part, err = clusterLayerSQL(w, l, q, req)
		} else {
			part, err = plainLayerSQL(w, l, q, extent, buffer)
		}
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
	conds := []string{"geom_3857 && ST_TileEnvelope($1, $2, $3, margin => " + w.arg(margin) + ")"}
	more, err := tileWhere(w, l, q)
	if err != nil {
		return "", err
	}
	conds = append(conds, more...)
	// Features that clip to nothing are dropped before the cap counts.
	inner := "SELECT * FROM (SELECT " + strings.Join(cols, ", ") + " FROM " + ident(l.Name) + " WHERE " + strings.Join(conds, " AND ") + ") f WHERE geom IS NOT NULL"
	if l.MaxTileFeatures > 0 {
		inner += " LIMIT " + w.arg(int64(l.MaxTileFeatures))
	}
	return "SELECT ST_AsMVT(q, " + w.arg(l.Name) + ", $4, 'geom', 'id') FROM (" + inner + ") q", nil
}

// clusterLayerSQL is one MVT layer of l's clusters at zoom req.Z (see
// tiles.Clustered): points are read in the tile grown by
// tiles.ClusterMargin, grouped by their stored H3 cell, and a cell is kept
// when the mean of its points lies in the tile (half-open, tiles.InTile), so
// it shows in exactly one tile with its full count.
func clusterLayerSQL(w *where, l *layers.Layer, q layers.Query, req layers.TileRequest) (string, error) {
	t := maptile.New(uint32(req.X), uint32(req.Y), maptile.Zoom(req.Z))
	res := tiles.ClusterRes(req.Z)
	b := tiles.MercatorBound(t)
	conds := []string{"geom_3857 && ST_TileEnvelope($1, $2, $3, margin => " + w.arg(tiles.ClusterMargin(t, res)) + ")"}
	more, err := tileWhere(w, l, q)
	if err != nil {
		return "", err
	}
	conds = append(conds, more...)
	// Points group by their own cell at res, stored on write (see
	// layers.StoresCells): the hexagon drawn for the cluster holds exactly
	// the points counted.
	if !hex.HasExact(res) {
		return "", fmt.Errorf("postgis: tile %d/%d/%d: no stored H3 cells at resolution %d", req.Z, req.X, req.Y, res)
	}
	groups := "SELECT " + ident(hex.ExactColumn(res)) + " AS k, count(*) AS n, avg(ST_X(geom_3857)) AS cx, avg(ST_Y(geom_3857)) AS cy FROM " +
		ident(l.Name) + " WHERE " + strings.Join(conds, " AND ") + " GROUP BY 1"
	inner := "SELECT k AS id, n AS count, ST_AsMVTGeom(ST_SetSRID(ST_MakePoint(cx, cy), 3857), " + envelope + ", $4, $5) AS geom FROM (" +
		groups + ") g WHERE cx >= " + w.arg(b.Min[0]) + " AND cx < " + w.arg(b.Max[0]) +
		" AND cy > " + w.arg(b.Min[1]) + " AND cy <= " + w.arg(b.Max[1]) + " ORDER BY 1"
	if l.MaxTileFeatures > 0 {
		inner += " LIMIT " + w.arg(int64(l.MaxTileFeatures))
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
	for _, name := range sortedKeys(q.Equal) {
		f, ok := l.VisibleField(name, q.Role)
		if !ok {
			return nil, layers.Invalid(name, fmt.Sprintf("layer %s has no property %q", l.Name, name))
		}
		arr, err := typedArray(f, q.Equal[name])
		if err != nil {
			return nil, err
		}
		conds = append(conds, ident(f.Name)+" = ANY("+w.arg(arr)+")")
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

func sortedKeys(m map[string][]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out) // a stable statement text for the statement cache
	return out
}
