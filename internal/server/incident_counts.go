package server

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"minqing/export"
	"minqing/geo/hex"
	"minqing/layers"
	"minqing/query/selection"
)

// incidentCountsLayer describes the published incident counts as a layer
// of hexagons, for the GeoJSON and export encoders.
func incidentCountsLayer() *layers.Layer {
	return &layers.Layer{
		Name: "incident_counts", TitleZH: "诉求网格统计", TitleEN: "Published incident counts per H3 cell",
		Geometry: "Polygon", Access: layers.Public, Fields: aggregateFields(),
	}
}

// incidentCountsRoutes registers the published counts as hexagons:
//
//	GET /layers/incident_counts.geojson
//	GET /export/incident_counts.geojson|.csv|.kml
//
// They are static routes, so echo picks them over /layers/:file and
// /export/:file.
func (s *Server) incidentCountsRoutes(e *echo.Echo) {
	e.GET("/layers/incident_counts.geojson", s.incidentCounts)
	for _, ext := range []string{".geojson", ".csv", ".kml"} {
		e.GET("/export/incident_counts"+ext, s.incidentCounts)
	}
}

// incidentCounts answers the incident_counts routes: one hexagon per
// published res-9 cell with incidents in the window (whole months;
// category or source; community or patch), with its count or suppressed,
// and partial — sums of the published atoms, the same for every caller.
func (s *Server) incidentCounts(c echo.Context) error {
	path := c.Request().URL.Path
	format := export.GeoJSON
	if strings.HasPrefix(path, "/export/") {
		f, err := export.ParseFormat(path[strings.LastIndexByte(path, '.'):])
		if err != nil {
			return notFound("exports are served as /export/{layer}.geojson, .csv or .kml")
		}
		format = f
	}
	if err := selection.Check(c.QueryParams(), nil, roleOf(c), "datetime", "category", "source", "status", "community", "patch", "headers"); err != nil {
		return err
	}
	headers, err := export.ParseHeaders(c.QueryParam("headers"))
	if err != nil {
		return badRequest("headers", err.Error())
	}
	ctx := c.Request().Context()
	pq, err := s.parsePublicQuery(ctx, c.QueryParams(), true)
	if err != nil {
		return err
	}
	sums, _, err := s.publicSums(ctx, pq)
	if err != nil {
		return err
	}
	cells := make([]hex.Cell, 0, len(sums))
	for cell := range sums {
		cells = append(cells, cell)
	}
	slices.Sort(cells)

	l := incidentCountsLayer()
	w := c.Response()
	enc, err := export.NewEncoder(format, w, export.Options{Layer: l, Columns: l.Fields, Headers: headers})
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set(echo.HeaderContentType, format.ContentType())
	if strings.HasPrefix(path, "/export/") {
		h.Set(echo.HeaderContentDisposition, export.ContentDisposition(l, format, time.Now()))
	}
	s.hotspotCacheControl(c)
	w.WriteHeader(http.StatusOK)
	if err := enc.Begin(); err != nil {
		return err
	}
	for i, cell := range cells {
		// The id is the rank: a cell index is beyond JavaScript's exact
		// integers, and is in h3 as text.
		f := &layers.Feature{ID: int64(i + 1), Geometry: hex.Boundary(cell), Props: cellProps(cell, sums[cell])}
		if err := enc.Write(f); err != nil {
			return err
		}
	}
	return enc.End()
}
