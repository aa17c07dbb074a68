package hotspot

import (
	"compress/flate"
	"fmt"
	"strconv"
	"time"

	"github.com/paulmach/orb/geojson"

	"minqing/geo/hex"
	"minqing/internal/pargzip"
)

// properties returns the GeoJSON properties of a cell. Withheld values are
// left out of tiles (forTile) and null in GeoJSON.
func (c *CellResult) properties(forTile bool) geojson.Properties {
	p := geojson.Properties{
		"h3":         hex.String(c.Cell),
		"suppressed": c.Suppressed,
		"class":      string(c.Class),
		"in_area":    c.InArea,
	}
	if c.Suppressed {
		if !forTile {
			p["count"], p["z"], p["p"] = nil, nil, nil
		}
	} else {
		p["count"], p["z"], p["p"] = c.Count, c.Z, c.P
	}
	if c.Partial {
		p["partial"] = true
	}
	if t := c.Trend; t != nil {
		p["tau"], p["trend_p"], p["label"] = t.Tau, t.P, t.Label
		switch {
		case t.Series == nil:
		case forTile:
			p["series"] = seriesText(t.Series)
		default:
			series := make([]any, len(t.Series))
			for i, n := range t.Series {
				if n >= 0 {
					series[i] = n
				}
			}
			p["series"] = series
		}
	}
	return p
}

// seriesText formats a series as a JSON array (for MVT, which has no arrays).
func seriesText(s []int64) string {
	b := []byte{'['}
	for i, n := range s {
		if i > 0 {
			b = append(b, ',')
		}
		if n < 0 {
			b = append(b, "null"...)
		} else {
			b = strconv.AppendInt(b, n, 10)
		}
	}
	return string(append(b, ']'))
}

// GeoJSON returns the FeatureCollection encoded, made once per analysis:
// every caller of a cached analysis gets the same bytes without drawing
// its hexagons and encoding them again. Do not modify them. The bytes are
// FeatureCollection's, written directly (geojson_encode.go).
func (a *Analysis) GeoJSON() ([]byte, error) {
	a.jsonOnce.Do(func() {
		a.json, a.jsonErr = a.encodeGeoJSON()
		if a.jsonErr != nil {
			a.jsonErr = fmt.Errorf("hotspot: encode: %w", a.jsonErr)
		}
	})
	return a.json, a.jsonErr
}

// GeoJSONGzip returns GeoJSON's bytes gzip-compressed (at the fastest
// level, on every core: 2.5 MB of hexagons shrink about sevenfold in a few
// milliseconds), made once per analysis for the clients that accept gzip.
// Do not modify them.
func (a *Analysis) GeoJSONGzip() ([]byte, error) {
	body, err := a.GeoJSON()
	if err != nil {
		return nil, err
	}
	a.gzipOnce.Do(func() {
		a.gzip, _ = pargzip.Compress(body, flate.BestSpeed) // a valid level
	})
	return a.gzip, nil
}

// FeatureCollection returns the analysis as GeoJSON: one hexagon per study
// cell, sorted by cell index, and foreign members describing the analysis
// (res, k, fdr, steps, total; for a public caller min_count, the published
// months and partial).
func (a *Analysis) FeatureCollection() *geojson.FeatureCollection {
	fc := geojson.NewFeatureCollection()
	fc.Features = make([]*geojson.Feature, 0, len(a.Cells))
	for i := range a.Cells {
		c := &a.Cells[i]
		f := geojson.NewFeature(hex.Boundary(c.Cell))
		f.Properties = c.properties(false)
		fc.Features = append(fc.Features, f)
	}
	fc.ExtraMembers = a.members()
	return fc
}

// members are the collection's foreign members.
func (a *Analysis) members() geojson.Properties {
	m := geojson.Properties{
		"name":  "hotspots",
		"res":   a.Params.Res,
		"k":     a.Params.K,
		"fdr":   a.Params.FDR,
		"cells": len(a.Cells),
	}
	if a.TotalSuppressed {
		m["total"] = nil
	} else {
		m["total"] = a.Total
	}
	if a.MinCount > 0 {
		m["min_count"] = a.MinCount
		m["months"] = monthStrings(a.Months)
		m["partial"] = a.TotalPartial
	}
	if len(a.Steps) > 0 {
		steps := make([][2]string, len(a.Steps))
		for i, s := range a.Steps {
			steps[i] = [2]string{s.Start.Format(time.RFC3339Nano), s.End.Format(time.RFC3339Nano)}
		}
		m["steps"] = steps
	}
	return m
}
