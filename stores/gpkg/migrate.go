package gpkg

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrate brings the schema up to date with the migrations embedded in the
// binary and returns how many it applied. Open calls it. It then fills in
// Go what SQL cannot compute: the exact H3 cells of rows written by an
// earlier release (see backfillCells), idempotently.
func (s *Store) Migrate(ctx context.Context) (int, error) {
	// goose may hold a transaction and query beside it, which the
	// one-connection write pool cannot do: it gets a pool of its own.
	db, err := openDB(s.path, true)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(2)
	p, err := provider(db)
	if err != nil {
		return 0, err
	}
	res, err := p.Up(ctx)
	if err != nil {
		return 0, fmt.Errorf("gpkg: migrate %s: %w", s.path, err)
	}
	if _, err := s.backfillCells(ctx, db); err != nil {
		return len(res), err
	}
	// Migration 00004 leaves the existing rows in the rollups' delta.
	if err := flushRollups(ctx, db); err != nil {
		return len(res), fmt.Errorf("gpkg: migrate %s: %w", s.path, err)
	}
	return len(res), nil
}

// provider is the goose provider of the embedded migrations over db.
func provider(db *sql.DB) (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, fmt.Errorf("gpkg: migrations: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, sub)
	if err != nil {
		return nil, fmt.Errorf("gpkg: migrations: %w", err)
	}
	return p, nil
}
