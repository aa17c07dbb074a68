package server

import (
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"minqing/query/selection"
)

// OGC media types and the link relations of OGC API – Common.
const (
	mediaJSON    = "application/json"
	mediaGeoJSON = "application/geo+json"
	mediaOpenAPI = "application/vnd.oai.openapi+json;version=3.0"
	mediaSchema  = "application/schema+json"
	crs84        = selection.CRS84
	trsGregorian = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
)

// ogcBase returns the absolute URL of /ogc as the client sees it:
// Config.BaseURL when set, else built from the request's scheme and host,
// honouring X-Forwarded-Proto and X-Forwarded-Host from a reverse proxy.
func (s *Server) ogcBase(c echo.Context) string {
	if s.cfg.BaseURL != "" {
		return strings.TrimRight(s.cfg.BaseURL, "/") + "/ogc"
	}
	req := c.Request()
	host := req.Host
	if fh := req.Header.Get("X-Forwarded-Host"); fh != "" {
		host = strings.TrimSpace(strings.Split(fh, ",")[0])
	}
	scheme := c.Scheme()
	if i := strings.IndexByte(scheme, ','); i >= 0 { // "https, http" from a proxy chain
		scheme = scheme[:i]
	}
	scheme = strings.TrimSpace(scheme)
	if scheme != "https" {
		scheme = "http"
	}
	return scheme + "://" + host + "/ogc"
}

// ogcURL returns base+path with query q. A caller's ?token= is never copied
// into a link (a response body can be logged, cached or shared): a client
// that authenticates by URL adds it to each request itself, and one that
// can should send Authorization: Bearer instead.
func ogcURL(_ echo.Context, base, path string, q url.Values) string {
	q.Del("token")
	u := base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}
