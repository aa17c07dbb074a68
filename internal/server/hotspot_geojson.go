package server

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"minqing/hotspot"
	"minqing/layers"
)

// hotspots answers GET /hotspots: one hexagon per cell of the street's area
// (and per cell with incidents outside it) at the asked resolution, with
// its count, Gi* z-score, p-value and class, and the trend fields when
// steps are asked; gzip-compressed for a client that accepts it.
func (s *Server) hotspots(c echo.Context) error {
	p, err := s.hotspotParams(c)
	if err != nil {
		return err
	}
	a, err := s.ext.hotspots.svc.Analyze(c.Request().Context(), p)
	if err != nil {
		return err
	}
	s.hotspotCacheControl(c)
	h := c.Response().Header()
	h.Add("Vary", "Accept-Encoding")
	if acceptsGzip(c.Request().Header.Get("Accept-Encoding")) {
		body, err := a.GeoJSONGzip()
		if err != nil {
			return err
		}
		h.Set("Content-Encoding", "gzip")
		return c.Blob(http.StatusOK, "application/geo+json", body)
	}
	body, err := a.GeoJSON()
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "application/geo+json", body)
}

// hotspotSummary answers GET /hotspots/summary?top=10&by=z: the analysis in
// figures and its top cells by z-score (or count) with the community their
// centre lies in and their main categories.
func (s *Server) hotspotSummary(c echo.Context) error {
	p, err := s.hotspotParams(c, "top", "by")
	if err != nil {
		return err
	}
	top, err := intParam(c.QueryParam("top"), "top", fmt.Sprintf("1 to %d", hotspot.MaxTop))
	if err != nil {
		return err
	}
	if _, given := c.QueryParams()["top"]; given && top == 0 {
		return badRequest("top", fmt.Sprintf("top must be from 1 to %d", hotspot.MaxTop))
	}
	sum, err := s.ext.hotspots.svc.Summarize(c.Request().Context(), p, top, c.QueryParam("by"))
	if err != nil {
		return err
	}
	s.hotspotCacheControl(c)
	return c.JSON(http.StatusOK, sum)
}

// hotspotCacheControl lets clients keep a hotspot answer as long as the
// incidents layer's tiles (private for a caller with a token).
func (s *Server) hotspotCacheControl(c echo.Context) {
	if l, ok := s.catalog.Lookup(hotspot.IncidentsLayer); ok {
		setTileCacheControl(c, []*layers.Layer{l}, roleOf(c))
	}
}
