package postgis

import (
	"context"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"minqing/layers"
)

// deferLockTimeout bounds the wait for the table's exclusive lock before
// dropping its indexes: when readers hold it longer, the write keeps the
// indexes and goes on row by row.
const deferLockTimeout = "2s"

// rebuildMemory is the maintenance_work_mem of the index builds at the end
// of a large write (sorting a million points for a GiST build fits in it).
const rebuildMemory = "256MB"

// deferredIndexes are the indexes and foreign keys a large write dropped
// in its transaction, to build once at its end.
type deferredIndexes struct {
	table       string   // quoted
	indexes     []string // CREATE INDEX statements
	constraints []string // ALTER TABLE … ADD CONSTRAINT statements
	triggers    []string // insert triggers disabled until the end
	// uniques are the primary and unique keys dropped to be built at the
	// end, the layer's own first: checked row by row, a key cost a random
	// descent of its B-tree per row (the work-order number's, 2–4 s of the
	// server's CPU in a 1M import; the ids', about 2 s); built once, a sort.
	uniques []uniqueKey
}

// uniqueKey is a unique constraint a large write builds at its end.
type uniqueKey struct {
	table string // quoted
	name  string
	def   string // pg_get_constraintdef
	cols  string // its columns, quoted, comma-separated
	id    string // the id column of its table's rows: id, or the contacts' incident_id
}

// duplicateKeyError is a unique key that could not be built again at the
// end of a write: ids are the rows of one duplicated value.
type duplicateKeyError struct {
	detail string // PostgreSQL's "Key (…)=(…) is duplicated."
	ids    []int64
}

func (e *duplicateKeyError) Error() string { return e.detail }

// deferIndexes drops the secondary (non-unique, not a constraint's, not
// partial) indexes of l's table, the foreign keys of other tables that
// reference it (the contacts' and the events' of incidents), its primary
// key and unique keys, and for incidents the contacts' primary key, inside
// tx. It takes the ACCESS EXCLUSIVE lock of the table and of the tables
// referencing it until commit — their readers wait for the write — so it
// gives up (nil, no error) when the locks do not come within
// deferLockTimeout or waiting for them would deadlock. A duplicate id or a
// duplicate of a unique key (which the importer has already refused with
// its row number, against the stored keys and the file's) is found when
// the key is built again, and the write fails naming a feature that holds
// it (bulkWrite). A partial index stays too: the incidents' is
// of rows without cells, which a bulk write never has, so keeping it costs
// a test per row where building it again read the table.
//
// It also disables the table's insert-only statement triggers of the
// layer versions and the rollups for the rest of the write, each while the
// write has it skip its inserts (minqing.versions_deferred and
// rollups_deferred: the write logs its version and adds its rollups
// itself). Skipping is not enough: a trigger with a transition table has
// every row copied into it first. The lock keeps any other write from
// running while they are off, and restore (or a rollback) turns them on.
func deferIndexes(ctx context.Context, tx pgx.Tx, l *layers.Layer) (*deferredIndexes, error) {
	d := &deferredIndexes{table: ident(l.Name)}
	var lockTimeout string
	if err := tx.QueryRow(ctx, "SELECT current_setting('lock_timeout')").Scan(&lockTimeout); err != nil {
		return nil, wrap("write "+l.Name+": defer indexes", err)
	}
	if _, err := tx.Exec(ctx, "SAVEPOINT minqing_defer_indexes"); err != nil {
		return nil, wrap("write "+l.Name+": defer indexes", err)
	}
	err := d.drop(ctx, tx, l, lockTimeout)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && (pe.Code == "55P03" || pe.Code == "40P01") { // lock_not_available, deadlock_detected
		if _, err := tx.Exec(ctx, "ROLLBACK TO SAVEPOINT minqing_defer_indexes"); err != nil {
			return nil, wrap("write "+l.Name+": defer indexes", err)
		}
		return nil, nil
	}
	if err != nil {
		return nil, wrap("write "+l.Name+": defer indexes", err)
	}
	if _, err := tx.Exec(ctx, "RELEASE SAVEPOINT minqing_defer_indexes"); err != nil {
		return nil, wrap("write "+l.Name+": defer indexes", err)
	}
	return d, nil
}

func (d *deferredIndexes) drop(ctx context.Context, tx pgx.Tx, l *layers.Layer, lockTimeout string) error {
	if _, err := tx.Exec(ctx, "SET LOCAL lock_timeout = '"+deferLockTimeout+"'"); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "LOCK TABLE "+ident(l.Name)+" IN ACCESS EXCLUSIVE MODE"); err != nil {
		return err
	}
	rows, err := tx.Query(ctx, `SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
		FROM pg_index i
		WHERE i.indrelid = to_regclass($1) AND NOT i.indisunique AND NOT i.indisprimary AND i.indpred IS NULL
		  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
		ORDER BY 1`, ident(l.Name))
	if err != nil {
		return err
	}
	var names []string
	var name, def string
	if _, err := pgx.ForEachRow(rows, []any{&name, &def}, func() error {
		names = append(names, name)
		d.indexes = append(d.indexes, def)
		return nil
	}); err != nil {
		return err
	}
	// The foreign keys that reference the table (the contacts' and the
	// events' of incidents), so that its primary key can go too: a new id
	// was a random descent of that B-tree per row (rows go in ordered by
	// place, ids in input order), about 2 s of the server's CPU in a 1M
	// import. A contact copied in was also checked by a query of its own;
	// added back, each key checks every row in one join.
	if err := d.dropReferences(ctx, tx, l.Name); err != nil {
		return err
	}
	if err := d.dropUniques(ctx, tx, l.Name, true); err != nil {
		return err
	}
	if l.Name == contactsLayer {
		// The contacts' primary key too: their ids are the incidents' new ids.
		if err := d.dropUniques(ctx, tx, "incident_contacts", false); err != nil {
			return err
		}
	}
	for _, n := range names {
		if _, err := tx.Exec(ctx, "DROP INDEX "+n); err != nil {
			return err
		}
	}
	// tgtype 4 is INSERT; 8, 16 and 32 are DELETE, UPDATE and TRUNCATE.
	rows, err = tx.Query(ctx, `SELECT t.tgname FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
		WHERE t.tgrelid = to_regclass($1) AND t.tgenabled <> 'D' AND t.tgnewtable IS NOT NULL
		  AND t.tgtype & 4 <> 0 AND t.tgtype & (8 | 16 | 32) = 0
		  AND (p.proname = 'log_layer_change' AND current_setting('minqing.versions_deferred', true) = 'on'
		    OR p.proname = 'incident_rollups_trigger' AND current_setting($2, true) = 'on')
		ORDER BY 1`, ident(l.Name), rollupsDeferred)
	if err != nil {
		return err
	}
	if d.triggers, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		return err
	}
	for _, t := range d.triggers {
		if _, err := tx.Exec(ctx, "ALTER TABLE "+d.table+" DISABLE TRIGGER "+ident(t)); err != nil {
			return err
		}
	}
	_, err = tx.Exec(ctx, "SELECT set_config('lock_timeout', $1, true)", lockTimeout)
	return err
}

// dropReferences drops the foreign keys of other tables that reference
// table, each table locked first, to add them back at the end.
func (d *deferredIndexes) dropReferences(ctx context.Context, tx pgx.Tx, table string) error {
	rows, err := tx.Query(ctx, `SELECT quote_ident(n.nspname) || '.' || quote_ident(r.relname), c.conname, pg_get_constraintdef(c.oid)
		FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid JOIN pg_namespace n ON n.oid = r.relnamespace
		WHERE c.contype = 'f' AND c.confrelid = to_regclass($1) AND c.conrelid <> c.confrelid
		ORDER BY 1, 2`, ident(table))
	if err != nil {
		return err
	}
	type fk struct{ table, name, def string }
	var fks []fk
	var k fk
	if _, err := pgx.ForEachRow(rows, []any{&k.table, &k.name, &k.def}, func() error {
		fks = append(fks, k)
		return nil
	}); err != nil {
		return err
	}
	for i, k := range fks {
		if i == 0 || fks[i-1].table != k.table {
			if _, err := tx.Exec(ctx, "LOCK TABLE "+k.table+" IN ACCESS EXCLUSIVE MODE"); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, "ALTER TABLE "+k.table+" DROP CONSTRAINT "+ident(k.name)); err != nil {
			return err
		}
		d.constraints = append(d.constraints, "ALTER TABLE "+k.table+" ADD CONSTRAINT "+ident(k.name)+" "+k.def)
	}
	return nil
}

// dropUniques drops the primary key and unique keys of table that no
// foreign key references; with layer (the layer's own table) its rows' id
// column is id, else incident_id (the contacts').
func (d *deferredIndexes) dropUniques(ctx context.Context, tx pgx.Tx, table string, layer bool) error {
	rows, err := tx.Query(ctx, `SELECT c.conname, pg_get_constraintdef(c.oid),
		  (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY k.i)
		     FROM unnest(c.conkey) WITH ORDINALITY k(attnum, i)
		     JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum)
		FROM pg_constraint c
		WHERE c.conrelid = to_regclass($1) AND c.contype IN ('p', 'u')
		  AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.confrelid = c.conrelid AND f.conindid = c.conindid)
		ORDER BY c.contype, 1`, ident(table))
	if err != nil {
		return err
	}
	var keys []uniqueKey
	k := uniqueKey{table: ident(table), id: "incident_id"}
	if layer {
		k.id = "id"
	}
	if _, err := pgx.ForEachRow(rows, []any{&k.name, &k.def, &k.cols}, func() error {
		keys = append(keys, k)
		return nil
	}); err != nil {
		return err
	}
	for _, k := range keys {
		if _, err := tx.Exec(ctx, "ALTER TABLE "+k.table+" DROP CONSTRAINT "+ident(k.name)); err != nil {
			return err
		}
	}
	d.uniques = append(d.uniques, keys...)
	return nil
}

// restoreUnique adds k back. When a duplicate value keeps it from being
// built, it returns a *duplicateKeyError with the rows of one such value (a
// savepoint keeps the transaction usable to find them).
func restoreUnique(ctx context.Context, tx pgx.Tx, k uniqueKey) error {
	if _, err := tx.Exec(ctx, "SAVEPOINT minqing_unique"); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, "ALTER TABLE "+k.table+" ADD CONSTRAINT "+ident(k.name)+" "+k.def)
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "23505" {
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "RELEASE SAVEPOINT minqing_unique")
		return err
	}
	if _, err := tx.Exec(ctx, "ROLLBACK TO SAVEPOINT minqing_unique"); err != nil {
		return err
	}
	// NULLs are distinct unless the key says otherwise.
	notNull := "NOT (" + strings.ReplaceAll(k.cols, ", ", " IS NULL OR ") + " IS NULL)"
	if strings.Contains(k.def, "NULLS NOT DISTINCT") {
		notNull = "true"
	}
	// PostgreSQL's detail names the first duplicate its sort met, not
	// necessarily this one: the detail is made from the rows found.
	dup := &duplicateKeyError{detail: pe.Detail}
	q := "SELECT array_agg(" + k.id + " ORDER BY " + k.id + "), 'Key (" + strings.ReplaceAll(k.cols, "'", "''") + ")=' || ROW(" + k.cols + ")::text || ' is duplicated.'" +
		" FROM " + k.table + " WHERE " + notNull + " GROUP BY " + k.cols + " HAVING count(*) > 1 LIMIT 1"
	if err := tx.QueryRow(ctx, q).Scan(&dup.ids, &dup.detail); err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return err
	}
	return dup
}

// restore builds the dropped unique keys (first: a duplicate fails the
// write before the rest is built) and indexes, adds the foreign keys back
// and turns the triggers on again.
func (d *deferredIndexes) restore(ctx context.Context, tx pgx.Tx) error {
	var mem string
	if err := tx.QueryRow(ctx, "SELECT current_setting('maintenance_work_mem')").Scan(&mem); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "SET LOCAL maintenance_work_mem = '"+rebuildMemory+"'"); err != nil {
		return err
	}
	for _, k := range d.uniques {
		if err := restoreUnique(ctx, tx, k); err != nil {
			return err
		}
	}
	for _, q := range append(d.indexes, d.constraints...) {
		if _, err := tx.Exec(ctx, q); err != nil {
			return err
		}
	}
	for _, t := range d.triggers {
		if _, err := tx.Exec(ctx, "ALTER TABLE "+d.table+" ENABLE TRIGGER "+ident(t)); err != nil {
			return err
		}
	}
	_, err := tx.Exec(ctx, "SELECT set_config('maintenance_work_mem', $1, true)", mem)
	return err
}
