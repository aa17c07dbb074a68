package hotspot

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"minqing/deploy/fengtai"
	"minqing/geo/hex"
	"minqing/layers"
)

func TestFeatureCollection(t *testing.T) {
	src := newFake()
	c0, eight := handGrid(t, src)
	three := ringOf(c0)[3]
	src.add("incidents", incidentsAt(hex.Center(three), 1, t0, "漏水")...)
	svc := NewService(src, fengtai.Catalog(), Config{})
	a, err := svc.Analyze(bg(t), Params{Query: layers.Query{Role: layers.Public}})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(a.FeatureCollection())
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(raw)
	if err != nil {
		t.Fatal(err)
	}
	if len(fc.Features) != 7 {
		t.Fatalf("%d features, want 7", len(fc.Features))
	}
	var doc struct {
		Res, K   int
		Total    int64
		MinCount int  `json:"min_count"`
		Partial  bool `json:"partial"`
	}
	// The public total is the sum of the published counts, 12 + 8, and
	// says that it leaves out the suppressed cells.
	if err := json.Unmarshal(raw, &doc); err != nil || doc.Res != 9 || doc.K != 1 || doc.Total != 20 || !doc.Partial || doc.MinCount != 5 {
		t.Errorf("members %+v (%v)", doc, err)
	}
	byH3 := map[string]*geojson.Feature{}
	for _, f := range fc.Features {
		byH3[f.Properties.MustString("h3")] = f
		poly, ok := f.Geometry.(orb.Polygon)
		if !ok || len(poly) != 1 || len(poly[0]) != 7 {
			t.Errorf("geometry %v, want a closed hexagon", f.Geometry)
		}
	}
	f8 := byH3[hex.String(eight)]
	if f8 == nil || f8.Properties["count"] != 8.0 || f8.Properties["suppressed"] != false || f8.Properties["z"] == nil {
		t.Errorf("8-cell properties %v", f8.Properties)
	}
	f3 := byH3[hex.String(three)]
	if f3 == nil {
		t.Fatal("3-cell missing")
	}
	for _, k := range []string{"count", "z", "p"} {
		if v, ok := f3.Properties[k]; !ok || v != nil {
			t.Errorf("3-cell %s = %v (present %v), want null", k, v, ok)
		}
	}
	if f3.Properties["suppressed"] != true || f3.Properties["class"] == nil || f3.Properties["in_area"] != true {
		t.Errorf("3-cell properties %v", f3.Properties)
	}
}

func TestTile(t *testing.T) {
	src := newFake()
	c0, eight := handGrid(t, src)
	end := t0.Add(4 * time.Hour)
	svc := NewService(src, fengtai.Catalog(), Config{})
	a, err := svc.Analyze(bg(t), Params{Steps: 2, Series: true, Query: layers.Query{Role: layers.Staff, Time: &layers.TimeRange{Start: &t0, End: &end}}})
	if err != nil {
		t.Fatal(err)
	}
	tile := maptile.At(hex.Center(c0), 15)
	data, err := a.Tile(tile, 64)
	if err != nil {
		t.Fatal(err)
	}
	ls, err := mvt.Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) != 1 || ls[0].Name != TileLayer {
		t.Fatalf("layers %v, want one %q", ls, TileLayer)
	}
	if len(ls[0].Features) == 0 {
		t.Fatal("no hexagon in the tile of the centre cell")
	}
	ls.ProjectToWGS84(tile)
	found := false
	for _, f := range ls[0].Features {
		if f.Properties["h3"] == hex.String(eight) {
			found = true
			if f.ID != float64(eight) { // orb decodes ids as float64
				t.Errorf("feature id %v, want the cell index", f.ID)
			}
			if f.Properties["count"] != 8.0 && f.Properties["count"] != int64(8) && f.Properties["count"] != uint64(8) {
				t.Errorf("count %v (%T)", f.Properties["count"], f.Properties["count"])
			}
			if f.Properties["series"] != "[8,0]" || f.Properties["label"] == nil {
				t.Errorf("trend properties %v", f.Properties)
			}
		}
		if _, ok := f.Geometry.(orb.Polygon); !ok {
			t.Errorf("geometry %T", f.Geometry)
		}
	}
	if !found {
		t.Error("the 8-cell is not in the tile")
	}
	// A tile far away is empty but valid.
	far, err := a.Tile(maptile.New(0, 0, 15), 64)
	if err != nil {
		t.Fatal(err)
	}
	if far != nil {
		t.Errorf("far tile has %d bytes, want none", len(far))
	}
	if _, err := a.Tile(maptile.New(5, 0, 1), 64); err == nil {
		t.Error("tile 1/5/0 does not exist but was rendered")
	}
}

func TestSummarize(t *testing.T) {
	src := newFake()
	c0 := bigGrid(t, src)
	// A second category in c0: 6 of 停电 (shown to the public) and 2 of
	// 上门医疗 (fewer than 5: not listed for the public).
	src.add("incidents", incidentsAt(hex.Center(c0), 6, t0, "停电")...)
	src.add("incidents", incidentsAt(hex.Center(c0), 2, t0, "上门医疗")...)
	svc := NewService(src, fengtai.Catalog(), Config{})
	staff, err := svc.Summarize(bg(t), Params{Query: layers.Query{Role: layers.Staff}}, 3, "count")
	if err != nil {
		t.Fatal(err)
	}
	if len(staff.Top) != 3 || staff.Top[0].H3 != hex.String(c0) || *staff.Top[0].Count != 48 {
		t.Fatalf("staff top %+v", staff.Top)
	}
	top := staff.Top[0]
	if top.Community != "新华街北里" || top.Patch != "第一片区" {
		t.Errorf("community %q patch %q", top.Community, top.Patch)
	}
	want := []CategoryCount{{"漏水", 40, false}, {"停电", 6, false}, {"上门医疗", 2, false}}
	if len(top.Categories) != 3 || top.Categories[0] != want[0] || top.Categories[1] != want[1] || top.Categories[2] != want[2] {
		t.Errorf("staff categories %v, want %v", top.Categories, want)
	}
	for i := 1; i < len(staff.Top); i++ {
		if *staff.Top[i].Count > *staff.Top[i-1].Count {
			t.Errorf("not sorted by count: %d after %d", *staff.Top[i].Count, *staff.Top[i-1].Count)
		}
	}
	if staff.Hot == 0 || staff.Cells != 37 || *staff.Total == 0 {
		t.Errorf("summary figures %+v", staff)
	}

	pub, err := svc.Summarize(bg(t), Params{Query: layers.Query{Role: layers.Public}}, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(pub.Top) != DefaultTop || pub.By != "z" || pub.MinCount != 5 {
		t.Fatalf("public summary %+v", pub)
	}
	for i := 1; i < len(pub.Top); i++ {
		if pub.Top[i].Z != nil && pub.Top[i-1].Z != nil && *pub.Top[i].Z > *pub.Top[i-1].Z {
			t.Errorf("not sorted by z")
		}
	}
	for _, tp := range pub.Top {
		if tp.H3 == hex.String(c0) {
			// 上门医疗 (2) is suppressed, so its complement 停电 (6) is too:
			// 48 − 40 − 6 would give the 2.
			if len(tp.Categories) != 1 || tp.Categories[0] != (CategoryCount{"漏水", 40, false}) {
				t.Errorf("public categories of c0 %v, want 漏水 40 alone", tp.Categories)
			}
		}
		if tp.Suppressed && (tp.Count != nil || tp.Z != nil || len(tp.Categories) != 0) {
			t.Errorf("suppressed top cell shows %+v", tp)
		}
	}
	if _, err := svc.Summarize(bg(t), Params{}, 101, ""); err == nil {
		t.Error("top 101 accepted")
	}
	if _, err := svc.Summarize(bg(t), Params{}, 5, "p"); err == nil {
		t.Error("by=p accepted")
	}
}

// A cached analysis is shared: concurrent requests read it at once (run
// with -race).
func TestConcurrentUse(t *testing.T) {
	src := newFake()
	c0 := bigGrid(t, src)
	svc := NewService(src, fengtai.Catalog(), Config{})
	tile := maptile.At(hex.Center(c0), 14)
	errs := make(chan error, 16)
	for i := range 16 {
		go func() {
			p := Params{K: 1 + i%2, Query: layers.Query{Role: layers.Role(i % 2)}}
			a, err := svc.Analyze(bg(t), p)
			if err == nil {
				_ = a.FeatureCollection()
				_, err = a.Tile(tile, 64)
			}
			if err == nil {
				_, err = svc.Summarize(bg(t), p, 5, "z")
			}
			errs <- err
		}()
	}
	for range 16 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
