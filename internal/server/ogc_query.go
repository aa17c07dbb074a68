package server

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"minqing/internal/cql2"
	"minqing/layers"
)

// filterParams are the query parameters that select features, shared by
// OGC items and exports (besides equality on the layer's properties).
func filterParams() []string {
	return []string{"bbox", "bbox-crs", "datetime", "properties", "filter", "filter-lang", "filter-crs", "overdue"}
}

// parseFeatureQuery reads the selection parameters of OGC items and exports
// into a Query for role: bbox (+ bbox-crs), datetime, properties, a CQL2 filter
// (+ filter-lang, filter-crs) and equality on visible properties. Parameters
// in reserved are skipped by the equality filters. It does not check for
// unknown parameters (checkParams does).
func parseFeatureQuery(v url.Values, l *layers.Layer, role layers.Role, reserved map[string]bool) (layers.Query, error) {
	q := layers.Query{Role: role}
	if err := checkCRS(v, "bbox-crs"); err != nil {
		return q, err
	}
	if err := checkCRS(v, "filter-crs"); err != nil {
		return q, err
	}
	bbox, err := parseBBox(v.Get("bbox"))
	if err != nil {
		return q, err
	}
	q.BBox = bbox
	if dt := v.Get("datetime"); dt != "" {
		if l.TimeField == "" {
			return q, badRequest("datetime", fmt.Sprintf("layer %s has no time field, so datetime does not apply to it", l.Name))
		}
		if q.Time, err = parseDatetime(dt); err != nil {
			return q, err
		}
	}
	if v.Has("properties") {
		if q.Properties, err = parseProperties(v.Get("properties"), l, role); err != nil {
			return q, err
		}
	}
	if q.Filter, err = parseFilter(v, l, role); err != nil {
		return q, err
	}
	if q.Filter, err = overdueFilter(v, l, role, q.Filter, time.Now()); err != nil { // overdue.go
		return q, err
	}
	skip := map[string]bool{}
	for _, p := range filterParams() {
		skip[p] = true
	}
	for p := range reserved {
		skip[p] = true
	}
	if q.Equal, err = parseEqual(v, l, role, skip); err != nil {
		return q, err
	}
	return q, nil
}

// checkCRS accepts only CRS84 (WGS 84 longitude, latitude) for param.
func checkCRS(v url.Values, param string) error {
	s := strings.TrimSpace(v.Get(param))
	if s == "" || s == crs84 || s == "urn:ogc:def:crs:OGC:1.3:CRS84" {
		return nil
	}
	return badRequest(param, fmt.Sprintf("%s %q is not supported: only %s (WGS 84 longitude, latitude) is", param, s, crs84))
}

// parseProperties reads properties=a,b: each must be a property the caller
// may see. An empty value asks for no properties.
func parseProperties(s string, l *layers.Layer, role layers.Role) ([]string, error) {
	out := []string{}
	var bad []string
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if _, ok := l.VisibleField(p, role); !ok {
			bad = append(bad, p)
			continue
		}
		out = append(out, p)
	}
	if len(bad) > 0 {
		return nil, badRequest("properties", fmt.Sprintf("layer %s has no property %s (see %s's queryables)", l.Name, strings.Join(bad, ", "), l.Name))
	}
	return out, nil
}

// parseFilter parses filter (CQL2 text) against the properties the caller
// may see.
func parseFilter(v url.Values, l *layers.Layer, role layers.Role) (cql2.Expr, error) {
	lang := strings.TrimSpace(v.Get("filter-lang"))
	if lang != "" && lang != "cql2-text" {
		return nil, badRequest("filter-lang", fmt.Sprintf("filter-lang %q is not supported: use cql2-text", lang))
	}
	src := v.Get("filter")
	if strings.TrimSpace(src) == "" {
		if v.Has("filter") {
			return nil, badRequest("filter", "filter is empty: give a CQL2 expression such as category = '停电'")
		}
		return nil, nil
	}
	e, err := l.ParseFilter(src, role)
	if err != nil {
		return nil, badRequest("filter", "filter: "+err.Error())
	}
	return e, nil
}
