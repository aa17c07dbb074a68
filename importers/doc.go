// Package importers loads files into a layer: GeoJSON (a FeatureCollection,
// a single Feature or newline-delimited Features), CSV (longitude/latitude
// columns or a WKT column, with the Chinese headers of 12345 work-order
// exports understood), KML (Placemarks with Point, LineString, Polygon
// and MultiGeometry, as exported by 奥维地图 and Google Earth) and, read from
// a file rather than a stream (see formats.go), XLSX workbooks (xlsx.go),
// zipped Shapefiles with their .prj and .cpg (shapefile.go, dbf.go, prj.go,
// tmerc.go), KMZ (kmz.go) and GeoPackages (geopackage.go). [PreviewFile]
// shows a file's first rows and column mapping without importing.
//
// [Import] streams the file through a reader for its format, converts every
// record into a [layers.Feature] and hands the valid ones to one
// [layers.Source.Write]: the store writes them in one transaction. Memory
// stays bounded whatever the file's size: records are read one at a time
// (no record may exceed [Options.MaxRecordBytes], 1 MiB by default, and no
// value [Options.MaxFieldBytes], 64 KiB: such a row is rejected), and only the first
// [Options.MaxProblems] problems are kept in the report (all are counted).
// The one structure that grows with the file is a set of 64-bit hashes of
// the layer's key (about 20 bytes a row), which catches a work order listed
// twice.
//
// # All or nothing
//
// Every record is checked, and every problem is reported with its row (CSV:
// the line in the file, header = line 1, which is the spreadsheet row;
// GeoJSON and KML: the feature's 1-based position), field, value and a reason.
// If any record is rejected and [Options.SkipInvalid] is false, the reader
// returns an error instead of io.EOF at the end of the file, the store rolls
// back and nothing is written; the error wraps [ErrRejected]. With
// SkipInvalid the good records are written and the rejected ones are copied
// to [Options.Rejects] (CSV input: the same columns plus 行号 and 错误原因; GeoJSON
// input: a FeatureCollection with _row and _reason properties; KML input: a
// CSV of row, name, reason, WKT and the extended data).
//
// # Encodings
//
// UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order mark
// (Excel's "Unicode text"), GBK and GB18030. With the encoding "auto" (or
// empty) a UTF-8 or UTF-16 byte-order mark decides; otherwise the first
// 64 KiB are read: if they are valid UTF-8 the file is read as UTF-8, else
// as GB18030 (a superset of GBK and GB2312, so every Excel export from a
// Chinese Windows decodes). A KML file that declares its encoding in its XML
// declaration is decoded as declared. Text that is not valid UTF-8 further
// into a file read as UTF-8 is reported on its row, suggesting --encoding gbk.
//
// # Coordinates
//
// [Options.CRS] names the system of the input (wgs84, cgcs2000, gcj02, bd09,
// see [geo.ParseCRS]); coordinates are converted to WGS 84 with package geo
// (iterative inverses, error well under 0.5 m). Every coordinate must then lie
// in [Options.Region] (Beijing by default); a coordinate outside it is
// reported, with a hint when latitude and longitude look swapped.
//
// # What else is checked and filled in
//
//   - the geometry type fits the layer (a one-member MultiPoint or
//     MultiLineString is unwrapped; a Polygon goes into a MultiPolygon layer);
//   - rings: closed, duplicate consecutive points dropped and the outer ring
//     turned counter-clockwise (holes clockwise) when [Options.NoRepair] is
//     false (each repair is a warning); too few points, zero area, a ring that
//     crosses itself (a bow-tie) or a hole crossing or outside its shell are
//     rejected with the place where it happens: there is no automatic repair
//     of a self-intersecting polygon (fix it in QGIS with "Fix geometries");
//   - required fields, value types, dates (layers.ParseTime: 2026/3/5 14:03,
//     2026-03-05 14:03:00, 2026年3月5日, read as Asia/Shanghai), vocabularies
//     (category synonyms such as 水管漏水 → 漏水, 停水 → 水电气暖; Chinese status
//     names; 12345热线 → 12345), and the layer's key once per file;
//   - incidents: source defaults to 12345 ([Options.DefaultSource]); status is
//     derived when missing (see deriveStatus); community and patch are found
//     by point-in-polygon against the store's communities layer when the file
//     does not give them;
//   - callers' names and phones (来电人, 联系人, 姓名, 联系电话, 电话, 手机 …) go to
//     Feature.Contact, never to properties, and only for incidents (elsewhere
//     they are dropped with a warning).
package importers
