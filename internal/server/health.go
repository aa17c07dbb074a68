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

// readyz answers 200 when the store is reachable, 503 when it is not.
func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 3*time.Second)
	defer cancel()
	if err := s.src.Ping(ctx); err != nil {
		s.log.Warn("store not ready", "err", err)
		return c.JSON(http.StatusServiceUnavailable, apiError{Code: "unavailable", Message: "the data store cannot be reached"})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready", "store": s.src.Kind()})
}
