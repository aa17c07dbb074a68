package importers_test

import (
	"archive/zip"
	"bytes"
	"database/sql"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// The binary fixtures in testdata are written by TestWriteFormatFixtures
// with -update (go test ./importers -run TestWriteFormatFixtures -update);
// the truth they encode is in the functions below, which the round-trip
// tests compare against.

// fixtureTime is the modification time of every zip entry (for stable bytes).
var fixtureTime = time.Date(2026, 3, 7, 9, 0, 0, 0, time.UTC)

// workOrder is one row of the XLSX fixture.
type workOrder struct {
	id, caller, phone, source, category, sub, text, addr, unit string
	lon, lat                                                   float64
	received                                                   time.Time // written as an Excel serial date
	dispatched, resolved                                       string    // written as text
	solved, satisfied                                          string
}

func workOrders() []workOrder {
	sh := time.FixedZone("CST", 8*3600)
	return []workOrder{
		{"GD202603050001", "张三", "13800000001", "12345热线", "水管漏水", "厨房", "楼上水管漏水，家里天花板滴水", "新华街北里3号楼", "新华街北里社区", 116.2755, 39.8512, time.Date(2026, 3, 5, 14, 3, 0, 0, sh), "2026/3/5 14:30", "2026年3月6日", "是", "满意"},
		{"GD202603050002", "李四", "13900000002", "12345", "停水", "", "小区突然停水，没有通知", "正阳北里5号楼", "正阳北里社区", 116.2910, 39.8625, time.Date(2026, 3, 5, 15, 20, 0, 0, sh), "2026-03-05 15:40:00", "", "否", ""},
		{"GD202603060003", "王五", "13700000003", "24小时热线", "停电", "", "楼道停电", "新华街北里7号楼", "供电所", 116.2801, 39.8650, time.Date(2026, 3, 6, 0, 0, 0, 0, sh), "", "2026年3月6日", "是", ""},
		{"GD202603060004", "", "", "", "施工噪音", "夜间", "工地夜间施工噪音大", "正阳北里东侧工地", "城管执法队", 116.2990, 39.8480, time.Date(2026, 3, 6, 9, 15, 30, 0, sh), "", "", "", ""},
		{"GD202603070005", "赵六", "13600000005", "12345热线", "垃圾清运", "", "垃圾桶满溢无人清运", "丰台北路18号院", "环卫所", 116.2870, 39.8560, time.Date(2026, 3, 7, 8, 5, 0, 0, sh), "2026/3/7 8:30", "", "否", ""},
	}
}

var workOrderHeader = []string{"工单编号", "受理时间", "来电人", "联系电话", "诉求来源", "问题分类", "二级分类", "诉求内容", "地址", "经度", "纬度", "承办单位", "派单时间", "办结时间", "是否解决", "是否满意"}

// excelSerial is an Excel (1900 system) serial date of t's wall time.
func excelSerial(t time.Time) float64 {
	wall := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
	return wall.Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours() / 24
}

// workOrdersXLSX is a 12345 export: a notes sheet first, then the work-order
// sheet with two merged title rows above the header; 受理时间 are serial
// dates with a date format, the other times text; phones are numbers.
// bad adds two rows that must be rejected (rows 9 and 10).
func workOrdersXLSX(t testing.TB, bad bool) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetName("Sheet1", "说明"))
	must(f.SetCellValue("说明", "A1", "本表由12345接诉即办系统导出，仅供街道内部使用。"))
	const sheet = "工单明细"
	_, err := f.NewSheet(sheet)
	must(err)
	must(f.SetCellValue(sheet, "A1", "丰台街道接诉即办工单明细表"))
	must(f.MergeCell(sheet, "A1", "P1"))
	must(f.SetCellValue(sheet, "A2", "导出时间：2026年3月7日 09:00　　导出单位：街道指挥中心"))
	must(f.MergeCell(sheet, "A2", "P2"))
	must(f.SetSheetRow(sheet, "A3", &workOrderHeader))
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("yyyy/m/d h:mm")})
	must(err)
	rows := workOrders()
	for i, w := range rows {
		r := i + 4
		phone := any(w.phone)
		if w.phone != "" {
			var n int64
			fmt.Sscan(w.phone, &n)
			phone = n
		}
		vals := []any{w.id, excelSerial(w.received), w.caller, phone, w.source, w.category, w.sub, w.text, w.addr, w.lon, w.lat, w.unit, w.dispatched, w.resolved, w.solved, w.satisfied}
		cell, _ := excelize.CoordinatesToCellName(1, r)
		must(f.SetSheetRow(sheet, cell, &vals))
		b, _ := excelize.CoordinatesToCellName(2, r)
		must(f.SetCellStyle(sheet, b, b, dateStyle))
	}
	if bad {
		// row 9: no longitude; row 10: a date that does not exist.
		r9 := []any{"GD202603070006", 46088.5, "", "", "12345", "停电", "", "楼道灯不亮", "新华街北里1号楼", "", 39.8601, "供电所", "", "", "", ""}
		r10 := []any{"GD202603070007", "2026-13-45", "", "", "12345", "停电", "", "路灯不亮", "新华街北里2号楼", 116.2801, 39.8602, "供电所", "", "", "", ""}
		must(f.SetSheetRow(sheet, "A9", &r9))
		must(f.SetSheetRow(sheet, "A10", &r10))
	}
	f.SetActiveSheet(1)
	var buf bytes.Buffer
	must(f.Write(&buf))
	return buf.Bytes()
}

func ptr[T any](v T) *T { return &v }

// community is one polygon of the Shapefile fixture, in CGCS2000 / 3-degree
// Gauss–Krüger zone 39 (EPSG:4527: false easting 39 500 000 m).
type community struct {
	code, name, patch, secretary string
	households, population, year int
	area                         float64
	rings                        [][]orb.Point // shells clockwise, holes counter-clockwise, as in a .shp
}

// gkCommunities are three communities of 丰台街道 around 116.28°E 39.85°N:
// one with a hole (a park), one in two parts.
func gkCommunities() []community {
	rect := func(x0, y0, x1, y1 float64, clockwise bool) []orb.Point {
		if clockwise {
			return []orb.Point{{x0, y0}, {x0, y1}, {x1, y1}, {x1, y0}, {x0, y0}}
		}
		return []orb.Point{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
	}
	return []community{
		{"110106001001", "新华街北里", "第一片区", "王芳", 1820, 4650, 1986, 412000,
			[][]orb.Point{rect(39437800.125, 4411300.250, 39439050.5, 4412400.75, true), rect(39438200, 4411700, 39438400.333, 4411900.667, false)}},
		{"110106001002", "正阳北里", "第二片区", "李强", 2210, 5301, 1992, 388000,
			[][]orb.Point{rect(39439050.5, 4411300.250, 39440100.875, 4412400.75, true)}},
		{"110106001003", "丰台北路", "第二片区", "张伟", 960, 2480, 2003, 201500,
			[][]orb.Point{rect(39440200, 4411300, 39440700, 4411800, true), rect(39440800, 4411300, 39441100, 4411650, true)}},
	}
}

// esriPRJ39 is the .prj ArcGIS writes for CGCS2000_3_Degree_GK_Zone_39 (no EPSG code).
const esriPRJ39 = `PROJCS["CGCS2000_3_Degree_GK_Zone_39",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",39500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",117.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]`

// communitiesShapefileZip zips communities.shp/.shx/.dbf/.prj, the .dbf in
// GBK with no .cpg and no language driver byte (as many converters write it).
func communitiesShapefileZip(t testing.TB) []byte {
	t.Helper()
	cs := gkCommunities()
	var shapes [][][]orb.Point
	for _, c := range cs {
		shapes = append(shapes, c.rings)
	}
	shp, shx := writeSHP(5, shapes)
	fields := []dbfFieldSpec{{"社区代码", 'C', 12, 0}, {"社区", 'C', 40, 0}, {"片区", 'C', 20, 0}, {"书记", 'C', 20, 0},
		{"户数", 'N', 9, 0}, {"人口", 'N', 9, 0}, {"建成年份", 'N', 4, 0}, {"面积", 'N', 12, 1}}
	var rows [][]string
	for _, c := range cs {
		rows = append(rows, []string{c.code, c.name, c.patch, c.secretary, fmt.Sprint(c.households), fmt.Sprint(c.population), fmt.Sprint(c.year), fmt.Sprintf("%.1f", c.area)})
	}
	dbf := writeDBF(t, fields, rows, 0)
	return zipOf(t, []zipEntry{{"communities.shp", shp}, {"communities.shx", shx}, {"communities.dbf", dbf}, {"communities.prj", []byte(esriPRJ39)}})
}

type zipEntry struct {
	name string
	data []byte
}

func zipOf(t testing.TB, entries []zipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: fixtureTime})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(e.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// writeSHP writes a polygon (5) or polyline (3) .shp and its .shx.
func writeSHP(typ int32, shapes [][][]orb.Point) (shp, shx []byte) {
	le, be := binary.LittleEndian, binary.BigEndian
	var recs [][]byte
	b := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	for i, parts := range shapes {
		var content []byte
		content = le.AppendUint32(content, uint32(typ))
		pb := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
		n := 0
		for _, p := range parts {
			for _, q := range p {
				pb = pb.Extend(q)
			}
			n += len(p)
		}
		b = b.Union(pb)
		for _, v := range []float64{pb.Min[0], pb.Min[1], pb.Max[0], pb.Max[1]} {
			content = le.AppendUint64(content, math.Float64bits(v))
		}
		content = le.AppendUint32(content, uint32(len(parts)))
		content = le.AppendUint32(content, uint32(n))
		off := 0
		for _, p := range parts {
			content = le.AppendUint32(content, uint32(off))
			off += len(p)
		}
		for _, p := range parts {
			for _, q := range p {
				content = le.AppendUint64(content, math.Float64bits(q[0]))
				content = le.AppendUint64(content, math.Float64bits(q[1]))
			}
		}
		var rec []byte
		rec = be.AppendUint32(rec, uint32(i+1))
		rec = be.AppendUint32(rec, uint32(len(content)/2))
		recs = append(recs, append(rec, content...))
	}
	header := func(total int) []byte {
		h := make([]byte, 100)
		be.PutUint32(h[0:], 9994)
		be.PutUint32(h[24:], uint32(total/2))
		le.PutUint32(h[28:], 1000)
		le.PutUint32(h[32:], uint32(typ))
		for i, v := range []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]} {
			le.PutUint64(h[36+8*i:], math.Float64bits(v))
		}
		return h
	}
	total := 100
	for _, r := range recs {
		total += len(r)
	}
	shp = header(total)
	shx = header(100 + 8*len(recs))
	off := 100
	for _, r := range recs {
		shp = append(shp, r...)
		shx = be.AppendUint32(shx, uint32(off/2))
		shx = be.AppendUint32(shx, uint32((len(r)-8)/2))
		off += len(r)
	}
	return shp, shx
}

type dbfFieldSpec struct {
	name     string
	kind     byte
	length   int
	decimals int
}

// writeDBF writes a dBASE III table with GBK text.
func writeDBF(t testing.TB, fields []dbfFieldSpec, rows [][]string, ldid byte) []byte {
	t.Helper()
	gbk := func(s string) []byte {
		b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	le := binary.LittleEndian
	recLen := 1
	for _, f := range fields {
		recLen += f.length
	}
	hdrLen := 32 + 32*len(fields) + 1
	h := make([]byte, 32)
	h[0] = 3
	h[1], h[2], h[3] = 126, 3, 7
	le.PutUint32(h[4:], uint32(len(rows)))
	le.PutUint16(h[8:], uint16(hdrLen))
	le.PutUint16(h[10:], uint16(recLen))
	h[29] = ldid
	for _, f := range fields {
		d := make([]byte, 32)
		copy(d[:11], gbk(f.name))
		d[11], d[16], d[17] = f.kind, byte(f.length), byte(f.decimals)
		h = append(h, d...)
	}
	h = append(h, 0x0D)
	for _, r := range rows {
		h = append(h, ' ')
		for i, f := range fields {
			v := gbk(r[i])
			cell := bytes.Repeat([]byte{' '}, f.length)
			if f.kind == 'N' || f.kind == 'F' {
				copy(cell[f.length-len(v):], v)
			} else {
				copy(cell, v)
			}
			h = append(h, cell...)
		}
	}
	return append(h, 0x1A)
}

// ovitalPoint is a service point of the KMZ fixture (WGS 84).
type ovitalPoint struct {
	folder, name, kind, addr, hours string
	lon, lat                        float64
}

func ovitalPoints() []ovitalPoint {
	return []ovitalPoint{
		{"便民服务/社区服务站", "新华街二里社区服务站", "社区服务站", "新华街二里12号", "8:30-17:30", 116.2723, 39.8668},
		{"便民服务/养老", "北大街养老驿站", "养老驿站", "丰台北大街6号", "全天", 116.3012, 39.8471},
		{"便民服务", "桥南冠京隆市场", "菜市场", "桥南东街1号", "6:00-20:00", 116.2895, 39.8590},
	}
}

// ovitalKMZ is a KMZ as 奥维地图 exports it: doc.kml with nested folders,
// styles pointing at icons in files/, ExtendedData, and the icons.
func ovitalKMZ(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">
<Document><name>丰台街道便民服务点</name>
<Style id="icon1"><IconStyle><scale>1.1</scale><Icon><href>files/icon1.png</href></Icon></IconStyle></Style>
`)
	for _, p := range ovitalPoints() {
		fmt.Fprintf(&b, `<Folder><name>%s</name><Placemark><name>%s</name><description><![CDATA[<p>%s</p>]]></description><styleUrl>#icon1</styleUrl>
<ExtendedData><Data name="类型"><value>%s</value></Data><Data name="地址"><value>%s</value></Data><Data name="开放时间"><value>%s</value></Data></ExtendedData>
<Point><coordinates>%.7f,%.7f,0</coordinates></Point></Placemark></Folder>
`, p.folder, p.name, p.addr, p.kind, p.addr, p.hours, p.lon, p.lat)
	}
	b.WriteString("</Document></kml>\n")
	// A 1×1 PNG stands in for the icon.
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
	return zipOf(t, []zipEntry{{"doc.kml", b.Bytes()}, {"files/icon1.png", png}})
}

// greenArea is a polygon of the GeoPackage fixture, in CGCS2000 / 3-degree
// Gauss–Krüger CM 117°E (EPSG:4548: false easting 500 000 m, no zone number).
type greenArea struct {
	name, kind, community string
	completed             string // as QGIS stores a DATE
	ring                  []orb.Point
}

func greenAreas() []greenArea {
	return []greenArea{
		{"新华街口袋公园", "口袋公园", "新华街北里", "2025-06-30", []orb.Point{{438210.5, 4411750.25}, {438390.75, 4411750.25}, {438390.75, 4411880.5}, {438210.5, 4411880.5}, {438210.5, 4411750.25}}},
		{"正阳街心花园", "街心花园", "正阳北里", "2025-09-15", []orb.Point{{439300, 4411600}, {439520.125, 4411600}, {439410, 4411790.875}, {439300, 4411600}}},
	}
}

// ogcWKT4548 is the definition QGIS stores for EPSG:4548 (OGC WKT 1).
const ogcWKT4548 = `PROJCS["CGCS2000 / 3-degree Gauss-Kruger CM 117E",GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101,AUTHORITY["EPSG","1024"]],AUTHORITY["EPSG","1043"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4490"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",117],PARAMETER["scale_factor",1],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AUTHORITY["EPSG","4548"]]`

// greeningGeoPackage writes a GeoPackage as QGIS does: the required tables,
// the SRS under a custom srs_id (100001, organization "EPSG" 4548 — the
// importer must follow the table's srs_id, not assume EPSG = srs_id), a
// feature table "绿地" with an fid, a MULTIPOLYGON column "geom" and DATE.
func greeningGeoPackage(t testing.TB, path string) {
	t.Helper()
	os.Remove(path)
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stmts := []string{
		`PRAGMA application_id = 1196444487`, `PRAGMA user_version = 10300`,
		`CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT)`,
		`INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', NULL), ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', NULL)`,
		`INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84 geodetic', 4326, 'EPSG', 4326, 'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433],AUTHORITY["EPSG","4326"]]', NULL)`,
		`INSERT INTO gpkg_spatial_ref_sys VALUES ('CGCS2000 / 3-degree Gauss-Kruger CM 117E', 100001, 'EPSG', 4548, '` + ogcWKT4548 + `', NULL)`,
		`CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER)`,
		`CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL, CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name))`,
		`CREATE TABLE "绿地" (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom MULTIPOLYGON, "名称" TEXT, "类型" TEXT, "社区" TEXT, "完成日期" DATE, "面积" REAL)`,
		`INSERT INTO gpkg_contents VALUES ('绿地', 'features', '绿地', '', '2026-03-07T01:00:00.000Z', 438210.5, 4411600, 439520.125, 4411880.5, 100001)`,
		`INSERT INTO gpkg_geometry_columns VALUES ('绿地', 'geom', 'MULTIPOLYGON', 100001, 0, 0)`,
	}
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	for _, g := range greenAreas() {
		blob := gpkgBlob(t, orb.MultiPolygon{{orb.Ring(g.ring)}}, 100001)
		area := math.Abs(planarArea(g.ring))
		if _, err := db.Exec(`INSERT INTO "绿地" (geom, "名称", "类型", "社区", "完成日期", "面积") VALUES (?, ?, ?, ?, ?, ?)`,
			blob, g.name, g.kind, g.community, g.completed, math.Round(area*10)/10); err != nil {
			t.Fatal(err)
		}
	}
}

func planarArea(r []orb.Point) float64 {
	var a float64
	for i := 0; i+1 < len(r); i++ {
		a += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return a / 2
}

// gpkgBlob is a GeoPackage binary geometry: a little-endian header with the
// srs_id and an XY envelope, then WKB.
func gpkgBlob(t testing.TB, g orb.Geometry, srsID int32) []byte {
	t.Helper()
	w, err := wkb.Marshal(g, binary.LittleEndian)
	if err != nil {
		t.Fatal(err)
	}
	b := g.Bound()
	h := []byte{'G', 'P', 0, 1 | 1<<1}
	h = binary.LittleEndian.AppendUint32(h, uint32(srsID))
	for _, v := range []float64{b.Min[0], b.Max[0], b.Min[1], b.Max[1]} {
		h = binary.LittleEndian.AppendUint64(h, math.Float64bits(v))
	}
	return append(h, w...)
}

// TestWriteFormatFixtures writes the binary fixtures with -update, and
// otherwise checks that the committed ones are there.
func TestWriteFormatFixtures(t *testing.T) {
	files := map[string]func(string){
		"workorders.xlsx":      func(p string) { writeFile(t, p, workOrdersXLSX(t, false)) },
		"workorders_bad.xlsx":  func(p string) { writeFile(t, p, workOrdersXLSX(t, true)) },
		"communities_gk39.zip": func(p string) { writeFile(t, p, communitiesShapefileZip(t)) },
		"ovital.kmz":           func(p string) { writeFile(t, p, ovitalKMZ(t)) },
		"greening_qgis.gpkg":   func(p string) { greeningGeoPackage(t, p) },
	}
	for name, write := range files {
		p := filepath.Join("testdata", name)
		if *update {
			write(p)
			continue
		}
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s is missing: run go test ./importers -run TestWriteFormatFixtures -update", p)
		}
	}
}

func writeFile(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
