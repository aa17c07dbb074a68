package postgis

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrate brings the schema up to date with the migrations embedded in the
// binary, and returns how many it applied. It then fills in Go what a
// migration cannot compute in SQL: the exact H3 cells of rows written
// before they were stored (see backfillCells); that step is idempotent and
// does nothing once every row has them.
func (s *Store) Migrate(ctx context.Context) (int, error) {
	db := stdlib.OpenDBFromPool(s.pool)
	defer db.Close()
	p, err := provider(db)
	if err != nil {
		return 0, err
	}
	res, err := p.Up(ctx)
	if err != nil {
		return 0, fmt.Errorf("postgis: migrate: %w", err)
	}
	if _, err := s.backfillCells(ctx); err != nil {
		return len(res), err
	}
	return len(res), nil
}

// provider is the goose provider of the embedded migrations over db.
func provider(db *sql.DB) (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, fmt.Errorf("postgis: migrations: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, sub)
	if err != nil {
		return nil, fmt.Errorf("postgis: migrations: %w", err)
	}
	return p, nil
}
