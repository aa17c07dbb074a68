package gpkg

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"minqing/layers"
)

// AddToken stores a token's hash, name and role (and its creation time, when
// given, so that a copied token keeps it).
func (s *Store) AddToken(ctx context.Context, t layers.Token) error {
	var created any
	if !t.CreatedAt.IsZero() {
		created = formatDatetime(t.CreatedAt)
	}
	_, err := s.wdb.ExecContext(ctx, "INSERT INTO tokens (name, role, hash, created_at) VALUES (?1, ?2, ?3, coalesce(?4, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))",
		t.Name, t.Role.String(), t.Hash, created)
	return wrap("add token", err)
}

const tokenColumns = "id, name, role, hash, CAST(created_at AS TEXT)"

// scanToken reads one row of tokenColumns.
func scanToken(row interface{ Scan(...any) error }) (layers.Token, error) {
	var t layers.Token
	var role, created string
	if err := row.Scan(&t.ID, &t.Name, &role, &t.Hash, &created); err != nil {
		return t, err
	}
	r, err := layers.ParseRole(role)
	if err != nil {
		return t, err
	}
	t.Role = r
	ct, err := parseStoredTime(created)
	if err != nil {
		return t, fmt.Errorf("token %d: %w", t.ID, err)
	}
	t.CreatedAt = ct.In(layers.Shanghai)
	return t, nil
}

// TokenByHash finds a token by the hash of its secret.
func (s *Store) TokenByHash(ctx context.Context, hash string) (layers.Token, error) {
	t, err := scanToken(s.rdb.QueryRowContext(ctx, "SELECT "+tokenColumns+" FROM tokens WHERE hash = ?1", hash))
	if errors.Is(err, sql.ErrNoRows) {
		return t, fmt.Errorf("gpkg: token: %w", layers.ErrNotFound)
	}
	return t, wrap("token", err)
}

// Tokens lists every stored token.
func (s *Store) Tokens(ctx context.Context) ([]layers.Token, error) {
	rows, err := s.rdb.QueryContext(ctx, "SELECT "+tokenColumns+" FROM tokens ORDER BY id")
	if err != nil {
		return nil, wrap("tokens", err)
	}
	defer rows.Close()
	var out []layers.Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, wrap("tokens", err)
		}
		out = append(out, t)
	}
	return out, wrap("tokens", rows.Err())
}

// RevokeToken deletes a token so that it no longer opens anything.
func (s *Store) RevokeToken(ctx context.Context, id int64) error {
	out, err := s.wdb.ExecContext(ctx, "DELETE FROM tokens WHERE id = ?1", id)
	if err != nil {
		return wrap("revoke token", err)
	}
	if n, err := out.RowsAffected(); err != nil {
		return wrap("revoke token", err)
	} else if n == 0 {
		return fmt.Errorf("gpkg: token %d: %w", id, layers.ErrNotFound)
	}
	return nil
}
