package demo

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"minqing/deploy/fengtai"
	"minqing/layers"
)

func TestDeterministic(t *testing.T) {
	opts := Options{Seed: 7, Incidents: 3000, AsOf: testAsOf}
	a, b := New(opts), New(opts)
	other := New(Options{Seed: 8, Incidents: 3000, AsOf: testAsOf})
	for _, layer := range LayerOrder() {
		da, db := digest(t, a, layer), digest(t, b, layer)
		if da != db {
			t.Errorf("%s: two generators with the same options differ", layer)
		}
		if again := digest(t, a, layer); again != da {
			t.Errorf("%s: a second Reader of the same generator differs", layer)
		}
		if digest(t, other, layer) == da {
			t.Errorf("%s: seeds 7 and 8 give the same data", layer)
		}
	}
}

func TestLayersIndependentOfIncidentCount(t *testing.T) {
	a := New(Options{Seed: 3, Incidents: 10, AsOf: testAsOf})
	b := New(Options{Seed: 3, Incidents: 5000, AsOf: testAsOf})
	for _, layer := range LayerOrder() {
		if layer == lIncidents {
			continue
		}
		if digest(t, a, layer) != digest(t, b, layer) {
			t.Errorf("%s changes with the number of incidents", layer)
		}
	}
}

func TestDefaults(t *testing.T) {
	g := New(Options{})
	o := g.Options()
	if o.Seed != DefaultSeed || o.Incidents != DefaultIncidents {
		t.Errorf("defaults: seed %d incidents %d", o.Seed, o.Incidents)
	}
	if o.AsOf.Location() != layers.Shanghai || o.AsOf.Minute() != 0 || o.AsOf.Second() != 0 {
		t.Errorf("default AsOf %v is not a whole hour in Asia/Shanghai", o.AsOf)
	}
	if d := time.Since(o.AsOf); d < 0 || d > time.Hour {
		t.Errorf("default AsOf %v is not the current hour", o.AsOf)
	}
	if n := New(Options{Incidents: -1}).Options().Incidents; n != 0 {
		t.Errorf("negative incidents: %d, want 0", n)
	}
}

func TestIncidentCountExact(t *testing.T) {
	for _, n := range []int{1, 7, 731, 1234} {
		got := len(readAll(t, New(Options{Incidents: n, AsOf: testAsOf}), lIncidents))
		if got != n {
			t.Errorf("Incidents %d: got %d", n, got)
		}
	}
	if got := len(readAll(t, New(Options{Incidents: -1, AsOf: testAsOf}), lIncidents)); got != 0 {
		t.Errorf("Incidents -1: got %d", got)
	}
	// an AsOf in the middle of a day still gives exactly N in the window
	mid := testAsOf.Add(13*time.Hour + 17*time.Minute)
	fs := readAll(t, New(Options{Incidents: 500, AsOf: mid}), lIncidents)
	if len(fs) != 500 {
		t.Errorf("mid-day AsOf: %d incidents", len(fs))
	}
	for _, f := range fs {
		rec := f.Props["received_at"].(time.Time)
		if rec.Before(mid.AddDate(-2, 0, 0)) || !rec.Before(mid) {
			t.Fatalf("received %v outside the window ending %v", rec, mid)
		}
	}
}

func TestUnknownLayer(t *testing.T) {
	_, err := New(Options{}).Reader("tokens")
	if !errors.Is(err, layers.ErrNotFound) || !strings.HasPrefix(err.Error(), "demo: ") {
		t.Errorf("Reader(tokens): %v", err)
	}
}

// Every feature fits its catalog layer (types, vocabularies, required fields).
func TestFeaturesFitCatalog(t *testing.T) {
	cat := fengtai.Catalog()
	g := New(Options{Incidents: 2000, AsOf: testAsOf})
	for _, name := range LayerOrder() {
		l, ok := cat.Lookup(name)
		if !ok {
			t.Fatalf("catalog has no %s", name)
		}
		for i, f := range readAll(t, g, name) {
			if _, ok := f.Props["h3"]; ok {
				t.Errorf("%s %d sets h3, which Prepare computes", name, i)
			}
			if err := layers.Prepare(l, f); err != nil {
				t.Errorf("%s feature %d: %v", name, i, err)
			}
		}
	}
}

// The figures of the seed, computed from the generator's output.
func TestSeedFigures(t *testing.T) {
	for _, seed := range []int64{0, 1, 42} {
		g := New(Options{Seed: seed, Incidents: 20000, AsOf: testAsOf})
		if ps := figuresOf(t, g).problems(); len(ps) > 0 {
			t.Errorf("seed %d: %s", seed, strings.Join(ps, "; "))
		}
	}

	g := New(Options{Incidents: 1, AsOf: testAsOf})
	sum := func(layer, field string, where func(map[string]any) bool) (n int, total float64) {
		for _, f := range readAll(t, g, layer) {
			if where == nil || where(f.Props) {
				n++
				total += toFloat(f.Props[field])
			}
		}
		return n, total
	}
	kind := func(k string) func(map[string]any) bool {
		return func(p map[string]any) bool { return p["kind"] == k }
	}
	is := func(field string, v any) func(map[string]any) bool {
		return func(p map[string]any) bool { return p[field] == v }
	}
	tests := []struct {
		name         string
		layer, field string
		where        func(map[string]any) bool
		wantN        int
		wantSum      float64 // checked unless NaN
	}{
		{"25 communities", lCommunities, "households", nil, 25, math.NaN()},
		{"5 patches of 25", lPatches, "communities", nil, 5, 25},
		{"北大地西区 built 1978", lCommunities, "built_year", is("name", "北大地西区"), 1, 1978},
		{"patrols", lStreets, "patrols", nil, 40, TotalPatrols},
		{"problems found", lStreets, "problems_found", nil, 40, TotalProblemsFound},
		{"problems solved", lStreets, "problems_solved", nil, 40, TotalProblemsSolved},
		{"8 streets", lStreets, "patrols", kind("街"), 8, math.NaN()},
		{"7 upgraded back lanes", lStreets, "shop_pledges", is("upgraded", true), 7, math.NaN()},
		{"58 illegal structures, 18502 m²", lDemolitions, "area_m2", kind("违法建设"), 58, 18502},
		{"12 street-vending hotspots", lDemolitions, "area_m2", kind("占道经营"), 12, 0},
		{"73 开墙打洞", lDemolitions, "area_m2", kind("开墙打洞"), 73, 0},
		{"1 civil-defence basement", lDemolitions, "area_m2", kind("人防工程"), 1, math.NaN()},
		{"4 basements", lDemolitions, "area_m2", kind("普通地下室"), 4, math.NaN()},
		{"82 group rentals", lDemolitions, "area_m2", kind("群租房"), 82, math.NaN()},
		{"18 tutoring sites", lDemolitions, "area_m2", kind("无证无照校外培训机构"), 18, 0},
		{"248 demolition records", lDemolitions, "area_m2", nil, 248, math.NaN()},
		{"3 pocket gardens", lGreening, "area_m2", kind("街心花园"), 3, math.NaN()},
		{"one-stop centre", lServicePoints, "area", is("name", ServiceCentreName), 1, 0},
		{"market", lServicePoints, "area", is("name", MarketName), 1, 0},
		{"239 care targets", lCareTargets, "visits", nil, 239, math.NaN()},
		{"6 alarms", lCareTargets, "visits", is("alarm", true), careAlarms, math.NaN()},
	}
	for _, tc := range tests {
		n, total := sum(tc.layer, tc.field, tc.where)
		if n != tc.wantN {
			t.Errorf("%s: %d features, want %d", tc.name, n, tc.wantN)
		}
		if !math.IsNaN(tc.wantSum) && total != tc.wantSum {
			t.Errorf("%s: %s sums to %v, want %v", tc.name, tc.field, total, tc.wantSum)
		}
	}

	for _, f := range readAll(t, g, lCommunities) {
		if f.Props["name"] == OldCompound && f.Props["has_property_management"] != false {
			t.Errorf("北大地西区 has property management")
		}
		hh := f.Props["households"].(int64)
		if hh < 1500 || hh > 4500 {
			t.Errorf("%s: %d households", f.Props["name"], hh)
		}
	}
	noPM := 0
	for _, f := range readAll(t, g, lCommunities) {
		if f.Props["has_property_management"] == false {
			noPM++
		}
	}
	if noPM < 3 {
		t.Errorf("%d old compounds without property management, want several", noPM)
	}
}

func TestStreets(t *testing.T) {
	g := New(Options{AsOf: testAsOf, Incidents: 1})
	fs := readAll(t, g, lStreets)
	names := map[string]bool{}
	area := areaOf(t, g)
	for _, f := range fs {
		p := f.Props
		name := p["name"].(string)
		if names[name] {
			t.Errorf("street %s twice", name)
		}
		names[name] = true
		if p["problems_solved"].(int64) > p["problems_found"].(int64) {
			t.Errorf("%s solved more than found", name)
		}
		if p["street_chief"] == nil || p["steward"] == nil {
			t.Errorf("%s lacks a chief or steward", name)
		}
		if p["kind"] == "巷" && (p["lane_chief"] == nil || p["community"] == nil) {
			t.Errorf("lane %s lacks a 巷长 or community", name)
		}
		if p["upgraded"] == true && p["kind"] != "巷" {
			t.Errorf("%s upgraded but not a back lane", name)
		}
		if p["kind"] == "街" && p["shop_pledges"].(int64) <= 0 {
			t.Errorf("commercial street %s has no 门前三包 pledges", name)
		}
		if l := p["length_m"].(float64); l < 100 || l > 4000 {
			t.Errorf("%s is %.0f m long", name, l)
		}
		for _, pt := range f.Geometry.(orb.LineString) {
			if !planar.RingContains(area, pt) {
				t.Errorf("%s leaves the area at %v", name, pt)
			}
		}
	}
	for _, want := range []string{"北大街", "游泳场北路"} {
		if !names[want] {
			t.Errorf("no street %s", want)
		}
	}
	if len(fs) < 35 || len(fs) > 45 {
		t.Errorf("%d streets, want about 40", len(fs))
	}
}

// areaOf returns the outline of the street's area: the ring of lattice
// edges used by exactly one community.
func areaOf(t testing.TB, g *Generator) orb.Ring {
	t.Helper()
	edges := communityEdges(t, g)
	next := map[orb.Point]orb.Point{}
	var start orb.Point
	for e, users := range edges {
		if len(users) == 1 {
			next[e.a] = e.b
			start = e.a
		}
	}
	ring := orb.Ring{start}
	for at := start; ; {
		at = next[at]
		ring = append(ring, at)
		if at == start || len(ring) > 100 {
			break
		}
	}
	return ring
}

type dirEdge struct{ a, b orb.Point }

// communityEdges maps each undirected edge (as the direction first seen) to
// the communities using it, with the direction each uses.
func communityEdges(t testing.TB, g *Generator) map[dirEdge][]dirEdge {
	t.Helper()
	out := map[dirEdge][]dirEdge{}
	for _, f := range g.Communities() {
		mp := f.Geometry.(orb.MultiPolygon)
		if len(mp) != 1 || len(mp[0]) != 1 {
			t.Fatalf("%s: not a single ring", f.Props["name"])
		}
		ring := mp[0][0]
		for i := 0; i+1 < len(ring); i++ {
			e := dirEdge{ring[i], ring[i+1]}
			key := e
			if _, ok := out[dirEdge{e.b, e.a}]; ok {
				key = dirEdge{e.b, e.a}
			}
			out[key] = append(out[key], e)
		}
	}
	return out
}

// The communities tile the area: every interior lattice edge is used by
// exactly two communities in opposite directions, every boundary edge by
// one; the cells are convex and no two overlap.
func TestCommunitiesTile(t *testing.T) {
	for _, seed := range []int64{0, 5, 99} {
		g := New(Options{Seed: seed, Incidents: 1, AsOf: testAsOf})
		edges := communityEdges(t, g)
		inner, outer := 0, 0
		for e, users := range edges {
			switch len(users) {
			case 1:
				outer++
			case 2:
				inner++
				if users[0] != e || users[1] != (dirEdge{e.b, e.a}) {
					t.Errorf("seed %d: edge %v used twice in the same direction", seed, e)
				}
			default:
				t.Errorf("seed %d: edge %v used by %d communities", seed, e, len(users))
			}
		}
		if inner != 2*gridN*(gridN-1) || outer != 4*gridN {
			t.Errorf("seed %d: %d interior and %d boundary edges, want %d and %d", seed, inner, outer, 2*gridN*(gridN-1), 4*gridN)
		}
		comms := g.Communities()
		total := 0.0
		for i, a := range comms {
			ra := a.Geometry.(orb.MultiPolygon)[0][0]
			if !convexCCW(ra) {
				t.Errorf("seed %d: %s is not a convex counter-clockwise quadrilateral", seed, a.Props["name"])
			}
			total += planar.Area(ra)
			for _, b := range comms[i+1:] {
				rb := b.Geometry.(orb.MultiPolygon)[0][0]
				if x := math.Abs(planar.Area(clipConvex(ra, rb))); x > 1e-16 {
					t.Errorf("seed %d: %s and %s overlap by %g deg²", seed, a.Props["name"], b.Props["name"], x)
				}
			}
		}
		area := areaOf(t, g)
		if len(area) != 4*gridN+1 {
			t.Errorf("seed %d: the outline has %d vertices, want %d", seed, len(area), 4*gridN+1)
		}
		if a := planar.Area(area); math.Abs(a-total) > 1e-12*total {
			t.Errorf("seed %d: communities cover %g, the outline %g", seed, total, a)
		}
		b := area.Bound()
		if b.Min[0] < lonW-1e-12 || b.Max[0] > lonE+1e-12 || b.Min[1] < latS-1e-12 || b.Max[1] > latN+1e-12 {
			t.Errorf("seed %d: the area %v is not within the street's bounds", seed, b)
		}
	}
}

// Each patch is one ring: exactly the edges of its communities used once
// within the patch.
func TestPatchesAreUnions(t *testing.T) {
	g := New(Options{Incidents: 1, AsOf: testAsOf})
	byPatch := map[string][]orb.Ring{}
	for _, c := range g.Communities() {
		p := c.Props["patch"].(string)
		byPatch[p] = append(byPatch[p], c.Geometry.(orb.MultiPolygon)[0][0])
	}
	patches := readAll(t, g, lPatches)
	if len(patches) != PatchCount {
		t.Fatalf("%d patches", len(patches))
	}
	for _, f := range patches {
		name := f.Props["name"].(string)
		mp := f.Geometry.(orb.MultiPolygon)
		if len(mp) != 1 || len(mp[0]) != 1 {
			t.Errorf("%s: %d polygons, want one ring", name, len(mp))
			continue
		}
		if f.Props["leader"] == nil || f.Props["leader"] == "" {
			t.Errorf("%s has no 片长", name)
		}
		rings := byPatch[name]
		if int64(len(rings)) != f.Props["communities"].(int64) {
			t.Errorf("%s: communities %v, %d name it", name, f.Props["communities"], len(rings))
		}
		use := map[dirEdge]int{}
		sum := 0.0
		for _, r := range rings {
			sum += planar.Area(r)
			for i := 0; i+1 < len(r); i++ {
				use[dirEdge{r[i], r[i+1]}]++
			}
		}
		want := map[dirEdge]bool{}
		for e := range use {
			if use[dirEdge{e.b, e.a}] == 0 {
				want[e] = true
			}
		}
		ring := mp[0][0]
		if ring[0] != ring[len(ring)-1] {
			t.Errorf("%s: ring not closed", name)
		}
		got := map[dirEdge]bool{}
		for i := 0; i+1 < len(ring); i++ {
			got[dirEdge{ring[i], ring[i+1]}] = true
		}
		if len(got) != len(want) || len(got) != len(ring)-1 {
			t.Errorf("%s: outline has %d edges, its communities' boundary %d", name, len(got), len(want))
		}
		for e := range want {
			if !got[e] {
				t.Errorf("%s: boundary edge %v missing from the outline", name, e)
			}
		}
		if a := planar.Area(ring); math.Abs(a-sum) > 1e-12*sum || a <= 0 {
			t.Errorf("%s: area %g, its communities %g", name, a, sum)
		}
	}
}

// convexCCW reports whether a closed ring turns left at every vertex.
func convexCCW(r orb.Ring) bool {
	n := len(r) - 1
	for i := 0; i < n; i++ {
		a, b, c := r[i], r[(i+1)%n], r[(i+2)%n]
		if (b[0]-a[0])*(c[1]-b[1])-(b[1]-a[1])*(c[0]-b[0]) <= 0 {
			return false
		}
	}
	return true
}

// clipConvex returns subject ∩ clip for convex counter-clockwise rings
// (Sutherland–Hodgman).
func clipConvex(subject, clip orb.Ring) orb.Ring {
	out := append(orb.Ring(nil), subject[:len(subject)-1]...)
	for i := 0; i+1 < len(clip) && len(out) > 0; i++ {
		a, b := clip[i], clip[i+1]
		side := func(p orb.Point) float64 { return (b[0]-a[0])*(p[1]-a[1]) - (b[1]-a[1])*(p[0]-a[0]) }
		in := out
		out = nil
		for j := range in {
			p, q := in[j], in[(j+1)%len(in)]
			sp, sq := side(p), side(q)
			if sp >= 0 {
				out = append(out, p)
			}
			if (sp >= 0) != (sq >= 0) {
				t := sp / (sp - sq)
				out = append(out, orb.Point{p[0] + t*(q[0]-p[0]), p[1] + t*(q[1]-p[1])})
			}
		}
	}
	if len(out) < 3 {
		return nil
	}
	return append(out, out[0])
}

// Points of the point layers and greening lie in the community they name.
func TestSitesInTheirCommunities(t *testing.T) {
	g := New(Options{Incidents: 1, AsOf: testAsOf})
	comms := map[string]orb.MultiPolygon{}
	for _, c := range g.Communities() {
		comms[c.Props["name"].(string)] = c.Geometry.(orb.MultiPolygon)
	}
	for _, layer := range []string{lDemolitions, lServicePoints, lCareTargets, lGreening} {
		codes := map[string]bool{}
		for _, f := range readAll(t, g, layer) {
			name, _ := f.Props["community"].(string)
			mp, ok := comms[name]
			if !ok {
				t.Errorf("%s: unknown community %q", layer, name)
				continue
			}
			var pts []orb.Point
			switch geom := f.Geometry.(type) {
			case orb.Point:
				pts = []orb.Point{geom}
			case orb.MultiPolygon:
				pts = geom[0][0]
			}
			for _, p := range pts {
				if !planar.MultiPolygonContains(mp, p) {
					t.Errorf("%s %v: %v not in %s", layer, f.Props["name"], p, name)
				}
			}
			if code, ok := f.Props["code"].(string); ok {
				if codes[code] {
					t.Errorf("%s: code %s twice", layer, code)
				}
				codes[code] = true
			}
		}
	}
	for _, f := range readAll(t, g, lCareTargets) {
		for _, k := range []string{"name", "address", "phone", "id_number"} {
			if _, ok := f.Props[k]; ok {
				t.Errorf("care target carries %s", k)
			}
		}
		if f.Contact != nil {
			t.Errorf("care target carries a contact")
		}
	}
	for _, f := range readAll(t, g, lDemolitions) {
		d := f.Props["date"].(time.Time)
		if d.Before(date(2018, 1, 1)) || d.After(date(2019, 12, 31)) || f.Props["status"] != "完成" {
			t.Errorf("demolition %v: %v %v", f.Props["code"], d, f.Props["status"])
		}
	}
}
