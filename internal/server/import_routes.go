package server

import "github.com/labstack/echo/v4"

func (s *Server) importRoutes(e *echo.Echo) {}
