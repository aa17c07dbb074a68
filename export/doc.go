// Package export writes a layer's features as GeoJSON, CSV or KML, one
// feature at a time, so that memory stays flat however large the layer.
//
// Every format takes the same [Options]: the layer, the columns the caller may
// see (never more: the server and the command line pass
// layers.Query.Columns), and the coordinate precision (7 decimals by default,
// about 1 cm at Beijing's latitude).
//
//   - GeoJSON: a FeatureCollection (RFC 7946), written by package
//     export/geojson.
//   - CSV: UTF-8 with a byte-order mark (so that Excel reads the Chinese
//     right), CRLF line ends, a header row of the fields' Chinese titles
//     ([HeadersZH], the default), English titles ([HeadersEN]) or machine
//     names ([HeadersName]). The first column is the feature id; the geometry
//     comes last: two columns lon and lat (WGS 84 degrees) for a point layer,
//     one column wkt (2D WKT) for every other layer. Times are written
//     "2006-01-02 15:04:05" and dates "2006-01-02", both in Asia/Shanghai,
//     which Excel reads as dates; booleans are true and false. A text value
//     that starts with = + - @ or a tab is prefixed with an apostrophe so that
//     a spreadsheet does not run it as a formula (CSV injection).
//   - KML 2.2: one Placemark per feature, encoded with go-geom's KML encoder
//     (orb geometries are converted at this edge only). The Placemark's name
//     is the layer's label field, its description lists the visible
//     properties by their Chinese titles, ExtendedData holds every value with
//     its machine name, and a layer with a time field gets a TimeStamp (for
//     Google Earth's time slider). The document is written as a hand-written
//     header, the Placemarks one by one, and a footer: no tree of the whole
//     layer is ever built.
//
// [Write] streams a Query from a layers.Source through an encoder; the server
// uses the encoders directly so that it can start the response lazily.
package export
