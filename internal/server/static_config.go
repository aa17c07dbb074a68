package server

import (
	"net/http"
	"runtime/debug"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"

	"minqing/layers"
	"minqing/query/selection"
)

// fengtaiBound is where 丰台街道 is (and the demo data): the view when the
// store has no communities yet.
var fengtaiBound = orb.Bound{Min: orb.Point{116.270, 39.845}, Max: orb.Point{116.305, 39.870}}

// pageConfig is GET /config.json: what the web map needs before it draws.
type pageConfig struct {
	Version  string       `json:"version"`
	BBox     [4]float64   `json:"bbox"`   // the street's extent: minLon,minLat,maxLon,maxLat
	Center   [2]float64   `json:"center"` // lon, lat
	Basemap  *basemapInfo `json:"basemap"`
	MinCount int          `json:"min_count"` // public hotspot cells below this show no count
	// PublicIncidents is "aggregates" (public callers get monthly counts per
	// cell) or "points" (they get every incident's point).
	PublicIncidents string `json:"public_incidents"`
	// TilesBaseURL is the {z}/{x}/{y} template of the static public tiles
	// (--tiles-base-url), or "": the web map's unfiltered layers come from
	// it for a caller without a token.
	TilesBaseURL string `json:"tiles_base_url,omitempty"`
}

// basemapInfo describes the optional basemap (Config.Basemap): an XYZ raster
// template ("…/{z}/{x}/{y}.png"), a MapLibre style URL ("….json"), or the
// tiles of the server's own PMTiles archive (raster, or "vector" with its
// layer names, drawn plainly).
type basemapInfo struct {
	Type    string   `json:"type"` // "raster", "style" or "vector"
	URL     string   `json:"url"`
	MinZoom int      `json:"minzoom,omitempty"`
	MaxZoom int      `json:"maxzoom,omitempty"`
	Layers  []string `json:"layers,omitempty"` // a vector basemap's layers
}

func (s *Server) pageConfig(c echo.Context) error {
	if err := selection.Check(c.QueryParams(), nil, roleOf(c)); err != nil {
		return err
	}
	b := fengtaiBound
	if l, err := s.catalog.Get("communities", layers.Public); err == nil {
		if ext, err := s.src.Extent(c.Request().Context(), l); err == nil && !ext.IsEmpty() && ext.Max.X() > ext.Min.X() {
			b = ext
		}
	}
	cfg := pageConfig{
		Version:  buildVersion(),
		BBox:     [4]float64{b.Min.X(), b.Min.Y(), b.Max.X(), b.Max.Y()},
		Center:   [2]float64{b.Center().X(), b.Center().Y()},
		Basemap:  basemap(s.cfg.Basemap),
		MinCount: s.cfg.MinCount,
	}
	if s.cfg.BasemapArchive != nil {
		cfg.Basemap = s.archiveBasemap(c) // basemap_config.go
	}
	cfg.TilesBaseURL = staticTilesTemplate(s.cfg.TilesBaseURL)
	cfg.PublicIncidents = PublicAggregates
	if s.publicPoints() {
		cfg.PublicIncidents = PublicPoints
	}
	c.Response().Header().Set("Cache-Control", "no-cache")
	return c.JSON(http.StatusOK, cfg)
}

// basemap classifies the configured basemap URL, or nil when there is none.
func basemap(raw string) *basemapInfo {
	raw = strings.TrimSpace(raw)
	switch {
	case raw == "":
		return nil
	case strings.Contains(raw, "{z}"):
		return &basemapInfo{Type: "raster", URL: raw}
	default:
		return &basemapInfo{Type: "style", URL: raw}
	}
}

// buildVersion is the module version, or the VCS revision the binary was
// built from, or "dev".
func buildVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	for _, kv := range bi.Settings {
		if kv.Key == "vcs.revision" && len(kv.Value) >= 12 {
			return kv.Value[:12]
		}
	}
	return "dev"
}
