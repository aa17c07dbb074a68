package server

import (
	"net/url"

	"minqing/internal/export"
	"minqing/layers"
)

// ExportQuery validates the selection parameters of an export of l for role
// (bbox, bbox-crs, datetime, properties, filter, filter-lang, filter-crs,
// headers, and equality on visible properties, as in
// /export/{layer}.csv?category=停电) and returns the Query and the CSV header
// style. The command line's export uses it, so that a script and the HTTP
// API accept exactly the same selections. Errors are *layers.InvalidError
// naming the parameter.
func ExportQuery(v url.Values, l *layers.Layer, role layers.Role, f export.Format) (layers.Query, export.Options, error) {
	return parseExport(v, l, role, f)
}

func parseExport(v url.Values, l *layers.Layer, role layers.Role, f export.Format) (layers.Query, export.Options, error) {
	var opts export.Options
	allowed := filterParams()
	if f == export.CSV {
		allowed = append(allowed, "headers")
	}
	allowed = append(allowed, "lang")
	if err := checkParams(v, l, role, allowed...); err != nil {
		return layers.Query{}, opts, err
	}
	h, err := export.ParseHeaders(v.Get("headers"))
	if err != nil {
		return layers.Query{}, opts, badRequest("headers", "headers must be zh (Chinese titles), en (English titles) or name (machine names)")
	}
	opts.Headers = h
	lang, err := export.ParseLang(v.Get("lang"), f, h)
	if err != nil {
		return layers.Query{}, opts, badRequest("lang", "lang must be zh (values in Chinese: 是/否, 已关闭) or en (yes/no, Closed)")
	}
	opts.Lang = lang
	q, err := parseFeatureQuery(v, l, role, map[string]bool{"headers": true, "lang": true})
	return q, opts, err
}
