package server

import (
	"strings"

	"github.com/labstack/echo/v4"
)

// archiveBasemap describes the server's PMTiles basemap to the web map.
func (s *Server) archiveBasemap(c echo.Context) *basemapInfo {
	hd := s.cfg.BasemapArchive.Header()
	info := &basemapInfo{
		Type:    "raster",
		URL:     s.tileBase(c) + "/basemap/{z}/{x}/{y}." + basemapExt(hd.TileType),
		MinZoom: hd.MinZoom, MaxZoom: hd.MaxZoom,
	}
	if hd.TileType == "mvt" {
		info.Type = "vector"
		meta, _ := s.cfg.BasemapArchive.r.Metadata()
		info.Layers = vectorLayerIDs(meta)
	}
	return info
}

// staticTilesTemplate turns --tiles-base-url into a {z}/{x}/{y} template: a
// URL with {z} is one already, else "/{z}/{x}/{y}.mvt" is appended.
func staticTilesTemplate(base string) string {
	base = strings.TrimSpace(base)
	if base == "" || strings.Contains(base, "{z}") {
		return base
	}
	return strings.TrimRight(base, "/") + "/{z}/{x}/{y}.mvt"
}
