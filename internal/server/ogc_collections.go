package server

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"minqing/export"
	"minqing/layers"
)

type ogcCollection struct {
	ID          string     `json:"id"`
	Title       string     `json:"title"`
	Description string     `json:"description"`
	Extent      *ogcExtent `json:"extent,omitempty"`
	ItemType    string     `json:"itemType"`
	CRS         []string   `json:"crs"`
	StorageCRS  string     `json:"storageCrs"`
	Links       []link     `json:"links"`
}

type ogcExtent struct {
	Spatial  *ogcSpatial  `json:"spatial,omitempty"`
	Temporal *ogcTemporal `json:"temporal,omitempty"`
}

type ogcSpatial struct {
	BBox [][4]float64 `json:"bbox"`
	CRS  string       `json:"crs"`
}

// ogcTemporal is the temporal extent; the stores report no time range, so
// its interval is open at both ends (null), as the standard allows.
type ogcTemporal struct {
	Interval [][2]*string `json:"interval"`
	TRS      string       `json:"trs"`
}

// ogcCollections answers GET /ogc/collections: the layers the caller may see.
func (s *Server) ogcCollections(c echo.Context) error {
	base, err := s.ogcDoc(c)
	if err != nil {
		return err
	}
	role := roleOf(c)
	out := struct {
		Links       []link          `json:"links"`
		Collections []ogcCollection `json:"collections"`
	}{
		Links:       []link{{Href: ogcURL(c, base, "/collections", nil), Rel: "self", Type: mediaJSON, Title: "This document"}},
		Collections: []ogcCollection{},
	}
	for _, l := range s.rawVisible(role) {
		col, err := s.describeCollection(c, base, l)
		if err != nil {
			return err
		}
		out.Collections = append(out.Collections, col)
	}
	return c.JSON(http.StatusOK, out)
}

// ogcCollection answers GET /ogc/collections/{layer}.
func (s *Server) ogcCollection(c echo.Context) error {
	l, err := s.ogcLayer(c)
	if err != nil {
		return err
	}
	base, err := s.ogcDoc(c)
	if err != nil {
		return err
	}
	col, err := s.describeCollection(c, base, l)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, col)
}

// ogcLayer returns the layer of the path if the caller may see it.
func (s *Server) ogcLayer(c echo.Context) (*layers.Layer, error) {
	name := c.Param("layer")
	l, err := s.rawLayer(name, roleOf(c))
	if err != nil {
		return nil, notFound("no collection named " + quote(name) + ": see /ogc/collections")
	}
	return l, nil
}

func (s *Server) describeCollection(c echo.Context, base string, l *layers.Layer) (ogcCollection, error) {
	b, err := s.src.Extent(c.Request().Context(), l)
	if err != nil {
		return ogcCollection{}, err
	}
	col := ogcCollection{
		ID:          l.Name,
		Title:       l.TitleZH,
		Description: l.TitleEN + " (" + l.TitleZH + "), " + l.Geometry + " features of 丰台街道",
		ItemType:    "feature",
		CRS:         []string{crs84},
		StorageCRS:  crs84,
	}
	ext := &ogcExtent{}
	if !b.IsZero() {
		ext.Spatial = &ogcSpatial{BBox: [][4]float64{{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}}, CRS: crs84}
	}
	if l.TimeField != "" {
		ext.Temporal = &ogcTemporal{Interval: [][2]*string{{nil, nil}}, TRS: trsGregorian}
	}
	if ext.Spatial != nil || ext.Temporal != nil {
		col.Extent = ext
	}
	path := "/collections/" + l.Name
	col.Links = []link{
		{Href: ogcURL(c, base, path, nil), Rel: "self", Type: mediaJSON, Title: "This collection"},
		{Href: ogcURL(c, base, path+"/items", nil), Rel: "items", Type: mediaGeoJSON, Title: "The features of " + l.TitleZH},
		{Href: ogcURL(c, base, path+"/queryables", nil), Rel: "http://www.opengis.net/def/rel/ogc/1.0/queryables", Type: mediaSchema, Title: "The properties a filter may use"},
	}
	col.Links = append(col.Links, exportLinks(c, base, l, nil)...)
	return col, nil
}

// exportLinks are "enclosure" links to the whole selection as a download in
// each export format, with the selection parameters of q.
func exportLinks(c echo.Context, base string, l *layers.Layer, q url.Values) []link {
	root := base[:len(base)-len("/ogc")]
	var out []link
	for _, f := range export.Formats() {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		out = append(out, link{
			Href:  ogcURL(c, root, "/export/"+l.Name+"."+f.Ext(), v),
			Rel:   "enclosure",
			Type:  f.ContentType(),
			Title: "Download " + l.TitleZH + " as " + string(f),
		})
	}
	return out
}
