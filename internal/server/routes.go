package server

import "github.com/labstack/echo/v4"

// routes registers every endpoint (HEAD is answered wherever GET is, by
// headAsGet). Each group lives in its own file.
func (s *Server) routes(e *echo.Echo) {
	if !s.cfg.NoMetrics {
		e.GET("/metrics", s.metrics.handler())
	}
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
	s.basemapRoutes(e) // basemap.go
	s.qrRoutes(e)      // qr.go
	s.staticRoutes(e)
}
