package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"minqing/layers"
	"minqing/query/selection"
)

// conformanceClasses are the classes /ogc/conformance declares: Part 1 Core,
// GeoJSON and OpenAPI 3.0; Part 3 Queryables, Filter and Features Filter;
// CQL2 text with Basic CQL2, the advanced comparison operators (LIKE,
// BETWEEN, IN) and the basic spatial functions (S_INTERSECTS with BBOX and
// POINT). Two classes are deliberately not declared although much of them
// works: basic-spatial-functions-plus (every WKT type works but
// GEOMETRYCOLLECTION) and temporal-functions (of its operators only
// T_INTERSECTS, T_AFTER and T_BEFORE are implemented).
func conformanceClasses() []string {
	return []string{
		"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
		"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
		"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
		"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
		"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
		"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
		"http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
		"http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
		"http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
		"http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
	}
}

// ogcDocParams are the query parameters every /ogc document accepts.
func ogcDocParams() []string { return []string{"f"} }

// checkF accepts f=json (and the GeoJSON spellings); the service has no
// HTML encoding.
func checkF(c echo.Context) error {
	switch c.QueryParam("f") {
	case "", "json", "geojson", mediaJSON, mediaGeoJSON:
		return nil
	}
	return badRequest("f", "f="+c.QueryParam("f")+" is not offered: this service answers in JSON (f=json)")
}

func (s *Server) ogcDoc(c echo.Context) (string, error) {
	if err := selection.Check(c.QueryParams(), nil, layers.Public, ogcDocParams()...); err != nil {
		return "", err
	}
	if err := checkF(c); err != nil {
		return "", err
	}
	return s.ogcBase(c), nil
}

type ogcLandingDoc struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Links       []link `json:"links"`
}

// ogcLanding answers GET /ogc: where the API definition, the conformance
// declaration and the collections are.
func (s *Server) ogcLanding(c echo.Context) error {
	base, err := s.ogcDoc(c)
	if err != nil {
		return err
	}
	doc := ogcLandingDoc{
		Title:       "民情图 · 丰台街道 — OGC API – Features",
		Description: "The map layers of 丰台街道 (Fengtai Subdistrict, Beijing) as OGC API – Features collections, with CQL2 filtering.",
		Links: []link{
			{Href: ogcURL(c, base, "", nil), Rel: "self", Type: mediaJSON, Title: "This document"},
			{Href: ogcURL(c, base, "/api", nil), Rel: "service-desc", Type: mediaOpenAPI, Title: "The API definition (OpenAPI 3.0)"},
			{Href: ogcURL(c, base, "/conformance", nil), Rel: "conformance", Type: mediaJSON, Title: "The conformance classes this service implements"},
			{Href: ogcURL(c, base, "/collections", nil), Rel: "data", Type: mediaJSON, Title: "The feature collections"},
		},
	}
	return c.JSON(http.StatusOK, doc)
}

// ogcConformance answers GET /ogc/conformance.
func (s *Server) ogcConformance(c echo.Context) error {
	if _, err := s.ogcDoc(c); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string][]string{"conformsTo": conformanceClasses()})
}
