// Package auth issues access tokens and maps a request's token to a role.
//
// A token is 32 random bytes, shown once as "mq_" + base64url; only its
// SHA-256 hash is stored. Requests without a token are public.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"minqing/layers"
)

// Prefix starts every token, so that a leaked one is easy to recognise.
const Prefix = "mq_"

// ErrBadToken means a token was given but is not known.
var ErrBadToken = errors.New("auth: unknown or revoked token")

// New makes a random token and returns the secret (to show once) and the
// hash (to store).
func New() (secret, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("auth: random: %w", err)
	}
	secret = Prefix + base64.RawURLEncoding.EncodeToString(b)
	return secret, Hash(secret), nil
}

// Hash returns the stored form of a secret.
func Hash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// TokenStore finds tokens by hash; every layers.Source is one.
type TokenStore interface {
	TokenByHash(ctx context.Context, hash string) (layers.Token, error)
}

// Add creates a token for name with role in store and returns its secret.
func Add(ctx context.Context, store interface {
	AddToken(context.Context, layers.Token) error
}, name string, role layers.Role) (string, error) {
	if strings.TrimSpace(name) == "" {
		return "", errors.New("auth: a token needs a name (who or what it is for)")
	}
	secret, hash, err := New()
	if err != nil {
		return "", err
	}
	if err := store.AddToken(ctx, layers.Token{Name: name, Role: role, Hash: hash}); err != nil {
		return "", fmt.Errorf("auth: store token: %w", err)
	}
	return secret, nil
}

// Resolve maps a presented secret to a role: "" is public; an unknown
// secret is ErrBadToken (never silently public, so a typo is noticed).
func Resolve(ctx context.Context, store TokenStore, secret string) (layers.Role, error) {
	if secret == "" {
		return layers.Public, nil
	}
	return tokenRole(store.TokenByHash(ctx, Hash(secret)))
}

// tokenRole is the role of a token looked up by hash: ErrBadToken when
// the store knows no such token.
func tokenRole(t layers.Token, err error) (layers.Role, error) {
	if errors.Is(err, layers.ErrNotFound) {
		return layers.Public, ErrBadToken
	}
	if err != nil {
		return layers.Public, err
	}
	return t.Role, nil
}

// FromHeader extracts the secret from an Authorization header value
// ("Bearer mq_…"), or "" when there is none.
func FromHeader(h string) string {
	const bearer = "bearer "
	if len(h) > len(bearer) && strings.EqualFold(h[:len(bearer)], bearer) {
		return strings.TrimSpace(h[len(bearer):])
	}
	return ""
}
