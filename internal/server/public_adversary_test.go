package server

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb/maptile"

	"minqing/deploy/fengtai"
	"minqing/geo/hex"
	"minqing/layers"
	"minqing/stores/storetest"
)

// observation is one number a public caller got about one unit (an H3
// cell, or a community) for a window of months and a filter.
type observation struct {
	what       string // the request, for messages
	unit       string // h3 text, or "community:名称"
	months     []string
	dim        string // "" (total), "category" or "source"
	values     []string
	count      int64
	suppressed bool
}

// adversary plays a curious member of the public against one server.
type adversary struct {
	t        *testing.T
	s        *Server
	tr       *truth
	comms    map[string][]hex.Cell
	obs      []observation
	failures map[string]int // by kind
}

// fail reports a failure of a kind; only the first few of each kind are
// printed (check prints the totals).
func (a *adversary) fail(kind, format string, args ...any) {
	a.t.Helper()
	if a.failures == nil {
		a.failures = map[string]int{}
	}
	if a.failures[kind]++; a.failures[kind] <= 5 {
		a.t.Errorf(kind+": "+format, args...)
	}
}

// window is a public datetime and the months it stands for.
type window struct {
	param  string
	months []string
}

// adversaryWindows are overlapping windows: every month, sliding quarters
// (nested in the year and shifted against each other), two years, a
// shifted year, the whole range.
// The windows are spelled with dates (2025-01-01/2025-03-31), which the
// server took before the policy too, so that the test plays the same
// attacks against it; TestPublicRefusals checks the month spelling.
func adversaryWindows() []window {
	span := func(ms []string) window {
		last, _ := time.ParseInLocation("2006-01", ms[len(ms)-1], layers.Shanghai)
		return window{ms[0] + "-01/" + last.AddDate(0, 1, -1).Format("2006-01-02"), ms}
	}
	var ws []window
	for _, m := range monthsBetween("2024-03", "2026-02") {
		ws = append(ws, span([]string{m}))
	}
	for _, m := range monthsBetween("2025-01", "2025-10") {
		ws = append(ws, span(monthsBetween(m, monthsBetween(m, "2026-12")[2])))
	}
	ws = append(ws,
		span(monthsBetween("2025-01", "2025-12")),
		span(monthsBetween("2024-03", "2025-02")),
		span(monthsBetween("2024-06", "2025-05")),
		window{"", monthsBetween("2024-03", "2026-02")},
	)
	return ws
}

// filter is a public category or source filter.
type filter struct {
	dim    string
	values []string
}

func (f filter) query(q url.Values) {
	if f.dim != "" {
		q.Set(f.dim, strings.Join(f.values, ","))
	}
}

// adversaryFilters are every category and every source alone, the
// complement of one category (all the others), and no filter.
func adversaryFilters() []filter {
	fs := []filter{{}}
	for _, c := range fengtai.IncidentCategories {
		fs = append(fs, filter{"category", []string{c}})
	}
	for _, s := range fengtai.IncidentSources {
		fs = append(fs, filter{"source", []string{s}})
	}
	for _, drop := range fengtai.IncidentCategories[:3] {
		rest := slices.DeleteFunc(slices.Clone(fengtai.IncidentCategories), func(c string) bool { return c == drop })
		fs = append(fs, filter{"category", rest})
	}
	fs = append(fs, filter{"source", fengtai.IncidentSources})
	return fs
}

// get fetches a public URL; anything but 200 (204 for tiles) is an error
// (the first few reported) and gives nil.
func (a *adversary) get(target string) []byte {
	a.t.Helper()
	rec := get(a.t, a.s, target, "")
	if rec.Code == http.StatusNoContent {
		return nil
	}
	if rec.Code != http.StatusOK {
		a.fail("status", "GET %s: %d %s", target, rec.Code, rec.Body)
		return nil
	}
	return rec.Body.Bytes()
}

// hotspots records the counts of GET /hotspots.
func (a *adversary) hotspots(w window, f filter) {
	q := url.Values{}
	if w.param != "" {
		q.Set("datetime", w.param)
	}
	f.query(q)
	target := "/hotspots?" + q.Encode()
	body := a.get(target)
	if body == nil {
		return
	}
	_, byH3 := hexFeatures(a.t, body)
	for h, ft := range byH3 {
		o := observation{what: target, unit: h, months: w.months, dim: f.dim, values: f.values}
		o.suppressed, _ = ft.Properties["suppressed"].(bool)
		if n, ok := ft.Properties["count"].(float64); ok {
			o.count = int64(n)
		}
		a.obs = append(a.obs, o)
	}
}

// summary records the top cells of GET /hotspots/summary and their
// categories.
func (a *adversary) summary(w window, f filter) {
	q := url.Values{"top": {"100"}, "by": {"count"}}
	if w.param != "" {
		q.Set("datetime", w.param)
	}
	f.query(q)
	target := "/hotspots/summary?" + q.Encode()
	var sum struct {
		Top []struct {
			H3         string `json:"h3"`
			Count      *int64 `json:"count"`
			Suppressed bool   `json:"suppressed"`
			Categories []struct {
				Category string `json:"category"`
				Count    int64  `json:"count"`
			} `json:"categories"`
		} `json:"top"`
	}
	body := a.get(target)
	if body == nil {
		return
	}
	if err := json.Unmarshal(body, &sum); err != nil {
		a.t.Fatal(err)
	}
	for _, tp := range sum.Top {
		o := observation{what: target, unit: tp.H3, months: w.months, dim: f.dim, values: f.values, suppressed: tp.Suppressed}
		if tp.Count != nil {
			o.count = *tp.Count
		}
		a.obs = append(a.obs, o)
		if f.dim == "source" {
			continue
		}
		for _, c := range tp.Categories {
			a.obs = append(a.obs, observation{what: target + " categories", unit: tp.H3, months: w.months, dim: "category", values: []string{c.Category}, count: c.Count})
		}
	}
}

// tiles records the clusters of the public incidents tiles at zoom z over
// the cells of the truth, and checks that each cell is in exactly one tile.
func (a *adversary) tiles(z int, w window, f filter) {
	want := map[maptile.Tile]bool{}
	for c := range a.tr.fams {
		want[maptile.At(hex.Center(c), maptile.Zoom(z))] = true
	}
	seen := map[string]int{}
	for tile := range want {
		q := url.Values{}
		if w.param != "" {
			q.Set("datetime", w.param)
		}
		f.query(q)
		target := tilePath("incidents", tile) + "?" + q.Encode()
		body := a.get(target)
		if body == nil {
			continue
		}
		ls := decodeMVT(a.t, body)
		l := ls["incidents"]
		if l == nil {
			a.t.Fatalf("%s: no incidents layer", target)
		}
		for _, ft := range l.Features {
			h, _ := ft.Properties["h3"].(string)
			if id, ok := ft.ID.(float64); ok && h == "" {
				h = hex.String(hex.Cell(uint64(id))) // a cluster named by its id only
			}
			seen[h]++
			o := observation{what: target, unit: h, months: w.months, dim: f.dim, values: f.values}
			o.suppressed, _ = ft.Properties["suppressed"].(bool)
			if n, ok := ft.Properties["count"].(float64); ok {
				o.count = int64(n)
			}
			if !o.suppressed && ft.Properties["count"] == nil {
				a.fail("tile feature", "%s: cell %q has neither a count nor suppressed", target, h)
			}
			a.obs = append(a.obs, o)
		}
	}
	for h, n := range seen {
		if n != 1 {
			a.fail("tiles per cell", "z%d: cell %s is in %d tiles, want 1", z, h, n)
		}
	}
}

// hotspotTiles records the counts of a few hot spot tiles at z14.
func (a *adversary) hotspotTiles(w window) {
	done := map[maptile.Tile]bool{}
	for c := range a.tr.fams {
		tile := maptile.At(hex.Center(c), 14)
		if done[tile] || len(done) == 4 {
			continue
		}
		done[tile] = true
		q := url.Values{}
		if w.param != "" {
			q.Set("datetime", w.param)
		}
		target := tilePath("hotspots", tile) + "?" + q.Encode()
		body := a.get(target)
		if body == nil {
			continue
		}
		l := decodeMVT(a.t, body)["hotspots"]
		if l == nil {
			continue
		}
		for _, ft := range l.Features {
			h, _ := ft.Properties["h3"].(string)
			o := observation{what: target, unit: h, months: w.months}
			o.suppressed, _ = ft.Properties["suppressed"].(bool)
			if n, ok := ft.Properties["count"].(float64); ok {
				o.count = int64(n)
			}
			a.obs = append(a.obs, o)
		}
	}
}

// counts records the hexagons of /layers/incident_counts.geojson (or an
// export of them, format "csv").
func (a *adversary) counts(w window, f filter) {
	q := url.Values{}
	if w.param != "" {
		q.Set("datetime", w.param)
	}
	f.query(q)
	target := "/layers/incident_counts.geojson?" + q.Encode()
	body := a.get(target)
	if body == nil {
		return
	}
	_, byH3 := hexFeatures(a.t, body)
	for h, ft := range byH3 {
		o := observation{what: target, unit: h, months: w.months, dim: f.dim, values: f.values}
		o.suppressed, _ = ft.Properties["suppressed"].(bool)
		if n, ok := ft.Properties["count"].(float64); ok {
			o.count = int64(n)
		}
		a.obs = append(a.obs, o)
	}
}

// community records the panel figures of GET /incidents/summary.
func (a *adversary) community(name string, w window, f filter) {
	q := url.Values{"community": {name}}
	if w.param != "" {
		q.Set("datetime", w.param)
	}
	f.query(q)
	target := "/incidents/summary?" + q.Encode()
	var sum struct {
		Total      int64 `json:"total"`
		Suppressed bool  `json:"suppressed"`
		Categories []struct {
			Category string `json:"category"`
			Count    int64  `json:"count"`
		} `json:"categories"`
	}
	body := a.get(target)
	if body == nil {
		return
	}
	if err := json.Unmarshal(body, &sum); err != nil {
		a.t.Fatal(err)
	}
	unit := "community:" + name
	a.obs = append(a.obs, observation{what: target, unit: unit, months: w.months, dim: f.dim, values: f.values, count: sum.Total, suppressed: sum.Suppressed})
	for _, c := range sum.Categories {
		a.obs = append(a.obs, observation{what: target + " categories", unit: unit, months: w.months, dim: "category", values: []string{c.Category}, count: c.Count})
	}
}

// expect returns what the published table gives for an observation.
func (a *adversary) expect(o observation) expected {
	if name, ok := strings.CutPrefix(o.unit, "community:"); ok {
		var e expected
		for _, c := range a.comms[name] {
			x := a.tr.expect(c, o.months, o.dim, o.values)
			e.count += x.count
			e.shown += x.shown
			e.hidden += x.hidden
		}
		return e
	}
	c, err := hex.Parse(o.unit)
	if err != nil {
		a.fail("bad h3", "%s: %q is not an H3 cell", o.what, o.unit)
		return expected{count: -1}
	}
	return a.tr.expect(c, o.months, o.dim, o.values)
}

// subset reports whether every element of a is in b.
func subset(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

// nested reports whether observation o selects part of what p selects
// (fewer months, or fewer values of the same dimension, or one dimension
// against the total), so that p − o is what a differencing attack gets.
func nested(o, p observation) bool {
	if !subset(o.months, p.months) {
		return false
	}
	switch {
	case o.dim == p.dim:
		return subset(o.values, p.values)
	case p.dim == "":
		return true
	}
	return false
}

// check asserts that every observation is a sum of the published (shown)
// atoms, that none is a small count, and that no difference of two nested
// observations of a unit — the differencing attack over windows, filters
// and endpoints — is a small count (1..k−1). It reports the first few
// failures of each kind and how many there were.
func (a *adversary) check() {
	k := int64(a.tr.k)
	byUnit := map[string][]observation{}
	for _, o := range a.obs {
		e := a.expect(o)
		if o.count != e.count || o.suppressed != e.suppressed() {
			a.fail("not the published atoms", "%s: %s shows %d (suppressed %v); the published atoms give %d (suppressed %v)", o.what, o.unit, o.count, o.suppressed, e.count, e.suppressed())
		}
		if o.count > 0 && o.count < k {
			a.fail("small count", "%s: %s shows %d", o.what, o.unit, o.count)
		}
		byUnit[o.unit] = append(byUnit[o.unit], o)
	}
	pairs := 0
	for _, os := range byUnit {
		for _, o := range os {
			for _, p := range os {
				if !nested(o, p) {
					continue
				}
				pairs++
				if d := p.count - o.count; d > 0 && d < k {
					a.fail("differencing", "%s (%d) − %s (%d) = %d < %d for %s", p.what, p.count, o.what, o.count, d, k, o.unit)
				}
			}
		}
	}
	for kind, n := range a.failures {
		a.t.Errorf("%s: %d failures in all", kind, n)
	}
	a.t.Logf("%d observations, %d nested pairs differenced", len(a.obs), pairs)
}

// TestPublicAdversary plays the differencing attacks of issue #12 against
// the public outputs, on both stores: overlapping windows (months, sliding
// quarters, years, shifted), each category and source, their complements,
// community panels, the hot spot and incidents tiles at several zooms,
// /hotspots and its summary, each against the others. Every number must be
// a sum of the shown atoms of the published table (recomputed here from the
// raw incidents), and no difference of nested answers may be 1..k−1.
func TestPublicAdversary(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		loadPrivacyDemo(t, src)
		s := newAggregateServer(t, src)
		recs := readIncidents(t, src)
		tr := storeTruth(t, s, src, recs)
		a := &adversary{t: t, s: s, tr: tr, comms: communityCells(t, src, tr)}

		small := 0
		for _, ms := range tr.fams {
			for _, f := range ms {
				if f.total.n > 0 && !f.total.shown {
					small++
				}
			}
		}
		if small == 0 {
			t.Fatal("the demo has no small cell-month: the attacks would prove nothing")
		}

		ws := adversaryWindows()
		for _, w := range ws {
			for _, f := range adversaryFilters() {
				a.hotspots(w, f)
			}
			a.summary(w, filter{})
			a.hotspotTiles(w)
			a.counts(w, filter{})
		}
		some := []window{ws[0], ws[10], ws[24], ws[len(ws)-4], ws[len(ws)-1]}
		for _, w := range some {
			for _, f := range []filter{{}, {"category", []string{fengtai.IncidentCategories[1]}}, {"source", []string{"12345"}}} {
				for _, z := range []int{10, 13, 14, 16} {
					a.tiles(z, w, f)
				}
				a.summary(w, f)
				a.counts(w, f)
			}
			for name := range a.comms {
				for _, f := range []filter{{}, {"category", []string{fengtai.IncidentCategories[1]}}, {"source", fengtai.IncidentSources[:2]}} {
					a.community(name, w, f)
				}
			}
		}
		a.check()
	})
}

// storeTruth returns the truth under the cell assignment the store counts
// with: LatLngToCell of the point (exact cells), or the parent of the stored
// resolution-15 cell on a store that still counts that way. Either way the
// counts are recomputed here from the raw points; the store's staff
// /hotspots picks which assignment it uses.
func storeTruth(t *testing.T, s *Server, src layers.Source, recs []incidentRec) *truth {
	t.Helper()
	staff := token(t, src, layers.Staff)
	rec := get(t, s, "/hotspots?res=9", staff)
	if rec.Code != http.StatusOK {
		t.Fatalf("staff hotspots: %d %s", rec.Code, rec.Body)
	}
	_, byH3 := hexFeatures(t, rec.Body.Bytes())
	matches := func(cellOf func(incidentRec) hex.Cell) bool {
		n := map[string]int64{}
		for _, r := range recs {
			n[hex.String(cellOf(r))]++
		}
		for h, f := range byH3 {
			c, _ := f.Properties["count"].(float64)
			if int64(c) != n[h] {
				return false
			}
		}
		return true
	}
	exact := func(r incidentRec) hex.Cell { return r.exact }
	parent := func(r incidentRec) hex.Cell { return r.parent }
	switch {
	case matches(exact):
		return buildTruth(recs, exact, 5)
	case matches(parent):
		t.Log("the store counts the parent of the stored res-15 cell")
		return buildTruth(recs, parent, 5)
	}
	t.Fatal("staff counts match neither LatLngToCell nor the stored cell's parent")
	return nil
}

// TestPublicRefusals checks what the public may not ask: windows that cut
// months (the 2025-02-01 vs 2025-02-15 differencing), other
// resolutions, status, two dimensions at once; and an unknown community
// or patch, for every caller.
func TestPublicRefusals(t *testing.T) {
	src := newEmbedded(t)
	loadPrivacyDemo(t, src)
	s := newAggregateServer(t, src)
	staff := token(t, src, layers.Staff)
	for _, tc := range []struct {
		target, secret, param string
	}{
		{"/hotspots?datetime=../2025-02-01", "", "datetime"},
		{"/hotspots?datetime=../2025-02-15", "", "datetime"},
		{"/hotspots?datetime=2025-02-10/2025-03-31", "", "datetime"},
		{"/hotspots?res=8", "", "res"},
		{"/hotspots?res=10", "", "res"},
		{"/hotspots?status=closed", "", "status"},
		{"/hotspots?category=漏水&source=12345", "", "source"},
		{"/hotspots?steps=5&datetime=2025-01/2025-12", "", "steps"},
		{"/hotspots?community=火星社区", "", "community"},
		{"/hotspots?community=火星社区", staff, "community"},
		{"/hotspots?patch=第九十九片区", staff, "patch"},
		{"/hotspots/summary?datetime=2025-02-15/..", "", "datetime"},
		{"/incidents/summary?community=火星社区", "", "community"},
		{"/incidents/summary?status=closed", "", "status"},
		{"/tiles/incidents/14/13483/6210.mvt?datetime=2025-02-01/2025-02-15", "", "datetime"},
		{"/tiles/incidents/14/13483/6210.mvt?status=closed", "", "status"},
	} {
		rec := get(t, s, tc.target, tc.secret)
		var body apiError
		if rec.Code != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400: %s", tc.target, rec.Code, rec.Body)
			continue
		}
		decode(t, rec, &body)
		if body.Param != tc.param || len(body.Message) < 20 {
			t.Errorf("%s: %+v, want param %s and a sentence", tc.target, body, tc.param)
		}
	}
	// Whole months are fine, in either spelling, and steps of whole months.
	for _, target := range []string{"/hotspots?datetime=2025-01-01/2025-03-31", "/hotspots?datetime=2025-01/2025-03",
		"/hotspots?datetime=2025-02", "/hotspots?steps=4&datetime=2025-01/2025-12", "/tiles/incidents/14/13483/6210.mvt?datetime=2025-02"} {
		if rec := get(t, s, target, ""); rec.Code != http.StatusOK && rec.Code != http.StatusNoContent {
			t.Errorf("%s: %d %s", target, rec.Code, rec.Body)
		}
	}
}
