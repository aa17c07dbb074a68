package server

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"

	"minqing/layers"
	"minqing/stores/postgis"
	"minqing/stores/storetest"
)

// TestKnownTokensCostNoRoundTrip: once a token is resolved, further
// requests with it read nothing from the store while the tokens are not
// written (the versions come from the watcher or the probe), and a revoke
// by another process closes it: at the next request on GeoPackage
// (data_version), as soon as its notification arrives on PostGIS. A token
// added by another process opens at once.
func TestKnownTokensCostNoRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		secret := token(t, src, layers.Staff)
		counted := &tokenLookups{Source: src}
		s := newTestServer(t, counted)
		other := secondWriter(t, src)
		st := s.ext.tiles
		_, isPG := src.(*postgis.Store)
		if isPG {
			waitUntil(t, "the version listener is up", st.versions.Watched)
		}
		if rec := get(t, s, "/layers", secret); rec.Code != http.StatusOK {
			t.Fatalf("staff token: %d %s", rec.Code, rec.Body)
		}
		reads, lookups := st.versions.Reads(), counted.n.Load()
		for range 20 {
			if rec := get(t, s, "/layers", secret); rec.Code != http.StatusOK {
				t.Fatalf("staff token: %d %s", rec.Code, rec.Body)
			}
		}
		if n := st.versions.Reads() - reads; n != 0 {
			t.Errorf("20 requests with a known token read the versions %d times, want 0", n)
		}
		if n := counted.n.Load() - lookups; n != 0 {
			t.Errorf("20 requests with a known token looked it up %d times, want 0", n)
		}

		// Another process adds a token: it opens at once.
		added := token(t, other, layers.Admin)
		if rec := get(t, s, "/layers", added); rec.Code != http.StatusOK {
			t.Errorf("a token another process just added: %d", rec.Code)
		}
		// Another process revokes the first: it stops opening.
		toks, err := other.Tokens(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		var id int64
		for _, tk := range toks {
			if tk.Role == layers.Staff {
				id = tk.ID
			}
		}
		if err := other.RevokeToken(t.Context(), id); err != nil {
			t.Fatal(err)
		}
		closed := func() bool { return get(t, s, "/layers", secret).Code == http.StatusUnauthorized }
		if isPG {
			waitUntil(t, "the revoked token is refused", closed)
		} else if !closed() {
			t.Error("the next request after another process revoked the token was let in")
		}
		if rec := get(t, s, "/layers", added); rec.Code != http.StatusOK {
			t.Errorf("the other token after a revoke: %d", rec.Code)
		}
	})
}

// tokenLookups is a store that counts its token lookups.
type tokenLookups struct {
	layers.Source
	n atomic.Int64
}

func (c *tokenLookups) TokenByHash(ctx context.Context, hash string) (layers.Token, error) {
	c.n.Add(1)
	return c.Source.TokenByHash(ctx, hash)
}

func (c *tokenLookups) Unwrap() layers.Source { return c.Source }
