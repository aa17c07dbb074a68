package server

import "github.com/labstack/echo/v4"

// importRoutes registers POST /import/{layer}: an admin uploads a GeoJSON,
// CSV or KML file (multipart field "file", or the raw body) and gets the
// import report as JSON — 200 when written (or a clean dry run), 422 when
// rows were rejected and nothing was written.
//
// Access: a layer the caller may not see is a 404, as on every endpoint (a
// staff-only layer does not exist for the public). For a visible layer, a
// caller without a token gets 401 and a staff token 403: only admins import.
func (s *Server) importRoutes(e *echo.Echo) {
	e.POST("/import/:layer", s.importLayer)
	s.importPreviewRoutes(e)
}
