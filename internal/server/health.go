package server

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// healthz answers while the process is up.
func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// readyTimeout bounds /readyz's ping: a store that cannot give a connection
// in this time is not ready.
const readyTimeout = 2 * time.Second

// readyz answers 200 when the store answers a ping within readyTimeout, 503
// (with Retry-After) when it does not.
func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), readyTimeout)
	defer cancel()
	if err := s.src.Ping(ctx); err != nil {
		s.outages.add("store not ready", err)
		c.Response().Header().Set("Retry-After", retryAfter)
		return c.JSON(http.StatusServiceUnavailable, apiError{Code: "unavailable", Message: "the data store cannot be reached"})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready", "store": s.src.Kind()})
}
