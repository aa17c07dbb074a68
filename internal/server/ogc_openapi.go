package server

import (
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"

	"minqing/layers"
)

// ogcAPI answers GET /ogc/api: the OpenAPI 3.0 definition of the service,
// built from the catalog for the caller (a layer or property the caller may
// not see is not described).
func (s *Server) ogcAPI(c echo.Context) error {
	base, err := s.ogcDoc(c)
	if err != nil {
		return err
	}
	b, err := json.Marshal(s.openAPI(base, roleOf(c)))
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, mediaOpenAPI, b)
}

type obj = map[string]any

func ref(name string) obj { return obj{"$ref": "#/components/" + name} }

// openAPI builds the document. Paths are relative to the server URL base.
func (s *Server) openAPI(base string, role layers.Role) obj {
	paths := obj{
		"/": obj{"get": op("getLandingPage", "Landing page", "Capabilities",
			"The links to the API definition, the conformance declaration and the collections.", nil, jsonResp("The landing page"))},
		"/conformance": obj{"get": op("getConformanceDeclaration", "Conformance declaration", "Capabilities",
			"The conformance classes this service implements.", nil, jsonResp("The conformance classes"))},
		"/api": obj{"get": op("getAPI", "API definition", "Capabilities",
			"This document.", nil, obj{"200": obj{"description": "The OpenAPI 3.0 definition", "content": obj{mediaOpenAPI: obj{"schema": obj{"type": "object"}}}}})},
		"/collections": obj{"get": op("getCollections", "Feature collections", "Capabilities",
			"The layers the caller may see.", nil, jsonResp("The collections"))},
	}
	for _, l := range s.rawVisible(role) {
		p := "/collections/" + l.Name
		id := l.Name
		paths[p] = obj{"get": op("describe_"+id, l.TitleZH+" "+l.TitleEN, "Capabilities",
			"The "+l.TitleEN+" collection: extent, links.", nil, jsonResp("The collection"))}
		paths[p+"/queryables"] = obj{"get": op("queryables_"+id, "Queryables of "+l.TitleZH, "Capabilities",
			"The properties a filter on "+l.Name+" may use (a JSON Schema).", nil,
			obj{"200": obj{"description": "The queryables", "content": obj{mediaSchema: obj{"schema": obj{"type": "object"}}}}, "404": ref("responses/NotFound")})}
		params := []any{ref("parameters/limit"), ref("parameters/cursor"), ref("parameters/bbox"), ref("parameters/bbox-crs")}
		if l.TimeField != "" {
			params = append(params, ref("parameters/datetime"))
		}
		params = append(params, ref("parameters/properties"), ref("parameters/filter"), ref("parameters/filter-lang"), ref("parameters/filter-crs"), ref("parameters/f"))
		for _, f := range l.VisibleFields(role) {
			params = append(params, obj{
				"name": f.Name, "in": "query", "required": false, "style": "form", "explode": false,
				"description": f.TitleZH + " (" + f.TitleEN + ") equals one of the comma-separated values",
				"schema":      fieldSchema(f),
			})
		}
		paths[p+"/items"] = obj{"get": op("items_"+id, "Features of "+l.TitleZH, "Data",
			"A page of "+l.TitleEN+" features, keyset-paged by id: follow the next link.", params, geoJSONResp("A FeatureCollection"))}
		paths[p+"/items/{featureId}"] = obj{"get": op("item_"+id, "One feature of "+l.TitleZH, "Data",
			"One "+l.TitleEN+" feature.", []any{ref("parameters/featureId"), ref("parameters/properties"), ref("parameters/f")}, geoJSONResp("A Feature"))}
	}
	return obj{
		"openapi": "3.0.3",
		"info": obj{
			"title":       "民情图 · 丰台街道 OGC API – Features",
			"version":     "1.0.0",
			"description": "The map layers of 丰台街道 as OGC API – Features (Part 1 Core, GeoJSON; Part 3 filtering with CQL2 text). Staff authenticate with Authorization: Bearer TOKEN or ?token=TOKEN.",
		},
		"servers": []any{obj{"url": base}},
		"tags": []any{
			obj{"name": "Capabilities", "description": "What the service offers"},
			obj{"name": "Data", "description": "The features"},
		},
		"paths": paths,
		"components": obj{
			"parameters": s.openAPIParams(),
			"responses": obj{
				"BadRequest": obj{"description": "A parameter is unknown or malformed; param names it", "content": obj{mediaJSON: obj{"schema": ref("schemas/Error")}}},
				"NotFound":   obj{"description": "No such collection or feature", "content": obj{mediaJSON: obj{"schema": ref("schemas/Error")}}},
			},
			"schemas": obj{
				"Error": obj{"type": "object", "required": []string{"code", "message"}, "properties": obj{
					"code": obj{"type": "string"}, "message": obj{"type": "string"}, "param": obj{"type": "string"},
				}},
			},
		},
	}
}

func op(id, summary, tag, desc string, params []any, responses obj) obj {
	o := obj{"operationId": id, "summary": summary, "description": desc, "tags": []string{tag}, "responses": responses}
	if params == nil {
		params = []any{ref("parameters/f")}
	}
	o["parameters"] = params
	return o
}

func jsonResp(desc string) obj {
	return obj{
		"200": obj{"description": desc, "content": obj{mediaJSON: obj{"schema": obj{"type": "object"}}}},
		"400": ref("responses/BadRequest"),
		"404": ref("responses/NotFound"),
	}
}

func geoJSONResp(desc string) obj {
	return obj{
		"200": obj{"description": desc, "content": obj{mediaGeoJSON: obj{"schema": obj{"type": "object", "required": []string{"type"}}}}},
		"400": ref("responses/BadRequest"),
		"404": ref("responses/NotFound"),
	}
}

func (s *Server) openAPIParams() obj {
	q := func(name, desc string, schema obj) obj {
		return obj{"name": name, "in": "query", "required": false, "description": desc, "schema": schema, "style": "form", "explode": false}
	}
	return obj{
		"limit": q("limit", "How many features a page holds at most; a larger limit is lowered to the maximum.",
			obj{"type": "integer", "minimum": 1, "maximum": s.cfg.MaxLimit, "default": s.cfg.DefaultLimit}),
		"cursor": q("cursor", "The opaque paging cursor of a next or prev link.", obj{"type": "string"}),
		"bbox": q("bbox", "Only features intersecting minLon,minLat,maxLon,maxLat (WGS 84).",
			obj{"type": "array", "minItems": 4, "maxItems": 6, "items": obj{"type": "number"}}),
		"bbox-crs": q("bbox-crs", "The CRS of bbox: only CRS84.", obj{"type": "string", "format": "uri", "enum": []string{crs84}}),
		"datetime": q("datetime", "An instant (2026-03-05T14:03:00+08:00, 2026-03-05) or an interval start/end with .. for an open end, on the layer's time field.",
			obj{"type": "string"}),
		"properties": q("properties", "The properties to return, comma-separated.", obj{"type": "array", "items": obj{"type": "string"}}),
		"filter":     q("filter", "A CQL2-text filter on the queryables.", obj{"type": "string"}),
		"filter-lang": q("filter-lang", "The filter language: only cql2-text.",
			obj{"type": "string", "enum": []string{"cql2-text"}, "default": "cql2-text"}),
		"filter-crs": q("filter-crs", "The CRS of geometries in the filter: only CRS84.", obj{"type": "string", "format": "uri", "enum": []string{crs84}}),
		"f":          q("f", "The encoding: JSON.", obj{"type": "string", "enum": []string{"json"}}),
		"featureId": obj{"name": "featureId", "in": "path", "required": true, "description": "The feature's id.",
			"schema": obj{"type": "integer", "minimum": 1}},
	}
}
