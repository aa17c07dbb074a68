package importers_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"minqing/geo"
	"minqing/importers"
	"minqing/layers"
	"minqing/stores/storetest"
)

// fixture reads a file of testdata.
func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("%v (run go test ./importers -run TestWriteFormatFixtures -update)", err)
	}
	return b
}

// within1mm fails unless got is within a millimetre of want (both lon/lat).
func within1mm(t *testing.T, what string, got, want orb.Point) {
	t.Helper()
	if d := geo.Distance(got, want); d > 0.001 {
		t.Errorf("%s: %v is %.4f m from %v, want ≤ 1 mm", what, got, d, want)
	}
}

// cs2cs converts projected points (easting, northing) of an EPSG system to
// CGCS2000 longitude/latitude with PROJ's cs2cs: the independent truth. It
// fails under CI=true when cs2cs is missing and skips the test otherwise.
func cs2cs(t *testing.T, epsg int, pts []orb.Point) []orb.Point {
	t.Helper()
	bin := importers.NeedTool(t, "cs2cs")
	var in bytes.Buffer
	for _, p := range pts { // EPSG axis order: northing, easting
		fmt.Fprintf(&in, "%.6f %.6f\n", p[1], p[0])
	}
	cmd := exec.Command(bin, "-f", "%.12f", fmt.Sprintf("EPSG:%d", epsg), "EPSG:4490")
	cmd.Stdin = &in
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("cs2cs: %v", err)
	}
	var res []orb.Point
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var lat, lon, h float64
		if _, err := fmt.Sscan(line, &lat, &lon, &h); err != nil {
			t.Fatalf("cs2cs output %q: %v", line, err)
		}
		res = append(res, orb.Point{lon, lat})
	}
	if len(res) != len(pts) {
		t.Fatalf("cs2cs returned %d points for %d", len(res), len(pts))
	}
	return res
}

// ringsOf lists the rings of a polygonal geometry.
func ringsOf(g orb.Geometry) []orb.Ring {
	switch g := g.(type) {
	case orb.Polygon:
		return g
	case orb.MultiPolygon:
		var out []orb.Ring
		for _, p := range g {
			out = append(out, p...)
		}
		return out
	}
	return nil
}

// closeToRing reports whether every point of want is within 1 mm of some
// point of got (ring orientation and start may differ).
func matchRing(t *testing.T, what string, got orb.Ring, want []orb.Point) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d points, want %d", what, len(got), len(want))
		return
	}
	for _, w := range want {
		best := 1e9
		for _, g := range got {
			best = min(best, geo.Distance(g, w))
		}
		if best > 0.001 {
			t.Errorf("%s: no vertex within 1 mm of %v (nearest %.4f m)", what, w, best)
		}
	}
}

func TestXLSXRoundTrip(t *testing.T) {
	data := fixture(t, "workorders.xlsx")
	sh := time.FixedZone("CST", 8*3600)
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		rep := mustRun(t, src, "incidents", data, importers.Options{Format: importers.XLSX})
		if rep.Sheet != "工单明细" || rep.Inserted != 5 || rep.Format != importers.XLSX {
			t.Fatalf("sheet %q format %s inserted %d, want 工单明细 xlsx 5", rep.Sheet, rep.Format, rep.Inserted)
		}
		got := all(t, src, "incidents", "external_id")
		for _, w := range workOrders() {
			f := got[w.id]
			if f == nil {
				t.Errorf("%s missing", w.id)
				continue
			}
			within1mm(t, w.id, point(t, f), orb.Point{w.lon, w.lat})
			if at, _ := f.Props["received_at"].(time.Time); !at.Equal(w.received) {
				t.Errorf("%s received_at %v, want %v (an Excel serial date in Beijing time)", w.id, at, w.received)
			}
		}
		if at, _ := got["GD202603050001"].Props["resolved_at"].(time.Time); !at.Equal(time.Date(2026, 3, 6, 0, 0, 0, 0, sh)) {
			t.Errorf("resolved_at from the text 2026年3月6日: %v", at)
		}
		if s := got["GD202603050001"].Props["source"]; s != "12345" {
			t.Errorf("source %v, want 12345 (12345热线)", s)
		}
		cs := contacts(t, src)
		found := false
		for _, c := range cs {
			if c.Name == "张三" && c.Phone == "13800000001" {
				found = true
			}
		}
		if !found {
			t.Errorf("contact 张三 13800000001 (a numeric phone cell) not stored: %v", cs)
		}
	})
}

func TestXLSXRejectsNameSheetAndRow(t *testing.T) {
	data := fixture(t, "workorders_bad.xlsx")
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		rep, err := run(t, src, "incidents", data, importers.Options{Format: importers.XLSX})
		if !errors.Is(err, importers.ErrRejected) {
			t.Fatalf("err %v, want rejected", err)
		}
		if n := count(t, src, "incidents"); n != 0 {
			t.Fatalf("%d incidents written by a rejected import, want 0", n)
		}
		rows := map[int64]string{}
		for _, p := range rep.Errors {
			if p.Row > 0 {
				rows[p.Row] = p.String()
			}
		}
		if len(rows) != 2 || !strings.HasPrefix(rows[9], "sheet 工单明细 row 9: lon") || !strings.Contains(rows[10], "sheet 工单明细 row 10: received_at") {
			t.Errorf("errors by row: %v, want sheet 工单明细 rows 9 (lon) and 10 (received_at)", rows)
		}
		var rej bytes.Buffer
		rep = mustRun(t, src, "incidents", data, importers.Options{Format: importers.XLSX, SkipInvalid: true, Rejects: &rej})
		if rep.Inserted != 5 || rep.Rejected != 2 {
			t.Errorf("skip-invalid: inserted %d rejected %d, want 5 and 2", rep.Inserted, rep.Rejected)
		}
		text := rej.String()
		if !strings.Contains(text, "工单编号,受理时间") || !strings.Contains(text, "GD202603070006") || !strings.Contains(text, ",9,") || !strings.Contains(text, ",10,") {
			t.Errorf("rejects file lacks the header, the rows or their numbers:\n%s", text)
		}
	})
}

func TestShapefileGaussKrugerRoundTrip(t *testing.T) {
	data := fixture(t, "communities_gk39.zip")
	cs := gkCommunities()
	var all0 []orb.Point
	for _, c := range cs {
		for _, r := range c.rings {
			all0 = append(all0, r...)
		}
	}
	truth := cs2cs(t, 4527, all0)
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		rep := mustRun(t, src, "communities", data, importers.Options{Format: importers.Zip})
		if rep.Format != importers.Shapefile || rep.Encoding != "gbk" || rep.CRS != string(geo.CGCS2000) || rep.Inserted != 3 {
			t.Fatalf("format %s encoding %s crs %s inserted %d, want shapefile gbk cgcs2000 3", rep.Format, rep.Encoding, rep.CRS, rep.Inserted)
		}
		warned := false
		for _, w := range rep.Warnings {
			if w.Field == "encoding" && strings.Contains(w.Reason, "GBK") {
				warned = true
			}
		}
		if !warned {
			t.Errorf("no warning says the encoding was detected as GBK: %v", rep.Warnings)
		}
		got := all(t, src, "communities", "code")
		k := 0
		for _, c := range cs {
			f := got[c.code]
			if f == nil {
				t.Fatalf("%s missing", c.code)
			}
			if f.Props["name"] != c.name || f.Props["patch"] != c.patch || f.Props["households"] != int64(c.households) || f.Props["area_m2"] != c.area {
				t.Errorf("%s props %v", c.code, f.Props)
			}
			rings := ringsOf(f.Geometry)
			if len(rings) != len(c.rings) {
				t.Fatalf("%s: %d rings, want %d", c.name, len(rings), len(c.rings))
			}
			for i, r := range c.rings {
				matchRing(t, fmt.Sprintf("%s ring %d", c.name, i), rings[i], truth[k:k+len(r)])
				k += len(r)
			}
		}
		if p, ok := got["110106001001"].Geometry.(orb.MultiPolygon); !ok || len(p) != 1 || len(p[0]) != 2 {
			t.Errorf("新华街北里 should be one polygon with a hole: %T", got["110106001001"].Geometry)
		}
	})
}

func TestKMZRoundTrip(t *testing.T) {
	data := fixture(t, "ovital.kmz")
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		rep := mustRun(t, src, "service_points", data, importers.Options{Format: importers.KMZ})
		if rep.Inserted != 3 || rep.Table != "doc.kml" {
			t.Fatalf("inserted %d from %q, want 3 from doc.kml", rep.Inserted, rep.Table)
		}
		got := all(t, src, "service_points", "name")
		for _, p := range ovitalPoints() {
			f := got[p.name]
			if f == nil {
				t.Fatalf("%s missing", p.name)
			}
			within1mm(t, p.name, point(t, f), orb.Point{p.lon, p.lat})
			if f.Props["kind"] != p.kind || f.Props["hours"] != p.hours {
				t.Errorf("%s props %v", p.name, f.Props)
			}
		}
	})
}

func TestGeoPackageRoundTrip(t *testing.T) {
	data := fixture(t, "greening_qgis.gpkg")
	areas := greenAreas()
	var pts []orb.Point
	for _, a := range areas {
		pts = append(pts, a.ring...)
	}
	truth := cs2cs(t, 4548, pts)
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		rep := mustRun(t, src, "greening", data, importers.Options{Format: importers.GeoPackage})
		if rep.Inserted != 2 || rep.Table != "绿地" || rep.CRS != string(geo.CGCS2000) {
			t.Fatalf("inserted %d from %q crs %s, want 2 from 绿地 in cgcs2000", rep.Inserted, rep.Table, rep.CRS)
		}
		got := all(t, src, "greening", "name")
		k := 0
		for _, a := range areas {
			f := got[a.name]
			if f == nil {
				t.Fatalf("%s missing", a.name)
			}
			if d, _ := f.Props["completed"].(time.Time); d.Format("2006-01-02") != a.completed || f.Props["community"] != a.community {
				t.Errorf("%s props %v", a.name, f.Props)
			}
			matchRing(t, a.name, ringsOf(f.Geometry)[0], truth[k:k+len(a.ring)])
			k += len(a.ring)
		}
	})
}

// TestFormatDetection imports each fixture with the wrong or a generic
// format: the bytes decide.
func TestFormatDetection(t *testing.T) {
	cases := []struct {
		file  string
		asked importers.Format
		layer string
		want  importers.Format
	}{
		{"workorders.xlsx", importers.CSV, "incidents", importers.XLSX},
		{"communities_gk39.zip", importers.Zip, "communities", importers.Shapefile},
		{"ovital.kmz", importers.Zip, "service_points", importers.KMZ},
		{"greening_qgis.gpkg", importers.GeoJSON, "greening", importers.GeoPackage},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			rep, err := run(t, nil, c.layer, fixture(t, c.file), importers.Options{Format: c.asked, DryRun: true})
			if err != nil || rep.Format != c.want {
				t.Errorf("read as %s (%v), want %s", rep.Format, err, c.want)
			}
		})
	}
	for _, c := range []struct{ name, want string }{{"a.xlsx", "xlsx"}, {"b.shp.zip", "zip"}, {"c.KMZ", "kmz"}, {"d.gpkg", "gpkg"}} {
		if f, err := importers.FormatFromName(c.name); err != nil || string(f) != c.want {
			t.Errorf("FormatFromName(%s) = %s, %v; want %s", c.name, f, err, c.want)
		}
	}
}

// TestBinaryInputErrors: damaged or unsupported files are refused with a
// sentence that names the problem.
func TestBinaryInputErrors(t *testing.T) {
	shp := func(prj string, withCPG string) []byte {
		cs := gkCommunities()[:1]
		s, x := writeSHP(5, [][][]orb.Point{cs[0].rings})
		d := writeDBF(t, []dbfFieldSpec{{"社区代码", 'C', 12, 0}, {"社区", 'C', 40, 0}}, [][]string{{cs[0].code, cs[0].name}}, 0)
		es := []zipEntry{{"c.shp", s}, {"c.shx", x}, {"c.dbf", d}}
		if prj != "" {
			es = append(es, zipEntry{"c.prj", []byte(prj)})
		}
		if withCPG != "" {
			es = append(es, zipEntry{"c.cpg", []byte(withCPG)})
		}
		return zipOf(t, es)
	}
	cases := []struct {
		name, layer string
		format      importers.Format
		data        []byte
		opts        importers.Options
		want        string
	}{
		{"xian80", "communities", importers.Zip, shp(`PROJCS["Xian_1980_3_Degree_GK_Zone_39",GEOGCS["GCS_Xian_1980",DATUM["D_Xian_1980",SPHEROID["Xian_1980",6378140.0,298.257]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",39500000.0],PARAMETER["Central_Meridian",117.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]`, ""), importers.Options{},
			`"Xian_1980_3_Degree_GK_Zone_39" is not supported`},
		{"utm", "communities", importers.Zip, shp(`PROJCS["WGS 84 / UTM zone 50N",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",117],PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",500000],UNIT["metre",1],AUTHORITY["EPSG","32650"]]`, "GBK"),
			importers.Options{}, "1 of 1 rows have errors"}, // a TM on WGS 84 is read from its parameters; the zone-39 coordinates then fall outside Beijing
		{"bad cpg", "communities", importers.Zip, shp(esriPRJ39, "KOI9-ZZ"), importers.Options{}, `the .cpg names the encoding "KOI9-ZZ"`},
		{"not a zip", "communities", importers.Shapefile, []byte("hello"), importers.Options{}, "is not a zip archive"},
		{"empty zip", "communities", importers.Zip, zipOf(t, []zipEntry{{"readme.txt", []byte("x")}}), importers.Options{}, "the zip holds no workbook, .shp or .kml"},
		{"no dbf", "communities", importers.Zip, zipOf(t, []zipEntry{{"c.shp", []byte("x")}}), importers.Options{}, "no c.dbf"},
		{"no sheet", "incidents", importers.XLSX, fixture(t, "workorders.xlsx"), importers.Options{Sheet: "汇总"}, `no sheet "汇总" (its sheets: 说明, 工单明细)`},
		{"header-less sheet", "incidents", importers.XLSX, fixture(t, "workorders.xlsx"), importers.Options{Sheet: "1"}, "sheet 说明 has no header row"},
		{"no table", "greening", importers.GeoPackage, fixture(t, "greening_qgis.gpkg"), importers.Options{Table: "道路"}, `no feature table "道路" (it has 绿地)`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.opts.Format, c.opts.DryRun = c.format, true
			rep, err := run(t, nil, c.layer, c.data, c.opts)
			if c.want == "" {
				if err != nil {
					t.Fatalf("err %v", err)
				}
				return
			}
			if !errors.Is(err, importers.ErrRejected) || !strings.Contains(rep.Failure, c.want) {
				t.Errorf("failure %q (err %v), want it to contain %q", rep.Failure, err, c.want)
			}
		})
	}
}
