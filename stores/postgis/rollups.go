package postgis

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"minqing/geo/hex"
	"minqing/layers"
)

// SetRollups turns reading the rollups on (the default) or off: off, every
// count scans the raw rows, as before the rollups, and the rates are
// tallied in SQL, not from the facts in memory (for benchmarks and the
// consistency tests; the triggers keep the rollups current either way).
func (s *Store) SetRollups(on bool) { s.noRollups.Store(!on) }

// rollupCells answers CellCounts from the rollups (see migration 00004):
// whole years, months and days of the window from incident_cell_totals (no
// filter, no grouping) or incident_cell_categories, and the window's partial
// days from the raw rows, summed in one statement. q must be
// layers.RollupUsable and checked (layers.CheckRollup).
func (s *Store) rollupCells(ctx context.Context, l *layers.Layer, res int, q layers.Query, groupBy string) ([]layers.CellCount, error) {
	sql, args, err := rollupSQL(l, q, res, groupBy, true)
	if err != nil {
		return nil, err
	}
	rows, err := s.reader().Query(ctx, sql, args...)
	if err != nil {
		return nil, wrap("cell counts", err)
	}
	var out []layers.CellCount
	var c layers.CellCount
	_, err = pgx.ForEachRow(rows, []any{&c.Cell, &c.Group, &c.Count}, func() error {
		out = append(out, c)
		return nil
	})
	return out, wrap("cell counts", err)
}

// rollupCount answers Count from the rollups at layers.CountRes.
func (s *Store) rollupCount(ctx context.Context, l *layers.Layer, q layers.Query) (int64, error) {
	sql, args, err := rollupSQL(l, q, layers.CountRes(q), "", false)
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.reader().QueryRow(ctx, sql, args...).Scan(&n)
	return n, wrap("count "+l.Name, err)
}

// rollupSQL builds the statement: per cell and group (cells true) or the
// total.
func rollupSQL(l *layers.Layer, q layers.Query, res int, groupBy string, cells bool) (string, []any, error) {
	w := &where{}
	spans, edges := layers.RollupWindow(q.Time, layers.RollupDays(res, q, groupBy))
	table := "incident_cell_totals"
	if groupBy != "" || len(q.Equal) > 0 {
		table = "incident_cell_categories"
	}
	group := "''"
	if groupBy != "" {
		group = ident(groupBy)
	}
	// The equality filters, the same on both sides (the dimensions have the
	// same names in the rollups and the incidents).
	var eq []string
	for _, name := range []string{"category", "source"} {
		vals, ok := q.Equal[name]
		if !ok {
			continue
		}
		f, _ := l.Field(name)
		arr, err := typedArray(f, vals)
		if err != nil {
			return "", nil, err
		}
		eq = append(eq, ident(name)+" = ANY("+w.arg(arr)+")")
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
			per = append(per, fmt.Sprintf("(grain = %d AND period BETWEEN %s::date AND %s::date)", sp.Grain, w.arg(sp.From), w.arg(sp.To)))
		}
		cond := eq
		if q.Cells != nil {
			cond = append(slices.Clip(eq), "cell = ANY("+w.arg(q.Cells.Cells)+")")
		}
		parts = append(parts, "SELECT cell, "+group+" AS grp, n FROM "+table+" WHERE res = "+w.arg(res)+
			" AND ("+strings.Join(per, " OR ")+")"+and(cond))
	}
	if len(edges) > 0 {
		var per []string
		for _, e := range edges {
			var c []string
			if e.From != nil {
				c = append(c, "received_at >= "+timeLiteral(*e.From))
			}
			if e.Before != nil {
				c = append(c, "received_at < "+timeLiteral(*e.Before))
			}
			if e.Until != nil {
				c = append(c, "received_at <= "+timeLiteral(*e.Until))
			}
			if len(c) == 0 {
				c = append(c, "TRUE")
			}
			per = append(per, "("+strings.Join(c, " AND ")+")")
		}
		cell := "0::bigint"
		if cells {
			cell = ident(hex.ExactColumn(res))
		}
		rawGroup := "''"
		if groupBy != "" {
			rawGroup = "coalesce(" + ident(groupBy) + "::text, '')"
		}
		if q.Cells != nil {
			eq = append(eq, w.cells(q.Cells))
		}
		parts = append(parts, "SELECT "+cell+" AS cell, "+rawGroup+" AS grp, 1 AS n FROM "+ident(l.Name)+
			" WHERE ("+strings.Join(per, " OR ")+")"+and(eq))
	}
	union := strings.Join(parts, " UNION ALL ")
	if !cells {
		return "SELECT coalesce(sum(n), 0)::bigint FROM (" + union + ") x", w.args, nil
	}
	// Sorted by the caller as CellCounts sorts.
	return "SELECT cell, grp, sum(n)::bigint FROM (" + union + ") x GROUP BY 1, 2 HAVING sum(n) <> 0", w.args, nil
}

// timeLiteral is t as an SQL timestamptz literal. The window's edges are
// written into the statement, not bound: under a cached statement's generic
// plan PostgreSQL would guess a third of the rows for each edge and prefer
// a spatial scan of every row in the cells' box (0.9 s for a tile at 1M
// incidents) to the few rows of a partial day.
func timeLiteral(t time.Time) string {
	return "'" + t.Format(time.RFC3339Nano) + "'::timestamptz"
}

// MonthMarks reads the month marks (migration 00007) on the primary, as
// Versions reads the versions, and then the primary's WAL position: a read
// after it waits for a replica that has replayed the marks, so a table
// counted afterwards is never older than its mark.
func (s *Store) MonthMarks(ctx context.Context) (layers.MonthMarks, bool, error) {
	batch := &pgx.Batch{}
	batch.Queue("SELECT coalesce(to_char(month, 'YYYY-MM-DD'), ''), month = '-infinity', mark FROM incident_month_marks")
	batch.Queue("SELECT pg_current_wal_lsn()::text")
	br := s.pool.SendBatch(ctx, batch)
	defer br.Close()
	rows, err := br.Query()
	if err != nil {
		return layers.MonthMarks{}, false, wrap("month marks", err)
	}
	marks := layers.MonthMarks{Months: map[string]int64{}}
	var month string
	var epoch bool
	var mark int64
	_, err = pgx.ForEachRow(rows, []any{&month, &epoch, &mark}, func() error {
		if epoch {
			marks.Epoch = mark
		} else {
			marks.Months[month] = mark
		}
		return nil
	})
	if err != nil {
		return layers.MonthMarks{}, false, wrap("month marks", err)
	}
	var lsn string
	if err := br.QueryRow().Scan(&lsn); err != nil {
		return layers.MonthMarks{}, false, wrap("month marks", err)
	}
	s.replicas.needAtLeast(lsn)
	return marks, true, nil
}
