package importers_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"golang.org/x/text/encoding/simplifiedchinese"

	"minqing/geo"
	"minqing/importers"
	"minqing/layers"
	"minqing/stores/storetest"
)

func at(s string) time.Time {
	t, err := layers.ParseTime(s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestWorkOrders loads the 12345 sheet in each encoding on each store and
// checks every mapped, derived and assigned value.
func TestWorkOrders(t *testing.T) {
	gbk := readTestdata(t, "workorders_gbk.csv")
	utf8, err := simplifiedchinese.GBK.NewDecoder().Bytes(gbk)
	if err != nil {
		t.Fatal(err)
	}
	gb18030, err := simplifiedchinese.GB18030.NewEncoder().Bytes(utf8)
	if err != nil {
		t.Fatal(err)
	}
	inputs := []struct {
		name, encoding, wantEncoding string
		data                         []byte
	}{
		{"gbk-auto", "", "gb18030", gbk},
		{"gbk-given", "gbk", "gbk", gbk},
		{"gb18030", "gb18030", "gb18030", gb18030},
		{"utf8", "utf-8", "utf-8", utf8},
		{"utf8-bom-auto", "auto", "utf-8", append([]byte("\ufeff"), utf8...)},
	}
	type want struct {
		category, source, status, community, patch string
		satisfied                                  any
		received                                   time.Time
		closedAt                                   any
		contact                                    layers.Contact
	}
	wants := map[string]want{
		"GD202603050001": {"漏水", "12345", "closed", "新华街北里", "第一片区", true, at("2026-03-05 14:03"), at("2026-03-06 10:00"), layers.Contact{Name: "张三", Phone: "13800000001"}},
		"GD202603050002": {"水电气暖", "12345", "in_progress", "正阳北里", "第二片区", nil, at("2026-03-05 15:20"), nil, layers.Contact{Name: "李四", Phone: "13900000002"}},
		"GD202603060003": {"停电", "街道热线", "resolved", "新华街北里", "第一片区", nil, at("2026-03-06"), nil, layers.Contact{Name: "王五", Phone: "13700000003"}},
		"GD202603060004": {"施工扰民", "12345", "received", "正阳北里", "第二片区", nil, at("2026-03-06 09:15"), nil, layers.Contact{}},
		"GD202603070005": {"违法建设", "网格", "closed", "新华街北里", "第一片区", false, at("2026-03-07 08:00"), at("2026-03-09 17:00"), layers.Contact{Name: "赵六", Phone: "13600000005"}},
		"GD202603070006": {"雨箅子破损", "微信", "received", "新华街北里", "第一片区", nil, at("2026-03-07 10:30"), nil, layers.Contact{Name: "钱七", Phone: "13500000006"}},
		"GD202603080007": {"疑似煤气异味", "12345", "closed", "正阳北里", "第二片区", true, at("2026-03-08 19:45"), at("2026-03-08 21:00"), layers.Contact{Name: "孙八", Phone: "13400000007"}},
		"GD202603090008": {"占道经营", "12345", "received", "正阳北里", "第二片区", nil, at("2026-03-09 07:10"), nil, layers.Contact{Name: "周九", Phone: "13300000008"}},
	}
	eachStoreKind(t, func(t *testing.T, open func(*testing.T) layers.Source) {
		for _, in := range inputs {
			t.Run(in.name, func(t *testing.T) {
				src := open(t)
				seedCommunities(t, src)
				rep := mustRun(t, src, "incidents", in.data, importers.Options{Format: importers.CSV, Encoding: in.encoding})
				if rep.Encoding != in.wantEncoding || rep.Inserted != 8 || rep.Read != 8 || rep.Rejected != 0 {
					t.Fatalf("report: encoding %s, read %d, inserted %d, rejected %d; want %s, 8, 8, 0", rep.Encoding, rep.Read, rep.Inserted, rep.Rejected, in.wantEncoding)
				}
				got := all(t, src, "incidents", "external_id")
				cs := contacts(t, src)
				if len(got) != len(wants) {
					t.Fatalf("%d incidents, want %d", len(got), len(wants))
				}
				for id, w := range wants {
					f := got[id]
					if f == nil {
						t.Errorf("%s missing", id)
						continue
					}
					p := f.Props
					for k, v := range map[string]any{"category": w.category, "source": w.source, "status": w.status, "community": w.community, "patch": w.patch} {
						if p[k] != v {
							t.Errorf("%s %s = %v, want %v", id, k, p[k], v)
						}
					}
					if p["satisfied"] != w.satisfied {
						t.Errorf("%s satisfied = %v, want %v", id, p["satisfied"], w.satisfied)
					}
					if r, _ := p["received_at"].(time.Time); !r.Equal(w.received) {
						t.Errorf("%s received_at = %v, want %v", id, r, w.received)
					}
					if w.closedAt == nil && p["closed_at"] != nil || w.closedAt != nil && !p["closed_at"].(time.Time).Equal(w.closedAt.(time.Time)) {
						t.Errorf("%s closed_at = %v, want %v", id, p["closed_at"], w.closedAt)
					}
					if c := cs[f.ID]; c != w.contact {
						t.Errorf("%s contact = %+v, want %+v", id, c, w.contact)
					}
					for k, v := range p {
						if s, ok := v.(string); ok && w.contact.Name != "" && (strings.Contains(s, w.contact.Name) || strings.Contains(s, w.contact.Phone)) {
							t.Errorf("%s property %s = %q holds the caller's contact", id, k, s)
						}
					}
					if f.Contact != nil {
						t.Errorf("%s: a read returned the contact", id)
					}
				}
				if d := got["GD202603050001"].Props["description"]; d != "楼上水管漏水，家里天花板滴水" {
					t.Errorf("description = %v", d)
				}
			})
		}
	})
}

// TestManyBadRows: every bad row is reported with its line and field, and
// nothing is written (nor the layer version bumped).
func TestManyBadRows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		before, err := src.Versions(testCtx(t))
		if err != nil {
			t.Fatal(err)
		}
		rep, err := run(t, src, "incidents", readTestdata(t, "bad_rows.csv"), importers.Options{Format: importers.CSV})
		if !errors.Is(err, importers.ErrRejected) {
			t.Fatalf("err = %v, want ErrRejected", err)
		}
		if rep.Read != 11 || rep.Valid != 2 || rep.Rejected != 9 || rep.Written || rep.Inserted != 0 {
			t.Errorf("report: read %d valid %d rejected %d written %v inserted %d; want 11 2 9 false 0", rep.Read, rep.Valid, rep.Rejected, rep.Written, rep.Inserted)
		}
		want := []string{
			"3 geometry swapped",
			"4 category vocabulary",
			"5 received_at not a date",
			"6 received_at required",
			"7 geometry outside the region",
			"8 lon not a number",
			"9 external_id twice",
			"10 satisfied yes or no",
			"11 received_at not a date",
			"11 category vocabulary",
		}
		if len(rep.Errors) != len(want) || rep.ErrorCount != int64(len(want)) {
			t.Fatalf("%d errors (count %d), want %d: %v", len(rep.Errors), rep.ErrorCount, len(want), rep.Errors)
		}
		for i, w := range want {
			parts := strings.SplitN(w, " ", 3)
			e := rep.Errors[i]
			if fmt.Sprint(e.Row) != parts[0] || e.Field != parts[1] || !strings.Contains(e.Reason, parts[2]) {
				t.Errorf("error %d = %+v, want row %s field %s reason containing %q", i, e, parts[0], parts[1], parts[2])
			}
		}
		if n := count(t, src, "incidents"); n != 0 {
			t.Errorf("%d incidents written, want 0", n)
		}
		after, err := src.Versions(testCtx(t))
		if err != nil {
			t.Fatal(err)
		}
		if after["incidents"] != before["incidents"] {
			t.Errorf("incidents version %d → %d after a failed import", before["incidents"], after["incidents"])
		}
	})
}

// TestSkipInvalid loads the good rows and writes the rejects, with their
// rows and reasons, as CSV.
func TestSkipInvalid(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		var rejects bytes.Buffer
		rep := mustRun(t, src, "incidents", readTestdata(t, "bad_rows.csv"), importers.Options{Format: importers.CSV, SkipInvalid: true, Rejects: &rejects})
		if rep.Inserted != 2 || rep.Rejected != 9 || !rep.Written {
			t.Errorf("inserted %d rejected %d written %v; want 2 9 true", rep.Inserted, rep.Rejected, rep.Written)
		}
		if n := count(t, src, "incidents"); n != 2 {
			t.Errorf("%d incidents, want 2", n)
		}
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(rejects.Bytes(), []byte("\ufeff")))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 10 {
			t.Fatalf("rejects file has %d rows, want header + 9", len(rows))
		}
		if h := rows[0]; h[0] != "工单编号" || h[len(h)-2] != "行号" || h[len(h)-1] != "错误原因" {
			t.Errorf("rejects header = %v", h)
		}
		var lines []string
		for _, r := range rows[1:] {
			lines = append(lines, r[len(r)-2])
		}
		if got := strings.Join(lines, ","); got != "3,4,5,6,7,8,9,10,11" {
			t.Errorf("rejected lines = %s", got)
		}
		if r := rows[1]; r[0] != "B002" || !strings.Contains(r[len(r)-1], "swapped") {
			t.Errorf("first reject = %v", r)
		}
	})
}

// TestUpsertIdempotent: importing the same sheet twice by 工单编号 changes
// nothing; a changed row is updated in place.
func TestUpsertIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		seedCommunities(t, src)
		data := readTestdata(t, "workorders_gbk.csv")
		opts := importers.Options{Format: importers.CSV, Mode: layers.Upsert}
		first := mustRun(t, src, "incidents", data, opts)
		if first.Inserted != 8 {
			t.Fatalf("first import inserted %d, want 8", first.Inserted)
		}
		snap := snapshot(t, src)
		second := mustRun(t, src, "incidents", data, opts)
		if second.Inserted != 0 || second.Updated != 0 {
			t.Errorf("second import: inserted %d, updated %d; want 0, 0", second.Inserted, second.Updated)
		}
		if again := snapshot(t, src); again != snap {
			t.Errorf("the layer changed on re-import:\n%s\nvs\n%s", snap, again)
		}
		utf8, _ := simplifiedchinese.GBK.NewDecoder().Bytes(data)
		changed := bytes.Replace(utf8, []byte("停水"), []byte("停电"), 1)
		third := mustRun(t, src, "incidents", changed, opts)
		if third.Inserted != 0 || third.Updated != 1 {
			t.Errorf("changed import: inserted %d, updated %d; want 0, 1", third.Inserted, third.Updated)
		}
		if c := all(t, src, "incidents", "external_id")["GD202603050002"].Props["category"]; c != "停电" {
			t.Errorf("updated category = %v", c)
		}
		if n := count(t, src, "incidents"); n != 8 {
			t.Errorf("%d incidents after upserts, want 8", n)
		}
	})
}

// snapshot renders a layer's incidents (ids, properties, geometry) as text.
func snapshot(t *testing.T, src layers.Source) string {
	t.Helper()
	var lines []string
	for _, f := range all(t, src, "incidents", "external_id") {
		keys := make([]string, 0, len(f.Props))
		for k := range f.Props {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		fmt.Fprintf(&b, "%d %v", f.ID, f.Geometry)
		for _, k := range keys {
			v := f.Props[k]
			if tm, ok := v.(time.Time); ok {
				v = tm.UTC().Format(time.RFC3339)
			}
			fmt.Fprintf(&b, " %s=%v", k, v)
		}
		lines = append(lines, b.String())
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// TestInsertExistingKeys: an insert of work orders already loaded names
// each on its row instead of failing in the store.
func TestInsertExistingKeys(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		data := readTestdata(t, "workorders_gbk.csv")
		mustRun(t, src, "incidents", data, importers.Options{Format: importers.CSV})
		rep, err := run(t, src, "incidents", data, importers.Options{Format: importers.CSV})
		if !errors.Is(err, importers.ErrRejected) || rep.Rejected != 8 {
			t.Fatalf("err %v, rejected %d; want ErrRejected, 8", err, rep.Rejected)
		}
		if e := rep.Errors[0]; e.Row != 2 || e.Field != "external_id" || !strings.Contains(e.Reason, "upsert") {
			t.Errorf("first error = %+v", e)
		}
		if n := count(t, src, "incidents"); n != 8 {
			t.Errorf("%d incidents, want 8", n)
		}
	})
}

// TestVersionsGrow: a committed import bumps the layer's version (tile caches
// key on it); a dry run and a rejected import do not.
func TestVersionsGrow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		version := func() int64 {
			v, err := src.Versions(testCtx(t))
			if err != nil {
				t.Fatal(err)
			}
			return v["incidents"]
		}
		v0 := version()
		data := readTestdata(t, "workorders_gbk.csv")
		mustRun(t, src, "incidents", data, importers.Options{Format: importers.CSV, DryRun: true})
		if v := version(); v != v0 {
			t.Errorf("dry run: version %d → %d", v0, v)
		}
		if _, err := run(t, src, "incidents", readTestdata(t, "bad_rows.csv"), importers.Options{Format: importers.CSV}); err == nil {
			t.Fatal("bad rows imported")
		}
		if v := version(); v != v0 {
			t.Errorf("failed import: version %d → %d", v0, v)
		}
		mustRun(t, src, "incidents", data, importers.Options{Format: importers.CSV})
		if v := version(); v <= v0 {
			t.Errorf("import: version %d → %d, want it to grow", v0, v)
		}
	})
}

// TestCRSAccuracy: GCJ-02 (高德) and BD-09 (百度) coordinates land within
// 0.5 m of the true WGS 84 points; WGS 84 and CGCS2000 are kept as given.
func TestCRSAccuracy(t *testing.T) {
	cases := []struct {
		crs  geo.CRS
		data []byte
	}{
		{geo.GCJ02, readTestdata(t, "points_gcj02.csv")},
		{geo.BD09, readTestdata(t, "points_bd09.csv")},
		{geo.WGS84, pointsCSV(geo.WGS84)},
		{geo.CGCS2000, pointsCSV(geo.WGS84)},
	}
	eachStoreKind(t, func(t *testing.T, open func(*testing.T) layers.Source) {
		for _, tc := range cases {
			t.Run(string(tc.crs), func(t *testing.T) {
				src := open(t)
				mustRun(t, src, "service_points", tc.data, importers.Options{Format: importers.CSV, CRS: tc.crs})
				got := all(t, src, "service_points", "name")
				worst := 0.0
				for _, tp := range truthPoints() {
					f := got[tp.name]
					if f == nil {
						t.Fatalf("%s missing", tp.name)
					}
					d := geo.Distance(point(t, f), tp.wgs)
					worst = max(worst, d)
					if d >= 0.5 {
						t.Errorf("%s: %.3f m from the true point (want < 0.5 m)", tp.name, d)
					}
				}
				t.Logf("%s: worst error %.4f m over %d points", tc.crs, worst, len(truthPoints()))
			})
		}
	})
}

// TestKML loads a 奥维地图-style KML: folders, ExtendedData (Data and
// SimpleData), altitudes, a MultiGeometry of one point.
func TestKML(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		seedCommunities(t, src)
		rep := mustRun(t, src, "service_points", readTestdata(t, "ovital.kml"), importers.Options{Format: importers.KML})
		if rep.Inserted != 3 {
			t.Fatalf("inserted %d, want 3", rep.Inserted)
		}
		got := all(t, src, "service_points", "name")
		want := map[string][4]string{ // kind, address, hours, community
			"丰台街道便民服务中心": {"便民服务中心", "近园路阳光社区", "周一至周五 9:00-17:00", "新华街北里"},
			"桥南冠京隆市场":    {"菜市场", "", "6:00-20:00", "正阳北里"},
			"游泳场北路养老驿站":  {"养老驿站", "", "", "新华街北里"},
		}
		for name, w := range want {
			f := got[name]
			if f == nil {
				t.Fatalf("%s missing (have %v)", name, got)
			}
			for i, k := range []string{"kind", "address", "hours", "community"} {
				v, _ := f.Props[k].(string)
				if v != w[i] {
					t.Errorf("%s %s = %q, want %q", name, k, v, w[i])
				}
			}
		}
		if p := point(t, got["桥南冠京隆市场"]); p != (orb.Point{116.2895, 39.8590}) {
			t.Errorf("market at %v", p)
		}
	})
}

// TestInvalidPolygons: all or nothing rejects the file; with skip-invalid
// the repaired polygons are written and the bad ones go to a GeoJSON side file.
func TestInvalidPolygons(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		data := readTestdata(t, "invalid_polygon.geojson")
		rep, err := run(t, src, "greening", data, importers.Options{Format: importers.GeoJSON})
		if !errors.Is(err, importers.ErrRejected) || rep.Rejected != 2 || count(t, src, "greening") != 0 {
			t.Fatalf("err %v, rejected %d, %d written; want ErrRejected, 2, 0", err, rep.Rejected, count(t, src, "greening"))
		}
		if !strings.Contains(rep.Errors[0].Reason, "crosses itself") || rep.Errors[0].Row != 3 {
			t.Errorf("bow-tie error = %+v", rep.Errors[0])
		}
		if !strings.Contains(rep.Errors[1].Reason, "three different points") || rep.Errors[1].Row != 4 {
			t.Errorf("degenerate error = %+v", rep.Errors[1])
		}
		if rep.WarningCount != 2 || !strings.Contains(rep.Warnings[0].Reason, "closed the ring") || !strings.Contains(rep.Warnings[1].Reason, "repeated point") {
			t.Errorf("warnings = %+v", rep.Warnings)
		}

		var rejects bytes.Buffer
		rep = mustRun(t, src, "greening", data, importers.Options{Format: importers.GeoJSON, SkipInvalid: true, Rejects: &rejects})
		if rep.Inserted != 3 {
			t.Errorf("inserted %d, want 3", rep.Inserted)
		}
		mp, ok := all(t, src, "greening", "name")["游泳场北路绿地"].Geometry.(orb.MultiPolygon)
		if !ok || len(mp) != 1 || len(mp[0][0]) != 5 || mp[0][0][0] != mp[0][0][4] || mp[0][0].Orientation() != orb.CCW {
			t.Errorf("repaired polygon = %v (want closed, 5 points, counter-clockwise)", mp)
		}
		var fc struct {
			Features []struct {
				Properties map[string]any `json:"properties"`
			} `json:"features"`
		}
		if err := json.Unmarshal(rejects.Bytes(), &fc); err != nil {
			t.Fatalf("rejects are not GeoJSON: %v\n%s", err, rejects.String())
		}
		if len(fc.Features) != 2 || fc.Features[0].Properties["name"] != "北大街口袋公园" || fc.Features[0].Properties["_row"] != 3.0 {
			t.Errorf("rejects = %+v", fc.Features)
		}
	})
}

// TestGeoJSONForms: a single Feature and newline-delimited Features load
// like a FeatureCollection; contact properties go to contacts.
func TestGeoJSONForms(t *testing.T) {
	feature := func(id string, lon float64) string {
		return `{"type":"Feature","geometry":{"type":"Point","coordinates":[` + fmt.Sprint(lon) + `,39.85]},"properties":{"工单编号":"` + id +
			`","受理时间":"2026-03-05 14:03","问题分类":"停电","来电人":"张三","联系电话":"13800000001"}}`
	}
	cases := []struct {
		name string
		data string
		n    int64
	}{
		{"single", feature("F1", 116.28), 1},
		{"ndjson", feature("N1", 116.28) + "\n" + feature("N2", 116.29) + "\n" + feature("N3", 116.30) + "\n", 3},
		{"seq", "\x1e" + feature("S1", 116.28) + "\n\x1e" + feature("S2", 116.29) + "\n", 2},
		{"collection-features-last", `{"name":"x","type":"FeatureCollection","features":[` + feature("C1", 116.28) + `]}`, 1},
	}
	eachStoreKind(t, func(t *testing.T, open func(*testing.T) layers.Source) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				src := open(t)
				rep := mustRun(t, src, "incidents", []byte(tc.data), importers.Options{Format: importers.GeoJSON})
				if rep.Inserted != tc.n {
					t.Fatalf("inserted %d, want %d", rep.Inserted, tc.n)
				}
				if cs := contacts(t, src); int64(len(cs)) != tc.n {
					t.Errorf("%d contacts, want %d", len(cs), tc.n)
				}
				for _, f := range all(t, src, "incidents", "external_id") {
					for k, v := range f.Props {
						if v == "张三" || v == "13800000001" {
							t.Errorf("property %s holds the caller's contact", k)
						}
					}
				}
			})
		}
	})
}

// TestReplace empties the layer and loads the file; an empty file is refused.
func TestReplace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		mustRun(t, src, "incidents", readTestdata(t, "workorders_gbk.csv"), importers.Options{Format: importers.CSV})
		rep := mustRun(t, src, "incidents", readTestdata(t, "bad_rows.csv"), importers.Options{Format: importers.CSV, Mode: layers.Replace, SkipInvalid: true})
		if rep.Deleted != 8 || rep.Inserted != 2 || count(t, src, "incidents") != 2 {
			t.Errorf("replace: deleted %d inserted %d, %d left; want 8 2 2", rep.Deleted, rep.Inserted, count(t, src, "incidents"))
		}
		_, err := run(t, src, "incidents", []byte("经度,纬度\n"), importers.Options{Format: importers.CSV, Mode: layers.Replace})
		if !errors.Is(err, importers.ErrRejected) || count(t, src, "incidents") != 2 {
			t.Errorf("replace with an empty file: %v, %d left", err, count(t, src, "incidents"))
		}
	})
}
