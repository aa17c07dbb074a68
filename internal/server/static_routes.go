package server

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"minqing/static"
)

// staticRoutes serves the web map: the page at /, the chrome-less map for
// iframes at /embed, its files under /static/ and the page's /config.json.
func (s *Server) staticRoutes(e *echo.Echo) {
	a, err := loadAssets(static.Files())
	if err != nil { // only a broken build gets here: say so on every page
		s.log.Error("web map assets", "err", err)
		broken := func(echo.Context) error { return err }
		e.GET("/", broken)
		e.GET("/embed", broken)
		return
	}
	csp := contentSecurityPolicy(s.cfg.Basemap, s.cfg.TilesBaseURL)
	servePage := func(p *page, framable func(echo.Context) bool) echo.HandlerFunc {
		return func(c echo.Context) error {
			h := c.Response().Header()
			policy := strings.Replace(csp, "{script}", p.scriptHash, 1)
			if !framable(c) {
				denyFraming(h)
				policy += "; " + noFraming
			}
			h.Set("Content-Security-Policy", policy)
			h.Set("Referrer-Policy", "same-origin")
			h.Set("X-Content-Type-Options", "nosniff")
			return serveAsset(c, p.asset, "no-cache")
		}
	}
	for _, m := range []string{http.MethodGet, http.MethodHead} {
		e.Add(m, "/", servePage(a.index, never))
		e.Add(m, "/index.html", servePage(a.index, never))
		e.Add(m, "/embed", servePage(a.embed, always))
		e.Add(m, "/dashboard", servePage(a.dashboard, embedded))
		e.Add(m, "/static/*", func(c echo.Context) error { return s.staticFile(c, a) })
		e.Add(m, "/config.json", s.pageConfig)
	}
}

// Framing: only the pages meant for iframes — /embed and /dashboard?embed=1
// — may be framed by another site; the map at / (with its staff login) and
// every other page may not (clickjacking).
func never(echo.Context) bool      { return false }
func always(echo.Context) bool     { return true }
func embedded(c echo.Context) bool { return c.QueryParam("embed") == "1" }

// noFraming is the CSP directive of a page that no site may frame.
const noFraming = "frame-ancestors 'none'"

// denyFraming sets the headers that keep a page out of frames, for
// browsers that know CSP (frame-ancestors) and older ones (X-Frame-Options).
func denyFraming(h http.Header) {
	h.Set("X-Frame-Options", "DENY")
	if csp := h.Get("Content-Security-Policy"); csp == "" {
		h.Set("Content-Security-Policy", noFraming)
	}
}

// staticFile serves one file under /static/. A request carrying the file's
// current hash (?v=…, as the pages link them) may be cached for a year; any
// other is revalidated with its ETag.
func (s *Server) staticFile(c echo.Context, a *siteAssets) error {
	name := c.Param("*")
	if u, err := url.PathUnescape(name); err == nil {
		name = u
	}
	f, ok := a.files[strings.TrimPrefix(name, "/")]
	if !ok || name == "index.html" || name == "embed.html" || name == "dashboard.html" {
		return notFound("no file /static/" + name + " in the web map")
	}
	cache := "no-cache"
	if c.QueryParam("v") == f.hash {
		cache = "public, max-age=31536000, immutable"
	}
	c.Response().Header().Set("X-Content-Type-Options", "nosniff")
	return serveAsset(c, f, cache)
}

// serveAsset writes an asset with its ETag (answering If-None-Match with 304),
// gzip-compressed when the client accepts it.
func serveAsset(c echo.Context, f *asset, cacheControl string) error {
	w, r := c.Response(), c.Request()
	h := w.Header()
	h.Set("Cache-Control", cacheControl)
	h.Set("Content-Type", f.ctype)
	h.Set("Vary", "Accept-Encoding")
	body, etag := f.body, f.etag()
	if gz := f.gzipped(); gz != nil && acceptsGzip(r.Header.Get("Accept-Encoding")) {
		body, etag = gz, `"`+f.hash+`-gz"`
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("ETag", etag)
	// ServeContent answers If-None-Match, HEAD and Range.
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
	return nil
}

// contentSecurityPolicy keeps the page on the server's origin: scripts,
// styles, data and images come from here only, the map's workers from blob:
// URLs, and a configured basemap's origin is the one exception. "{script}"
// is replaced with the hash of the page's inline import map.
func contentSecurityPolicy(basemap string, more ...string) string {
	extra := ""
	for _, u := range append([]string{basemap}, more...) {
		if o := originOf(u); o != "" && !strings.Contains(extra, " "+o) {
			extra += " " + o
		}
	}
	return "default-src 'self'; " +
		"script-src 'self' {script}; " +
		"worker-src 'self' blob:; child-src 'self' blob:; " +
		"style-src 'self' 'unsafe-inline'; " +
		"img-src 'self' data: blob:" + extra + "; " +
		"connect-src 'self'" + extra + "; " +
		"font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'"
}

// originOf returns the scheme://host[:port] of an http(s) URL template, or
// "". A host with a placeholder ("t{s}.tianditu.gov.cn") becomes a wildcard
// of its parent domain ("*.tianditu.gov.cn").
func originOf(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(strings.NewReplacer("{", "", "}", "").Replace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	host := u.Host
	if i := strings.Index(raw, "://"); i >= 0 {
		rawHost, _, _ := strings.Cut(raw[i+3:], "/")
		if first, rest, ok := strings.Cut(rawHost, "."); ok && strings.Contains(first, "{") {
			host = "*." + rest
		}
	}
	return u.Scheme + "://" + host
}
