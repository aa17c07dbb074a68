package gpkg

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"minqing/layers"
)

// The bulk mode of a large insert or replace. Row by row, every inserted
// feature fires the layer's triggers — its R-tree entry (with five SQL
// function calls into Go), a bump of layer_versions and, for incidents, a
// row of incident_rollup_delta that flushRollups then groups at about
// 60 µs a row — and updates every secondary index at a random place.
// Once a write has inserted bulkAfter rows, and at least as many as the
// table held, it drops those three triggers and the secondary (non-unique)
// indexes inside its transaction; the rows that follow get their R-tree
// entry from one prepared statement, their version bumps as one sum, their
// rollups added up in Go (layers.RollupDelta); at the end the write
// applies those, builds the indexes once and creates the triggers again,
// before it commits. SQLite's schema changes are transactional: a failed
// write rolls all of it back, and readers (WAL) see the old schema and rows
// until the commit. Unique indexes stay, so a duplicate key is refused on
// its row.

// bulkAfter is the least number of rows a write inserts before it turns to
// bulk mode (a variable for the tests).
var bulkAfter int64 = 1000

// bulk is the state of a write in bulk mode.
type bulk struct {
	l        *layers.Layer
	indexes  []string     // CREATE INDEX statements of the dropped indexes
	triggers []string     // CREATE TRIGGER statements of the dropped triggers
	rtree    bool         // the R-tree trigger was dropped: loadRtree at the end
	entries  []rtreeEntry // the R-tree entries of the rows inserted since
	rows     int64        // rows inserted in bulk mode (the version bumps)
	// deleted is the rows deleteAll deleted with the delete triggers (the
	// R-tree's, the version's and the rollups') dropped, and cleared that
	// the R-tree's current entries are gone with them.
	deleted  int64
	cleared  bool
	versions bool                // the version trigger was dropped
	delta    *layers.RollupDelta // nil: the layer has no rollup trigger
}

// startBulk drops l's insert triggers and secondary indexes inside tx, and
// with replace its delete triggers too, for deleteAll; with replace, when
// the layer lacks any of those triggers, it drops nothing and returns nil
// (the delete is left to the triggers there are).
func startBulk(ctx context.Context, tx *sql.Tx, l *layers.Layer, replace bool) (*bulk, error) {
	b := &bulk{l: l}
	rtreeTrigger, versionTrigger := "rtree_"+l.Name+"_geom_insert", l.Name+"_version_insert"
	rollupTrigger := ""
	if l.Name == layers.RollupLayer && layers.StoresCells(l) {
		rollupTrigger = l.Name + "_rollups_insert"
	}
	names := []string{rtreeTrigger, versionTrigger}
	if rollupTrigger != "" {
		names = append(names, rollupTrigger)
	}
	if replace { // each insert trigger's delete twin
		for _, n := range slices.Clone(names) {
			names = append(names, strings.TrimSuffix(n, "_insert")+"_delete")
		}
	}
	type object struct{ name, sql string }
	var triggers, indexes []object
	rows, err := tx.QueryContext(ctx, `SELECT type, name, sql FROM sqlite_master m
		WHERE tbl_name = ?1 AND sql IS NOT NULL AND (
		  (type = 'trigger' AND name IN (SELECT value FROM json_each(?2))) OR
		  (type = 'index' AND NOT EXISTS (SELECT 1 FROM pragma_index_list(?1) p WHERE p.name = m.name AND p."unique")))
		ORDER BY type, name`, l.Name, jsonList(names))
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var typ string
		var o object
		if err := rows.Scan(&typ, &o.name, &o.sql); err != nil {
			rows.Close()
			return nil, err
		}
		if typ == "trigger" {
			triggers = append(triggers, o)
		} else {
			indexes = append(indexes, o)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if replace && len(triggers) != len(names) {
		// Not the insert and delete triggers of a layer as this store
		// makes it: the delete is left to the triggers there are.
		return nil, nil
	}
	for _, t := range triggers {
		if _, err := tx.ExecContext(ctx, "DROP TRIGGER "+ident(t.name)); err != nil {
			return nil, err
		}
		b.triggers = append(b.triggers, t.sql)
		switch t.name {
		case rtreeTrigger:
			b.rtree = true
		case versionTrigger:
			b.versions = true
		case rollupTrigger:
			b.delta = layers.NewRollupDelta(rollupDay)
		}
	}
	for _, ix := range indexes {
		if _, err := tx.ExecContext(ctx, "DROP INDEX "+ident(ix.name)); err != nil {
			return nil, err
		}
		b.indexes = append(b.indexes, ix.sql)
	}
	return b, nil
}

// rollupDay is the day the rollups count an incident under:
// date(received_at, '+8 hours').
func rollupDay(t time.Time) string { return t.UTC().Add(8 * time.Hour).Format(dateLayout) }

// add does for one inserted row what the dropped triggers would have:
// its R-tree entry, and its rollups. blob is its stored geometry, cells its
// exact cells (nil when the layer stores none).
func (b *bulk) add(ctx context.Context, id int64, blob []byte, f *layers.Feature, cells []any) error {
	b.rows++
	if b.rtree {
		// As the trigger: the envelope of the stored geometry, none when empty.
		bd, ok, err := Envelope(blob)
		if err != nil {
			return err
		}
		if ok {
			b.entries = append(b.entries, newRtreeEntry(id, bd))
		}
	}
	if b.delta != nil {
		received, _ := f.Props[layers.RollupTime].(time.Time)
		category, _ := f.Props["category"].(string)
		source, _ := f.Props["source"].(string)
		var cs [16]int64
		for i, c := range cells {
			cs[i], _ = c.(int64)
		}
		b.delta.Add(received, category, source, cs[:len(cells)], 1)
	}
	return nil
}

// finish applies the version bumps and rollups, builds the indexes and
// creates the triggers again.
func (b *bulk) finish(ctx context.Context, tx *sql.Tx) error {
	if b.rtree {
		if err := loadRtree(ctx, tx, "rtree_"+b.l.Name+"_geom", b.entries, b.cleared); err != nil {
			return fmt.Errorf("spatial index: %w", err)
		}
	}
	if bumps := b.rows + b.deleted; b.versions && bumps > 0 {
		if _, err := tx.ExecContext(ctx, "UPDATE layer_versions SET version = version + ?1 WHERE layer = ?2", bumps, b.l.Name); err != nil {
			return fmt.Errorf("versions: %w", err)
		}
	}
	if b.delta != nil {
		if err := b.foldPending(ctx, tx); err != nil {
			return fmt.Errorf("rollups: %w", err)
		}
		if err := applyRollups(ctx, tx, b.delta); err != nil {
			return fmt.Errorf("rollups: %w", err)
		}
		// Counts taken down to zero (deleted rows, another program's
		// pending changes) go, as flushRollups has them go.
		for _, q := range dropZeroCounts {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("rollups: %w", err)
			}
		}
	}
	for _, q := range append(b.indexes, b.triggers...) {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("rebuild %s: %w", strings.Fields(q)[1], err)
		}
	}
	return nil
}

// applyRollups adds d to the rollups, in key order.
func applyRollups(ctx context.Context, tx *sql.Tx, d *layers.RollupDelta) error {
	cat, err := tx.PrepareContext(ctx, `INSERT INTO incident_cell_categories (res, grain, period, cell, category, source, n)
		VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (res, grain, period, cell, category, source) DO UPDATE SET n = n + excluded.n`)
	if err != nil {
		return err
	}
	defer cat.Close()
	for _, r := range d.Categories() {
		if _, err := cat.ExecContext(ctx, r.Res, r.Grain, r.Period, r.Cell, r.Category, r.Source, r.N); err != nil {
			return err
		}
	}
	tot, err := tx.PrepareContext(ctx, `INSERT INTO incident_cell_totals (res, grain, period, cell, n)
		VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (res, grain, period, cell) DO UPDATE SET n = n + excluded.n`)
	if err != nil {
		return err
	}
	defer tot.Close()
	for _, r := range d.Totals() {
		if _, err := tot.ExecContext(ctx, r.Res, r.Grain, r.Period, r.Cell, r.N); err != nil {
			return err
		}
	}
	// The months flushRollups would have marked (migration 00007).
	var next int64
	if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(mark), 0) + 1 FROM incident_month_marks").Scan(&next); err != nil {
		return err
	}
	for _, m := range d.Months() {
		if _, err := tx.ExecContext(ctx, "INSERT INTO incident_month_marks (month, mark) VALUES (?1, ?2) ON CONFLICT (month) DO UPDATE SET mark = excluded.mark", m, next); err != nil {
			return err
		}
	}
	return nil
}

// deleteAll deletes every row of the layer, as a replace does first, doing
// what the dropped delete triggers would have: the R-tree is written afresh
// by finish, the version bumped once a row, and for incidents each row's
// counts taken out of the rollups (read first, with the day as the trigger
// computes it: date(received_at, '+8 hours')). Row by row, 1M incidents
// took some 150 s to delete (an R-tree delete and a rollup delta each).
func (b *bulk) deleteAll(ctx context.Context, tx *sql.Tx) (int64, error) {
	if b.delta != nil {
		if err := b.takeOutRollups(ctx, tx); err != nil {
			return 0, fmt.Errorf("rollups: %w", err)
		}
	}
	res, err := tx.ExecContext(ctx, "DELETE FROM "+ident(b.l.Name))
	if err != nil {
		return 0, err
	}
	if b.deleted, err = res.RowsAffected(); err != nil {
		return 0, err
	}
	b.cleared = true
	return b.deleted, nil
}

// takeOutRollups adds every stored incident to b.delta with sign -1.
func (b *bulk) takeOutRollups(ctx context.Context, tx *sql.Tx) error {
	// A received_at SQLite cannot read (written by another program): the
	// row's delta goes where the trigger would have put it, for
	// flushRollups to net with the rest (or refuse) as row by row.
	if _, err := tx.ExecContext(ctx, "INSERT INTO incident_rollup_delta SELECT received_at, category, source, "+
		deltaCells+", -1 FROM "+ident(b.l.Name)+" WHERE "+unreadableDay); err != nil {
		return err
	}
	return b.addRows(ctx, tx, "SELECT date(received_at, '+8 hours'), category, source, "+
		deltaCells+", -1 FROM "+ident(b.l.Name)+" WHERE NOT ("+unreadableDay+")")
}

// foldPending moves the pending rows of incident_rollup_delta (the
// triggers' rows of this write before bulk mode, another program's) into
// b.delta, but for those with a day SQLite cannot read, which
// flushRollups nets among themselves. Then every count nets in one place,
// as flushing them all at once would, and a month is marked only when its
// counts change (a row another program moved to a month and that this
// write deleted changes nothing there).
func (b *bulk) foldPending(ctx context.Context, tx *sql.Tx) error {
	err := b.addRows(ctx, tx, "SELECT date(received_at, '+8 hours'), category, source, "+
		deltaCells+", sign FROM incident_rollup_delta WHERE NOT ("+unreadableDay+")")
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, "DELETE FROM incident_rollup_delta WHERE NOT ("+unreadableDay+")")
	return err
}

// unreadableDay is the condition on a row (of incidents or
// incident_rollup_delta) that it is counted (it has a cell) under a day
// SQLite cannot read.
const unreadableDay = "date(received_at, '+8 hours') IS NULL AND coalesce(" + deltaCells + ") IS NOT NULL"

// deltaCells are the cell columns of a row's rollup delta, resolutions 5…11
// (incidents and incident_rollup_delta name them alike).
const deltaCells = "h3_5, h3_6, h3_7, h3_8, h3_9, h3_10, h3_11"

// addRows adds the rows of query to b.delta: each a day (YYYY-MM-DD), a
// category, a source, the cells at resolutions 5…11 and a sign.
func (b *bulk) addRows(ctx context.Context, tx *sql.Tx, query string) error {
	rows, err := tx.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	var (
		day              sql.NullString
		category, source string
		raw              [7]sql.NullInt64
		cells            [7]int64
		sign             int64
	)
	dest := []any{&day, &category, &source}
	for i := range raw {
		dest = append(dest, &raw[i])
	}
	dest = append(dest, &sign)
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		t, err := time.Parse(dateLayout, day.String)
		if err != nil {
			continue // no cell: counted nowhere, whatever its day (flushRollups: cell IS NOT NULL)
		}
		for i, c := range raw {
			cells[i] = c.Int64 // NULL: 0, left out as the trigger leaves it out
		}
		// The instant whose Beijing day is day.
		b.delta.Add(t.Add(-8*time.Hour), category, source, cells[:], sign)
	}
	return rows.Err()
}

// jsonList is names as a JSON array, for json_each.
func jsonList(names []string) string {
	b, _ := json.Marshal(names)
	return string(b)
}
