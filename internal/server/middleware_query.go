package server

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
)

// singleValued returns the query parameters that take one value: given
// twice, the request is a 400 naming it rather than one value being picked.
func singleValued() []string {
	return []string{
		"bbox", "bbox-crs", "datetime", "limit", "cursor", "filter", "filter-lang", "filter-crs",
		"properties", "f", "token", "res", "k", "steps", "fdr", "series", "headers",
		"format", "crs", "encoding", "mode", "dry_run", "skip_invalid", "repair", "v", "overdue", "lang",
	}
}

// limitQuery refuses, before anything reads it, a query string longer than
// Config.MaxQueryBytes, with more than Config.MaxQueryParams parameters, that
// does not parse, or that repeats a single-valued parameter: each is a 400
// with a sentence. (Go's parser drops every parameter of a query it rejects,
// so without this a filter, a limit, a token or an import's dry_run could be
// silently ignored.) On /ogc, a bbox of six numbers (with heights, which OGC
// API allows) is reduced to its four horizontal ones.
func (s *Server) limitQuery(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		raw := req.URL.RawQuery
		if raw == "" {
			return next(c)
		}
		if n := countParams(raw); n > s.cfg.MaxQueryParams {
			return badRequest("", fmt.Sprintf("the query string has %d parameters; this server accepts at most %d", n, s.cfg.MaxQueryParams))
		}
		if len(raw) > s.cfg.MaxQueryBytes {
			return badRequest("", fmt.Sprintf("the query string is %d bytes long; this server accepts at most %d", len(raw), s.cfg.MaxQueryBytes))
		}
		v, err := url.ParseQuery(raw)
		if err != nil {
			return badRequest("", "the query string is malformed: "+err.Error())
		}
		for _, k := range singleValued() {
			if n := len(v[k]); n > 1 {
				return badRequest(k, fmt.Sprintf("%s is given %d times; give it once", k, n))
			}
		}
		if b := v.Get("bbox"); strings.Count(b, ",") == 5 && (req.URL.Path == "/ogc" || strings.HasPrefix(req.URL.Path, "/ogc/")) {
			p := strings.Split(b, ",")
			v.Set("bbox", strings.Join([]string{p[0], p[1], p[3], p[4]}, ","))
			req.URL.RawQuery = v.Encode()
		}
		return next(c)
	}
}

// countParams counts the parameters of a raw query as url.ParseQuery does
// (separated by '&', empty ones skipped).
func countParams(raw string) int {
	n := 0
	for raw != "" {
		var part string
		part, raw, _ = strings.Cut(raw, "&")
		if part != "" {
			n++
		}
	}
	return n
}
