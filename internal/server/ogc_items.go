package server

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"minqing/export/geojson"
	"minqing/layers"
	"minqing/query/selection"
)

// itemsParams are the parameters of /items besides the selection ones.
func itemsParams() []string { return []string{"f", "limit", "cursor"} }

// ogcItems answers GET /ogc/collections/{layer}/items: one page of features
// as a GeoJSON FeatureCollection, keyset-paged by id.
func (s *Server) ogcItems(c echo.Context) error {
	l, err := s.ogcLayer(c)
	if err != nil {
		return err
	}
	role := roleOf(c)
	v := c.QueryParams()
	if err := selection.Check(v, l, role, append(itemsParams(), selection.FilterParams()...)...); err != nil {
		return err
	}
	if err := checkF(c); err != nil {
		return err
	}
	limit, err := s.parseLimit(v)
	if err != nil {
		return err
	}
	cur, err := parseCursor(v.Get("cursor"))
	if err != nil {
		return badRequest("cursor", err.Error())
	}
	reserved := map[string]bool{"f": true, "limit": true, "cursor": true}
	q, err := selection.Features(v, l, role, reserved, time.Now())
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	matched, err := s.src.Count(ctx, l, q)
	if err != nil {
		return err
	}
	q.Limit = limit + 1 // one more tells whether there is a next page
	q.AfterID = cur.After

	base := s.ogcBase(c)
	w := c.Response()
	gw := geojson.NewWriter(w, q.Columns(l), -1)
	stamp := time.Now().UTC().Format(time.RFC3339)
	begin := func() error {
		w.Header().Set(echo.HeaderContentType, mediaGeoJSON)
		w.WriteHeader(http.StatusOK)
		return gw.Begin(geojson.Member{Key: "numberMatched", Value: matched}, geojson.Member{Key: "timeStamp", Value: stamp})
	}
	returned, last, more := 0, int64(0), false
	write := func(f *layers.Feature) error {
		if returned == limit {
			more = true
			return nil
		}
		returned++
		last = f.ID
		return gw.Write(f)
	}
	if err := s.streamFeatures(c, l, q, begin, write); err != nil {
		return err
	}
	links := s.itemsLinks(c, base, l, v, cur, last, more)
	return gw.End(geojson.Member{Key: "numberReturned", Value: returned}, geojson.Member{Key: "links", Value: links})
}

// parseLimit reads limit: Config.DefaultLimit when absent, clamped to
// Config.MaxLimit when larger (the standard allows it), 400 when not a
// positive whole number.
func (s *Server) parseLimit(v url.Values) (int, error) {
	return selection.Limit(v.Get("limit"), s.cfg.DefaultLimit, s.cfg.MaxLimit)
}

// itemsLinks are the links of an items page: self, alternate, next (when
// more features follow), prev (when the cursor remembers the page before),
// collection and the downloads of the whole selection.
func (s *Server) itemsLinks(c echo.Context, base string, l *layers.Layer, v url.Values, cur cursor, last int64, more bool) []link {
	path := "/collections/" + l.Name + "/items"
	with := func(set map[string]string) url.Values {
		out := url.Values{}
		for k, vs := range v {
			if k != "token" {
				out[k] = vs
			}
		}
		for k, val := range set {
			if val == "" {
				out.Del(k)
			} else {
				out.Set(k, val)
			}
		}
		return out
	}
	links := []link{
		{Href: ogcURL(c, base, path, with(nil)), Rel: "self", Type: mediaGeoJSON, Title: "This page"},
		{Href: ogcURL(c, base, path, with(map[string]string{"f": "json"})), Rel: "alternate", Type: mediaJSON, Title: "This page as JSON"},
	}
	if more {
		links = append(links, link{Href: ogcURL(c, base, path, with(map[string]string{"cursor": cur.next(last).String()})), Rel: "next", Type: mediaGeoJSON, Title: "The next page"})
	}
	if p, ok := cur.prev(); ok {
		pc := p.String()
		if p.After == 0 {
			pc = ""
		}
		links = append(links, link{Href: ogcURL(c, base, path, with(map[string]string{"cursor": pc})), Rel: "prev", Type: mediaGeoJSON, Title: "The previous page"})
	}
	links = append(links, link{Href: ogcURL(c, base, "/collections/"+l.Name, nil), Rel: "collection", Type: mediaJSON, Title: l.TitleZH})
	sel := with(map[string]string{"f": "", "limit": "", "cursor": ""})
	return append(links, exportLinks(c, base, l, sel)...)
}

// ogcItem answers GET /ogc/collections/{layer}/items/{id}.
func (s *Server) ogcItem(c echo.Context) error {
	l, err := s.ogcLayer(c)
	if err != nil {
		return err
	}
	role := roleOf(c)
	v := c.QueryParams()
	if err := selection.Check(v, nil, role, "f", "properties"); err != nil {
		return err
	}
	if err := checkF(c); err != nil {
		return err
	}
	cols := l.VisibleFields(role)
	if v.Has("properties") {
		props, err := selection.Properties(v.Get("properties"), l, role)
		if err != nil {
			return err
		}
		cols = layers.Query{Role: role, Properties: props}.Columns(l)
	}
	raw := c.Param("id")
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id < 1 {
		return notFound("no feature " + quote(raw) + " in " + l.Name + ": ids are positive whole numbers")
	}
	f, err := s.src.Feature(c.Request().Context(), l, id, role)
	if errors.Is(err, layers.ErrNotFound) {
		return notFound(fmt.Sprintf("no feature %d in %s", id, l.Name))
	}
	if err != nil {
		return err
	}
	base := s.ogcBase(c)
	self := "/collections/" + l.Name + "/items/" + strconv.FormatInt(id, 10)
	links := []link{
		{Href: ogcURL(c, base, self, nil), Rel: "self", Type: mediaGeoJSON, Title: "This feature"},
		{Href: ogcURL(c, base, self, url.Values{"f": {"json"}}), Rel: "alternate", Type: mediaJSON, Title: "This feature as JSON"},
		{Href: ogcURL(c, base, "/collections/"+l.Name, nil), Rel: "collection", Type: mediaJSON, Title: l.TitleZH},
	}
	b := geojson.AppendFeature(nil, f, cols, geojson.DefaultPrecision)
	b, err = appendMember(b, "links", links)
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, mediaGeoJSON, b)
}
