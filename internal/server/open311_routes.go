package server

import "github.com/labstack/echo/v4"

// open311Routes registers Open311 GeoReport v2 under /open311/v2/.
func (s *Server) open311Routes(e *echo.Echo) {}
