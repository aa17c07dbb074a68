package server

import (
	"minqing/hotspot"
	"minqing/layers"
)

// hotspotState is the hotspot endpoints' state: the analysis service, which
// caches analyses per parameters, role and store version.
type hotspotState struct {
	svc *hotspot.Service
}

func newHotspotState(s *Server) *hotspotState {
	return &hotspotState{svc: hotspot.NewService(s.src, s.catalog, hotspot.Config{MinCount: s.cfg.MinCount})}
}

// Zoom range advertised for hotspot tiles (the resolution follows the zoom,
// see hotspot.ResForZoom).
const (
	hotspotMinZoom = 10
	hotspotMaxZoom = 18
)

// hotspotLayerInfo is the /layers entry of the derived hotspots layer, the
// same for every role: what a public caller may not see is withheld cell by
// cell.
func hotspotLayerInfo() layerInfo {
	info := layerInfo{
		Name: "hotspots", TitleZH: "诉求热点", TitleEN: "Incident hotspots (Getis-Ord Gi* over H3 cells)",
		Geometry: "Polygon", Access: layers.Public.String(), TimeField: "received_at",
		MinZoom: hotspotMinZoom, MaxZoom: hotspotMaxZoom,
	}
	for _, f := range hotspot.Fields() {
		info.Fields = append(info.Fields, fieldInfo{Name: f.Name, Type: string(f.Type), TitleZH: f.TitleZH, TitleEN: f.TitleEN, Access: f.Access.String()})
	}
	info.Links = []link{
		{Href: "/hotspots", Rel: "data", Type: "application/geo+json", Title: "hexagons with count, z, p and class (?res=9 public, 7–11 staff; datetime — whole months for the public —, category or source, community, patch, k, fdr, steps, series; status for staff)"},
		{Href: "/hotspots/summary", Rel: "describedby", Type: "application/json", Title: "top cells with their community and categories (?top, by=z|count)"},
		{Href: "/tiles/hotspots.json", Rel: "tilejson", Type: "application/json"},
		{Href: "/tiles/hotspots/{z}/{x}/{y}.mvt", Rel: "tiles", Type: mediaMVT},
	}
	return info
}
