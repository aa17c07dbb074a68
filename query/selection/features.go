package selection

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"minqing/layers"
	"minqing/query/cql2"
)

// CRS84 is the one coordinate reference system of bbox and filter
// geometries: WGS 84 longitude, latitude.
const CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"

// FilterParams are the query parameters that select features, shared by OGC
// items and exports (besides equality on the layer's properties).
func FilterParams() []string {
	return []string{"bbox", "bbox-crs", "datetime", "properties", "filter", "filter-lang", "filter-crs", "overdue"}
}

// Features reads the selection parameters of OGC items and exports into a
// Query for role: bbox (+ bbox-crs), datetime, properties, a CQL2 filter (+
// filter-lang, filter-crs), overdue (judged at now) and equality on visible
// properties. Parameters in reserved are skipped by the equality filters. It
// does not check for unknown parameters (Check does).
func Features(v url.Values, l *layers.Layer, role layers.Role, reserved map[string]bool, now time.Time) (layers.Query, error) {
	q := layers.Query{Role: role}
	if err := CRS(v, "bbox-crs"); err != nil {
		return q, err
	}
	if err := CRS(v, "filter-crs"); err != nil {
		return q, err
	}
	bbox, err := BBox(v.Get("bbox"))
	if err != nil {
		return q, err
	}
	q.BBox = bbox
	if q.Time, err = LayerDatetime(v.Get("datetime"), l); err != nil {
		return q, err
	}
	if v.Has("properties") {
		if q.Properties, err = Properties(v.Get("properties"), l, role); err != nil {
			return q, err
		}
	}
	if q.Filter, err = filterValues(v, l, role); err != nil {
		return q, err
	}
	if q.Filter, err = Overdue(v, l, role, q.Filter, now); err != nil {
		return q, err
	}
	skip := map[string]bool{}
	for _, p := range FilterParams() {
		skip[p] = true
	}
	for p := range reserved {
		skip[p] = true
	}
	if q.Equal, err = Equal(v, l, role, skip); err != nil {
		return q, err
	}
	return q, nil
}

// CRS accepts only CRS84 (WGS 84 longitude, latitude) for param.
func CRS(v url.Values, param string) error {
	s := strings.TrimSpace(v.Get(param))
	if s == "" || s == CRS84 || s == "urn:ogc:def:crs:OGC:1.3:CRS84" {
		return nil
	}
	return layers.Invalid(param, fmt.Sprintf("%s %q is not supported: only %s (WGS 84 longitude, latitude) is", param, s, CRS84))
}

// Properties reads properties=a,b: each must be a property the caller may
// see. An empty value asks for no properties.
func Properties(s string, l *layers.Layer, role layers.Role) ([]string, error) {
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
		return nil, layers.Invalid("properties", fmt.Sprintf("layer %s has no property %s (see %s's queryables)", l.Name, strings.Join(bad, ", "), l.Name))
	}
	return out, nil
}

// filterValues reads filter (CQL2 text, with filter-lang) from a query
// string; no filter parameter is no filter.
func filterValues(v url.Values, l *layers.Layer, role layers.Role) (cql2.Expr, error) {
	lang := strings.TrimSpace(v.Get("filter-lang"))
	if lang != "" && lang != "cql2-text" {
		return nil, layers.Invalid("filter-lang", fmt.Sprintf("filter-lang %q is not supported: use cql2-text", lang))
	}
	if !v.Has("filter") {
		return nil, nil
	}
	return Filter(v.Get("filter"), l, role)
}

// Filter parses a CQL2-text filter against the properties role may see; a
// blank filter is refused.
func Filter(src string, l *layers.Layer, role layers.Role) (cql2.Expr, error) {
	if strings.TrimSpace(src) == "" {
		return nil, layers.Invalid("filter", "filter is empty: give a CQL2 expression such as category = '停电'")
	}
	e, err := l.ParseFilter(src, role)
	if err != nil {
		return nil, layers.Invalid("filter", "filter: "+err.Error())
	}
	return e, nil
}
