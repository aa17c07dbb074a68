package server

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"

	"minqing/layers"
	"minqing/query/selection"
	"minqing/tiles"
)

// tileJSON answers GET /tiles/{layers}.json: the TileJSON 3.0.0 document of
// those layers, whose tile URL carries the request's filters. A ?token= is
// never copied into it: the web map adds its Authorization header to every
// request for this origin (MapLibre's transformRequest).
func (s *Server) tileJSON(c echo.Context) error {
	names, ok := strings.CutSuffix(c.Param("file"), ".json")
	if !ok {
		return notFound("tiles are /tiles/{layers}/{z}/{x}/{y}.mvt and their TileJSON /tiles/{layers}.json")
	}
	role := roleOf(c)
	list, err := splitTileLayers(names)
	if err != nil {
		return err
	}
	ls, err := s.tileLayers(role, list)
	if err != nil {
		return err
	}
	if err := selection.Check(c.QueryParams(), nil, role, tileFilterParams()...); err != nil {
		return err
	}
	if _, _, err := tileFilters(c.QueryParams(), ls, role); err != nil {
		return err
	}
	ctx := c.Request().Context()
	var bounds orb.Bound
	have := false
	for _, l := range ls {
		b, err := s.tileExtent(ctx, l) // the street's, for the public incidents (public_tile.go)
		if err != nil {
			return err
		}
		if b == (orb.Bound{}) {
			continue
		}
		if have {
			bounds = bounds.Union(b)
		} else {
			bounds, have = b, true
		}
	}
	q := url.Values{}
	for _, k := range tileFilterParams() {
		if vs, ok := c.QueryParams()[k]; ok {
			q[k] = vs
		}
	}
	tileURL := s.tileBase(c) + "/tiles/" + strings.Join(list, ",") + "/{z}/{x}/{y}.mvt"
	if len(q) > 0 {
		// Encode keeps {z}/{x}/{y} intact: they are in the path, not the query.
		tileURL += "?" + q.Encode()
	}
	if static := staticTilesTemplate(s.cfg.TilesBaseURL); static != "" && role == layers.Public && len(q) == 0 {
		// The public's unfiltered tiles are static files (minqing pmtiles)
		// behind a CDN: the same bytes, without this server.
		tileURL = static
	}
	tj := tiles.NewTileJSON(ls, tiles.TileJSONOptions{TileURL: tileURL, Role: role, Bounds: bounds,
		Attribution: "丰台街道 民情图 (demo data are synthetic)"})
	c.Response().Header().Set("Cache-Control", "no-cache")
	return c.JSON(http.StatusOK, tj)
}

// tileBase returns the server's external URL: Config.BaseURL when set, else
// the request's scheme and host (honouring X-Forwarded-Proto and
// X-Forwarded-Host from a reverse proxy).
func (s *Server) tileBase(c echo.Context) string {
	if s.cfg.BaseURL != "" {
		return strings.TrimRight(s.cfg.BaseURL, "/")
	}
	req := c.Request()
	host := req.Host
	if fh := req.Header.Get("X-Forwarded-Host"); fh != "" {
		host = strings.TrimSpace(strings.Split(fh, ",")[0])
	}
	scheme := strings.TrimSpace(strings.Split(c.Scheme(), ",")[0])
	if scheme != "https" {
		scheme = "http"
	}
	return scheme + "://" + host
}
