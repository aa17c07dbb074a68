package gpkg

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/mattn/go-sqlite3"
	"github.com/paulmach/orb"

	"minqing/layers"
)

// contactsLayer is the layer whose features may carry a caller's contact.
const contactsLayer = "incidents"

// maxResultIDs is how many ids a WriteResult lists.
const maxResultIDs = 10000

// Write stores the features r yields in one transaction on the write
// connection: all of them or, if r fails or any feature is rejected, none.
// Feature ids are kept when given; upsert matches the layer's key.
func (s *Store) Write(ctx context.Context, l *layers.Layer, opts layers.WriteOptions, r layers.FeatureReader) (layers.WriteResult, error) {
	res, err := s.write(ctx, l, opts, r)
	if err != nil && ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
		// The context ended mid-way: database/sql rolled back and closed
		// the statements, whose errors would hide the cause.
		err = fmt.Errorf("gpkg: write %s: %w", l.Name, ctx.Err())
	}
	return res, err
}

func (s *Store) write(ctx context.Context, l *layers.Layer, opts layers.WriteOptions, r layers.FeatureReader) (layers.WriteResult, error) {
	var res layers.WriteResult
	mode, err := layers.CheckWrite(l, opts)
	if err != nil {
		return res, err
	}
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return res, wrap("write "+l.Name, err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	from, err := version(ctx, tx, l.Name)
	if err != nil {
		return res, wrap("write "+l.Name, err)
	}

	w, err := newWriter(ctx, tx, l, mode)
	if err != nil {
		return res, wrap("write "+l.Name, err)
	}
	defer w.close()

	if mode == layers.Replace {
		old, err := extent(ctx, tx, l)
		if err != nil {
			return res, err
		}
		// A table of many rows is emptied in bulk mode (deleteAll); a
		// small one row by row, through its triggers.
		var many bool
		if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM "+ident(l.Name)+" LIMIT 1 OFFSET ?1)", bulkAfter-1).Scan(&many); err != nil {
			return res, wrap("write "+l.Name+": replace", err)
		}
		if many {
			if w.bulk, err = startBulk(ctx, tx, l, true); err != nil {
				return res, wrap("write "+l.Name+": bulk", err)
			}
		}
		if w.bulk != nil {
			if res.Deleted, err = w.bulk.deleteAll(ctx, tx); err != nil {
				return res, wrap("write "+l.Name+": replace", err)
			}
		} else {
			del, err := tx.ExecContext(ctx, "DELETE FROM "+ident(l.Name))
			if err != nil {
				return res, wrap("write "+l.Name+": replace", err)
			}
			if res.Deleted, err = del.RowsAffected(); err != nil {
				return res, wrap("write "+l.Name+": replace", err)
			}
		}
		if res.Deleted > 0 {
			res.Bounds = old
		}
	}
	var existing int64 // rows the table holds before the write's
	if mode == layers.Insert {
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM "+ident(l.Name)).Scan(&existing); err != nil {
			return res, wrap("write "+l.Name, err)
		}
	}
	var written orb.Bound
	var n int64
	// Ahead only for many small features: a layer of points with cells
	// (an upsert too: preparing a row needs nothing of the stored ones).
	rows := newRowSource(l, r, layers.StoresCells(l), opts.Checked)
	defer rows.close()
	for {
		p, err := rows.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return res, err
		}
		n = p.n
		f := p.f
		if err := w.exec(ctx, p, &res); err != nil {
			return res, err
		}
		if w.bulk == nil && mode != layers.Upsert && n >= bulkAfter && n >= existing {
			if w.bulk, err = startBulk(ctx, tx, l, false); err != nil {
				return res, wrap("write "+l.Name+": bulk", err)
			}
		}
		b := f.Geometry.Bound()
		if n == 1 {
			written = b
		} else {
			written = written.Union(b)
		}
		if opts.Progress != nil && n%10000 == 0 {
			opts.Progress(n)
		}
	}
	if n > 0 {
		if res.Deleted > 0 {
			res.Bounds = res.Bounds.Union(written)
		} else {
			res.Bounds = written
		}
	}
	if w.bulk != nil {
		if err := w.bulk.finish(ctx, tx); err != nil {
			return res, wrap("write "+l.Name+": bulk", err)
		}
	}
	if err := touchContents(ctx, tx, l, mode, n > 0, written); err != nil {
		return res, err
	}
	if err := flushRollups(ctx, tx); err != nil {
		return res, wrap("write "+l.Name, err)
	}
	touched, b := w.oldSeen, w.old
	if n > 0 || res.Deleted > 0 {
		if touched {
			b = b.Union(res.Bounds)
		} else {
			b = res.Bounds
		}
		touched = true
	}
	if err := logChange(ctx, tx, l.Name, from, b, touched); err != nil {
		return res, wrap("write "+l.Name+": log change", err)
	}
	if err := tx.Commit(); err != nil {
		return res, wrap("write "+l.Name+": commit", err)
	}
	return res, nil
}

// writer holds the statements of one Write.
type writer struct {
	l       *layers.Layer
	mode    layers.WriteMode
	insert  *sql.Stmt
	update  *sql.Stmt // update a changed row (upsert)
	exists  *sql.Stmt // does an id exist (upsert)
	byKey   *sql.Stmt // the id of a key (upsert)
	contact *sql.Stmt
	oldBox  *sql.Stmt // the R-tree box of a row about to be updated (upsert)
	old     orb.Bound // the union of those boxes
	oldSeen bool
	args    []any
	bulk    *bulk // nil until a large insert turns to bulk mode
}

func newWriter(ctx context.Context, tx *sql.Tx, l *layers.Layer, mode layers.WriteMode) (*writer, error) {
	w := &writer{l: l, mode: mode, args: make([]any, 0, len(l.Fields)+2)}
	var err error
	table := ident(l.Name)
	names := []string{"id", "geom"}
	ph := []string{"?1", "?2"}
	for _, f := range l.Fields {
		names = append(names, ident(f.Name))
	}
	if layers.StoresCells(l) {
		for _, c := range layers.ExactColumns() {
			names = append(names, ident(c))
		}
	}
	for i := range names[2:] {
		ph = append(ph, fmt.Sprintf("?%d", i+3))
	}
	w.insert, err = tx.PrepareContext(ctx, "INSERT INTO "+table+" ("+strings.Join(names, ", ")+") VALUES ("+strings.Join(ph, ", ")+")")
	if err != nil {
		return nil, err
	}
	if mode == layers.Upsert {
		// Update only a row that differs, so that re-importing the same
		// rows changes (and counts) nothing. (A plain UPDATE, not INSERT …
		// ON CONFLICT DO UPDATE: the conflict clause of an upsert would
		// override the OR REPLACE of the GeoPackage 1.3 R-tree triggers.)
		sets := make([]string, 0, len(names)-1)
		same := make([]string, 0, len(names)-1)
		for i, c := range names[1:] {
			v := fmt.Sprintf("?%d", i+2)
			if l.Name == contactsLayer && lifecycleColumns[strings.Trim(c, `"`)] {
				// An incident with a record of steps keeps the state its
				// record replays to; see lifecycleColumns.
				v = "CASE WHEN EXISTS (SELECT 1 FROM incident_events e WHERE e.incident_id = ?1) THEN " + c + " ELSE " + v + " END"
			}
			sets = append(sets, c+" = "+v)
			same = append(same, c+" IS "+v)
		}
		w.update, err = tx.PrepareContext(ctx, "UPDATE "+table+" SET "+strings.Join(sets, ", ")+
			" WHERE id = ?1 AND NOT ("+strings.Join(same, " AND ")+")")
		if err != nil {
			return nil, err
		}
	}
	if mode == layers.Upsert {
		if w.oldBox, err = tx.PrepareContext(ctx, "SELECT minx, miny, maxx, maxy FROM "+ident("rtree_"+l.Name+"_geom")+" WHERE id = ?1"); err != nil {
			w.close()
			return nil, err
		}
		if w.exists, err = tx.PrepareContext(ctx, "SELECT 1 FROM "+table+" WHERE id = ?1"); err != nil {
			return nil, err
		}
		if l.Key != "" {
			if w.byKey, err = tx.PrepareContext(ctx, "SELECT id FROM "+table+" WHERE "+ident(l.Key)+" = ?1"); err != nil {
				return nil, err
			}
		}
	}
	if l.Name == contactsLayer {
		if w.contact, err = tx.PrepareContext(ctx, "INSERT INTO incident_contacts (incident_id, name, phone) VALUES (?1, ?2, ?3) "+
			"ON CONFLICT (incident_id) DO UPDATE SET name = excluded.name, phone = excluded.phone"); err != nil {
			return nil, err
		}
	}
	return w, nil
}

func (w *writer) close() {
	for _, st := range []*sql.Stmt{w.insert, w.update, w.exists, w.byKey, w.contact, w.oldBox} {
		if st != nil {
			st.Close()
		}
	}
}

// prepared is a feature checked and encoded for its row.
type prepared struct {
	f     *layers.Feature
	n     int64
	blob  []byte
	vals  []any // the fields' column values, in l.Fields order
	cells []any // the exact cells (layers.PrepareCellsAt)
}

// prepareRow checks f (unless checked: WriteOptions.Checked) and encodes
// its columns: the part of a write that needs no database, safe on several
// goroutines.
func prepareRow(l *layers.Layer, f *layers.Feature, n int64, checked bool) (*prepared, error) {
	cells, err := layers.PrepareCellsAt(l, f, n, checked)
	if err != nil {
		return nil, err
	}
	blob, err := Encode(f.Geometry)
	if err != nil {
		return nil, layers.Invalid("", fmt.Sprintf("feature %d: geometry: %v", n, err))
	}
	p := &prepared{f: f, n: n, blob: blob, vals: make([]any, len(l.Fields)), cells: cells}
	for i, fd := range l.Fields {
		if p.vals[i], err = bindValue(fd, f.Props[fd.Name]); err != nil {
			return nil, layers.Invalid("", fmt.Sprintf("feature %d: %v", n, err))
		}
	}
	return p, nil
}

// exec stores a prepared feature.
func (w *writer) exec(ctx context.Context, p *prepared, res *layers.WriteResult) error {
	// The row's statements run under a context that is never cancelled:
	// go-sqlite3 runs a statement whose context can be, in a goroutine of
	// its own (to interrupt it), which cost more than inserting the row.
	// The write is checked for cancellation here, between rows.
	if err := ctx.Err(); err != nil {
		return wrap("write "+w.l.Name, err)
	}
	ctx = context.WithoutCancel(ctx)
	f, n, blob, cells := p.f, p.n, p.blob, p.cells
	var id any
	existed := false
	if f.ID > 0 {
		id = f.ID
	}
	if w.mode == layers.Upsert {
		if id != nil {
			var one int
			err := w.exists.QueryRowContext(ctx, id).Scan(&one)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return wrap("write "+w.l.Name, err)
			}
			existed = err == nil
		} else if key := f.Props[w.l.Key]; w.byKey != nil && key != nil {
			kf, _ := w.l.Field(w.l.Key)
			kv, err := bindValue(kf, key)
			if err != nil {
				return layers.Invalid("", fmt.Sprintf("feature %d: %v", n, err))
			}
			var found int64
			err = w.byKey.QueryRowContext(ctx, kv).Scan(&found)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return wrap("write "+w.l.Name, err)
			}
			if err == nil {
				id, existed = found, true
			}
		}
	}
	w.args = append(w.args[:0], id, blob)
	w.args = append(w.args, p.vals...)
	w.args = append(w.args, cells...)
	st := w.insert
	if existed {
		st = w.update
		if err := w.addOld(ctx, id); err != nil {
			return wrap("write "+w.l.Name, err)
		}
	}
	out, err := st.ExecContext(ctx, w.args...)
	if err != nil {
		return writeError(w.l, n, err)
	}
	changed, err := out.RowsAffected()
	if err != nil {
		return wrap("write "+w.l.Name, err)
	}
	rowID, _ := id.(int64)
	if id == nil {
		if rowID, err = out.LastInsertId(); err != nil {
			return wrap("write "+w.l.Name, err)
		}
	}
	switch {
	case changed == 0:
	case existed:
		res.Updated++
	default:
		res.Inserted++
	}
	if len(res.IDs) < maxResultIDs {
		res.IDs = append(res.IDs, rowID)
	}
	if w.bulk != nil && !existed {
		if err := w.bulk.add(ctx, rowID, blob, f, cells); err != nil {
			return wrap("write "+w.l.Name+": bulk", err)
		}
	}
	if c := f.Contact; c != nil && w.contact != nil && (c.Name != "" || c.Phone != "") {
		if _, err := w.contact.ExecContext(ctx, rowID, nullable(c.Name), nullable(c.Phone)); err != nil {
			return wrap("write "+w.l.Name+": contacts", err)
		}
	}
	return nil
}

// lifecycleColumns are the columns of an incident that its record of steps
// (incident_events) decides: an upsert import keeps them on an incident
// that has a record, and writes the file's values only to incidents
// without one (as the PostGIS store does).
var lifecycleColumns = map[string]bool{
	"status": true, "received_at": true, "dispatched_at": true, "responded_at": true, "resolved_at": true,
	"closed_at": true, "satisfied": true, "visit_resolved": true, "unit": true, "level": true,
	"response_due": true, "resolution_due": true,
}

// addOld adds the box of row id, about to be updated, to w.old: a tile
// showing where it was must be redrawn too.
func (w *writer) addOld(ctx context.Context, id any) error {
	var b orb.Bound
	err := w.oldBox.QueryRowContext(ctx, id).Scan(&b.Min[0], &b.Min[1], &b.Max[0], &b.Max[1])
	if errors.Is(err, sql.ErrNoRows) {
		return nil // an empty geometry has no box
	}
	if err != nil {
		return err
	}
	if w.oldSeen {
		b = b.Union(w.old)
	}
	w.old, w.oldSeen = b, true
	return nil
}

// writeError names the feature a constraint rejected (a duplicate key or
// id) as bad input; other errors are the store's.
func writeError(l *layers.Layer, n int64, err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) && se.Code == sqlite3.ErrConstraint {
		return layers.Invalid("", fmt.Sprintf("feature %d: %v", n, friendlyConstraint(l, se)))
	}
	return wrap("write "+l.Name, err)
}

// friendlyConstraint turns "UNIQUE constraint failed: streets.name" into a
// sentence.
func friendlyConstraint(l *layers.Layer, se sqlite3.Error) string {
	msg := se.Error()
	if i := strings.Index(msg, "UNIQUE constraint failed: "); i >= 0 {
		col := strings.TrimPrefix(msg[i+len("UNIQUE constraint failed: "):], l.Name+".")
		if col == "id" {
			return "a feature with this id already exists in " + l.Name
		}
		return fmt.Sprintf("another feature of %s already has this %s", l.Name, col)
	}
	return msg
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// touchContents records a write in gpkg_contents: last_change, and the
// layer's extent (informative in GeoPackage: grown by inserts, reset by a
// replace).
func touchContents(ctx context.Context, tx *sql.Tx, l *layers.Layer, mode layers.WriteMode, wrote bool, b orb.Bound) error {
	const now = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
	var err error
	switch {
	case mode == layers.Replace && !wrote:
		_, err = tx.ExecContext(ctx, "UPDATE gpkg_contents SET last_change = "+now+", min_x = NULL, min_y = NULL, max_x = NULL, max_y = NULL WHERE table_name = ?1", l.Name)
	case mode == layers.Replace:
		_, err = tx.ExecContext(ctx, "UPDATE gpkg_contents SET last_change = "+now+", min_x = ?2, min_y = ?3, max_x = ?4, max_y = ?5 WHERE table_name = ?1",
			l.Name, b.Min[0], b.Min[1], b.Max[0], b.Max[1])
	case wrote:
		_, err = tx.ExecContext(ctx, "UPDATE gpkg_contents SET last_change = "+now+
			", min_x = min(coalesce(min_x, ?2), ?2), min_y = min(coalesce(min_y, ?3), ?3)"+
			", max_x = max(coalesce(max_x, ?4), ?4), max_y = max(coalesce(max_y, ?5), ?5) WHERE table_name = ?1",
			l.Name, b.Min[0], b.Min[1], b.Max[0], b.Max[1])
	default:
		return nil
	}
	return wrap("write "+l.Name+": contents", err)
}

// Delete removes one feature; an incident's contact goes with it (the
// foreign key cascades).
func (s *Store) Delete(ctx context.Context, l *layers.Layer, id int64) error {
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return wrap("delete", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	from, err := version(ctx, tx, l.Name)
	if err != nil {
		return wrap("delete", err)
	}
	var b orb.Bound
	boxErr := tx.QueryRowContext(ctx, "SELECT minx, miny, maxx, maxy FROM "+ident("rtree_"+l.Name+"_geom")+" WHERE id = ?1", id).
		Scan(&b.Min[0], &b.Min[1], &b.Max[0], &b.Max[1])
	if boxErr != nil && !errors.Is(boxErr, sql.ErrNoRows) {
		return wrap("delete", boxErr)
	}
	out, err := tx.ExecContext(ctx, "DELETE FROM "+ident(l.Name)+" WHERE id = ?1", id)
	if err != nil {
		return wrap("delete", err)
	}
	if n, err := out.RowsAffected(); err != nil {
		return wrap("delete", err)
	} else if n == 0 {
		return fmt.Errorf("gpkg: %s %d: %w", l.Name, id, layers.ErrNotFound)
	}
	if _, err := tx.ExecContext(ctx, "UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE table_name = ?1", l.Name); err != nil {
		return wrap("delete", err)
	}
	if err := flushRollups(ctx, tx); err != nil {
		return wrap("delete", err)
	}
	if err := logChange(ctx, tx, l.Name, from, b, boxErr == nil); err != nil {
		return wrap("delete: log change", err)
	}
	return wrap("delete: commit", tx.Commit())
}
