package gpkg

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"minqing/geo/hex"
	"minqing/layers"
)

// SetRollups turns reading the rollups on (the default) or off: off, every
// count scans the raw rows, as before the rollups (for benchmarks and the
// consistency tests; writes keep the rollups current either way).
func (s *Store) SetRollups(on bool) { s.noRollups.Store(!on) }

// execer is a transaction or a database.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// The grouped application of incident_rollup_delta (migrations 00004 and
// 00009): the same keys as the PostGIS triggers, days up to
// layers.RollupDaysMaxRes and categories up to layers.RollupDimsMaxRes,
// resolutions joined from a constant table as SQLite has no LATERAL.
var (
	daysMaxRes = strconv.Itoa(layers.RollupDaysMaxRes)
	dimsMaxRes = strconv.Itoa(layers.RollupDimsMaxRes)
	rollupPer  = `WITH r (res) AS (VALUES (5), (6), (7), (8), (9), (10), (11)),
per AS (
    SELECT d.sign, date(d.received_at, '+8 hours') AS day, d.category, d.source, r.res,
           CASE r.res WHEN 5 THEN d.h3_5 WHEN 6 THEN d.h3_6 WHEN 7 THEN d.h3_7 WHEN 8 THEN d.h3_8
                      WHEN 9 THEN d.h3_9 WHEN 10 THEN d.h3_10 ELSE d.h3_11 END AS cell
    FROM incident_rollup_delta d, r
),
g (grain) AS (VALUES (1), (2), (3))
`
	rollupFlushTotals = rollupPer + `,
tot AS (
    SELECT res, CASE WHEN res <= ` + daysMaxRes + ` THEN day ELSE substr(day, 1, 8) || '01' END AS day, cell, sum(sign) AS n
    FROM per WHERE cell IS NOT NULL GROUP BY 1, 2, 3 HAVING sum(sign) <> 0
)
INSERT INTO incident_cell_totals (res, grain, period, cell, n)
SELECT res, grain, CASE grain WHEN 1 THEN day WHEN 2 THEN substr(day, 1, 8) || '01' ELSE substr(day, 1, 5) || '01-01' END, cell, sum(n)
FROM tot, g WHERE grain > 1 OR res <= ` + daysMaxRes + `
GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0
ON CONFLICT (res, grain, period, cell) DO UPDATE SET n = n + excluded.n`
	rollupFlushCategories = rollupPer + `,
cat AS (
    SELECT res, substr(day, 1, 8) || '01' AS month, cell, category, source, sum(sign) AS n
    FROM per WHERE cell IS NOT NULL AND res <= ` + dimsMaxRes + ` GROUP BY 1, 2, 3, 4, 5 HAVING sum(sign) <> 0
)
INSERT INTO incident_cell_categories (res, grain, period, cell, category, source, n)
SELECT res, grain, CASE grain WHEN 2 THEN month ELSE substr(month, 1, 5) || '01-01' END, cell, category, source, sum(n)
FROM cat, g WHERE grain > 1
GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(n) <> 0
ON CONFLICT (res, grain, period, cell, category, source) DO UPDATE SET n = n + excluded.n`
	// rollupFlushMarks gives the months whose counts at resolution 9
	// changed a new mark (migration 00007), one above every mark so far.
	rollupFlushMarks = `INSERT INTO incident_month_marks (month, mark)
SELECT month, (SELECT coalesce(max(mark), 0) + 1 FROM incident_month_marks)
FROM (SELECT DISTINCT month FROM (
    SELECT substr(date(received_at, '+8 hours'), 1, 8) || '01' AS month
    FROM incident_rollup_delta WHERE h3_9 IS NOT NULL
    GROUP BY month, h3_9, category, source HAVING sum(sign) <> 0))
WHERE true
ON CONFLICT (month) DO UPDATE SET mark = excluded.mark`
)

// dropZeroCounts removes the rollup rows a delta took down to zero.
var dropZeroCounts = []string{
	"DELETE FROM incident_cell_totals WHERE n = 0",
	"DELETE FROM incident_cell_categories WHERE n = 0",
}

// flushRollups applies the pending delta of the incidents' rollups in one
// grouped upsert per table and empties it. Every write transaction that may
// change incidents calls it before it commits.
func flushRollups(ctx context.Context, db execer) error {
	var pending bool
	if err := db.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM incident_rollup_delta)").Scan(&pending); err != nil {
		if strings.Contains(err.Error(), "no such table") {
			return nil // a file without incidents
		}
		return fmt.Errorf("rollups: %w", err)
	}
	if !pending {
		return nil
	}
	for _, q := range append([]string{rollupFlushTotals, rollupFlushCategories, rollupFlushMarks,
		"DELETE FROM incident_rollup_delta"}, dropZeroCounts...) {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("rollups: %w", err)
		}
	}
	return nil
}

// useRollups reports whether a count may be read from the rollups: they are
// on, the query is layers.RollupUsable, and no delta is pending (a write
// path that did not flush: then the raw rows are counted).
func (s *Store) useRollups(ctx context.Context, l *layers.Layer, res int, q layers.Query, groupBy string) bool {
	if s.noRollups.Load() || !layers.RollupUsable(l, res, q, groupBy) {
		return false
	}
	var pending bool
	err := s.rdb.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM incident_rollup_delta)").Scan(&pending)
	return err == nil && !pending
}

// rollupSQL builds the statement reading the rollups for a count at res
// with q (layers.RollupUsable, checked by layers.CheckRollup), per cell and group
// (cells true) or in total: whole periods from the rollups, the window's
// ends from the raw rows.
func rollupSQL(l *layers.Layer, q layers.Query, res int, groupBy string, cells bool) (string, []any, error) {
	p := &plan{}
	spans, edges := layers.RollupWindow(q.Time, layers.RollupDays(res, q, groupBy))
	table := "incident_cell_totals"
	if groupBy != "" || len(q.Equal) > 0 {
		table = "incident_cell_categories"
	}
	group := "''"
	if groupBy != "" {
		group = ident(groupBy)
	}
	resArg := p.arg(res)
	var eq []string
	for _, name := range []string{"category", "source"} {
		vals, ok := q.Equal[name]
		if !ok {
			continue
		}
		if len(vals) == 0 {
			eq = append(eq, "0")
			continue
		}
		f, _ := l.Field(name)
		ph := make([]string, 0, len(vals))
		for _, v := range vals {
			bv, err := bindValue(f, v)
			if err != nil {
				return "", nil, layers.Invalid(name, err.Error())
			}
			ph = append(ph, p.arg(bv))
		}
		eq = append(eq, ident(name)+" IN ("+strings.Join(ph, ", ")+")")
	}
	and := func(conds []string) string {
		if len(conds) == 0 {
			return ""
		}
		return " AND " + strings.Join(conds, " AND ")
	}
	var parts []string
	if len(spans) > 0 {
		var per []string
		for _, sp := range spans {
			per = append(per, fmt.Sprintf("(grain = %d AND period BETWEEN %s AND %s)", sp.Grain, p.arg(sp.From), p.arg(sp.To)))
		}
		cond := eq
		if q.Cells != nil {
			cond = append(slices.Clip(eq), "cell IN ("+p.list(q.Cells.Cells)+")")
		}
		parts = append(parts, "SELECT cell, "+group+" AS grp, n FROM "+table+" WHERE res = "+resArg+
			" AND ("+strings.Join(per, " OR ")+")"+and(cond))
	}
	if len(edges) > 0 {
		var per []string
		for _, e := range edges {
			var c []string
			if e.From != nil {
				c = append(c, "received_at >= "+p.arg(formatDatetimeFloor(*e.From)))
			}
			if e.Before != nil {
				c = append(c, "received_at < "+p.arg(formatDatetime(*e.Before)))
			}
			if e.Until != nil {
				c = append(c, "received_at <= "+p.arg(formatDatetime(*e.Until)))
			}
			if len(c) == 0 {
				c = append(c, "1")
			}
			per = append(per, "("+strings.Join(c, " AND ")+")")
		}
		cell := "0"
		if cells {
			cell = ident(hex.ExactColumn(res))
		}
		rawGroup := "''"
		if groupBy != "" {
			rawGroup = "coalesce(" + ident(groupBy) + ", '')"
		}
		if q.Cells != nil {
			// No R-tree hint: the edges are short spans of time, which the
			// received_at index finds; the cells' box can hold the whole layer.
			eq = append(eq, p.cells(l, q.Cells, false))
		}
		parts = append(parts, "SELECT "+cell+" AS cell, "+rawGroup+" AS grp, 1 AS n FROM "+ident(l.Name)+
			" WHERE ("+strings.Join(per, " OR ")+")"+and(eq))
	}
	union := strings.Join(parts, " UNION ALL ")
	if !cells {
		return "SELECT coalesce(sum(n), 0) FROM (" + union + ")", p.args, nil
	}
	return "SELECT cell, grp, sum(n) FROM (" + union + ") GROUP BY 1, 2 HAVING sum(n) <> 0", p.args, nil
}

// rollupCells adds the counts per cell and group read from the rollups.
func (s *Store) rollupCells(ctx context.Context, l *layers.Layer, res int, q layers.Query, groupBy string, counts map[cellGroup]int64) error {
	query, args, err := rollupSQL(l, q, res, groupBy, true)
	if err != nil {
		return err
	}
	rows, err := s.rdb.QueryContext(ctx, query, args...)
	if err != nil {
		return wrap("cell counts", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c, n int64
		var g string
		if err := rows.Scan(&c, &g, &n); err != nil {
			return wrap("cell counts", err)
		}
		counts[cellGroup{c, g}] += n
	}
	return wrap("cell counts", rows.Err())
}

// rollupCount counts from the rollups at layers.CountRes.
func (s *Store) rollupCount(ctx context.Context, l *layers.Layer, q layers.Query) (int64, error) {
	query, args, err := rollupSQL(l, q, layers.CountRes(q), "", false)
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.rdb.QueryRowContext(ctx, query, args...).Scan(&n)
	return n, wrap("count "+l.Name, err)
}

// MonthMarks reads the month marks (migration 00007). ok is false while a
// rollup delta is pending (written by another program): the marks do not
// cover it yet.
func (s *Store) MonthMarks(ctx context.Context) (layers.MonthMarks, bool, error) {
	tx, err := s.rdb.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return layers.MonthMarks{}, false, wrap("month marks", err)
	}
	defer tx.Rollback() //nolint:errcheck // read only
	var pending bool
	if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM incident_rollup_delta)").Scan(&pending); err != nil || pending {
		return layers.MonthMarks{}, false, wrap("month marks", err)
	}
	rows, err := tx.QueryContext(ctx, "SELECT month, mark FROM incident_month_marks")
	if err != nil {
		return layers.MonthMarks{}, false, wrap("month marks", err)
	}
	defer rows.Close()
	marks := layers.MonthMarks{Months: map[string]int64{}}
	for rows.Next() {
		var month string
		var mark int64
		if err := rows.Scan(&month, &mark); err != nil {
			return layers.MonthMarks{}, false, wrap("month marks", err)
		}
		marks.Months[month] = mark
	}
	if err := rows.Err(); err != nil {
		return layers.MonthMarks{}, false, wrap("month marks", err)
	}
	return marks, true, nil
}
