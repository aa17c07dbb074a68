package postgis

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"minqing/geo/hex"
	"minqing/layers"
)

// CellCounts counts features per H3 cell at resolution res, grouping in SQL
// on the point's own cell at res, stored on write (layers.StoresCells), so
// no per-point H3 call. Only the stored resolutions (hex.MinExactRes to
// hex.MaxExactRes) are offered. groupBy, if set, must be a field the caller
// may see.
func (s *Store) CellCounts(ctx context.Context, l *layers.Layer, res int, q layers.Query, groupBy string) ([]layers.CellCount, error) {
	gf, err := layers.CheckCellCounts(l, res, q, groupBy)
	if err != nil {
		return nil, err
	}
	var out []layers.CellCount
	if layers.RollupUsable(l, res, q, groupBy) && !s.noRollups.Load() {
		if err := layers.CheckRollup(l, q); err != nil {
			return nil, err
		}
		if out, err = s.rollupCells(ctx, l, res, q, groupBy); err != nil {
			return nil, err
		}
		sortCells(out)
		return out, nil
	}
	w, err := buildWhere(l, q, false)
	if err != nil {
		return nil, err
	}
	cell := ident(hex.ExactColumn(res))
	group := "''"
	if gf != nil {
		group = "coalesce(" + ident(gf.Name) + "::text, '')"
	}
	sql := "SELECT " + cell + " AS cell, " + group + " AS grp, count(*) FROM " + ident(l.Name) +
		" WHERE " + w.sql() + " GROUP BY 1, 2"
	rows, err := s.reader().Query(ctx, sql, w.args...)
	if err != nil {
		return nil, wrap("cell counts", err)
	}
	var c layers.CellCount
	_, err = pgx.ForEachRow(rows, []any{&c.Cell, &c.Group, &c.Count}, func() error {
		out = append(out, c)
		return nil
	})
	// Sorted here, not in SQL: with an ORDER BY the planner chose a parallel
	// sort spilling to disk over a hash aggregate of the ~100 resulting
	// cells.
	sortCells(out)
	return out, wrap("cell counts", err)
}

// sortCells sorts counts by cell, then group.
func sortCells(out []layers.CellCount) {
	slices.SortFunc(out, func(a, b layers.CellCount) int {
		if c := cmp.Compare(a.Cell, b.Cell); c != 0 {
			return c
		}
		return strings.Compare(a.Group, b.Group)
	})
}
