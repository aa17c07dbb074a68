package postgis

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"minqing/layers"
)

// stageTable is the per-transaction staging table Write copies into.
const stageTable = "minqing_stage"

// sqlType is the column type of a field.
func sqlType(t layers.FieldType) string {
	switch t {
	case layers.Int, layers.Cell:
		return "bigint"
	case layers.Float:
		return "double precision"
	case layers.Bool:
		return "boolean"
	case layers.Time:
		return "timestamptz"
	case layers.Date:
		return "date"
	}
	return "text"
}

// Write copies the features into a staging table with COPY, then moves them
// into the layer's table in the same transaction: all or nothing.
func (s *Store) Write(ctx context.Context, l *layers.Layer, opts layers.WriteOptions, r layers.FeatureReader) (layers.WriteResult, error) {
	var res layers.WriteResult
	mode, err := layers.CheckWrite(l, opts)
	if err != nil {
		return res, err
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return res, wrap("write "+l.Name, err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit

	// Rows without an id of their own (an import) take one from the layer's
	// sequence as they are copied, by the staging column's default; rows with
	// ids (a copy between stores) bring them. The first row decides.
	seq := "pg_get_serial_sequence(" + quoteLiteralName(l.Name) + ", 'id')"
	first, err := r.Next()
	if err != nil && !errors.Is(err, io.EOF) {
		return res, err
	}
	withIDs := first != nil && first.ID > 0
	in := &prepended{first: first, pending: err == nil, r: r, eof: err != nil}
	if mode != layers.Upsert {
		plan, ok, err := planBulk(ctx, tx, l, withIDs)
		if err != nil {
			return res, err
		}
		if ok {
			plan.checked = opts.Checked
			return s.writeBulk(ctx, tx, plan, mode, in, opts.Progress)
		}
	}
	cols := []string{"ord", "wkb"}
	defs := []string{"ord bigint", "id bigint DEFAULT nextval(" + seq + ")", "wkb bytea"}
	if withIDs {
		cols = append(cols, "id")
	}
	for _, f := range l.Fields {
		cols = append(cols, f.Name)
		defs = append(defs, ident(f.Name)+" "+sqlType(f.Type))
	}
	for _, c := range cellColumns(l) {
		cols = append(cols, c)
		defs = append(defs, ident(c)+" bigint")
	}
	cols = append(cols, "contact_name", "contact_phone")
	defs = append(defs, "contact_name text", "contact_phone text")
	if _, err := tx.Exec(ctx, "CREATE TEMP TABLE "+stageTable+" ("+strings.Join(defs, ", ")+") ON COMMIT DROP"); err != nil {
		return res, wrap("write "+l.Name+": staging", err)
	}
	src := &copySource{layer: l, r: in, withIDs: withIDs, progress: opts.Progress}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{stageTable}, cols, src); err != nil {
		if src.err != nil {
			return res, src.err
		}
		return res, wrap("write "+l.Name+": copy", err)
	}
	if src.err != nil {
		return res, src.err
	}
	table := ident(l.Name)
	res.Bounds = src.bounds

	if mode == layers.Replace {
		n, ext, err := truncate(ctx, tx, l)
		if err != nil {
			return res, err
		}
		res.Deleted = n
		if n > 0 {
			res.Bounds = unionBound(res.Bounds, src.n > 0, ext)
		}
	}
	if mode == layers.Upsert && l.Key != "" && !withIDs {
		key := ident(l.Key)
		if _, err := tx.Exec(ctx, "UPDATE "+stageTable+" s SET id = t.id FROM "+table+" t WHERE s."+key+" IS NOT NULL AND t."+key+" = s."+key); err != nil {
			return res, wrap("write "+l.Name+": match keys", err)
		}
	}

	names := make([]string, 0, len(l.Fields))
	sets := make([]string, 0, len(l.Fields)+1)
	olds := make([]string, 0, len(l.Fields)+1)
	news := make([]string, 0, len(l.Fields)+1)
	for _, name := range append(fieldNames(l), cellColumns(l)...) {
		c := ident(name)
		names = append(names, c)
		v := "EXCLUDED." + c
		if l.Name == contactsLayer && lifecycleColumns[name] {
			// An incident with a record of steps keeps the state its
			// record replays to; see lifecycleColumns.
			v = "CASE WHEN EXISTS (SELECT 1 FROM incident_events e WHERE e.incident_id = t.id) THEN t." + c + " ELSE EXCLUDED." + c + " END"
		}
		sets = append(sets, c+" = "+v)
		olds = append(olds, "t."+c)
		news = append(news, v)
	}
	sets = append(sets, "geom = EXCLUDED.geom")
	olds = append(olds, "t.geom")
	news = append(news, "EXCLUDED.geom")
	insert := "INSERT INTO " + table + " AS t (id, " + strings.Join(names, ", ") + ", geom) " +
		"SELECT id, " + strings.Join(names, ", ") + ", ST_GeomFromWKB(wkb, 4326) FROM " + stageTable + " ORDER BY ord"
	if mode == layers.Upsert {
		insert += " ON CONFLICT (id) DO UPDATE SET " + strings.Join(sets, ", ") +
			" WHERE (" + strings.Join(olds, ", ") + ") IS DISTINCT FROM (" + strings.Join(news, ", ") + ")"
	}
	insert += " RETURNING (xmax = 0)"
	rows, err := tx.Query(ctx, insert)
	if err != nil {
		return res, wrap("write "+l.Name, err)
	}
	var inserted bool
	if _, err := pgx.ForEachRow(rows, []any{&inserted}, func() error {
		if inserted {
			res.Inserted++
		} else {
			res.Updated++
		}
		return nil
	}); err != nil {
		return res, wrap("write "+l.Name, err)
	}
	// Rows that brought their ids move the sequence past them. Only then:
	// run by every write, the setval could move the sequence back below an
	// id a concurrent, not yet committed write has taken (its row is not
	// visible to max(id)), and the next write would take that id again.
	if withIDs {
		if _, err := tx.Exec(ctx, "SELECT setval("+seq+", GREATEST((SELECT max(id) FROM "+table+"), 1))"); err != nil {
			return res, wrap("write "+l.Name+": sequence", err)
		}
	}
	if src.contacts > 0 {
		contacts := "INSERT INTO incident_contacts (incident_id, name, phone) " +
			"SELECT id, contact_name, contact_phone FROM " + stageTable + " WHERE contact_name IS NOT NULL OR contact_phone IS NOT NULL"
		if mode == layers.Upsert || withIDs { // only then can an incident already have a contact
			contacts += " ON CONFLICT (incident_id) DO UPDATE SET name = EXCLUDED.name, phone = EXCLUDED.phone"
		}
		if _, err := tx.Exec(ctx, contacts); err != nil {
			return res, wrap("write "+l.Name+": contacts", err)
		}
	}
	rows, err = tx.Query(ctx, "SELECT id FROM "+stageTable+" ORDER BY ord LIMIT 10000")
	if err != nil {
		return res, wrap("write "+l.Name, err)
	}
	if res.IDs, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
		return res, wrap("write "+l.Name, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return res, wrap("write "+l.Name+": commit", err)
	}
	return res, nil
}

// writeBulk is Write by binary COPY straight into the table (insert and
// replace), see bulk.go.
func (s *Store) writeBulk(ctx context.Context, tx pgx.Tx, plan *bulkPlan, mode layers.WriteMode, r layers.FeatureReader, progress func(int64)) (layers.WriteResult, error) {
	l := plan.l
	var deleted int64
	var old orb.Bound
	var existing int64
	if mode == layers.Replace {
		var err error
		if deleted, old, err = truncate(ctx, tx, l); err != nil {
			return layers.WriteResult{}, err
		}
	} else {
		var err error
		if existing, err = rowEstimate(ctx, tx, l); err != nil {
			return layers.WriteResult{}, err
		}
	}
	res, err := s.bulkWrite(ctx, tx, plan, r, existing, progress)
	if err != nil {
		return res, err
	}
	res.Deleted = deleted
	if deleted > 0 {
		res.Bounds = unionBound(res.Bounds, res.Inserted > 0, old)
	}
	if err := tx.Commit(ctx); err != nil {
		return res, wrap("write "+l.Name+": commit", err)
	}
	return res, nil
}

// truncate empties l's table (and, cascading, an incident's contacts and
// record), returning how many rows it held and their extent.
func truncate(ctx context.Context, tx pgx.Tx, l *layers.Layer) (int64, orb.Bound, error) {
	var ext orb.Bound
	var n int64
	table := ident(l.Name)
	if err := tx.QueryRow(ctx, "SELECT count(*), coalesce(ST_XMin(ST_Extent(geom)),0), coalesce(ST_YMin(ST_Extent(geom)),0), coalesce(ST_XMax(ST_Extent(geom)),0), coalesce(ST_YMax(ST_Extent(geom)),0) FROM "+table).
		Scan(&n, &ext.Min[0], &ext.Min[1], &ext.Max[0], &ext.Max[1]); err != nil {
		return 0, ext, wrap("write "+l.Name+": replace", err)
	}
	if _, err := tx.Exec(ctx, "TRUNCATE "+table+" CASCADE"); err != nil {
		return 0, ext, wrap("write "+l.Name+": replace", err)
	}
	return n, ext, nil
}

// rowEstimate is about how many rows l's table holds, as the planner
// estimates it: the rows per page of the last analysis times the pages the
// table has now; a count (of at most a million) when it was never analysed.
func rowEstimate(ctx context.Context, tx pgx.Tx, l *layers.Layer) (int64, error) {
	var est float64
	if err := tx.QueryRow(ctx, `SELECT CASE WHEN reltuples < 0 THEN -1 WHEN relpages = 0 THEN reltuples
		ELSE reltuples / relpages * (pg_relation_size(oid) / current_setting('block_size')::int) END
		FROM pg_class WHERE oid = to_regclass($1)`, ident(l.Name)).Scan(&est); err != nil {
		return 0, wrap("write "+l.Name, err)
	}
	if est >= 0 {
		return int64(est), nil
	}
	var n int64
	if err := tx.QueryRow(ctx, "SELECT count(*) FROM (SELECT 1 FROM "+ident(l.Name)+" LIMIT 1000000) t").Scan(&n); err != nil {
		return 0, wrap("write "+l.Name, err)
	}
	return n, nil
}

// lifecycleColumns are the columns of an incident that its record of steps
// (incident_events) decides: an upsert import keeps them on an incident
// that has a record, and writes the file's values only to incidents
// without one — a re-imported 12345 export never undoes a dispatch, a
// response or a close recorded here, and the record and the incident never
// disagree. Its other fields (description, address, category, …) are
// updated as usual.
var lifecycleColumns = map[string]bool{
	"status": true, "received_at": true, "dispatched_at": true, "responded_at": true, "resolved_at": true,
	"closed_at": true, "satisfied": true, "visit_resolved": true, "unit": true, "level": true,
	"response_due": true, "resolution_due": true,
}

// quoteLiteralName quotes a table name as a SQL string literal for
// pg_get_serial_sequence. Names come from the catalog, never from a request.
func quoteLiteralName(name string) string {
	return "'" + strings.ReplaceAll(ident(name), "'", "''") + "'"
}

func unionBound(b orb.Bound, have bool, o orb.Bound) orb.Bound {
	if !have {
		return o
	}
	return b.Union(o)
}

// copySource feeds COPY from a FeatureReader, validating each feature and
// computing what is computed on write (the H3 cell of an incident).
type copySource struct {
	layer    *layers.Layer
	withIDs  bool // the COPY carries the features' own ids
	r        layers.FeatureReader
	progress func(int64)
	vals     []any
	n        int64
	contacts int64
	bounds   orb.Bound
	err      error
}

func (c *copySource) Next() bool {
	f, err := c.r.Next()
	if errors.Is(err, io.EOF) {
		return false
	}
	if err != nil {
		c.err = err
		return false
	}
	c.n++
	if f == nil {
		c.err = layers.PrepareAt(c.layer, f, c.n) // the front's refusal of a missing feature
		return false
	}
	if (f.ID > 0) != c.withIDs {
		c.err = layers.Invalid("", fmt.Sprintf("feature %d: either every feature has an id or none has", c.n))
		return false
	}
	vals, err := stageValues(c.layer, f, c.n, c.withIDs)
	if err != nil {
		c.err = err
		return false
	}
	c.vals = vals
	b := f.Geometry.Bound()
	if c.n == 1 {
		c.bounds = b
	} else {
		c.bounds = c.bounds.Union(b)
	}
	if f.Contact != nil {
		c.contacts++
	}
	if c.progress != nil && c.n%10000 == 0 {
		c.progress(c.n)
	}
	return true
}

func (c *copySource) Values() ([]any, error) { return c.vals, nil }
func (c *copySource) Err() error             { return c.err }

// stageValues checks one feature and turns it into a staging row. n is its
// 1-based position in the input, used in error messages.
func stageValues(l *layers.Layer, f *layers.Feature, n int64, withID bool) ([]any, error) {
	cells, err := layers.PrepareCellsAt(l, f, n, false)
	if err != nil {
		return nil, err
	}
	raw, err := wkb.Marshal(f.Geometry)
	if err != nil {
		return nil, layers.Invalid("", fmt.Sprintf("feature %d: geometry: %v", n, err))
	}
	vals := make([]any, 0, len(l.Fields)+5)
	vals = append(vals, n, raw)
	if withID {
		vals = append(vals, f.ID)
	}
	for _, fd := range l.Fields {
		vals = append(vals, f.Props[fd.Name])
	}
	vals = append(vals, cells...)
	if f.Contact != nil {
		vals = append(vals, nullable(f.Contact.Name), nullable(f.Contact.Phone))
	} else {
		vals = append(vals, nil, nil)
	}
	return vals, nil
}

// cellColumns names the columns of the exact H3 cells stored beside the
// fields of a layer that layers.StoresCells, none for other layers.
func cellColumns(l *layers.Layer) []string {
	if !layers.StoresCells(l) {
		return nil
	}
	return layers.ExactColumns()
}

// fieldNames names the columns of l's fields.
func fieldNames(l *layers.Layer) []string {
	out := make([]string, 0, len(l.Fields))
	for _, f := range l.Fields {
		out = append(out, f.Name)
	}
	return out
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// prepended yields first, then the rest of r.
type prepended struct {
	first   *layers.Feature
	pending bool // first is still to be returned (even a nil one: the front refuses it)
	r       layers.FeatureReader
	eof     bool // r already said io.EOF: do not ask again
}

func (p *prepended) Next() (*layers.Feature, error) {
	if p.eof {
		return nil, io.EOF
	}
	if p.pending {
		p.pending = false
		return p.first, nil
	}
	return p.r.Next()
}
