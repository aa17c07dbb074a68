package auth

import (
	"context"
	"errors"
	"strings"
	"testing"

	"minqing/layers"
)

type memStore map[string]layers.Token

func (m memStore) TokenByHash(_ context.Context, h string) (layers.Token, error) {
	t, ok := m[h]
	if !ok {
		return t, layers.ErrNotFound
	}
	return t, nil
}

func (m memStore) AddToken(_ context.Context, t layers.Token) error { m[t.Hash] = t; return nil }

func TestAddResolve(t *testing.T) {
	st := memStore{}
	secret, err := Add(context.Background(), st, "第一片区片长", layers.Staff)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, Prefix) || len(secret) < 40 {
		t.Errorf("secret %q too short or unprefixed", secret)
	}
	for h := range st {
		if h == secret || strings.Contains(h, secret[len(Prefix):]) {
			t.Error("the secret is stored in clear")
		}
	}
	other, _ := Add(context.Background(), st, "other", layers.Admin)
	if other == secret {
		t.Error("two tokens are equal")
	}
	tests := []struct {
		secret string
		role   layers.Role
		err    error
	}{
		{"", layers.Public, nil},
		{secret, layers.Staff, nil},
		{other, layers.Admin, nil},
		{secret + "x", layers.Public, ErrBadToken},
		{"mq_guess", layers.Public, ErrBadToken},
	}
	for _, tc := range tests {
		role, err := Resolve(context.Background(), st, tc.secret)
		if role != tc.role || !errors.Is(err, tc.err) {
			t.Errorf("Resolve(%.8q…) = %v, %v; want %v, %v", tc.secret, role, err, tc.role, tc.err)
		}
	}
	if _, err := Add(context.Background(), st, "  ", layers.Staff); err == nil {
		t.Error("a token without a name was accepted")
	}
}

func TestFromHeader(t *testing.T) {
	tests := map[string]string{
		"Bearer mq_abc":   "mq_abc",
		"bearer  mq_abc ": "mq_abc",
		"Basic dXNlcg==":  "",
		"Bearer":          "",
		"":                "",
	}
	for in, want := range tests {
		if got := FromHeader(in); got != want {
			t.Errorf("FromHeader(%q) = %q, want %q", in, got, want)
		}
	}
}
