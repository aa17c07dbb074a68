package postgis

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"minqing/geo/hex"
	"minqing/layers"
)

// backfillBatch is how many rows one backfill statement fills.
const backfillBatch = 10000

// backfillCells fills the exact H3 cells (layers.StoresCells) of rows
// written before they were stored: migration 00002 adds the columns empty.
// Each batch of rows is read, computed in Go and written in its own
// statement, so an interrupted backfill keeps what it did and the next
// Migrate goes on from there; once every row has its cells it reads one
// empty index and does nothing. It returns how many rows it filled.
func (s *Store) backfillCells(ctx context.Context) (int64, error) {
	var total int64
	for _, l := range s.catalog.All() {
		if !layers.StoresCells(l) {
			continue
		}
		n, err := s.backfillLayer(ctx, l)
		total += n
		if err != nil {
			return total, fmt.Errorf("postgis: fill H3 cells of %s: %w", l.Name, err)
		}
	}
	return total, nil
}

func (s *Store) backfillLayer(ctx context.Context, l *layers.Layer) (int64, error) {
	cols := layers.ExactColumns()
	missing := make([]string, len(cols))
	sets := make([]string, len(cols))
	unnest := []string{"unnest($1::bigint[]) AS id"}
	for i, c := range cols {
		missing[i] = ident(c) + " IS NULL"
		sets[i] = fmt.Sprintf("%s = v.c%d", ident(c), i)
		unnest = append(unnest, fmt.Sprintf("unnest($%d::bigint[]) AS c%d", i+2, i))
	}
	// The condition is the partial index's predicate, so the index serves it.
	pick := "SELECT id, ST_X(geom), ST_Y(geom) FROM " + ident(l.Name) + " WHERE id > $1 AND (" +
		strings.Join(missing, " OR ") + ") ORDER BY id LIMIT $2"
	update := "UPDATE " + ident(l.Name) + " t SET " + strings.Join(sets, ", ") +
		" FROM (SELECT " + strings.Join(unnest, ", ") + ") v WHERE t.id = v.id"
	var done, after int64
	for {
		rows, err := s.pool.Query(ctx, pick, after, backfillBatch)
		if err != nil {
			return done, err
		}
		var ids []int64
		cells := make([][]int64, len(cols))
		var id int64
		var x, y float64
		_, err = pgx.ForEachRow(rows, []any{&id, &x, &y}, func() error {
			cs, err := hex.ExactCells(orb.Point{x, y})
			if err != nil {
				return fmt.Errorf("row %d: %w", id, err)
			}
			ids = append(ids, id)
			for i, c := range cs {
				cells[i] = append(cells[i], c)
			}
			return nil
		})
		if err != nil {
			return done, err
		}
		if len(ids) == 0 {
			return done, nil
		}
		args := make([]any, 0, len(cols)+1)
		args = append(args, ids)
		for _, c := range cells {
			args = append(args, c)
		}
		if _, err := s.pool.Exec(ctx, update, args...); err != nil {
			return done, err
		}
		done += int64(len(ids))
		after = ids[len(ids)-1]
	}
}
