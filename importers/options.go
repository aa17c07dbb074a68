package importers

import (
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/paulmach/orb"

	"minqing/geo"
	"minqing/layers"
)

// Format is an input format.
type Format string

// The formats Import reads.
const (
	GeoJSON Format = "geojson" // FeatureCollection, Feature or newline-delimited Features
	CSV     Format = "csv"     // comma- or tab-separated, with a header row
	KML     Format = "kml"     // Placemarks (not zipped KMZ)
	// The binary formats (see formats.go) are read from a seekable file.
	XLSX       Format = "xlsx"      // an Excel workbook: one sheet, a header row, then records
	Shapefile  Format = "shapefile" // a zip of .shp, .shx, .dbf, .prj and .cpg
	KMZ        Format = "kmz"       // a zipped KML (doc.kml and icons)
	GeoPackage Format = "gpkg"      // a GeoPackage: one feature table
	// Zip is a .zip whose contents decide: a Shapefile, a KMZ or a workbook.
	Zip Format = "zip"
)

// ParseFormat parses a format name ("geojson", "json", "ndjson", "csv",
// "tsv", "txt", "kml"), case-insensitively.
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(strings.TrimPrefix(s, "."))) {
	case "geojson", "json", "ndjson", "geojsonl", "geojsonseq", "jsonl":
		return GeoJSON, nil
	case "csv", "tsv", "txt":
		return CSV, nil
	case "kml":
		return KML, nil
	}
	if f, ok := parseBinaryFormat(s); ok {
		return f, nil
	}
	return "", fmt.Errorf("importers: unknown format %q (use geojson, csv, kml, xlsx, shapefile, kmz or gpkg)", s)
}

// FormatFromName guesses the format from a file name's extension.
func FormatFromName(name string) (Format, error) {
	ext := path.Ext(strings.ToLower(name))
	if ext == "" {
		return "", fmt.Errorf("importers: cannot tell the format of %q: give --format geojson, csv, kml, xlsx, shapefile, kmz or gpkg", name)
	}
	return ParseFormat(ext)
}

// FormatFromContentType maps a MIME type to a format ("" if unknown).
func FormatFromContentType(ct string) Format {
	ct = strings.ToLower(strings.TrimSpace(strings.Split(ct, ";")[0]))
	switch ct {
	case "application/geo+json", "application/json", "application/x-ndjson", "application/geo+json-seq", "application/vnd.geo+json":
		return GeoJSON
	case "text/csv", "text/tab-separated-values", "application/csv":
		return CSV
	case "application/vnd.google-earth.kml+xml", "application/xml", "text/xml":
		return KML
	}
	return binaryContentType(ct)
}

// Beijing returns the default region every coordinate must fall in: lon
// 115.4–117.6, lat 39.4–41.1 (the municipality with a margin).
func Beijing() orb.Bound { return orb.Bound{Min: orb.Point{115.4, 39.4}, Max: orb.Point{117.6, 41.1}} }

// Defaults of Options.
const (
	DefaultMaxRecordBytes = 1 << 20  // one CSV row, GeoJSON feature or KML placemark
	DefaultMaxFieldBytes  = 64 << 10 // one value of a row (not a WKT geometry)
	DefaultMaxCoordinates = 1 << 20  // coordinates in one feature
	DefaultMaxProblems    = 10000    // errors (and, separately, warnings) kept in a report
)

// Options tune an import. The zero value imports UTF-8-or-GB18030 WGS 84 data
// in insert mode, all or nothing, repairing rings, within Beijing.
type Options struct {
	Format   Format  // required (see ParseFormat, FormatFromName, SniffFormat)
	CRS      geo.CRS // the input's coordinate system; "" is WGS 84
	Encoding string  // "utf-8", "gbk", "gb18030", "utf-16", "auto" or ""; other WHATWG names work too
	Mapping  Mapping // extra column → field names and value synonyms
	Mode     layers.WriteMode
	DryRun   bool // validate and report; write nothing
	// SkipInvalid writes the valid records even when some are rejected; the
	// rejected ones go to Rejects.
	SkipInvalid bool
	// Rejects, if set, receives the rejected records when SkipInvalid is true.
	Rejects io.Writer
	// NoRepair rejects unclosed rings and keeps duplicate points and ring
	// orientation as they are, instead of repairing them.
	NoRepair bool
	// Region is where coordinates must lie (after conversion to WGS 84);
	// nil means Beijing. An empty bound (orb.Bound{}) disables the check.
	Region *orb.Bound
	// DefaultSource fills an empty source field (incidents); "" means "12345".
	DefaultSource string
	// Sheet picks the worksheet of an XLSX by name or 1-based number; ""
	// takes the first sheet with a header row.
	Sheet string
	// Table picks the feature table of a GeoPackage, or the .shp of a zip
	// holding several; "" takes the only one.
	Table string
	// Size is the input's size in bytes if known (for the progress percent).
	Size int64
	// Progress, if set, is called now and then (at most every 200 ms) and
	// once at the end, from the goroutine running Import.
	Progress func(Progress)

	// MaxRecordBytes bounds one record as read from the file (a CSV row, a
	// GeoJSON feature, a KML placemark). A larger CSV row rejects that row,
	// with its row number, like any invalid one (set aside with SkipInvalid;
	// reading goes on at the next line); a larger GeoJSON feature or KML
	// placemark ends the import, naming it, since the reader cannot find
	// where the next one starts.
	MaxRecordBytes int64 // 0: DefaultMaxRecordBytes
	// MaxFieldBytes bounds one value of a record (after decoding; a WKT
	// geometry excepted): a larger one rejects the record, with its row
	// number, like any invalid value (set aside with SkipInvalid).
	MaxFieldBytes  int // 0: DefaultMaxFieldBytes
	MaxCoordinates int // 0: DefaultMaxCoordinates
	MaxProblems    int // 0: DefaultMaxProblems
}

func (o *Options) defaults() {
	if o.Mode == "" {
		o.Mode = layers.Insert
	}
	if o.CRS == "" {
		o.CRS = geo.WGS84
	}
	if o.DefaultSource == "" {
		o.DefaultSource = "12345"
	}
	if o.Region == nil {
		b := Beijing()
		o.Region = &b
	}
	if o.MaxRecordBytes <= 0 {
		o.MaxRecordBytes = DefaultMaxRecordBytes
	}
	if o.MaxFieldBytes <= 0 {
		o.MaxFieldBytes = DefaultMaxFieldBytes
	}
	if o.MaxCoordinates <= 0 {
		o.MaxCoordinates = DefaultMaxCoordinates
	}
	if o.MaxProblems <= 0 {
		o.MaxProblems = DefaultMaxProblems
	}
}

// ParseMode parses insert, upsert or replace ("" is insert).
func ParseMode(s string) (layers.WriteMode, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "insert":
		return layers.Insert, nil
	case "upsert":
		return layers.Upsert, nil
	case "replace":
		return layers.Replace, nil
	}
	return "", fmt.Errorf("importers: unknown mode %q (use insert, upsert or replace)", s)
}
