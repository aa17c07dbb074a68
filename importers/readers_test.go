package importers_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"golang.org/x/text/encoding/simplifiedchinese"

	"minqing/importers"
)

func gbkBytes(t testing.TB, s string) []byte {
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const kmlHead = `<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>`
const kmlTail = `</Document></kml>`

// TestReaders runs each reader through dry runs (no store) on small inputs.
func TestReaders(t *testing.T) {
	incident := "工单编号,受理时间,问题分类,经度,纬度\n"
	big := strings.Repeat("x", 20000) // well over the limit plus the decoder's read-ahead
	tests := []struct {
		name                    string
		layer                   string
		format                  importers.Format
		in                      []byte
		opts                    importers.Options
		read, valid, rejected   int64
		failure, firstErr, warn string
	}{
		{name: "csv tab-delimited", layer: "incidents", format: importers.CSV,
			in:   []byte("工单编号\t受理时间\t问题分类\t经度\t纬度\nT1\t2026/3/5\t停电\t116.28\t39.85\n"),
			read: 1, valid: 1},
		{name: "csv crlf and blank lines", layer: "incidents", format: importers.CSV,
			in:   []byte(strings.ReplaceAll(incident+"A,2026/3/5,停电,116.28,39.85\n,,,,\n\nB,2026/3/5,停电,116.28,39.85\n", "\n", "\r\n")),
			read: 2, valid: 2},
		{name: "csv wkt, ewkt and z", layer: "incidents", format: importers.CSV,
			in:   []byte("工单编号,受理时间,问题分类,WKT\nA,2026/3/5,停电,POINT(116.28 39.85)\nB,2026/3/5,停电,SRID=4326;POINT Z (116.28 39.85 40)\nC,2026/3/5,停电,\"MULTIPOINT((116.28 39.85))\"\nD,2026/3/5,停电,SRID=3857;POINT(1 2)\nE,2026/3/5,停电,POINT(116.28\n"),
			read: 5, valid: 3, rejected: 2, failure: "2 of 5 rows", firstErr: "SRID 3857"},
		{name: "csv without coordinates", layer: "incidents", format: importers.CSV,
			in: []byte("工单编号,受理时间\nA,2026/3/5\n"), failure: "no coordinate columns", firstErr: "no coordinate columns"},
		{name: "csv empty", layer: "incidents", format: importers.CSV, in: nil, failure: "empty"},
		{name: "csv bad quote keeps going", layer: "incidents", format: importers.CSV,
			in:   []byte(incident + "A,\"2026/3/5\"x,停电,116.28,39.85\nB,2026/3/5,停电,116.28,39.85\n"),
			read: 2, valid: 1, rejected: 1, failure: "1 of 2", firstErr: "not valid CSV"},
		{name: "csv extra cells", layer: "incidents", format: importers.CSV,
			in:   []byte(incident + "A,2026/3/5,停电,116.28,39.85,多余\n"),
			read: 1, rejected: 1, failure: "1 of 1", firstErr: "6 cells but the header has 5"},
		{name: "csv record too large", layer: "incidents", format: importers.CSV,
			in:   []byte(incident + "A,2026/3/5,停电,116.28,39.85\nB,2026/3/5," + big + ",116.28,39.85\n"),
			opts: importers.Options{MaxRecordBytes: 4096}, read: 2, valid: 1, rejected: 1, failure: "1 of 2", firstErr: "larger than 4 KiB"},
		{name: "csv gbk after a long utf-8 start", layer: "incidents", format: importers.CSV,
			in:   append([]byte(incident+manyRows(3000)), gbkBytes(t, "Z,2026/3/5,停电,116.28,39.85\n")...),
			opts: importers.Options{Encoding: "auto"}, read: 3001, valid: 3000, rejected: 1, failure: "1 of 3001", firstErr: "--encoding gbk"},
		{name: "csv mapping file with synonyms", layer: "incidents", format: importers.CSV,
			in:   []byte("编号,时间,类别,X,Y\nA,2026/3/5,下水道堵了,116.28,39.85\n"),
			opts: importers.Options{Mapping: importers.Mapping{Columns: map[string]string{"时间": "received_at", "类别": "category"}, Values: map[string]map[string]string{"category": {"下水道堵了": "污水井冒污水"}}}},
			read: 1, valid: 1},
		{name: "csv unknown column warns once", layer: "incidents", format: importers.CSV,
			in:   []byte("工单编号,受理时间,问题分类,经度,纬度,备用\nA,2026/3/5,停电,116.28,39.85,x\nB,2026/3/5,停电,116.28,39.85,y\n"),
			read: 2, valid: 2, warn: "备用"},
		{name: "csv contacts dropped outside incidents", layer: "service_points", format: importers.CSV,
			in:   []byte("名称,联系电话,经度,纬度\n服务站,13800000000,116.28,39.85\n"),
			read: 1, valid: 1, warn: "personal data"},
		{name: "csv upsert needs the key", layer: "incidents", format: importers.CSV,
			in:   []byte(incident + ",2026/3/5,停电,116.28,39.85\n"),
			opts: importers.Options{Mode: "upsert"}, read: 1, rejected: 1, failure: "1 of 1", firstErr: "needed to upsert"},
		{name: "csv wrong geometry for the layer", layer: "greening", format: importers.CSV,
			in:   []byte("名称,经度,纬度\n花园,116.28,39.85\n"),
			read: 1, rejected: 1, failure: "1 of 1", firstErr: "is a Point, but layer greening takes a MultiPolygon"},
		{name: "csv region off", layer: "incidents", format: importers.CSV,
			in:   []byte(incident + "A,2026/3/5,停电,121.47,31.23\n"),
			opts: importers.Options{Region: &orb.Bound{}}, read: 1, valid: 1},
		{name: "geojson syntax error", layer: "incidents", format: importers.GeoJSON,
			in: []byte(`{"type":"FeatureCollection","features":[{"type":"Feature",}]}`), failure: "not valid JSON near byte"},
		{name: "geojson truncated", layer: "incidents", format: importers.GeoJSON,
			in: []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{}`), failure: "truncated"},
		{name: "geojson cut after a key", layer: "incidents", format: importers.GeoJSON,
			in: []byte(`{"type":`), failure: "truncated"},
		{name: "geojson projected crs", layer: "incidents", format: importers.GeoJSON,
			in: []byte(`{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3857"}},"features":[]}`), failure: "EPSG::3857"},
		{name: "geojson crs84 accepted", layer: "incidents", format: importers.GeoJSON,
			in: []byte(`{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},"features":[]}`)},
		{name: "geojson geometry problems", layer: "incidents", format: importers.GeoJSON,
			in: []byte(`{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"受理时间":"2026/3/5","问题分类":"停电"},"geometry":null},
{"type":"Feature","properties":{"受理时间":"2026/3/5","问题分类":"停电"},"geometry":{"type":"Point","coordinates":[116.28]}},
{"type":"Feature","properties":{"受理时间":"2026/3/5","问题分类":"停电"},"geometry":{"type":"MultiPoint","coordinates":[[116.28,39.85]]}},
{"type":"Feature","properties":{"受理时间":"2026/3/5","问题分类":"停电"},"geometry":{"type":"Circle","coordinates":[1,2]}},
{"type":"Thing"}]}`),
			read: 5, valid: 1, rejected: 4, failure: "4 of 5", firstErr: "no geometry"},
		{name: "geojson bare geometry", layer: "greening", format: importers.GeoJSON,
			in:   []byte(`{"type":"Polygon","coordinates":[[[116.27,39.85],[116.28,39.85],[116.28,39.86],[116.27,39.85]]]}`),
			read: 1, rejected: 1, failure: "1 of 1", firstErr: "name: is required"},
		{name: "kml polygon with a hole and gbk declared", layer: "greening", format: importers.KML,
			in: append([]byte(`<?xml version="1.0" encoding="GBK"?>`), gbkBytes(t, `<kml><Document><Placemark><name>街心花园</name>
<Polygon><outerBoundaryIs><LinearRing><coordinates>116.27,39.85,0 116.28,39.85,0 116.28,39.86,0 116.27,39.86,0 116.27,39.85,0</coordinates></LinearRing></outerBoundaryIs>
<innerBoundaryIs><LinearRing><coordinates>116.272,39.852 116.274,39.852 116.274,39.854 116.272,39.852</coordinates></LinearRing></innerBoundaryIs></Polygon>
</Placemark></Document></kml>`)...),
			read: 1, valid: 1, warn: "turned hole 1 clockwise"},
		{name: "kml multigeometry of polygons", layer: "greening", format: importers.KML,
			in: []byte(kmlHead + `<Placemark><name>两块绿地</name><MultiGeometry>
<Polygon><outerBoundaryIs><LinearRing><coordinates>116.27,39.85 116.28,39.85 116.28,39.86 116.27,39.85</coordinates></LinearRing></outerBoundaryIs></Polygon>
<Polygon><outerBoundaryIs><LinearRing><coordinates>116.29,39.85 116.30,39.85 116.30,39.86 116.29,39.85</coordinates></LinearRing></outerBoundaryIs></Polygon>
</MultiGeometry></Placemark>` + kmlTail),
			read: 1, valid: 1},
		{name: "kml linestring into streets", layer: "streets", format: importers.KML,
			in:   []byte(kmlHead + `<Placemark><name>北大街</name><ExtendedData><Data name="类型"><value>街</value></Data></ExtendedData><LineString><coordinates>116.27,39.85 116.28,39.85</coordinates></LineString></Placemark>` + kmlTail),
			read: 1, valid: 1},
		{name: "kml placemark without geometry", layer: "service_points", format: importers.KML,
			in:   []byte(kmlHead + `<Placemark><name>无坐标</name></Placemark>` + kmlTail),
			read: 1, rejected: 1, failure: "1 of 1", firstErr: "no Point, LineString or Polygon"},
		{name: "kml bad coordinates", layer: "service_points", format: importers.KML,
			in:   []byte(kmlHead + `<Placemark><name>坏坐标</name><Point><coordinates>116.28;39.85</coordinates></Point></Placemark>` + kmlTail),
			read: 1, rejected: 1, failure: "1 of 1", firstErr: "not lon,lat"},
		{name: "kml not xml", layer: "service_points", format: importers.KML, in: []byte("名称,经度\n"), failure: "no XML elements"},
		{name: "kml broken", layer: "service_points", format: importers.KML, in: []byte(kmlHead + `<Placemark><name>x</name><Point>`), failure: "KML"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := tc.opts
			opts.Format, opts.DryRun = tc.format, true
			rep, err := importers.Import(testCtx(t), nil, nil, layer(t, tc.layer), bytes.NewReader(tc.in), opts)
			if tc.failure == "" && err != nil {
				t.Fatalf("unexpected error %v; errors %v", err, rep.Errors)
			}
			if tc.failure != "" {
				if !errors.Is(err, importers.ErrRejected) || !strings.Contains(rep.Failure, tc.failure) {
					t.Fatalf("err %v, failure %q; want ErrRejected and %q", err, rep.Failure, tc.failure)
				}
			}
			if rep.Read != tc.read || rep.Valid != tc.valid || rep.Rejected != tc.rejected {
				t.Errorf("read %d valid %d rejected %d; want %d %d %d (errors %v)", rep.Read, rep.Valid, rep.Rejected, tc.read, tc.valid, tc.rejected, rep.Errors)
			}
			if tc.firstErr != "" && (len(rep.Errors) == 0 || !strings.Contains(rep.Errors[0].String(), tc.firstErr)) {
				t.Errorf("errors %v, want the first to mention %q", rep.Errors, tc.firstErr)
			}
			if tc.warn != "" {
				found := 0
				for _, w := range rep.Warnings {
					if strings.Contains(w.String(), tc.warn) {
						found++
					}
				}
				if found != 1 {
					t.Errorf("warnings %v: want one mentioning %q", rep.Warnings, tc.warn)
				}
			}
		})
	}
}

// manyRows returns n valid incident rows with distinct work-order numbers.
func manyRows(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "R%d,2026/3/5,停电,116.28,39.85\n", i)
	}
	return b.String()
}
