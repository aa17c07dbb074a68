package server

import (
	"fmt"

	"minqing/hotspot"
	"minqing/layers"
)

// What public callers get of incidents (Config.PublicIncidents).
const (
	// PublicAggregates (the default): incidents only as the published
	// monthly counts per H3 cell (package disclose); their raw features
	// answer 404 to the public, as a staff-only layer does.
	PublicAggregates = "aggregates"
	// PublicPoints: the public also gets every incident's point and public
	// fields (layer GeoJSON, OGC items, exports, point tiles).
	PublicPoints = "points"
)

// CheckPublicIncidents checks a --public-incidents value.
func CheckPublicIncidents(v string) error {
	if v == "" || v == PublicAggregates || v == PublicPoints {
		return nil
	}
	return fmt.Errorf("--public-incidents must be %q or %q, not %q", PublicAggregates, PublicPoints, v)
}

// publicPoints reports whether the server publishes incidents' points.
func (s *Server) publicPoints() bool { return s.cfg.PublicIncidents == PublicPoints }

// incidentsHidden reports whether role is kept from anything counted from
// raw incidents outside the published table (their features, the rates,
// Open311 look-ups): a public caller, unless the server publishes points.
func (s *Server) incidentsHidden(role layers.Role) bool {
	return !role.Can(layers.Staff) && !s.publicPoints()
}

// rawHidden reports whether the raw features of layer l are withheld from
// role: the incidents, when incidentsHidden.
func (s *Server) rawHidden(l *layers.Layer, role layers.Role) bool {
	return l.Name == hotspot.IncidentsLayer && s.incidentsHidden(role)
}

// rawLayer is catalog.Get that also withholds the layers whose raw features
// the role may not have (rawHidden): they are unknown, as a staff layer is.
func (s *Server) rawLayer(name string, role layers.Role) (*layers.Layer, error) {
	l, err := s.catalog.Get(name, role)
	if err != nil {
		return nil, err
	}
	if s.rawHidden(l, role) {
		return nil, layers.ErrNotFound
	}
	return l, nil
}

// rawVisible is catalog.Visible without the layers rawHidden withholds.
func (s *Server) rawVisible(role layers.Role) []*layers.Layer {
	var out []*layers.Layer
	for _, l := range s.catalog.Visible(role) {
		if !s.rawHidden(l, role) {
			out = append(out, l)
		}
	}
	return out
}

// aggregateFields are the properties of a published incident cell (public
// tiles, /layers).
func aggregateFields() []layers.Field {
	f := func(name string, t layers.FieldType, zh, en string) layers.Field {
		return layers.Field{Name: name, Type: t, TitleZH: zh, TitleEN: en, Access: layers.Public}
	}
	return []layers.Field{
		f("h3", layers.String, "H3单元", "H3 cell (resolution 9) whose centre the point is"),
		f("count", layers.Int, "诉求数", "Published incidents in the cell and window (absent when suppressed)"),
		f("suppressed", layers.Bool, "已隐去", "The cell has incidents but every month of it in the window has fewer than min_count"),
		f("partial", layers.Bool, "部分隐去", "count leaves out months withheld from the public"),
	}
}

// aggregateLayer is the incidents layer as public callers get it under
// PublicAggregates: one point per published H3 cell at every zoom, with the
// aggregate fields. Tiles and TileJSON describe it instead of the raw layer.
func aggregateLayer(l *layers.Layer) *layers.Layer {
	a := *l
	a.TitleZH = l.TitleZH + "（按月、按网格汇总）"
	a.TitleEN = l.TitleEN + " (monthly counts per H3 cell)"
	a.Fields = aggregateFields()
	a.Key, a.LabelField, a.ClusterBelowZoom = "", "", 0
	return &a
}

// isAggregate reports whether l is the public aggregate of the incidents.
func isAggregate(l *layers.Layer) bool {
	_, ok := l.Field("suppressed")
	return ok && l.Name == hotspot.IncidentsLayer
}

// describeAggregate is the /layers entry of the incidents for a public
// caller under PublicAggregates: the published cells, as tiles and
// summaries; no GeoJSON or OGC link (they answer 404).
func describeAggregate(l *layers.Layer) layerInfo {
	a := aggregateLayer(l)
	info := layerInfo{
		Name: a.Name, TitleZH: a.TitleZH, TitleEN: a.TitleEN, Geometry: "Point",
		Access: layers.Public.String(), TimeField: l.TimeField, MinZoom: l.MinZoom, MaxZoom: l.MaxZoom,
	}
	for _, f := range a.Fields {
		info.Fields = append(info.Fields, fieldInfo{Name: f.Name, Type: string(f.Type), TitleZH: f.TitleZH, TitleEN: f.TitleEN, Access: f.Access.String()})
	}
	// The dimensions of the table: not properties of the cells, but the
	// values a public filter may take (the web map's selects).
	for _, name := range []string{"category", "source"} {
		if f, ok := l.Field(name); ok {
			info.Fields = append(info.Fields, fieldInfo{Name: f.Name, Type: string(f.Type), TitleZH: f.TitleZH + "（筛选）",
				TitleEN: f.TitleEN + " (filter only)", Access: layers.Public.String(), Enum: f.Enum, Values: f.Values()})
		}
	}
	info.Links = []link{
		{Href: "/tiles/" + l.Name + ".json", Rel: "tilejson", Type: "application/json"},
		{Href: "/tiles/" + l.Name + "/{z}/{x}/{y}.mvt", Rel: "tiles", Type: mediaMVT,
			Title: "one point per H3 res-9 cell at its centre, published monthly counts (?datetime=2026-01/2026-03, category or source)"},
		{Href: "/incidents/summary", Rel: "describedby", Type: mediaJSON,
			Title: "published counts by category for a community or patch (?community, patch, datetime, category or source)"},
		{Href: "/layers/incident_counts.geojson", Rel: "alternate", Type: "application/geo+json",
			Title: "the published counts as hexagons (also /export/incident_counts.csv, .geojson, .kml)"},
		{Href: "/hotspots", Rel: "related", Type: "application/geo+json"},
	}
	return info
}
