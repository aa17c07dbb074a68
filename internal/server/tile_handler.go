package server

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb/maptile"

	"minqing/layers"
	"minqing/query/selection"
	"minqing/tiles"
)

// mediaMVT is the media type of a Mapbox Vector Tile.
const mediaMVT = "application/vnd.mapbox-vector-tile"

// tile answers GET /tiles/{layers}/{z}/{x}/{y}.mvt: one MVT layer per
// requested layer, from the cache when the layers have not been written
// since, else from the store (with the request's context, so a client that
// leaves cancels the query). A tile with no feature is 204 No Content.
func (s *Server) tile(c echo.Context) error {
	role := roleOf(c)
	names, err := splitTileLayers(c.Param("layers"))
	if err != nil {
		return err
	}
	ls, err := s.tileLayers(role, names)
	if err != nil {
		return err
	}
	z, x, y, err := parseZXY(c.Param("z"), c.Param("x"), c.Param("y"))
	if err != nil {
		return err
	}
	if err := selection.Check(c.QueryParams(), nil, role, tileFilterParams()...); err != nil {
		return err
	}
	queries, filterKey, err := tileFilters(c.QueryParams(), ls, role)
	if err != nil {
		return err
	}
	setTileCacheControl(c, ls, role)
	var inZoom []*layers.Layer
	for _, l := range ls {
		if z >= l.MinZoom && z <= l.MaxZoom {
			inZoom = append(inZoom, l)
		}
	}
	if len(inZoom) == 0 {
		return sendTile(c, nil, tiles.NewEntry("", nil, nil))
	}
	ctx := c.Request().Context()
	all, err := s.ext.tiles.versions.Get(ctx)
	if err != nil {
		return err
	}
	versions := make([]int64, len(inZoom))
	for i, l := range inZoom {
		versions[i] = all[l.Name]
	}
	// The public incidents (PublicAggregates) are the published cells,
	// rendered apart and appended: an MVT is a list of layers.
	var agg *layers.Layer
	var pq publicQuery
	if i := slices.IndexFunc(inZoom, isAggregate); i >= 0 {
		agg = inZoom[i]
		if pq, err = s.parsePublicQuery(ctx, c.QueryParams(), false); err != nil {
			return err
		}
		filterKey += publicTileKey(pq, time.Now())
	}
	key := tileKey(inZoom, z, x, y, role, filterKey)
	cache := s.ext.tiles.cache
	e, ok := cache.GetAt(key, cacheNames(inZoom), versions, tileReach(z, x, y), s.ext.tiles.versions.Log())
	if !ok {
		start := time.Now()
		var body []byte
		if rest := slices.DeleteFunc(slices.Clone(inZoom), isAggregate); len(rest) > 0 {
			if body, err = tiles.Render(ctx, s.ext.tiles.index.At(s.src, all), layers.TileRequest{
				Layers: rest, Z: z, X: x, Y: y, Role: role, Query: queries,
				Extent: tiles.DefaultExtent, Buffer: s.cfg.TileBuffer,
			}); err != nil {
				return err
			}
		}
		if agg != nil {
			cells, err := s.publicIncidentTile(ctx, agg, maptile.New(uint32(x), uint32(y), maptile.Zoom(z)), pq)
			if err != nil {
				return err
			}
			body = append(body, cells...)
		}
		s.metrics.TileRendered(inZoom, z, time.Since(start))
		e = cache.Put(key, versions, body)
	}
	return sendTile(c, cache, e)
}

// tileKey identifies a tile in the cache: layers, z/x/y, the caller's role
// (which decides the properties) and the canonical filters.
func tileKey(ls []*layers.Layer, z, x, y int, role layers.Role, filters string) string {
	var b strings.Builder
	for i, l := range ls {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(l.Name)
	}
	b.WriteByte('/')
	b.WriteString(strconv.Itoa(z))
	b.WriteByte('/')
	b.WriteString(strconv.Itoa(x))
	b.WriteByte('/')
	b.WriteString(strconv.Itoa(y))
	b.WriteByte('|')
	b.WriteString(role.String())
	b.WriteByte('|')
	b.WriteString(filters)
	return b.String()
}

// setTileCacheControl sets Cache-Control from the shortest CacheMaxAge of the
// requested layers: "no-cache" (revalidate with the ETag every time) when it
// is zero, and private for a caller with a token.
func setTileCacheControl(c echo.Context, ls []*layers.Layer, role layers.Role) {
	age := time.Duration(-1)
	for _, l := range ls {
		if age < 0 || l.CacheMaxAge < age {
			age = l.CacheMaxAge
		}
	}
	scope := "public"
	if role > layers.Public {
		scope = "private"
	}
	h := c.Response().Header()
	if age <= 0 {
		h.Set("Cache-Control", scope+", no-cache")
	} else {
		h.Set("Cache-Control", scope+", max-age="+strconv.Itoa(int(age.Seconds())))
	}
	h.Add("Vary", "Accept-Encoding")
}

// sendTile writes a cached or fresh tile: 304 when the client's ETag still
// matches, 204 when the tile is empty, else the MVT, gzipped when the client
// accepts gzip.
func sendTile(c echo.Context, cache *tiles.Cache, e *tiles.Entry) error {
	h := c.Response().Header()
	req := c.Request()
	gz := len(e.Body) > 0 && acceptsGzip(req.Header.Get("Accept-Encoding"))
	etag := e.ETag
	if gz {
		etag = strings.TrimSuffix(etag, `"`) + `.gz"`
	}
	h.Set("ETag", etag)
	if etagMatches(req.Header.Get("If-None-Match"), e.ETag) {
		return c.NoContent(http.StatusNotModified)
	}
	if len(e.Body) == 0 {
		return c.NoContent(http.StatusNoContent)
	}
	body := e.Body
	if gz {
		body = cache.Gzipped(e)
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	return c.Blob(http.StatusOK, mediaMVT, body)
}

// acceptsGzip reports whether an Accept-Encoding header admits gzip.
func acceptsGzip(h string) bool {
	for _, part := range strings.Split(h, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") && strings.TrimSpace(name) != "*" {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}

// etagMatches reports whether an If-None-Match header names etag (weak
// comparison, as RFC 9110 asks for If-None-Match; the gzip variant's tag
// matches too).
func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	want := strings.Trim(etag, `"`)
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" {
			return true
		}
		t = strings.TrimPrefix(t, "W/")
		t = strings.TrimSuffix(strings.Trim(t, `"`), ".gz")
		if t == want {
			return true
		}
	}
	return false
}
