package gpkg

import (
	"context"
	"database/sql"
	"errors"
)

// Publication returns the body published under key.
func (s *Store) Publication(ctx context.Context, key string) ([]byte, bool, error) {
	var body []byte
	err := s.rdb.QueryRowContext(ctx, "SELECT body FROM publications WHERE key = ?1", key).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, wrap("publication", err)
	}
	return body, true, nil
}

// Publish stores body under key unless one is there, and returns the body
// stored (the write connection serializes publishers).
func (s *Store) Publish(ctx context.Context, key string, body []byte) ([]byte, error) {
	if _, err := s.wdb.ExecContext(ctx, "INSERT INTO publications (key, body) VALUES (?1, ?2) ON CONFLICT (key) DO NOTHING", key, body); err != nil {
		return nil, wrap("publish", err)
	}
	var stored []byte
	if err := s.wdb.QueryRowContext(ctx, "SELECT body FROM publications WHERE key = ?1", key).Scan(&stored); err != nil {
		return nil, wrap("publish", err)
	}
	return stored, nil
}
