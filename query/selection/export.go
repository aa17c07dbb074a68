package selection

import (
	"net/url"
	"time"

	"minqing/export"
	"minqing/layers"
)

// Export validates the selection parameters of an export of l for role
// (bbox, bbox-crs, datetime, properties, filter, filter-lang, filter-crs,
// overdue, headers for CSV, lang, and equality on visible properties, as in
// /export/{layer}.csv?category=停电) and returns the Query and the export
// options.
func Export(v url.Values, l *layers.Layer, role layers.Role, f export.Format, now time.Time) (layers.Query, export.Options, error) {
	var opts export.Options
	allowed := FilterParams()
	if f == export.CSV {
		allowed = append(allowed, "headers")
	}
	allowed = append(allowed, "lang")
	if err := Check(v, l, role, allowed...); err != nil {
		return layers.Query{}, opts, err
	}
	h, err := Headers(v.Get("headers"))
	if err != nil {
		return layers.Query{}, opts, err
	}
	opts.Headers = h
	lang, err := export.ParseLang(v.Get("lang"), f, h)
	if err != nil {
		return layers.Query{}, opts, layers.Invalid("lang", "lang must be zh (values in Chinese: 是/否, 已关闭) or en (yes/no, Closed)")
	}
	opts.Lang = lang
	q, err := Features(v, l, role, map[string]bool{"headers": true, "lang": true}, now)
	return q, opts, err
}

// Headers reads the CSV header style: zh (the default), en or name.
func Headers(s string) (export.Headers, error) {
	h, err := export.ParseHeaders(s)
	if err != nil {
		return "", layers.Invalid("headers", "headers must be zh (Chinese titles), en (English titles) or name (machine names)")
	}
	return h, nil
}
