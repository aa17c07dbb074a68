package auth

import (
	"context"
	"sync"

	"minqing/layers"
)

// Cache keeps the roles of the tokens it resolved while the store's tokens
// version (layers.TokensVersion) stays the same: a request with a known
// token then costs no round trip to the store, and any add or revoke
// empties the cache. Unknown tokens are never kept (they are asked of the
// store each time, as without a cache), and it holds at most MaxCached
// tokens. It is safe for concurrent use.
type Cache struct {
	mu      sync.Mutex
	version int64
	roles   map[string]layers.Role // by hash, valid at version
}

// MaxCached is the most tokens a Cache keeps; past it, it starts afresh.
const MaxCached = 10_000

// Resolve is the package's Resolve through the cache. versions are the
// store's versions as read for this request (a map without
// layers.TokensVersion, or nil, bypasses the cache).
func (c *Cache) Resolve(ctx context.Context, store TokenStore, versions map[string]int64, secret string) (layers.Role, error) {
	if secret == "" {
		return layers.Public, nil
	}
	v, ok := versions[layers.TokensVersion]
	if !ok {
		return Resolve(ctx, store, secret)
	}
	h := Hash(secret)
	c.mu.Lock()
	if c.roles == nil || c.version != v {
		c.roles, c.version = map[string]layers.Role{}, v
	}
	role, hit := c.roles[h]
	c.mu.Unlock()
	if hit {
		return role, nil
	}
	t, err := store.TokenByHash(ctx, h)
	if err != nil {
		return tokenRole(t, err)
	}
	c.mu.Lock()
	// Kept only under the version read before the lookup: a token revoked
	// since has a later version, which empties the cache at the next
	// request that reads it.
	if c.version == v {
		if len(c.roles) >= MaxCached {
			c.roles = map[string]layers.Role{}
		}
		c.roles[h] = t.Role
	}
	c.mu.Unlock()
	return t.Role, nil
}
