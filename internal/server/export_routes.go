package server

import (
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"minqing/export"
	"minqing/layers"
	"minqing/query/selection"
)

// exportRoutes serves GET /export/{layer}.geojson|.csv|.kml: the whole
// selection (same filters as OGC items, no limit) as a download, streamed.
func (s *Server) exportRoutes(e *echo.Echo) {
	e.GET("/export/:file", s.exportLayer)
}

func (s *Server) exportLayer(c echo.Context) error {
	file := c.Param("file")
	ext := path.Ext(file)
	format, err := export.ParseFormat(ext)
	if err != nil || ext == "" || ext == ".json" {
		return notFound("exports are served as /export/{layer}.geojson, .csv or .kml")
	}
	l, err := s.layerFor(c, strings.TrimSuffix(file, ext))
	if err != nil {
		return err
	}
	role := roleOf(c)
	q, opts, err := selection.Export(c.QueryParams(), l, role, format, time.Now())
	if err != nil {
		return err
	}
	opts.Layer = l
	opts.Columns = q.Columns(l)
	w := c.Response()
	enc, err := export.NewEncoder(format, w, opts)
	if err != nil {
		return err
	}
	begin := func() error {
		h := w.Header()
		h.Set(echo.HeaderContentType, format.ContentType())
		h.Set(echo.HeaderContentDisposition, export.ContentDisposition(l, format, time.Now()))
		h.Set("Cache-Control", exportCacheControl(l, role))
		h.Add("Vary", "Authorization")
		w.WriteHeader(http.StatusOK)
		return enc.Begin()
	}
	if err := s.streamFeatures(c, l, q, begin, enc.Write); err != nil {
		return err
	}
	return enc.End()
}

// exportCacheControl lets caches keep a public export for the layer's
// CacheMaxAge; a staff export is for the caller's browser only.
func exportCacheControl(l *layers.Layer, role layers.Role) string {
	age := int(l.CacheMaxAge / time.Second)
	if age <= 0 {
		return "no-store"
	}
	scope := "public"
	if role != layers.Public {
		scope = "private"
	}
	return scope + ", max-age=" + strconv.Itoa(age)
}
