package server

import "github.com/labstack/echo/v4"

// tileRoutes registers the vector tile endpoints:
//
//	GET /tiles/{layers}/{z}/{x}/{y}.mvt   one tile (.pbf also answers)
//	GET /tiles/{layers}.json              TileJSON 3.0.0
//
// {layers} is one layer or a comma-separated list (at most 8). Static routes
// under /tiles (the hotspot tiles) take precedence over these.
func (s *Server) tileRoutes(e *echo.Echo) {
	e.GET("/tiles/:layers/:z/:x/:y", s.tile)
	e.HEAD("/tiles/:layers/:z/:x/:y", s.tile)
	e.GET("/tiles/:file", s.tileJSON)
	e.HEAD("/tiles/:file", s.tileJSON)
}
