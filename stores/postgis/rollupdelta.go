package postgis

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"minqing/layers"
)

// rollupTrigger is the statement-level trigger that keeps the rollups of
// the incidents as rows are inserted (migration 00004). For each COPY it
// groups the copied rows by cell, resolution and day, about 50 µs a row;
// a large write turns it off and adds the rollups up in Go instead
// (layers.RollupDelta), about 1 µs a row.
const rollupTrigger = "incidents_rollups_insert"

// beijingDay is the day the rollup trigger counts an incident under:
// (received_at AT TIME ZONE 'Asia/Shanghai')::date.
func beijingDay(t time.Time) string { return t.In(layers.Shanghai).Format("2006-01-02") }

// disableRollups turns l's rollup trigger off inside tx (until commit or
// rollback; applyRollups turns it back on). ALTER TABLE takes a SHARE ROW
// EXCLUSIVE lock on the table: readers go on, other writers wait for the
// write, as they would for the rollup rows it locks. When the lock does not
// come within deferLockTimeout, or the trigger is not there or already off,
// it reports false and the trigger keeps counting.
func disableRollups(ctx context.Context, tx pgx.Tx, l *layers.Layer) (bool, error) {
	var on bool
	if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass($1) AND tgname = $2 AND tgenabled <> 'D')",
		ident(l.Name), rollupTrigger).Scan(&on); err != nil || !on {
		return false, wrap("write "+l.Name+": rollups", err)
	}
	var lockTimeout string
	if err := tx.QueryRow(ctx, "SELECT current_setting('lock_timeout')").Scan(&lockTimeout); err != nil {
		return false, wrap("write "+l.Name+": rollups", err)
	}
	if _, err := tx.Exec(ctx, "SAVEPOINT minqing_rollups"); err != nil {
		return false, wrap("write "+l.Name+": rollups", err)
	}
	_, err := tx.Exec(ctx, "SET LOCAL lock_timeout = '"+deferLockTimeout+"'")
	if err == nil {
		_, err = tx.Exec(ctx, "ALTER TABLE "+ident(l.Name)+" DISABLE TRIGGER "+rollupTrigger)
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "55P03" { // lock_not_available
		if _, err := tx.Exec(ctx, "ROLLBACK TO SAVEPOINT minqing_rollups"); err != nil {
			return false, wrap("write "+l.Name+": rollups", err)
		}
		return false, nil
	}
	if err != nil {
		return false, wrap("write "+l.Name+": rollups", err)
	}
	if _, err := tx.Exec(ctx, "SELECT set_config('lock_timeout', $1, true)", lockTimeout); err != nil {
		return false, wrap("write "+l.Name+": rollups", err)
	}
	if _, err := tx.Exec(ctx, "RELEASE SAVEPOINT minqing_rollups"); err != nil {
		return false, wrap("write "+l.Name+": rollups", err)
	}
	return true, nil
}

// applyRollups adds d to the rollups in two grouped upserts, in key order
// as the trigger does (concurrent writers lock rollup rows in the same
// order), and turns the trigger back on. d only adds (a bulk insert), so
// no row drops to zero.
func applyRollups(ctx context.Context, tx pgx.Tx, l *layers.Layer, d *layers.RollupDelta) error {
	if cats := d.Categories(); len(cats) > 0 {
		res, grain, period, cell, cat, src, n := make([]int16, len(cats)), make([]int16, len(cats)), make([]string, len(cats)),
			make([]int64, len(cats)), make([]string, len(cats)), make([]string, len(cats)), make([]int64, len(cats))
		for i, r := range cats {
			res[i], grain[i], period[i], cell[i], cat[i], src[i], n[i] = int16(r.Res), int16(r.Grain), r.Period, r.Cell, r.Category, r.Source, r.N
		}
		if _, err := tx.Exec(ctx, `INSERT INTO incident_cell_categories AS r (res, grain, period, cell, category, source, n)
			SELECT * FROM unnest($1::smallint[], $2::smallint[], $3::text[]::date[], $4::bigint[], $5::text[], $6::text[], $7::bigint[])
			ON CONFLICT (res, grain, period, cell, category, source) DO UPDATE SET n = r.n + EXCLUDED.n`,
			res, grain, period, cell, cat, src, n); err != nil {
			return err
		}
	}
	if tots := d.Totals(); len(tots) > 0 {
		res, grain, period, cell, n := make([]int16, len(tots)), make([]int16, len(tots)), make([]string, len(tots)), make([]int64, len(tots)), make([]int64, len(tots))
		for i, r := range tots {
			res[i], grain[i], period[i], cell[i], n[i] = int16(r.Res), int16(r.Grain), r.Period, r.Cell, r.N
		}
		if _, err := tx.Exec(ctx, `INSERT INTO incident_cell_totals AS r (res, grain, period, cell, n)
			SELECT * FROM unnest($1::smallint[], $2::smallint[], $3::text[]::date[], $4::bigint[], $5::bigint[])
			ON CONFLICT (res, grain, period, cell) DO UPDATE SET n = r.n + EXCLUDED.n`,
			res, grain, period, cell, n); err != nil {
			return err
		}
	}
	if months := d.Months(); len(months) > 0 {
		// The months the trigger would have marked (migration 00007).
		if _, err := tx.Exec(ctx, `INSERT INTO incident_month_marks AS m (month, mark)
			SELECT month, nextval('incident_month_mark_seq') FROM unnest($1::text[]::date[]) AS x (month) ORDER BY month
			ON CONFLICT (month) DO UPDATE SET mark = EXCLUDED.mark`, months); err != nil {
			return err
		}
	}
	_, err := tx.Exec(ctx, "ALTER TABLE "+ident(l.Name)+" ENABLE TRIGGER "+rollupTrigger)
	return err
}
