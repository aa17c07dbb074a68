package postgis

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// smallRead is the most rows a read may ask for (its LIMIT) to run without
// parallel workers: a tile's points, an OGC API page.
const smallRead = 10000

// read runs sql on a reader and passes its rows to each. A small read
// (see smallRead, and a tile rendered in SQL) runs without parallel
// workers, in a read-only transaction sent with it in one round trip:
// PostgreSQL would plan a bitmap scan of a few thousand rows with two
// workers, whose start costs a tile more than they save and whose cores a
// busy server's other requests need (pgbench, eight clients on two cores,
// the SQL of a dense z17 tile at 1M: 15 tiles/s with them, 47 without).
func (s *Store) read(ctx context.Context, small bool, sql string, args []any, each func(pgx.Rows) error) error {
	if !small {
		rows, err := s.reader().Query(ctx, sql, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		return each(rows)
	}
	b := &pgx.Batch{}
	b.Queue("BEGIN READ ONLY")
	b.Queue("SET LOCAL max_parallel_workers_per_gather = 0")
	b.Queue(sql, args...)
	b.Queue("COMMIT")
	br := s.reader().SendBatch(ctx, b)
	err := func() error {
		for range 2 {
			if _, err := br.Exec(); err != nil {
				return err
			}
		}
		rows, err := br.Query()
		if err != nil {
			return err
		}
		defer rows.Close()
		if err := each(rows); err != nil {
			return err
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		_, err = br.Exec()
		return err
	}()
	// Closing the batch reads what is left of it; a connection left in
	// the transaction (an error above) is not reused by the pool.
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return err
}
