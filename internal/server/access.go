package server

import (
	"github.com/labstack/echo/v4"

	"minqing/internal/auth"
	"minqing/layers"
)

const roleKey = "minqing.role"

// authenticate sets the caller's role from "Authorization: Bearer …" or
// "?token=…" (for map clients that cannot set headers). No token: public.
// Resolved tokens are kept while the tokens' version stays (auth.Cache).
// The probes (/healthz, /readyz) and /metrics never authenticate: a revoked
// token must not make a health check fail.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		switch c.Path() {
		case "/healthz", "/readyz", "/metrics":
			c.Set(roleKey, layers.Public)
			return next(c)
		}
		secret := auth.FromHeader(c.Request().Header.Get("Authorization"))
		if secret == "" {
			secret = c.QueryParam("token")
		}
		var versions map[string]int64
		if secret != "" {
			// The versions the tiles read (from memory while a watcher or
			// probe says nothing changed): a known token costs no round
			// trip until the tokens are written.
			v, err := s.ext.tiles.versions.Get(c.Request().Context())
			if err != nil {
				return err
			}
			versions = v
		}
		role, err := s.ext.tokens.Resolve(c.Request().Context(), s.src, versions, secret)
		if err != nil {
			if c.Request().ContentLength != 0 {
				// A refused upload: close the connection rather than let
				// the server drain a body nobody will read.
				c.Response().Header().Set(echo.HeaderConnection, "close")
			}
			return err
		}
		c.Set(roleKey, role)
		return next(c)
	}
}

// roleOf returns the caller's role.
func roleOf(c echo.Context) layers.Role {
	r, _ := c.Get(roleKey).(layers.Role)
	return r
}

// layerFor returns the named layer if the caller may see it; a staff layer is
// a plain 404 to the public, so its existence is not confirmed.
func (s *Server) layerFor(c echo.Context, name string) (*layers.Layer, error) {
	l, err := s.rawLayer(name, roleOf(c)) // incidents: aggregates only for the public (public_incidents.go)
	if err != nil {
		return nil, notFound("no layer named " + quote(name) + ": see /layers")
	}
	return l, nil
}

func quote(s string) string { return "\"" + s + "\"" }
