package auth

import (
	"context"
	"errors"
	"testing"

	"minqing/layers"
)

// countingStore is a memStore that counts its lookups and can fail.
type countingStore struct {
	memStore
	lookups int
	err     error
}

func (c *countingStore) TokenByHash(ctx context.Context, h string) (layers.Token, error) {
	c.lookups++
	if c.err != nil {
		return layers.Token{}, c.err
	}
	return c.memStore.TokenByHash(ctx, h)
}

func TestCache(t *testing.T) {
	ctx := context.Background()
	down := errors.New("store down")
	at := func(v int64) map[string]int64 { return map[string]int64{layers.TokensVersion: v, "incidents": 7} }
	type step struct {
		versions map[string]int64
		secret   string // "staff", "admin", "bad" or ""
		revoke   string // revoke this token before the step
		fail     bool   // the store fails this step
		role     layers.Role
		err      error
		lookups  int // the store's lookups after the step
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"a known token is looked up once per version", []step{
			{versions: at(1), secret: "staff", role: layers.Staff, lookups: 1},
			{versions: at(1), secret: "staff", role: layers.Staff, lookups: 1},
			{versions: at(1), secret: "admin", role: layers.Admin, lookups: 2},
			{versions: at(1), secret: "admin", role: layers.Admin, lookups: 2},
		}},
		{"a new version drops every token", []step{
			{versions: at(1), secret: "staff", role: layers.Staff, lookups: 1},
			{versions: at(2), secret: "staff", role: layers.Staff, lookups: 2},
			{versions: at(2), secret: "staff", role: layers.Staff, lookups: 2},
		}},
		{"a revoked token opens nothing at the revoke's version", []step{
			{versions: at(1), secret: "staff", role: layers.Staff, lookups: 1},
			{versions: at(2), secret: "staff", revoke: "staff", err: ErrBadToken, lookups: 2},
			{versions: at(2), secret: "staff", err: ErrBadToken, lookups: 3},
		}},
		{"unknown tokens are never kept", []step{
			{versions: at(1), secret: "bad", err: ErrBadToken, lookups: 1},
			{versions: at(1), secret: "bad", err: ErrBadToken, lookups: 2},
		}},
		{"a failed lookup is an error, not kept", []step{
			{versions: at(1), secret: "staff", fail: true, err: down, lookups: 1},
			{versions: at(1), secret: "staff", role: layers.Staff, lookups: 2},
		}},
		{"no tokens version: no cache", []step{
			{versions: map[string]int64{"incidents": 1}, secret: "staff", role: layers.Staff, lookups: 1},
			{versions: nil, secret: "staff", role: layers.Staff, lookups: 2},
		}},
		{"no token is public without a lookup", []step{
			{versions: at(1), secret: "", role: layers.Public, lookups: 0},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := &countingStore{memStore: memStore{}}
			secrets := map[string]string{"staff": "mq_staff-secret", "admin": "mq_admin-secret", "bad": "mq_unknown"}
			st.memStore[Hash(secrets["staff"])] = layers.Token{Role: layers.Staff, Hash: Hash(secrets["staff"])}
			st.memStore[Hash(secrets["admin"])] = layers.Token{Role: layers.Admin, Hash: Hash(secrets["admin"])}
			c := &Cache{}
			for i, s := range tc.steps {
				if s.revoke != "" {
					delete(st.memStore, Hash(secrets[s.revoke]))
				}
				st.err = nil
				if s.fail {
					st.err = down
				}
				role, err := c.Resolve(ctx, st, s.versions, secrets[s.secret])
				if !errors.Is(err, s.err) || role != s.role {
					t.Errorf("step %d: %v, %v; want %v, %v", i, role, err, s.role, s.err)
				}
				if st.lookups != s.lookups {
					t.Errorf("step %d: %d lookups, want %d", i, st.lookups, s.lookups)
				}
			}
		})
	}
}

// TestCacheIsBounded: past MaxCached tokens the cache starts afresh
// instead of growing.
func TestCacheIsBounded(t *testing.T) {
	st := memStore{}
	c := &Cache{}
	v := map[string]int64{layers.TokensVersion: 1}
	for i := range MaxCached + 10 {
		secret := "mq_" + string(rune('a'+i%26)) + string(rune(i))
		st[Hash(secret)] = layers.Token{Role: layers.Staff}
		if _, err := c.Resolve(context.Background(), st, v, secret); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(c.roles); n > MaxCached || n == 0 {
		t.Errorf("%d tokens kept, want 1 to %d", n, MaxCached)
	}
}
