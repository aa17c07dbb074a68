package postgis

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"minqing/layers"
)

// rollupTrigger is the statement-level trigger that keeps the rollups of
// the incidents as rows are inserted (migration 00004). For each COPY it
// groups the copied rows by cell, resolution and day, about 50 µs a row;
// a large write has it skip its own inserts and adds the rollups up in Go
// instead (layers.RollupDelta), about 1 µs a row.
const rollupTrigger = "incidents_rollups_insert"

// rollupsDeferred is the setting, local to a write's transaction, that
// makes the rollup trigger skip that transaction's inserts (migration
// 00007).
const rollupsDeferred = "minqing.rollups_deferred"

// beijingDay is the day the rollup trigger counts an incident under:
// (received_at AT TIME ZONE 'Asia/Shanghai')::date.
func beijingDay(t time.Time) string { return t.In(layers.Shanghai).Format("2006-01-02") }

// disableRollups has l's rollup trigger skip the inserts of tx from now
// until applyRollups (or the end of tx): a setting local to tx, so other
// writers' inserts keep their rollups and nobody waits for a lock. It
// reports false, and the trigger keeps counting, when the trigger is not
// there or turned off.
func disableRollups(ctx context.Context, tx pgx.Tx, l *layers.Layer) (bool, error) {
	var on bool
	if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass($1) AND tgname = $2 AND tgenabled <> 'D')",
		ident(l.Name), rollupTrigger).Scan(&on); err != nil || !on {
		return false, wrap("write "+l.Name+": rollups", err)
	}
	if _, err := tx.Exec(ctx, "SELECT set_config($1, 'on', true)", rollupsDeferred); err != nil {
		return false, wrap("write "+l.Name+": rollups", err)
	}
	return true, nil
}

// applyRollups adds d to the rollups in two grouped upserts, in key order
// as the trigger does (concurrent writers lock rollup rows in the same
// order), and has the trigger count this transaction's inserts again. d only adds (a bulk insert), so
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
	_, err := tx.Exec(ctx, "SELECT set_config($1, 'off', true)", rollupsDeferred)
	return err
}
