package server

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"minqing/hotspot"
	"minqing/layers"
	"minqing/tiles"
)

// hotspotTile answers GET /tiles/hotspots/{z}/{x}/{y}.mvt: the hexagons of
// the analysis the query selects that touch the tile, as the MVT layer
// "hotspots". Without ?res= the resolution follows the zoom
// (hotspot.ResForZoom: z ≤ 12 → 7 … z ≥ 16 → 11, always 9 for the public).
// An empty tile is 204, as for the other layers.
func (s *Server) hotspotTile(c echo.Context) error {
	z, x, y, err := parseZXY(c.Param("z"), c.Param("x"), c.Param("y"))
	if err != nil {
		return err
	}
	p, err := s.hotspotParams(c)
	if err != nil {
		return err
	}
	if c.QueryParam("res") == "" {
		p.Res = hotspot.ResForZoom(z, roleOf(c))
	}
	a, err := s.ext.hotspots.svc.Analyze(c.Request().Context(), p)
	if err != nil {
		return err
	}
	s.hotspotCacheControl(c)
	cache := s.ext.tiles.cache
	key := fmt.Sprintf("hotspots/%d/%d/%d|%s", z, x, y, a.Key)
	e, ok := cache.Get(key, nil)
	if !ok {
		body, err := a.Tile(maptile.New(uint32(x), uint32(y), maptile.Zoom(z)), s.cfg.TileBuffer)
		if err != nil {
			return err
		}
		e = cache.Put(key, nil, body)
	}
	return sendTile(c, cache, e)
}

// hotspotTileJSON answers GET /tiles/hotspots.json: the TileJSON 3.0.0 of
// the hotspot tiles, whose tile URL carries the request's parameters (never
// its ?token=: the web map sends its Authorization header itself).
func (s *Server) hotspotTileJSON(c echo.Context) error {
	if _, err := s.hotspotParams(c); err != nil {
		return err
	}
	q := url.Values{}
	for k, vs := range c.QueryParams() {
		q[k] = vs
	}
	q.Del("token")
	tileURL := s.tileBase(c) + "/tiles/hotspots/{z}/{x}/{y}.mvt"
	if len(q) > 0 {
		tileURL += "?" + q.Encode()
	}
	bounds, err := s.hotspotBounds(c)
	if err != nil {
		return err
	}
	fields := map[string]string{}
	for _, f := range hotspot.Fields() {
		fields[f.Name] = tileFieldType(f.Type)
	}
	ctr := bounds.Center()
	tj := tiles.TileJSON{
		TileJSON:    "3.0.0",
		Name:        "hotspots",
		Description: "民情图 · 丰台街道: 诉求热点 — incident hotspots, Getis-Ord Gi* over H3 cells",
		Version:     "1.0.0",
		Attribution: "丰台街道 民情图 (demo data are synthetic)",
		Scheme:      "xyz",
		Tiles:       []string{tileURL},
		MinZoom:     hotspotMinZoom,
		MaxZoom:     hotspotMaxZoom,
		Bounds:      [4]float64{bounds.Min[0], bounds.Min[1], bounds.Max[0], bounds.Max[1]},
		Center:      [3]float64{ctr[0], ctr[1], 14},
		VectorLayers: []tiles.VectorLayer{{
			ID: hotspot.TileLayer,
			Description: "One hexagon per H3 cell of the street's area, resolution from the zoom unless ?res= " +
				"(z≤12→7, 13→8, 14→9, 15→10, ≥16→11; always 9 for the public), with its incident count, " +
				"Gi* z-score, p-value and hot/cold class; for the public, counts are sums of the published monthly atoms (docs/privacy.md)",
			MinZoom: hotspotMinZoom, MaxZoom: hotspotMaxZoom, Fields: fields,
		}},
	}
	c.Response().Header().Set("Cache-Control", "no-cache")
	return c.JSON(http.StatusOK, tj)
}

// hotspotBounds is the extent of the street's area (patches or
// communities), else of the incidents, else the whole world.
func (s *Server) hotspotBounds(c echo.Context) (orb.Bound, error) {
	for _, name := range []string{"patches", "communities", hotspot.IncidentsLayer} {
		l, ok := s.catalog.Lookup(name)
		if !ok {
			continue
		}
		b, err := s.src.Extent(c.Request().Context(), l)
		if err != nil {
			return orb.Bound{}, err
		}
		if b != (orb.Bound{}) {
			return b, nil
		}
	}
	return orb.Bound{Min: orb.Point{-180, -85.051129}, Max: orb.Point{180, 85.051129}}, nil
}

// tileFieldType names a field's type as TileJSON does.
func tileFieldType(t layers.FieldType) string {
	switch t {
	case layers.Int, layers.Float:
		return "Number"
	case layers.Bool:
		return "Boolean"
	}
	return "String"
}
