package server

import "github.com/labstack/echo/v4"

// routes registers every endpoint. Each group lives in its own file.
func (s *Server) routes(e *echo.Echo) {
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/layers", s.listLayers)
	e.GET("/layers/:file", s.layerGeoJSON)
	s.tileRoutes(e)
	s.ogcRoutes(e)
	s.exportRoutes(e)
	s.hotspotRoutes(e)
	s.importRoutes(e)
	s.intakeRoutes(e)
	s.open311Routes(e)
	s.rateRoutes(e)
	s.liveRoutes(e)
	s.staticRoutes(e)
}
