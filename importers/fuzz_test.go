package importers

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"minqing/deploy/fengtai"
)

// fuzzImport runs a dry-run import of data and checks the report's
// invariants. Small limits keep every record's memory bounded.
func fuzzImport(t *testing.T, layer string, format Format, data []byte) {
	l, _ := fengtai.Catalog().Lookup(layer)
	rep, err := Import(context.Background(), nil, nil, l, bytes.NewReader(data), Options{
		Format: format, DryRun: true, MaxRecordBytes: 1 << 16, MaxCoordinates: 1 << 12, MaxProblems: 100,
	})
	if rep == nil {
		t.Fatal("no report")
	}
	if rep.Read != rep.Valid+rep.Rejected {
		t.Fatalf("read %d != valid %d + rejected %d", rep.Read, rep.Valid, rep.Rejected)
	}
	if rep.Rejected > 0 && err == nil {
		t.Fatalf("%d rejected but no error", rep.Rejected)
	}
	if err != nil && !errors.Is(err, ErrRejected) {
		t.Fatalf("error not wrapping ErrRejected: %v", err)
	}
	if len(rep.Errors) > 100 {
		t.Fatalf("%d errors kept, cap is 100", len(rep.Errors))
	}
}

func addSeeds(f *testing.F, names ...string) {
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join("testdata", n))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

func FuzzCSV(f *testing.F) {
	addSeeds(f, "workorders_gbk.csv", "bad_rows.csv", "points_gcj02.csv")
	f.Add([]byte("工单编号,受理时间,问题分类,WKT\nA,2026/3/5,停电,\"GEOMETRYCOLLECTION(POINT(116.28 39.85))\"\n"))
	f.Add([]byte("a\tb\n\"x\"\"y\t1\n"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzImport(t, "incidents", CSV, data) })
}

func FuzzGeoJSON(f *testing.F) {
	addSeeds(f, "invalid_polygon.geojson")
	f.Add([]byte(`{"type":"Feature","geometry":{"type":"GeometryCollection","geometries":[{"type":"Polygon","coordinates":[[[116.27,39.85],[116.28,39.85],[116.28,39.86],[116.27,39.85]]]}]},"properties":{"name":"x"}}` + "\n" + `{"type":"Feature"}`))
	f.Add([]byte(`{"features":[[[[[[[[[[]]]]]]]]]],"type":"FeatureCollection"}`))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzImport(t, "greening", GeoJSON, data) })
}

func FuzzKML(f *testing.F) {
	addSeeds(f, "ovital.kml")
	f.Add([]byte(`<kml><Folder><name>a</name><Folder><Placemark><MultiGeometry><MultiGeometry><Polygon><outerBoundaryIs><LinearRing><coordinates>116.27,39.85 116.28,39.85 116.28,39.86 116.27,39.85</coordinates></LinearRing></outerBoundaryIs></Polygon></MultiGeometry></MultiGeometry></Placemark></Folder></Folder></kml>`))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzImport(t, "service_points", KML, data) })
}

func FuzzWKT(f *testing.F) {
	for _, s := range []string{"POINT(1 2)", "SRID=4326;MULTIPOLYGON Z(((1 2 3,4 5 6,7 8 9,1 2 3)))", "GEOMETRYCOLLECTION(GEOMETRYCOLLECTION(POINT EMPTY))", "LINESTRING M (1 2 3, 4 5 6)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		g, err := parseWKT(s, 1<<12)
		if err == nil && g == nil {
			t.Fatal("nil geometry without an error")
		}
	})
}
