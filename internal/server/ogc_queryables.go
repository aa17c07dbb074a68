package server

import (
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"

	"minqing/layers"
)

// ogcQueryables answers GET /ogc/collections/{layer}/queryables: a JSON
// Schema of the properties the caller may filter on (OGC API – Features
// Part 3), which are exactly the properties the caller may see.
func (s *Server) ogcQueryables(c echo.Context) error {
	l, err := s.ogcLayer(c)
	if err != nil {
		return err
	}
	base, err := s.ogcDoc(c)
	if err != nil {
		return err
	}
	b, err := json.Marshal(queryablesDoc(l, roleOf(c), ogcURL(c, base, "/collections/"+l.Name+"/queryables", nil)))
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, mediaSchema, b)
}

// queryablesDoc is the JSON Schema (2020-12) of layer l's queryables for role.
func queryablesDoc(l *layers.Layer, role layers.Role, id string) map[string]any {
	props := map[string]any{
		"geometry": map[string]any{
			"title": "几何 Geometry",
			"$ref":  "https://geojson.org/schema/" + l.Geometry + ".json",
		},
	}
	for _, f := range l.VisibleFields(role) {
		props[f.Name] = fieldSchema(f)
	}
	return map[string]any{
		"$schema":              "https://json-schema.org/draft/2020-12/schema",
		"$id":                  id,
		"type":                 "object",
		"title":                l.TitleZH + " " + l.TitleEN,
		"properties":           props,
		"additionalProperties": false,
	}
}

// fieldSchema is the JSON Schema of one field.
func fieldSchema(f layers.Field) map[string]any {
	m := map[string]any{"title": f.TitleZH + " " + f.TitleEN}
	switch f.Type {
	case layers.Int:
		m["type"] = "integer"
	case layers.Float:
		m["type"] = "number"
	case layers.Bool:
		m["type"] = "boolean"
	case layers.Time:
		m["type"] = "string"
		m["format"] = "date-time"
	case layers.Date:
		m["type"] = "string"
		m["format"] = "date"
	case layers.Cell:
		// An H3 index exceeds 2^53: a JSON number would lose digits.
		m["type"] = "string"
		m["pattern"] = "^[0-9a-f]{15}$"
	default:
		m["type"] = "string"
	}
	if len(f.Enum) > 0 {
		m["enum"] = f.Enum
	}
	return m
}

// appendMember appends a member to a JSON object in b (which must end with
// '}').
func appendMember(b []byte, key string, v any) ([]byte, error) {
	j, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	b = b[:len(b)-1]
	b = append(b, ',')
	k, _ := json.Marshal(key)
	b = append(b, k...)
	b = append(b, ':')
	b = append(b, j...)
	return append(b, '}'), nil
}
