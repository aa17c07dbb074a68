package importers_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"golang.org/x/text/encoding/simplifiedchinese"

	"minqing/geo"
)

var update = flag.Bool("update", false, "rewrite the files in testdata/")

// truthPoint is a WGS 84 point whose GCJ-02 and BD-09 forms are in testdata.
type truthPoint struct {
	name string
	wgs  orb.Point
}

// truthPoints spread across Beijing, from the street to the outskirts.
func truthPoints() []truthPoint {
	return []truthPoint{
		{"丰台街道便民服务中心", orb.Point{116.2781, 39.8523}},
		{"桥南冠京隆市场", orb.Point{116.2895, 39.8590}},
		{"新华街二里社区服务站", orb.Point{116.2723, 39.8668}},
		{"北大街养老驿站", orb.Point{116.3012, 39.8471}},
		{"天安门", orb.Point{116.3975, 39.9087}},
		{"首都机场", orb.Point{116.5871, 40.0799}},
		{"延庆", orb.Point{115.9750, 40.4569}},
		{"平谷", orb.Point{117.1210, 40.1406}},
		{"房山", orb.Point{116.1430, 39.7480}},
		{"大兴机场", orb.Point{116.4106, 39.5098}},
		{"门头沟", orb.Point{116.1020, 39.9405}},
		{"密云水库", orb.Point{116.9860, 40.5180}},
	}
}

// pointsCSV is a service_points CSV with coordinates in crs.
func pointsCSV(crs geo.CRS) []byte {
	var b strings.Builder
	b.WriteString("名称,类型,地址,经度,纬度\n")
	for i, p := range truthPoints() {
		q := geo.FromWGS84(crs, p.wgs)
		kind := []string{"便民服务中心", "菜市场", "社区服务站", "养老驿站"}[i%4]
		fmt.Fprintf(&b, "%s,%s,北京市,%.9f,%.9f\n", p.name, kind, q[0], q[1])
	}
	return []byte(b.String())
}

// testCommunities split the street into a west and an east half.
func testCommunities() (west, east orb.Polygon) {
	return orb.Polygon{{{116.270, 39.845}, {116.2875, 39.845}, {116.2875, 39.870}, {116.270, 39.870}, {116.270, 39.845}}},
		orb.Polygon{{{116.2875, 39.845}, {116.305, 39.845}, {116.305, 39.870}, {116.2875, 39.870}, {116.2875, 39.845}}}
}

// workOrderRows is a 12345 export: header first. West points fall in
// 新华街北里 (第一片区), east points in 正阳北里 (第二片区).
func workOrderRows() [][]string {
	return [][]string{
		{"工单编号", "受理时间", "来电人", "联系电话", "诉求来源", "问题分类", "二级分类", "诉求内容", "地址", "经度", "纬度", "承办单位", "派单时间", "办结时间", "是否解决", "是否满意"},
		{"GD202603050001", "2026/3/5 14:03", "张三", "13800000001", "12345热线", "水管漏水", "厨房", "楼上水管漏水，家里天花板滴水", "新华街北里3号楼", "116.2755", "39.8512", "新华街北里社区", "2026/3/5 14:30", "2026/3/6 10:00", "是", "满意"},
		{"GD202603050002", "2026-03-05 15:20:00", "李四", "13900000002", "12345", "停水", "", "小区突然停水，没有通知", "正阳北里5号楼", "116.2910", "39.8625", "正阳北里社区", "2026-03-05 15:40:00", "", "否", ""},
		{"GD202603060003", "2026年3月6日", "王五", "13700000003", "24小时热线", "停电", "", "楼道停电", "新华街北里7号楼", "116.2801", "39.8650", "供电所", "", "2026年3月6日", "是", ""},
		{"GD202603060004", "2026/3/6 9:15", "", "", "", "施工噪音", "夜间", "工地夜间施工噪音大", "正阳北里东侧工地", "116.2990", "39.8480", "城管执法队", "", "", "", ""},
		{"GD202603070005", "2026/3/7 8:00", "赵六", "13600000005", "网格员", "违建", "", "楼顶私搭乱建", "新华街北里1号楼", "116.2720", "39.8470", "街道城管科", "2026/3/7 9:00", "2026/3/9 17:00", "是", "不满意"},
		{"GD202603070006", "2026/3/7 10:30", "钱七", "13500000006", "微信群", "雨水箅子破损", "", "路口雨水箅子破损", "北大街与新华街交叉口", "116.2850", "39.8560", "街道城管科", "", "", "", ""},
		{"GD202603080007", "2026/3/8 19:45", "孙八", "13400000007", "12345", "燃气异味", "", "单元门口有煤气味", "正阳北里9号楼", "116.2955", "39.8690", "燃气公司", "2026/3/8 19:50", "2026/3/8 21:00", "是", "满意"},
		{"GD202603090008", "2026/3/9 7:10", "周九", "13300000008", "12345", "城市管理-占道经营", "", "早市占道经营", "桥南冠京隆市场", "116.2895", "39.8590", "街道城管科", "", "", "", ""},
	}
}

func workOrdersGBK(t testing.TB) []byte {
	var b bytes.Buffer
	for _, row := range workOrderRows() {
		for i, c := range row {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(c)
		}
		b.WriteString("\r\n") // Excel on Windows
	}
	out, err := simplifiedchinese.GBK.NewEncoder().Bytes(b.Bytes())
	if err != nil {
		t.Fatalf("GBK: %v", err)
	}
	return out
}

// badRowsCSV holds one problem (or two) per row between two good rows.
const badRowsCSV = "\ufeff工单编号,受理时间,问题分类,诉求内容,经度,纬度,是否满意\n" +
	"B001,2026/3/5 14:03,漏水,好的一行,116.2755,39.8512,\n" + // line 2: good
	"B002,2026/3/5 14:10,停电,经纬度写反了,39.8512,116.2755,\n" + // 3: swapped
	"B003,2026/3/5 14:20,外星人入侵,未知分类,116.2760,39.8520,\n" + // 4: unknown category
	"B004,2026-13-45 25:00,停电,日期不对,116.2770,39.8530,\n" + // 5: bad date
	"B005,,停电,缺受理时间,116.2780,39.8540,\n" + // 6: missing required received_at
	"B006,2026/3/5 15:00,停电,渤海里的点,120.5000,38.9000,\n" + // 7: in the sea
	"B007,2026/3/5 15:10,停电,经度不是数字,abc,39.8540,\n" + // 8: lon not a number
	"B001,2026/3/5 15:20,停电,重复的工单编号,116.2790,39.8550,\n" + // 9: duplicate key
	"B009,2026/3/5 15:30,停电,满意度乱填,116.2800,39.8560,也许\n" + // 10: bad bool
	"B010,2026年13月5日,火星问题,两个错误,116.2810,39.8570,\n" + // 11: bad date + category
	"B011,2026/3/5 16:00,停水,好的一行,116.2820,39.8580,是\n" // 12: good

// invalidPolygonGeoJSON is greening with a valid, an unclosed clockwise, a
// bow-tie, a degenerate and a repeated-point polygon.
const invalidPolygonGeoJSON = `{"type":"FeatureCollection","name":"greening","features":[
{"type":"Feature","properties":{"name":"福顺里街心花园","kind":"街心花园","area_m2":1200},"geometry":{"type":"Polygon","coordinates":[[[116.2750,39.8500],[116.2760,39.8500],[116.2760,39.8510],[116.2750,39.8510],[116.2750,39.8500]]]}},
{"type":"Feature","properties":{"name":"游泳场北路绿地","kind":"绿地"},"geometry":{"type":"Polygon","coordinates":[[[116.2800,39.8600],[116.2800,39.8610],[116.2810,39.8610],[116.2810,39.8600]]]}},
{"type":"Feature","properties":{"name":"北大街口袋公园","kind":"口袋公园"},"geometry":{"type":"Polygon","coordinates":[[[116.2900,39.8500],[116.2910,39.8510],[116.2910,39.8500],[116.2900,39.8510],[116.2900,39.8500]]]}},
{"type":"Feature","properties":{"name":"一条线","kind":"绿地"},"geometry":{"type":"Polygon","coordinates":[[[116.2950,39.8550],[116.2960,39.8560],[116.2950,39.8550],[116.2960,39.8560]]]}},
{"type":"Feature","properties":{"name":"新华街二里绿地","kind":"绿地"},"geometry":{"type":"MultiPolygon","coordinates":[[[[116.2720,39.8660],[116.2730,39.8660],[116.2730,39.8660],[116.2730,39.8670],[116.2720,39.8670],[116.2720,39.8660]]]]}}
]}
`

// ovitalKML is shaped like a 奥维地图 export: a Document, nested Folders,
// Chinese names, ExtendedData, a CDATA description and altitudes.
const ovitalKML = `<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">
<Document>
	<name>丰台街道便民服务</name>
	<Style id="s1"><IconStyle><scale>1.0</scale></IconStyle></Style>
	<Folder>
		<name>便民服务</name>
		<Placemark>
			<name>丰台街道便民服务中心</name>
			<description><![CDATA[<b>一站式</b>服务大厅&nbsp;近园路阳光社区]]></description>
			<styleUrl>#s1</styleUrl>
			<ExtendedData>
				<Data name="类型"><value>便民服务中心</value></Data>
				<Data name="地址"><value>近园路阳光社区</value></Data>
				<Data name="开放时间"><value>周一至周五 9:00-17:00</value></Data>
			</ExtendedData>
			<Point><coordinates>116.2781,39.8523,45.2</coordinates></Point>
		</Placemark>
		<Folder>
			<name>菜市场</name>
			<Placemark>
				<name>桥南冠京隆市场</name>
				<ExtendedData>
					<SchemaData schemaUrl="#market">
						<SimpleData name="类型">菜市场</SimpleData>
						<SimpleData name="开放时间">6:00-20:00</SimpleData>
					</SchemaData>
				</ExtendedData>
				<Point><gx:drawOrder>1</gx:drawOrder><coordinates> 116.2895, 39.8590, 0 </coordinates></Point>
			</Placemark>
		</Folder>
	</Folder>
	<Placemark>
		<name>游泳场北路养老驿站</name>
		<ExtendedData><Data name="类型"><value>养老驿站</value></Data></ExtendedData>
		<MultiGeometry><Point><coordinates>116.2723,39.8668</coordinates></Point></MultiGeometry>
	</Placemark>
</Document>
</kml>
`

// testdataFiles are the generated files and their contents.
func testdataFiles(t testing.TB) map[string][]byte {
	return map[string][]byte{
		"workorders_gbk.csv":      workOrdersGBK(t),
		"points_gcj02.csv":        pointsCSV(geo.GCJ02),
		"points_bd09.csv":         pointsCSV(geo.BD09),
		"bad_rows.csv":            []byte(badRowsCSV),
		"invalid_polygon.geojson": []byte(invalidPolygonGeoJSON),
		"ovital.kml":              []byte(ovitalKML),
	}
}

// TestTestdata keeps testdata/ in step with the generators above: run with
// -update to rewrite the files.
func TestTestdata(t *testing.T) {
	for name, want := range testdataFiles(t) {
		path := filepath.Join("testdata", name)
		if *update {
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -run TestTestdata -update)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from its generator (run go test -run TestTestdata -update)", path)
		}
	}
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
