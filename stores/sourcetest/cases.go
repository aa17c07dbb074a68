package sourcetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"minqing/geo/hex"
	"minqing/layers"
)

func testRoundTrip(t *testing.T, src layers.Source, cat *layers.Catalog) {
	communities := layer(t, cat, "communities")
	poly := orb.Polygon{{{116.27, 39.845}, {116.28, 39.845}, {116.28, 39.85}, {116.27, 39.85}, {116.27, 39.845}}}
	in := &layers.Feature{Geometry: poly, Props: map[string]any{
		"code": "C01", "name": "北大地西区", "patch": "第一片区", "secretary": "张书记",
		"households": int64(1830), "population": int64(4520), "built_year": int64(1978),
		"has_property_management": false, "area_m2": 123456.5,
	}}
	res := mustWrite(t, src, communities, layers.Insert, []*layers.Feature{in})
	if res.Inserted != 1 || len(res.IDs) != 1 || res.IDs[0] <= 0 {
		t.Fatalf("write result = %+v, want one insert with an id", res)
	}
	got := collect(t, src, communities, layers.Query{Role: layers.Staff})
	if len(got) != 1 {
		t.Fatalf("read %d communities, want 1", len(got))
	}
	f := got[0]
	if f.ID != res.IDs[0] {
		t.Errorf("id = %d, want %d", f.ID, res.IDs[0])
	}
	mp, ok := f.Geometry.(orb.MultiPolygon)
	if !ok || len(mp) != 1 || !orb.Equal(mp[0], poly) {
		t.Errorf("geometry = %#v, want the polygon promoted to a MultiPolygon", f.Geometry)
	}
	for k, want := range in.Props {
		if got := f.Props[k]; got != want {
			t.Errorf("%s = %#v (%T), want %#v (%T)", k, got, got, want, want)
		}
	}

	// Times and dates come back as the same instants, in Asia/Shanghai.
	incidents := layer(t, cat, "incidents")
	inc := Incident(1, orb.Point{116.28, 39.85}, "水管爆裂")
	mustWrite(t, src, incidents, layers.Insert, []*layers.Feature{inc})
	back := collect(t, src, incidents, layers.Query{Role: layers.Staff})
	if len(back) != 1 {
		t.Fatalf("read %d incidents, want 1", len(back))
	}
	rt, _ := back[0].Props["received_at"].(time.Time)
	if !rt.Equal(inc.Props["received_at"].(time.Time)) || rt.Location().String() != "Asia/Shanghai" {
		t.Errorf("received_at = %v, want %v in Asia/Shanghai", rt, inc.Props["received_at"])
	}
	if back[0].Props["dispatched_at"] != nil {
		t.Errorf("dispatched_at = %v, want nil", back[0].Props["dispatched_at"])
	}
	demolitions := layer(t, cat, "demolitions")
	day := time.Date(2019, 7, 1, 0, 0, 0, 0, layers.Shanghai)
	mustWrite(t, src, demolitions, layers.Insert, []*layers.Feature{{Geometry: orb.Point{116.28, 39.85}, Props: map[string]any{
		"code": "SZC-1", "kind": "违法建设", "area_m2": 320.0, "date": day,
	}}})
	d := collect(t, src, demolitions, layers.Query{Role: layers.Public})
	if len(d) != 1 || !d[0].Props["date"].(time.Time).Equal(day) {
		t.Errorf("demolition date = %v, want %v", d[0].Props["date"], day)
	}
}

func testBBox(t *testing.T, src layers.Source, cat *layers.Catalog) {
	l := layer(t, cat, "incidents")
	fs := grid(100)
	mustWrite(t, src, l, layers.Insert, fs)
	b := orb.Bound{Min: orb.Point{116.270, 39.845}, Max: orb.Point{116.2875, 39.8575}}
	want := 0
	for _, f := range fs {
		if b.Contains(f.Geometry.(orb.Point)) {
			want++
		}
	}
	got := collect(t, src, l, layers.Query{BBox: &b})
	if len(got) != want || want == 0 || want == 100 {
		t.Fatalf("bbox returned %d features, want %d (of 100)", len(got), want)
	}
	for _, f := range got {
		if !b.Contains(f.Geometry.(orb.Point)) {
			t.Errorf("feature %d at %v is outside the bbox", f.ID, f.Geometry)
		}
	}
	n, err := src.Count(ctx(t), l, layers.Query{BBox: &b})
	if err != nil || n != int64(want) {
		t.Errorf("count = %d, %v; want %d", n, err, want)
	}
}

func testEqual(t *testing.T, src layers.Source, cat *layers.Catalog) {
	l := layer(t, cat, "incidents")
	mustWrite(t, src, l, layers.Insert, grid(30))
	tests := []struct {
		equal map[string][]any
		want  int
	}{
		{map[string][]any{"category": {"水管爆裂"}}, 10},
		{map[string][]any{"category": {"水管爆裂", "停电"}}, 20},
		{map[string][]any{"category": {"水管爆裂"}, "satisfied": {false}}, 1}, // i=0 only
		{map[string][]any{"category": {"地面塌陷"}}, 0},
	}
	for _, tc := range tests {
		got := collect(t, src, l, layers.Query{Equal: tc.equal})
		if len(got) != tc.want {
			t.Errorf("equal %v: %d features, want %d", tc.equal, len(got), tc.want)
		}
	}
	if _, err := src.Count(ctx(t), l, layers.Query{Equal: map[string][]any{"description": {"x"}}}); !errors.Is(err, layers.ErrInvalid) {
		t.Errorf("a public filter on a staff field: err = %v, want ErrInvalid", err)
	}
}

func testTime(t *testing.T, src layers.Source, cat *layers.Catalog) {
	l := layer(t, cat, "incidents")
	mustWrite(t, src, l, layers.Insert, grid(48)) // one per hour from base
	at := func(h int) *time.Time { v := base.Add(time.Duration(h) * time.Hour); return &v }
	tests := []struct {
		r    layers.TimeRange
		want int
	}{
		{layers.TimeRange{Start: at(10), End: at(19)}, 10},
		{layers.TimeRange{Start: at(40)}, 8},
		{layers.TimeRange{End: at(4)}, 5},
		{layers.TimeRange{Start: at(100)}, 0},
	}
	for _, tc := range tests {
		r := tc.r
		got := collect(t, src, l, layers.Query{Time: &r})
		if len(got) != tc.want {
			t.Errorf("time %v–%v: %d features, want %d", r.Start, r.End, len(got), tc.want)
		}
		for _, f := range got {
			if !r.Contains(f.Props["received_at"].(time.Time)) {
				t.Errorf("feature %d received %v is outside the window", f.ID, f.Props["received_at"])
			}
		}
	}
}

func testCQL(t *testing.T, src layers.Source, cat *layers.Catalog) {
	l := layer(t, cat, "incidents")
	fs := grid(60)
	mustWrite(t, src, l, layers.Insert, fs)
	tests := []struct {
		filter string
		want   func(f *layers.Feature) bool
	}{
		{"category = '停电'", func(f *layers.Feature) bool { return f.Props["category"] == "停电" }},
		{"category IN ('停电', '施工扰民') AND NOT satisfied = FALSE", func(f *layers.Feature) bool {
			c := f.Props["category"]
			return (c == "停电" || c == "施工扰民") && f.Props["satisfied"] == true
		}},
		{"address LIKE '新华街二里3%'", func(f *layers.Feature) bool {
			return strings.HasPrefix(f.Props["address"].(string), "新华街二里3")
		}},
		{"S_INTERSECTS(geometry, BBOX(116.270, 39.845, 116.2875, 39.8575))", func(f *layers.Feature) bool {
			return orb.Bound{Min: orb.Point{116.270, 39.845}, Max: orb.Point{116.2875, 39.8575}}.Contains(f.Geometry.(orb.Point))
		}},
		{"T_AFTER(received_at, TIMESTAMP('2026-03-06T14:03:00+08:00'))", func(f *layers.Feature) bool {
			return f.Props["received_at"].(time.Time).After(base.Add(24 * time.Hour))
		}},
		{"dispatched_at IS NULL OR closed_at IS NULL", func(f *layers.Feature) bool { return true }},
	}
	for _, tc := range tests {
		e, err := l.ParseFilter(tc.filter, layers.Staff)
		if err != nil {
			t.Fatalf("parse %q: %v", tc.filter, err)
		}
		got := collect(t, src, l, layers.Query{Role: layers.Staff, Filter: e})
		want := 0
		for _, f := range fs {
			if tc.want(f) {
				want++
			}
		}
		if len(got) != want {
			t.Errorf("filter %q: %d features, want %d", tc.filter, len(got), want)
		}
		for _, f := range got {
			if !tc.want(f) {
				t.Errorf("filter %q returned feature %d %v", tc.filter, f.ID, f.Props)
			}
		}
	}
}

func testPaging(t *testing.T, src layers.Source, cat *layers.Catalog) {
	l := layer(t, cat, "incidents")
	mustWrite(t, src, l, layers.Insert, grid(25))
	seen := map[int64]bool{}
	var after int64
	for page := 0; page < 10; page++ {
		got := collect(t, src, l, layers.Query{Limit: 10, AfterID: after})
		if page == 1 { // rows added mid-way land after the cursor, none repeat
			more := grid(5)
			for i, f := range more {
				f.Props["external_id"] = fmt.Sprintf("late-%d", i)
			}
			mustWrite(t, src, l, layers.Insert, more)
		}
		if len(got) == 0 {
			break
		}
		for _, f := range got {
			if seen[f.ID] {
				t.Fatalf("feature %d returned twice", f.ID)
			}
			if f.ID <= after {
				t.Fatalf("feature %d not after cursor %d", f.ID, after)
			}
			seen[f.ID] = true
		}
		after = got[len(got)-1].ID
	}
	if len(seen) != 30 {
		t.Errorf("paging saw %d features, want 30", len(seen))
	}
}

func testFeatureByID(t *testing.T, src layers.Source, cat *layers.Catalog) {
	l := layer(t, cat, "incidents")
	res := mustWrite(t, src, l, layers.Insert, grid(3))
	f, err := src.Feature(ctx(t), l, res.IDs[1], layers.Public)
	if err != nil {
		t.Fatal(err)
	}
	if f.ID != res.IDs[1] || f.Props["category"] != "停电" {
		t.Errorf("feature = %d %v, want id %d category 停电", f.ID, f.Props, res.IDs[1])
	}
	if _, err := src.Feature(ctx(t), l, 999999, layers.Public); !errors.Is(err, layers.ErrNotFound) {
		t.Errorf("missing feature: err = %v, want ErrNotFound", err)
	}
}

func testVisibility(t *testing.T, src layers.Source, cat *layers.Catalog) {
	l := layer(t, cat, "incidents")
	res := mustWrite(t, src, l, layers.Insert, grid(5))
	check := func(where string, f *layers.Feature) {
		for _, k := range []string{"description", "address", "unit", "external_id", "h3"} {
			if _, ok := f.Props[k]; ok {
				t.Errorf("%s: public feature has staff property %s", where, k)
			}
		}
		if f.Props["category"] == nil {
			t.Errorf("%s: public feature lacks category", where)
		}
	}
	for _, f := range collect(t, src, l, layers.Query{Role: layers.Public}) {
		check("features", f)
	}
	f, err := src.Feature(ctx(t), l, res.IDs[0], layers.Public)
	if err != nil {
		t.Fatal(err)
	}
	check("feature", f)
	staff := collect(t, src, l, layers.Query{Role: layers.Staff})
	if staff[0].Props["description"] == nil {
		t.Errorf("staff feature lacks description: %v", staff[0].Props)
	}
}

func testH3(t *testing.T, src layers.Source, cat *layers.Catalog) {
	l := layer(t, cat, "incidents")
	fs := grid(20)
	mustWrite(t, src, l, layers.Insert, fs)
	for _, f := range collect(t, src, l, layers.Query{Role: layers.Staff}) {
		want, err := hex.FromPoint(f.Geometry.(orb.Point), hex.StoreRes)
		if err != nil {
			t.Fatal(err)
		}
		if f.Props["h3"] != want {
			t.Errorf("feature %d h3 = %v, want %v", f.ID, f.Props["h3"], want)
		}
	}
}

const secretPhone = "13800009999"

func testContacts(t *testing.T, src layers.Source, cat *layers.Catalog) {
	l := layer(t, cat, "incidents")
	fs := grid(5)
	for _, f := range fs {
		f.Contact = &layers.Contact{Name: "王秘密", Phone: secretPhone}
	}
	mustWrite(t, src, l, layers.Insert, fs)
	for _, role := range []layers.Role{layers.Public, layers.Staff, layers.Admin} {
		for _, f := range collect(t, src, l, layers.Query{Role: role}) {
			if f.Contact != nil {
				t.Errorf("%s read a contact back", role)
			}
			for k, v := range f.Props {
				if s := fmt.Sprint(v); strings.Contains(s, secretPhone) || strings.Contains(s, "王秘密") {
					t.Errorf("%s: property %s leaks the caller: %v", role, k, v)
				}
			}
		}
	}
}

func testUpsert(t *testing.T, src layers.Source, cat *layers.Catalog) {
	l := layer(t, cat, "incidents")
	first := mustWrite(t, src, l, layers.Upsert, grid(10))
	if first.Inserted != 10 {
		t.Fatalf("first upsert inserted %d, want 10", first.Inserted)
	}
	again := mustWrite(t, src, l, layers.Upsert, grid(10))
	if again.Inserted != 0 || again.Updated != 0 {
		t.Errorf("re-importing the same rows: %+v, want nothing changed", again)
	}
	changed := grid(10)
	changed[3].Props["status"] = "resolved"
	res := mustWrite(t, src, l, layers.Upsert, changed)
	if res.Inserted != 0 || res.Updated != 1 {
		t.Errorf("one changed row: %+v, want 1 update", res)
	}
	if n, _ := src.Count(ctx(t), l, layers.Query{}); n != 10 {
		t.Errorf("count after upserts = %d, want 10", n)
	}
	if got := collect(t, src, l, layers.Query{Equal: map[string][]any{"status": {"resolved"}}}); len(got) != 1 || got[0].ID != first.IDs[3] {
		t.Errorf("updated row kept its id? got %v, want id %d", got, first.IDs[3])
	}
}

func testReplace(t *testing.T, src layers.Source, cat *layers.Catalog) {
	l := layer(t, cat, "incidents")
	mustWrite(t, src, l, layers.Insert, grid(10))
	res := mustWrite(t, src, l, layers.Replace, grid(4))
	if res.Deleted != 10 || res.Inserted != 4 {
		t.Errorf("replace: %+v, want 10 deleted, 4 inserted", res)
	}
	if n, _ := src.Count(ctx(t), l, layers.Query{}); n != 4 {
		t.Errorf("count after replace = %d, want 4", n)
	}
}

func testReaderError(t *testing.T, src layers.Source, cat *layers.Catalog) {
	l := layer(t, cat, "incidents")
	mustWrite(t, src, l, layers.Insert, grid(3))
	boom := errors.New("disk on fire")
	_, err := src.Write(ctx(t), l, layers.WriteOptions{Mode: layers.Replace}, &errReader{s: Slice{Features: grid(50)}, err: boom})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the reader's error", err)
	}
	if n, _ := src.Count(ctx(t), l, layers.Query{}); n != 3 {
		t.Errorf("after a failed replace: %d features, want the original 3", n)
	}
}

func testInvalid(t *testing.T, src layers.Source, cat *layers.Catalog) {
	l := layer(t, cat, "incidents")
	fs := grid(10)
	fs[6].Geometry = orb.LineString{{116.28, 39.85}, {116.29, 39.86}}
	_, err := src.Write(ctx(t), l, layers.WriteOptions{}, &Slice{Features: fs})
	if !errors.Is(err, layers.ErrInvalid) || !strings.Contains(err.Error(), "feature 7") {
		t.Fatalf("err = %v, want ErrInvalid naming feature 7", err)
	}
	if n, _ := src.Count(ctx(t), l, layers.Query{}); n != 0 {
		t.Errorf("after a rejected write: %d features, want 0", n)
	}
}

func testVersions(t *testing.T, src layers.Source, cat *layers.Catalog) {
	before, err := src.Versions(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	mustWrite(t, src, layer(t, cat, "incidents"), layers.Insert, grid(2))
	after, err := src.Versions(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if after["incidents"] <= before["incidents"] {
		t.Errorf("incidents version %d → %d, want it to grow", before["incidents"], after["incidents"])
	}
	if after["communities"] != before["communities"] {
		t.Errorf("communities version changed %d → %d on an incidents write", before["communities"], after["communities"])
	}
}

func testTokens(t *testing.T, src layers.Source, cat *layers.Catalog) {
	tokensVersion := func() int64 {
		t.Helper()
		v, err := src.Versions(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		n, ok := v[layers.TokensVersion]
		if !ok {
			t.Fatalf("versions %v have no %q", v, layers.TokensVersion)
		}
		return n
	}
	v0 := tokensVersion()
	if err := src.AddToken(ctx(t), layers.Token{Name: "片长", Role: layers.Staff, Hash: "abc123"}); err != nil {
		t.Fatal(err)
	}
	v1 := tokensVersion()
	if v1 <= v0 {
		t.Errorf("adding a token left the tokens version at %d", v1)
	}
	tok, err := src.TokenByHash(ctx(t), "abc123")
	if err != nil || tok.Role != layers.Staff || tok.Name != "片长" {
		t.Errorf("token = %+v, %v", tok, err)
	}
	if _, err := src.TokenByHash(ctx(t), "nope"); !errors.Is(err, layers.ErrNotFound) {
		t.Errorf("unknown hash: err = %v, want ErrNotFound", err)
	}
	all, err := src.Tokens(ctx(t))
	if err != nil || len(all) != 1 {
		t.Fatalf("tokens = %v, %v", all, err)
	}
	if err := src.RevokeToken(ctx(t), all[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := src.TokenByHash(ctx(t), "abc123"); !errors.Is(err, layers.ErrNotFound) {
		t.Errorf("revoked token still found: %v", err)
	}
	if v2 := tokensVersion(); v2 <= v1 {
		t.Errorf("revoking a token left the tokens version at %d", v2)
	}
	if err := src.RevokeToken(ctx(t), all[0].ID); !errors.Is(err, layers.ErrNotFound) {
		t.Errorf("revoking twice: err = %v, want ErrNotFound", err)
	}
}

func testCellCounts(t *testing.T, src layers.Source, cat *layers.Catalog) {
	l := layer(t, cat, "incidents")
	fs := grid(100)
	mustWrite(t, src, l, layers.Insert, fs)
	for _, res := range []int{7, 9, 11} {
		// The count is by the cell each point lies in at res.
		want := map[int64]int64{}
		for _, f := range fs {
			c, _ := hex.FromPoint(f.Geometry.(orb.Point), res)
			want[c]++
		}
		got, err := src.CellCounts(ctx(t), l, res, layers.Query{}, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Errorf("res %d: %d cells, want %d", res, len(got), len(want))
		}
		for _, c := range got {
			if want[c.Cell] != c.Count {
				t.Errorf("res %d cell %x: count %d, want %d", res, c.Cell, c.Count, want[c.Cell])
			}
		}
	}
	grouped, err := src.CellCounts(ctx(t), l, 7, layers.Query{}, "category")
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	groups := map[string]bool{}
	for _, c := range grouped {
		total += c.Count
		groups[c.Group] = true
	}
	if total != 100 || len(groups) != 3 {
		t.Errorf("grouped by category: total %d over %d groups, want 100 over 3", total, len(groups))
	}
}

// Deleter is what a store offers to delete one feature. It is no part of
// layers.Source (nothing in production deletes one feature), but both stores
// keep it, and the contract holds them to it.
type Deleter interface {
	Delete(ctx context.Context, l *layers.Layer, id int64) error
}

func testExtentDelete(t *testing.T, src layers.Source, cat *layers.Catalog) {
	l := layer(t, cat, "incidents")
	del, ok := layers.As[Deleter](src)
	if !ok {
		t.Fatalf("%s store has no Delete", src.Kind())
	}
	res := mustWrite(t, src, l, layers.Insert, grid(100))
	b, err := src.Extent(ctx(t), l)
	if err != nil {
		t.Fatal(err)
	}
	if b.Min[0] < 116.27 || b.Max[0] > 116.305 || b.Max[0]-b.Min[0] < 0.03 {
		t.Errorf("extent = %v", b)
	}
	if err := del.Delete(ctx(t), l, res.IDs[0]); err != nil {
		t.Fatal(err)
	}
	if err := del.Delete(ctx(t), l, res.IDs[0]); !errors.Is(err, layers.ErrNotFound) {
		t.Errorf("second delete: err = %v, want ErrNotFound", err)
	}
	if n, _ := src.Count(ctx(t), l, layers.Query{}); n != 99 {
		t.Errorf("count after delete = %d, want 99", n)
	}
}

func testCanceled(t *testing.T, src layers.Source, cat *layers.Catalog) {
	l := layer(t, cat, "incidents")
	mustWrite(t, src, l, layers.Insert, grid(10))
	c, cancel := context.WithCancel(context.Background())
	cancel()
	err := src.Features(c, l, layers.Query{}, func(*layers.Feature) error { return nil })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("canceled context: err = %v, want context.Canceled", err)
	}
}
