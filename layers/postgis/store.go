package postgis

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"minqing/layers"
)

// Store is a layers.Source backed by PostGIS.
type Store struct {
	pool    *pgxpool.Pool
	catalog *layers.Catalog
}

// Open connects to the database at url (a postgres:// URL or DSN). It does not
// migrate; call Migrate.
func Open(ctx context.Context, url string, catalog *layers.Catalog) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgis: database url: %w", err)
	}
	// Dates are Beijing days: comparing a date column with a timestamptz
	// (a datetime filter, a CQL2 DATE) must read the date in Asia/Shanghai,
	// as the GeoPackage store does.
	cfg.ConnConfig.RuntimeParams["timezone"] = "Asia/Shanghai"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgis: connect: %w", err)
	}
	return &Store{pool: pool, catalog: catalog}, nil
}

// Pool exposes the connection pool (for tests and tools).
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Kind returns "postgis".
func (s *Store) Kind() string { return "postgis" }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("postgis: ping: %w: %w", layers.ErrUnavailable, err)
	}
	return nil
}

// Close closes the pool.
func (s *Store) Close() error { s.pool.Close(); return nil }

// wrap adds the operation to an error, and marks a failure to reach the
// database as layers.ErrUnavailable.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return fmt.Errorf("postgis: %s: %w: %w", op, layers.ErrUnavailable, err)
	}
	return fmt.Errorf("postgis: %s: %w", op, err)
}

var _ layers.Source = (*Store)(nil)
