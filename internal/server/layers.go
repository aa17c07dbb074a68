package server

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"minqing/export/geojson"
	"minqing/layers"
	"minqing/query/selection"
)

// layerInfo is one entry of GET /layers.
type layerInfo struct {
	Name      string      `json:"name"`
	TitleZH   string      `json:"title_zh"`
	TitleEN   string      `json:"title_en"`
	Geometry  string      `json:"geometry"`
	Access    string      `json:"access"`
	TimeField string      `json:"time_field,omitempty"`
	Label     string      `json:"label_field,omitempty"`
	MinZoom   int         `json:"minzoom"`
	MaxZoom   int         `json:"maxzoom"`
	Fields    []fieldInfo `json:"fields"`
	Links     []link      `json:"links"`
}

type fieldInfo struct {
	Name    string   `json:"name"`
	Type    string   `json:"type"`
	TitleZH string   `json:"title_zh"`
	TitleEN string   `json:"title_en"`
	Access  string   `json:"access"`
	Enum    []string `json:"enum,omitempty"`
	// Values: how each enum value is shown — zh/en names and the colour the
	// web map draws it in (layers.Values), so no page keeps its own copy.
	Values []layers.Value `json:"values,omitempty"`
}

type link struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
}

func describe(l *layers.Layer, role layers.Role) layerInfo {
	info := layerInfo{
		Name: l.Name, TitleZH: l.TitleZH, TitleEN: l.TitleEN, Geometry: l.Geometry,
		Access: l.Access.String(), TimeField: l.TimeField, Label: l.LabelField,
		MinZoom: l.MinZoom, MaxZoom: l.MaxZoom,
	}
	for _, f := range l.VisibleFields(role) {
		info.Fields = append(info.Fields, fieldInfo{Name: f.Name, Type: string(f.Type), TitleZH: f.TitleZH, TitleEN: f.TitleEN, Access: f.Access.String(), Enum: f.Enum, Values: f.Values()})
	}
	info.Links = []link{
		{Href: "/layers/" + l.Name + ".geojson", Rel: "data", Type: "application/geo+json"},
		{Href: "/tiles/" + l.Name + ".json", Rel: "tilejson", Type: "application/json"},
		{Href: "/tiles/" + l.Name + "/{z}/{x}/{y}.mvt", Rel: "tiles", Type: "application/vnd.mapbox-vector-tile"},
		{Href: "/ogc/collections/" + l.Name, Rel: "collection", Type: "application/json"},
	}
	return info
}

// listLayers answers GET /layers: the layers the caller may see.
func (s *Server) listLayers(c echo.Context) error {
	if err := selection.Check(c.QueryParams(), nil, layers.Public); err != nil {
		return err
	}
	role := roleOf(c)
	out := struct {
		Role   string      `json:"role"`
		Layers []layerInfo `json:"layers"`
	}{Role: role.String(), Layers: []layerInfo{}}
	for _, l := range s.catalog.Visible(role) {
		if s.rawHidden(l, role) {
			out.Layers = append(out.Layers, describeAggregate(l))
			continue
		}
		out.Layers = append(out.Layers, describe(l, role))
	}
	out.Layers = append(out.Layers, s.extraLayers(role)...)
	return c.JSON(http.StatusOK, out)
}

// extraLayers lists derived layers (such as hotspots) in /layers.
func (s *Server) extraLayers(role layers.Role) []layerInfo { return s.ext.extraLayers(role) }

// layerGeoJSON answers GET /layers/{name}.geojson: the whole layer (or a
// bbox of it, with ?bbox=) as a FeatureCollection, streamed.
func (s *Server) layerGeoJSON(c echo.Context) error {
	file := c.Param("file")
	name, ok := strings.CutSuffix(file, ".geojson")
	if !ok {
		return notFound("layers are served as /layers/{name}.geojson")
	}
	l, err := s.layerFor(c, name)
	if err != nil {
		return err
	}
	role := roleOf(c)
	if err := selection.Check(c.QueryParams(), l, role, "bbox", "datetime", "overdue"); err != nil {
		return err
	}
	bbox, err := selection.BBox(c.QueryParam("bbox"))
	if err != nil {
		return err
	}
	tr, err := selection.Datetime(c.QueryParam("datetime"))
	if err != nil {
		return err
	}
	if tr != nil && l.TimeField == "" {
		return badRequest("datetime", fmt.Sprintf("layer %s has no time field to filter by datetime", l.Name))
	}
	eq, err := selection.Equal(c.QueryParams(), l, role, map[string]bool{"bbox": true, "datetime": true})
	if err != nil {
		return err
	}
	q := layers.Query{Role: role, BBox: bbox, Time: tr, Equal: eq}
	if q.Filter, err = selection.Overdue(c.QueryParams(), l, role, nil, time.Now()); err != nil { // overdue.go
		return err
	}
	return s.streamGeoJSON(c, l, q, geojson.Member{Key: "name", Value: l.Name})
}

// streamGeoJSON streams the features of q as a FeatureCollection. The
// response starts with the first feature (or the end of an empty result), so
// an error the store finds in the query is still a clean JSON error.
func (s *Server) streamGeoJSON(c echo.Context, l *layers.Layer, q layers.Query, head ...geojson.Member) error {
	w := c.Response()
	gw := geojson.NewWriter(w, q.Columns(l), -1)
	begin := func() error {
		w.Header().Set(echo.HeaderContentType, "application/geo+json")
		w.WriteHeader(http.StatusOK)
		return gw.Begin(head...)
	}
	if err := s.streamFeatures(c, l, q, begin, gw.Write); err != nil {
		return err
	}
	return gw.End()
}

// streamPageSize is how many features a streamed response reads from the
// store at a time (see layers.Stream).
const streamPageSize = layers.DefaultPageSize

// streamFeatures is the one loop of every streamed response (layer GeoJSON,
// OGC items, exports): it reads q in short keyset pages with layers.Stream,
// so the client's pace never holds a store connection, calls begin once
// before the first feature — or at the end of an empty result — so that an
// error found in the query is still a clean JSON error, and write for each
// feature. The caller ends the document.
func (s *Server) streamFeatures(c echo.Context, l *layers.Layer, q layers.Query, begin func() error, write func(*layers.Feature) error) error {
	started := false
	start := func() error {
		if started {
			return nil
		}
		started = true
		return begin()
	}
	err := layers.Stream(c.Request().Context(), s.src, l, q, streamPageSize, func(f *layers.Feature) error {
		if err := start(); err != nil {
			return err
		}
		return write(f)
	})
	if err != nil {
		return err
	}
	return start()
}
