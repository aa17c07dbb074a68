package gpkg

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/paulmach/orb"

	"minqing/geo/hex"
	"minqing/layers"
)

// backfillBatch is how many rows one backfill transaction fills.
const backfillBatch = 10000

// backfillCells fills the exact H3 cells (layers.StoresCells) of rows in a
// file written before they were stored: migration 00002 adds the columns
// empty. Each batch is read, computed in Go and written in its own
// transaction, so an interrupted backfill keeps what it did and the next
// Open goes on from there; once every row has its cells it reads one empty
// partial index and does nothing. It returns how many rows it filled.
func (s *Store) backfillCells(ctx context.Context, db *sql.DB) (int64, error) {
	var total int64
	for _, l := range s.catalog.All() {
		if !layers.StoresCells(l) {
			continue
		}
		n, err := backfillLayer(ctx, db, l)
		total += n
		if err != nil {
			return total, fmt.Errorf("gpkg: fill H3 cells of %s in %s: %w", l.Name, s.path, err)
		}
	}
	return total, nil
}

func backfillLayer(ctx context.Context, db *sql.DB, l *layers.Layer) (int64, error) {
	cols := layers.ExactColumns()
	missing := make([]string, len(cols))
	sets := make([]string, len(cols))
	for i, c := range cols {
		missing[i] = ident(c) + " IS NULL"
		sets[i] = fmt.Sprintf("%s = ?%d", ident(c), i+2)
	}
	// The condition is the partial index's predicate, so the index serves it.
	pick := "SELECT id, geom FROM " + ident(l.Name) + " WHERE id > ?1 AND (" +
		strings.Join(missing, " OR ") + ") ORDER BY id LIMIT ?2"
	update := "UPDATE " + ident(l.Name) + " SET " + strings.Join(sets, ", ") + " WHERE id = ?1"
	var done, after int64
	for {
		batch, err := func() ([]cellRow, error) {
			rows, err := db.QueryContext(ctx, pick, after, backfillBatch)
			if err != nil {
				return nil, err
			}
			defer rows.Close()
			var out []cellRow
			for rows.Next() {
				var r cellRow
				var blob []byte
				if err := rows.Scan(&r.id, &blob); err != nil {
					return nil, err
				}
				g, err := Decode(blob)
				if err != nil {
					return nil, fmt.Errorf("row %d: %w", r.id, err)
				}
				p, ok := g.(orb.Point)
				if !ok {
					return nil, fmt.Errorf("row %d: geometry is not a point", r.id)
				}
				if r.cells, err = hex.ExactCells(p); err != nil {
					return nil, fmt.Errorf("row %d: %w", r.id, err)
				}
				out = append(out, r)
			}
			return out, rows.Err()
		}()
		if err != nil || len(batch) == 0 {
			return done, err
		}
		if err := writeCells(ctx, db, update, batch); err != nil {
			return done, err
		}
		done += int64(len(batch))
		after = batch[len(batch)-1].id
	}
}

// cellRow is one row's exact cells, to be stored.
type cellRow struct {
	id    int64
	cells [hex.ExactCount]hex.Cell
}

// writeCells stores one batch of cells in one transaction.
func writeCells(ctx context.Context, db *sql.DB, update string, batch []cellRow) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	st, err := tx.PrepareContext(ctx, update)
	if err != nil {
		return err
	}
	defer st.Close()
	args := make([]any, 0, hex.ExactCount+1)
	for _, r := range batch {
		args = append(args[:0], r.id)
		for _, c := range r.cells {
			args = append(args, c)
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("row %d: %w", r.id, err)
		}
	}
	if err := flushRollups(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
}
