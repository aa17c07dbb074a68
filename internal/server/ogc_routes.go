package server

import "github.com/labstack/echo/v4"

// ogcRoutes serves OGC API – Features (Part 1 Core and GeoJSON, Part 3
// filtering with CQL2 text) under /ogc. Every document is built from the
// catalog for the caller's role: a staff-only layer does not exist for the
// public.
func (s *Server) ogcRoutes(e *echo.Echo) {
	e.GET("/ogc", s.ogcLanding)
	e.GET("/ogc/", s.ogcLanding)
	e.GET("/ogc/conformance", s.ogcConformance)
	e.GET("/ogc/api", s.ogcAPI)
	e.GET("/ogc/collections", s.ogcCollections)
	e.GET("/ogc/collections/:layer", s.ogcCollection)
	e.GET("/ogc/collections/:layer/queryables", s.ogcQueryables)
	e.GET("/ogc/collections/:layer/items", s.ogcItems)
	e.GET("/ogc/collections/:layer/items/:id", s.ogcItem)
}
