package postgis

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"minqing/layers"
)

// AddToken stores a token's hash, name and role.
func (s *Store) AddToken(ctx context.Context, t layers.Token) error {
	_, err := s.pool.Exec(ctx, "INSERT INTO tokens (name, role, hash) VALUES ($1, $2, $3)", t.Name, t.Role.String(), t.Hash)
	return wrap("add token", err)
}

// TokenByHash finds a token by the hash of its secret.
func (s *Store) TokenByHash(ctx context.Context, hash string) (layers.Token, error) {
	var t layers.Token
	var role string
	err := s.pool.QueryRow(ctx, "SELECT id, name, role, hash, created_at FROM tokens WHERE hash = $1", hash).
		Scan(&t.ID, &t.Name, &role, &t.Hash, &t.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return t, fmt.Errorf("postgis: token: %w", layers.ErrNotFound)
	}
	if err != nil {
		return t, wrap("token", err)
	}
	t.Role, err = layers.ParseRole(role)
	return t, err
}

// Tokens lists every stored token.
func (s *Store) Tokens(ctx context.Context) ([]layers.Token, error) {
	rows, err := s.pool.Query(ctx, "SELECT id, name, role, hash, created_at FROM tokens ORDER BY id")
	if err != nil {
		return nil, wrap("tokens", err)
	}
	var out []layers.Token
	var t layers.Token
	var role string
	_, err = pgx.ForEachRow(rows, []any{&t.ID, &t.Name, &role, &t.Hash, &t.CreatedAt}, func() error {
		r, err := layers.ParseRole(role)
		if err != nil {
			return err
		}
		t.Role = r
		out = append(out, t)
		return nil
	})
	return out, wrap("tokens", err)
}

// Delete removes one feature; an incident's contact goes with it.
func (s *Store) Delete(ctx context.Context, l *layers.Layer, id int64) error {
	tag, err := s.pool.Exec(ctx, "DELETE FROM "+ident(l.Name)+" WHERE id = $1", id)
	if err != nil {
		return wrap("delete", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgis: %s %d: %w", l.Name, id, layers.ErrNotFound)
	}
	return nil
}

// RevokeToken deletes a token so that it no longer opens anything.
func (s *Store) RevokeToken(ctx context.Context, id int64) error {
	tag, err := s.pool.Exec(ctx, "DELETE FROM tokens WHERE id = $1", id)
	if err != nil {
		return wrap("revoke token", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgis: token %d: %w", id, layers.ErrNotFound)
	}
	return nil
}
