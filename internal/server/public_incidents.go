package server

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"minqing/geo/hex"
	"minqing/internal/disclose"
	"minqing/internal/hotspot"
	"minqing/layers"
	"minqing/tiles"
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

// rawHidden reports whether the raw features of layer l are withheld from
// role: the incidents, for a public caller, unless the server publishes
// points.
func (s *Server) rawHidden(l *layers.Layer, role layers.Role) bool {
	return l.Name == hotspot.IncidentsLayer && !role.Can(layers.Staff) && !s.publicPoints()
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

// monthForm is a datetime spelled by month (2026-03), alone or as an end
// of an interval (2026-01/2026-03; the other end may be "..", empty or a
// date).
var monthForm = regexp.MustCompile(`^\d{4}-\d{2}$`)

// hotspotDatetime parses datetime as parseDatetime does, and also by
// months: "2026-03" is the month, "2026-01/2026-03" the quarter.
func hotspotDatetime(v string) (*layers.TimeRange, error) {
	parts := strings.SplitN(v, "/", 2)
	if !slices.ContainsFunc(parts, monthForm.MatchString) {
		return parseDatetime(v)
	}
	r := &layers.TimeRange{}
	for i, p := range parts {
		switch {
		case p == "" || p == "..":
		case monthForm.MatchString(p):
			m, err := disclose.ParseMonth(p)
			if err != nil {
				return nil, badRequest("datetime", err.Error())
			}
			mr := m.Range()
			if i == 0 || len(parts) == 1 {
				r.Start = mr.Start
			}
			if i == 1 || len(parts) == 1 {
				r.End = mr.End
			}
		default:
			sub, err := parseDatetime(p)
			if err != nil {
				return nil, err
			}
			if i == 0 {
				r.Start = sub.Start
			} else {
				r.End = sub.End
			}
		}
	}
	if r.Start != nil && r.End != nil && r.End.Before(*r.Start) {
		return nil, badRequest("datetime", "datetime interval ends before it starts")
	}
	return r, nil
}

// publicQuery is a public caller's selection of the published table.
type publicQuery struct {
	version int64
	months  []disclose.Month
	filter  disclose.Filter
	sel     hotspot.Selection
	key     string // canonical text, for caches
}

// parsePublicQuery reads datetime, category or source, community and patch
// (selectors says whether the last two are taken) of a public request.
func (s *Server) parsePublicQuery(ctx context.Context, v url.Values, selectors bool) (publicQuery, error) {
	var pq publicQuery
	inc, ok := s.catalog.Lookup(hotspot.IncidentsLayer)
	if !ok {
		return pq, notFound("this server has no incidents layer")
	}
	tr, err := hotspotDatetime(v.Get("datetime"))
	if err != nil {
		return pq, err
	}
	eqParams := url.Values{}
	names := []string{"category", "source", "status"}
	if selectors {
		names = append(names, "community", "patch")
	}
	for _, k := range names {
		if vs, ok := v[k]; ok {
			eqParams[k] = vs
		}
	}
	eq, err := parseEqual(eqParams, inc, layers.Public, nil)
	if err != nil {
		return pq, err
	}
	if err := hotspot.CheckPublicFilters(eq); err != nil {
		return pq, err
	}
	all, err := s.ext.tiles.versions.Get(ctx)
	if err != nil {
		return pq, err
	}
	svc := s.ext.hotspots.svc
	pq.version = all[hotspot.IncidentsLayer]
	if pq.months, err = svc.PublicMonths(ctx, tr, pq.version); err != nil {
		return pq, err
	}
	pq.filter = hotspot.PublicFilter(eq)
	if pq.sel, err = svc.PublicSelection(ctx, eq, all); err != nil {
		return pq, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "v=%d/%d months=", pq.version, all["communities"])
	if len(pq.months) > 0 {
		fmt.Fprintf(&b, "%s..%s", pq.months[0], pq.months[len(pq.months)-1])
	}
	vals := slices.Clone(pq.filter.Values)
	slices.Sort(vals)
	fmt.Fprintf(&b, " %s=%q", pq.filter.Dim, vals)
	for _, k := range []string{"community", "patch"} {
		vs := make([]string, 0, len(eq[k]))
		for _, x := range eq[k] {
			vs = append(vs, fmt.Sprint(x))
		}
		slices.Sort(vs)
		fmt.Fprintf(&b, " %s=%q", k, vs)
	}
	pq.key = b.String()
	return pq, nil
}

// publicSums returns the published window sums pq selects, per cell, and
// the tables of its months.
func (s *Server) publicSums(ctx context.Context, pq publicQuery) (map[hex.Cell]disclose.Sum, []*disclose.Table, error) {
	pub := s.ext.hotspots.svc.Publisher()
	ts, err := pub.Tables(ctx, pq.version, pq.months)
	if err != nil {
		return nil, nil, err
	}
	sums := disclose.Sums(ts, pq.filter)
	if pq.sel != nil {
		for c := range sums {
			if !pq.sel(c) {
				delete(sums, c)
			}
		}
	}
	return sums, ts, nil
}

// cellProps returns the public properties of a published cell sum.
func cellProps(c hex.Cell, sum disclose.Sum) map[string]any {
	p := map[string]any{"h3": hex.String(c), "suppressed": sum.Suppressed()}
	if !sum.Suppressed() {
		p["count"] = sum.Count
	}
	if sum.Partial() {
		p["partial"] = true
	}
	return p
}

// publicIncidentTile renders the public incidents layer of tile t: one
// point per published cell whose centre lies in the tile (each cell is in
// exactly one tile of a zoom), at the cell's centre — never a position
// derived from the incidents —, with its window count or suppressed.
func (s *Server) publicIncidentTile(ctx context.Context, l *layers.Layer, t maptile.Tile, pq publicQuery) ([]byte, error) {
	sums, _, err := s.publicSums(ctx, pq)
	if err != nil {
		return nil, err
	}
	cells := make([]hex.Cell, 0)
	for c := range sums {
		if maptile.At(hex.Center(c), t.Z) == t {
			cells = append(cells, c)
		}
	}
	if len(cells) == 0 {
		return nil, nil
	}
	slices.Sort(cells)
	fs := make([]*layers.Feature, len(cells))
	for i, c := range cells {
		fs[i] = &layers.Feature{ID: c, Geometry: hex.Center(c), Props: cellProps(c, sums[c])}
	}
	body, err := tiles.Encode(t, []tiles.Layer{{Name: l.Name, Fields: l.Fields, Features: fs}}, tiles.Options{Buffer: s.cfg.TileBuffer})
	if err != nil {
		return nil, fmt.Errorf("public incidents tile %d/%d/%d: %w", t.Z, t.X, t.Y, err)
	}
	return body, nil
}

// publicTileKey is the cache text of a public incidents tile query: the
// query and the last published month.
func publicTileKey(pq publicQuery, now time.Time) string {
	return "pub{" + pq.key + " closed=" + disclose.LastClosed(now).String() + "}"
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
				TitleEN: f.TitleEN + " (filter only)", Access: layers.Public.String(), Enum: f.Enum})
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

// tileExtent is the extent a TileJSON gives for layer l: the store's, but
// for the public incidents the street's (the patches' or communities'),
// since the incidents' own extent is made of the outermost incidents'
// coordinates.
func (s *Server) tileExtent(ctx context.Context, l *layers.Layer) (orb.Bound, error) {
	if !isAggregate(l) {
		return s.src.Extent(ctx, l)
	}
	for _, name := range []string{"patches", "communities"} {
		if al, ok := s.catalog.Lookup(name); ok {
			b, err := s.src.Extent(ctx, al)
			if err != nil || b != (orb.Bound{}) {
				return b, err
			}
		}
	}
	return orb.Bound{}, nil
}
