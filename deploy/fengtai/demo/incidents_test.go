package demo

import (
	"errors"
	"io"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"minqing/deploy/fengtai"
	"minqing/layers"
)

// Every incident lies inside the area and inside the community (and patch)
// it names, found by point-in-polygon on the community features.
func TestIncidentsInsideCommunities(t *testing.T) {
	g := New(Options{Incidents: 5000, AsOf: testAsOf})
	comms := g.Communities()
	area := areaOf(t, g)
	for i, f := range readAll(t, g, lIncidents) {
		p := f.Geometry.(orb.Point)
		if !planar.RingContains(area, p) {
			t.Fatalf("incident %d at %v is outside the area", i, p)
		}
		var in []*layers.Feature
		for _, c := range comms {
			if planar.MultiPolygonContains(c.Geometry.(orb.MultiPolygon), p) {
				in = append(in, c)
			}
		}
		if len(in) != 1 {
			t.Fatalf("incident %d at %v is in %d communities", i, p, len(in))
		}
		if f.Props["community"] != in[0].Props["name"] || f.Props["patch"] != in[0].Props["patch"] {
			t.Fatalf("incident %d says %v/%v, lies in %v/%v", i, f.Props["community"], f.Props["patch"],
				in[0].Props["name"], in[0].Props["patch"])
		}
	}
}

// Statuses and timestamps are consistent: monotone, nothing after AsOf,
// fields set exactly up to the status reached, satisfaction only when
// closed.
func TestIncidentLifecycle(t *testing.T) {
	g := New(Options{Incidents: 20000, AsOf: testAsOf})
	stages := []string{"dispatched_at", "responded_at", "resolved_at", "closed_at"}
	reached := map[string]int{"received": 0, "dispatched": 1, "in_progress": 2, "resolved": 3, "closed": 4}
	idRE := regexp.MustCompile(`^(12345|FTRX|WG|WX|ZF|WZ)-20\d\d-\d{6}$`)
	phoneRE := regexp.MustCompile(`^1380000\d{4}$`)
	ids := map[string]bool{}
	sources := map[string]int{}
	var old, oldClosed, contacts int
	recentStatus := map[string]int{}
	start := testAsOf.AddDate(-2, 0, 0)
	var prev time.Time
	fs := readAll(t, g, lIncidents)
	for i, f := range fs {
		p := f.Props
		status := p["status"].(string)
		n, ok := reached[status]
		if !ok {
			t.Fatalf("incident %d: status %q", i, status)
		}
		rec := p["received_at"].(time.Time)
		if rec.Before(start) || !rec.Before(testAsOf) {
			t.Fatalf("incident %d received %v, outside the window", i, rec)
		}
		if rec.Before(prev) {
			t.Fatalf("incident %d received %v before the previous one %v", i, rec, prev)
		}
		prev = rec
		last := rec
		for k, field := range stages {
			v := p[field]
			if k < n {
				tm, ok := v.(time.Time)
				if !ok {
					t.Fatalf("incident %d (%s): %s is %v", i, status, field, v)
				}
				if tm.Before(last) || tm.After(testAsOf) {
					t.Fatalf("incident %d: %s %v is before the previous stage %v or after AsOf", i, field, tm, last)
				}
				last = tm
			} else if v != nil {
				t.Fatalf("incident %d (%s): %s is %v, want nil", i, status, field, v)
			}
		}
		if _, rated := p["satisfied"].(bool); rated != (status == "closed") {
			t.Fatalf("incident %d (%s): satisfied %v", i, status, p["satisfied"])
		}
		id := p["external_id"].(string)
		if !idRE.MatchString(id) || ids[id] {
			t.Fatalf("incident %d: external_id %q malformed or repeated", i, id)
		}
		ids[id] = true
		sources[p["source"].(string)]++
		if testAsOf.Sub(rec) > 15*24*time.Hour {
			old++
			if status == "closed" {
				oldClosed++
			}
		} else if testAsOf.Sub(rec) < 3*24*time.Hour {
			recentStatus[status]++
		}
		if c := f.Contact; c != nil {
			contacts++
			if !phoneRE.MatchString(c.Phone) || len([]rune(c.Name)) != 3 {
				t.Fatalf("incident %d: contact %+v", i, c)
			}
		}
		for _, field := range []string{"description", "address", "unit", "level"} {
			if s, _ := p[field].(string); s == "" {
				t.Fatalf("incident %d: no %s", i, field)
			}
		}
	}
	if s := float64(oldClosed) / float64(old); s < 0.85 {
		t.Errorf("only %.1f %% of incidents older than 15 days are closed", 100*s)
	}
	if len(recentStatus) < 4 {
		t.Errorf("recent incidents have statuses %v, want them spread", recentStatus)
	}
	if s := float64(contacts) / float64(len(fs)); s < 0.65 || s > 0.75 {
		t.Errorf("%.1f %% of incidents have a contact, want about 70 %%", 100*s)
	}
	for src, n := range sources {
		if src != "12345" && n >= sources["12345"] {
			t.Errorf("source %s (%d) is not smaller than 12345 (%d)", src, n, sources["12345"])
		}
	}
	if len(sources) != len(fengtai.IncidentSources) {
		t.Errorf("sources %v, want all of %v", sources, fengtai.IncidentSources)
	}
}

// Heating complaints come in winter, drain and leak complaints in the rain
// season, construction noise in working hours.
func TestSeasonality(t *testing.T) {
	g := New(Options{Incidents: 20000, AsOf: testAsOf})
	type tally struct{ cat, all int }
	share := func(x tally) float64 { return float64(x.cat) / float64(x.all) }
	var heatWinter, heatSummer, rainIn, rainOut, workHours tally
	rainy := map[string]bool{"水管爆裂": true, "漏水": true, "雨箅子破损": true, "污水井冒污水": true, "地面塌陷": true}
	cats := map[string]bool{}
	for _, f := range readAll(t, g, lIncidents) {
		cat := f.Props["category"].(string)
		cats[cat] = true
		rec := f.Props["received_at"].(time.Time)
		m := rec.Month()
		heat := cat == "供暖" || cat == "水电气暖"
		switch m {
		case time.December, time.January, time.February:
			heatWinter.all++
			if heat {
				heatWinter.cat++
			}
		case time.June, time.July, time.August:
			heatSummer.all++
			if heat {
				heatSummer.cat++
			}
		}
		if m >= time.June && m <= time.September {
			rainIn.all++
			if rainy[cat] {
				rainIn.cat++
			}
		} else {
			rainOut.all++
			if rainy[cat] {
				rainOut.cat++
			}
		}
		if cat == "施工扰民" {
			workHours.all++
			if h := rec.Hour(); h >= 7 && h < 19 {
				workHours.cat++
			}
		}
	}
	if share(heatWinter) < 3*share(heatSummer) {
		t.Errorf("heating share: winter %.3f, summer %.3f", share(heatWinter), share(heatSummer))
	}
	if share(rainIn) < 1.5*share(rainOut) {
		t.Errorf("rain-season share: Jun–Sep %.3f, rest %.3f", share(rainIn), share(rainOut))
	}
	if share(workHours) < 0.8 {
		t.Errorf("only %.2f of construction complaints in working hours", share(workHours))
	}
	for _, c := range fengtai.IncidentCategories {
		if !cats[c] {
			t.Errorf("no incident of category %s", c)
		}
	}
}

// Complaints cluster: the densest 10 % of a 20×20 grid over the area holds
// more than 30 % of them, and the cells around 北大地西区 and the market are
// hotter than average.
func TestClustering(t *testing.T) {
	g := New(Options{Incidents: 20000, AsOf: testAsOf})
	const n = 20
	var grid [n * n]int
	cellOf := func(p orb.Point) int {
		i := int((p[0] - lonW) / (lonE - lonW) * n)
		j := int((p[1] - latS) / (latN - latS) * n)
		return min(max(j, 0), n-1)*n + min(max(i, 0), n-1)
	}
	fs := readAll(t, g, lIncidents)
	byComm := map[string]int{}
	for _, f := range fs {
		grid[cellOf(f.Geometry.(orb.Point))]++
		byComm[f.Props["community"].(string)]++
	}
	counts := grid[:]
	sort.Sort(sort.Reverse(sort.IntSlice(counts)))
	top := 0
	for _, c := range counts[:n*n/10] {
		top += c
	}
	if s := float64(top) / float64(len(fs)); s < 0.30 {
		t.Errorf("the densest 10 %% of cells hold %.1f %%, want > 30 %%", 100*s)
	}
	mean := len(fs) / 25
	for _, c := range []string{OldCompound, "桥南", "北大街北里"} {
		if byComm[c] < 2*mean {
			t.Errorf("%s has %d incidents, want at least twice the mean %d", c, byComm[c], mean)
		}
	}
}

func TestDispatchLimits(t *testing.T) {
	tests := []struct {
		cat  string
		want time.Duration
	}{
		{"疑似煤气异味", time.Hour}, {"地面塌陷", time.Hour}, {"水管爆裂", time.Hour},
		{"水电气暖", 2 * time.Hour}, {"停电", 2 * time.Hour}, {"供暖", 2 * time.Hour},
		{"停车管理", 24 * time.Hour}, {"邻里装修扰民", 24 * time.Hour},
	}
	for _, tc := range tests {
		if got := DispatchLimit(tc.cat); got != tc.want {
			t.Errorf("DispatchLimit(%s) = %v, want %v", tc.cat, got, tc.want)
		}
	}
	g := New(Options{Incidents: 20000, AsOf: testAsOf})
	var in, late int
	for _, f := range readAll(t, g, lIncidents) {
		d, ok := f.Props["dispatched_at"].(time.Time)
		if !ok {
			continue
		}
		if d.Sub(f.Props["received_at"].(time.Time)) <= DispatchLimit(f.Props["category"].(string)) {
			in++
		} else {
			late++
		}
	}
	if s := float64(in) / float64(in+late); s < 0.93 || late == 0 {
		t.Errorf("%d in time, %d late (%.1f %%): want most in time and a few late", in, late, 100*float64(in)/float64(in+late))
	}
}

// The incidents stream: 200,000 are read one by one without the heap
// growing with them.
func TestIncidentsStream(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 200,000 incidents")
	}
	const want = 200000
	r, err := New(Options{Incidents: want, AsOf: testAsOf}).Reader(lIncidents)
	if err != nil {
		t.Fatal(err)
	}
	var ms runtime.MemStats
	var peak uint64
	n := 0
	for {
		_, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
		if n%20000 == 0 {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
	}
	if n != want {
		t.Errorf("read %d incidents, want %d", n, want)
	}
	if peak > 96<<20 {
		t.Errorf("heap in use reached %d MiB while streaming", peak>>20)
	}
}

func BenchmarkIncidents(b *testing.B) {
	g := New(Options{Incidents: b.N, AsOf: testAsOf})
	b.ReportAllocs()
	b.ResetTimer()
	r, err := g.Reader(lIncidents)
	if err != nil {
		b.Fatal(err)
	}
	for {
		if _, err := r.Next(); err != nil {
			if !errors.Is(err, io.EOF) {
				b.Fatal(err)
			}
			break
		}
	}
}

// The demo's per-source and per-category tables follow the deployment's
// vocabularies: one entry per source, and only categories it knows.
func TestDemoTablesFollowVocabulary(t *testing.T) {
	for name, n := range map[string]int{"prefixes": len(sourcePrefix), "weights": len(sourceWeights)} {
		if n != len(fengtai.IncidentSources) {
			t.Errorf("%d source %s for %d sources %v", n, name, len(fengtai.IncidentSources), fengtai.IncidentSources)
		}
	}
	for _, c := range categories {
		if !slices.Contains(fengtai.IncidentCategories, c.name) {
			t.Errorf("demo category %q is not in the vocabulary", c.name)
		}
	}
}
