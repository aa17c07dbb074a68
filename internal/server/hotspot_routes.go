package server

import "github.com/labstack/echo/v4"

// hotspotRoutes registers the hotspot endpoints:
//
//	GET /hotspots                        GeoJSON hexagons with count, z, p, class
//	GET /hotspots/summary                the top cells, their community and categories
//	GET /tiles/hotspots/{z}/{x}/{y}.mvt  the same hexagons as vector tiles
//	GET /tiles/hotspots.json             their TileJSON 3.0.0
//	GET /incidents/summary               published counts of an area by category
//	GET /layers/incident_counts.geojson  the published counts as hexagons (also /export/…)
//
// The two tile routes are static, so echo picks them over the tile engine's
// /tiles/{layers}/… parameter routes.
func (s *Server) hotspotRoutes(e *echo.Echo) {
	e.GET("/hotspots", s.hotspots)
	e.HEAD("/hotspots", s.hotspots)
	e.GET("/hotspots/summary", s.hotspotSummary)
	e.HEAD("/hotspots/summary", s.hotspotSummary)
	e.GET("/tiles/hotspots/:z/:x/:y", s.hotspotTile)
	e.HEAD("/tiles/hotspots/:z/:x/:y", s.hotspotTile)
	e.GET("/tiles/hotspots.json", s.hotspotTileJSON)
	e.HEAD("/tiles/hotspots.json", s.hotspotTileJSON)
	e.GET("/incidents/summary", s.incidentSummaryHandler)
	e.HEAD("/incidents/summary", s.incidentSummaryHandler)
	s.incidentCountsRoutes(e)
}
