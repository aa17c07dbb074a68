package postgis

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
)

// Publication returns the body published under key, from the primary (a
// replica may not have it yet).
func (s *Store) Publication(ctx context.Context, key string) ([]byte, bool, error) {
	var body []byte
	err := s.pool.QueryRow(ctx, "SELECT body FROM publications WHERE key = $1", key).Scan(&body)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, wrap("publication", err)
	}
	return body, true, nil
}

// Publish stores body under key unless one is there, and returns the body
// stored (one statement: two servers publishing at once agree on the first).
func (s *Store) Publish(ctx context.Context, key string, body []byte) ([]byte, error) {
	var stored []byte
	for try := 1; ; try++ {
		err := s.pool.QueryRow(ctx, `
			WITH ins AS (INSERT INTO publications (key, body) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING body)
			SELECT body FROM ins UNION ALL SELECT body FROM publications WHERE key = $1 LIMIT 1`, key, body).Scan(&stored)
		if errors.Is(err, pgx.ErrNoRows) && try < 3 {
			// Another publisher committed the key after this statement's
			// snapshot was taken: the insert met its row and did nothing,
			// and the select, reading the snapshot, could not see it. The
			// next statement's snapshot does.
			continue
		}
		if err != nil {
			return nil, wrap("publish", err)
		}
		return stored, nil
	}
}
