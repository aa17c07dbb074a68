package gpkg

import (
	"context"
	"database/sql"
	"math"
	"sort"

	"github.com/paulmach/orb"

	"minqing/layers"
)

// changesKept is how many changes per layer layer_changes keeps.
const changesKept = 1000

// emptyBound is the bound of a write that touched no row: it intersects
// nothing.
var emptyBound = orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}

// Versions returns every layer's write counter.
func (s *Store) Versions(ctx context.Context) (map[string]int64, error) {
	v, _, err := s.Changes(ctx, nil)
	return v, err
}

// Changes returns every layer's version and the changes logged since the
// versions in since, read in one transaction.
func (s *Store) Changes(ctx context.Context, since map[string]int64) (map[string]int64, []layers.LayerChange, error) {
	tx, err := s.rdb.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, nil, wrap("versions", err)
	}
	defer tx.Rollback() //nolint:errcheck // read only
	rows, err := tx.QueryContext(ctx, "SELECT layer, version FROM layer_versions")
	if err != nil {
		return nil, nil, wrap("versions", err)
	}
	out := map[string]int64{}
	for rows.Next() {
		var name string
		var v int64
		if err := rows.Scan(&name, &v); err != nil {
			rows.Close()
			return nil, nil, wrap("versions", err)
		}
		out[name] = v
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, wrap("versions", err)
	}
	names := make([]string, 0, len(since))
	for n := range since {
		names = append(names, n)
	}
	sort.Strings(names)
	var changes []layers.LayerChange
	for _, n := range names {
		if out[n] <= since[n] {
			continue
		}
		rows, err := tx.QueryContext(ctx, "SELECT from_version, to_version, minx, miny, maxx, maxy FROM layer_changes WHERE layer = ?1 AND to_version > ?2 ORDER BY to_version", n, since[n])
		if err != nil {
			return nil, nil, wrap("layer changes", err)
		}
		for rows.Next() {
			c := layers.LayerChange{Layer: n, Bound: emptyBound}
			var minx, miny, maxx, maxy sql.NullFloat64
			if err := rows.Scan(&c.From, &c.To, &minx, &miny, &maxx, &maxy); err != nil {
				rows.Close()
				return nil, nil, wrap("layer changes", err)
			}
			if minx.Valid && miny.Valid && maxx.Valid && maxy.Valid {
				c.Bound = orb.Bound{Min: orb.Point{minx.Float64, miny.Float64}, Max: orb.Point{maxx.Float64, maxy.Float64}}
			}
			changes = append(changes, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, nil, wrap("layer changes", err)
		}
	}
	return out, changes, nil
}

// VersionsMayHaveChanged asks SQLite's PRAGMA data_version, on a
// connection of its own that never writes, whether any connection or
// process committed since the last call: a few microseconds, no read of
// the file when nothing changed.
func (s *Store) VersionsMayHaveChanged(ctx context.Context) (bool, error) {
	s.probeMu.Lock()
	defer s.probeMu.Unlock()
	if s.probe == nil {
		c, err := s.rdb.Conn(ctx)
		if err != nil {
			return true, wrap("data version", err)
		}
		s.probe = c
	}
	var v int64
	if err := s.probe.QueryRowContext(ctx, "PRAGMA data_version").Scan(&v); err != nil {
		s.probe.Close()
		s.probe = nil
		return true, wrap("data version", err)
	}
	changed := !s.probed || v != s.dataVersion
	s.probed, s.dataVersion = true, v
	return changed, nil
}

// version reads a layer's version inside a write transaction.
func version(ctx context.Context, tx *sql.Tx, layer string) (int64, error) {
	var v int64
	err := tx.QueryRowContext(ctx, "SELECT version FROM layer_versions WHERE layer = ?1", layer).Scan(&v)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	return v, err
}

// logChange records, before the commit of a write that began at version
// from (the write lock held since BEGIN IMMEDIATE, so no other writer
// came between), that the layer's versions since then changed only
// features inside b (ok false: b is unknown, log nothing).
func logChange(ctx context.Context, tx *sql.Tx, layer string, from int64, b orb.Bound, touched bool) error {
	to, err := version(ctx, tx, layer)
	if err != nil || to <= from {
		return err
	}
	var box [4]any
	if touched {
		box = [4]any{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO layer_changes VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", layer, from, to, box[0], box[1], box[2], box[3]); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, "DELETE FROM layer_changes WHERE layer = ?1 AND to_version <= ?2", layer, to-changesKept)
	return err
}
