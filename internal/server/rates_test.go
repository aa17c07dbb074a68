package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"minqing/casework/rates"
	"minqing/deploy/fengtai"
	"minqing/deploy/fengtai/demo"
	"minqing/layers"
	"minqing/stores/storetest"
)

// communityPoint returns a point inside the demo community name.
func communityPoint(t *testing.T, name string) orb.Point {
	t.Helper()
	for _, f := range demo.New(demo.Options{Incidents: -1}).Communities() {
		if f.Props["name"] == name {
			c, _ := planar.CentroidArea(f.Geometry)
			return c
		}
	}
	t.Fatalf("no demo community %s", name)
	return orb.Point{}
}

// step is one recorded step of a fixture incident, minutes after receipt.
type step struct {
	min    int
	action string
	extra  string // more JSON members
}

// rateFixture takes in the hand-computed fixture of TestRates (all 停电:
// response due 2 h, resolution due 72 h after receipt).
func rateFixture(t *testing.T, s *Server, staff string) {
	x, y := communityPoint(t, "新华街北里"), communityPoint(t, "北大地西区")
	june := func(d, h, m int) time.Time { return time.Date(2026, 6, d, h, m, 0, 0, layers.Shanghai) }
	yes := `, "resolved": true, "satisfied": true`
	yesNo := `, "resolved": true, "satisfied": false`
	noNo := `, "resolved": false, "satisfied": false`
	fixture := []struct {
		p        orb.Point
		received time.Time
		steps    []step
	}{
		// I1 X: contacted in 60 min, resolved in 24 h, visited: resolved and satisfied.
		{x, june(2, 10, 0), []step{{10, "dispatch", ""}, {60, "respond", ""}, {1440, "resolve", ""}, {1500, "visit", yes}, {1510, "close", ""}}},
		// I2 X: contacted late (3 h), resolved in 48 h, visited: resolved, not satisfied.
		{x, june(3, 10, 0), []step{{10, "dispatch", ""}, {180, "respond", ""}, {2880, "resolve", ""}, {2900, "visit", yesNo}, {2910, "close", ""}}},
		// I3 X: reopened after an unhappy visit; only the last visit counts.
		{x, june(4, 10, 0), []step{{5, "dispatch", ""}, {30, "respond", ""}, {300, "resolve", ""}, {330, "visit", noNo},
			{360, "reopen", ""}, {1440, "resolve", ""}, {1500, "visit", yes}, {1560, "close", ""}}},
		// I4 X: returned (退单) and re-dispatched to the community; contacted in 90 min; resolved in 10 h; no visit.
		{x, june(5, 10, 0), []step{{5, "dispatch", `, "unit": "城管科", "level": "科室"`}, {20, "return", `, "reason": "属社区职责"`},
			{30, "dispatch", `, "unit": "新华街北里社区居委会", "level": "社区"`}, {90, "respond", ""}, {600, "resolve", ""}}},
		// I5 X: received before the window: not counted.
		{x, time.Date(2026, 5, 31, 23, 0, 0, 0, layers.Shanghai), []step{{10, "dispatch", ""}, {20, "respond", ""}}},
		// I6 Y: received on the window's last evening, dispatched, never contacted: overdue twice.
		{y, june(30, 20, 0), []step{{10, "dispatch", ""}}},
		// I7 Y: received after the window: not counted.
		{y, time.Date(2026, 7, 1, 8, 0, 0, 0, layers.Shanghai), []step{{10, "dispatch", ""}, {20, "respond", ""}}},
		// I8 Y: contacted in 60 min, resolved in 24 h, visited: resolved and satisfied.
		{y, june(10, 10, 0), []step{{10, "dispatch", ""}, {60, "respond", ""}, {1440, "resolve", ""}, {1500, "visit", yes}}},
	}
	for i, f := range fixture {
		rec := postJSON(t, s, "/incidents", staff, fmt.Sprintf(`{"lon": %f, "lat": %f, "category": "停电", "source": "12345", "received_at": %q}`,
			f.p[0], f.p[1], f.received.Format(time.RFC3339)))
		if rec.Code != http.StatusCreated {
			t.Fatalf("I%d: %d %s", i+1, rec.Code, rec.Body)
		}
		var out createdIncident
		decode(t, rec, &out)
		for _, st := range f.steps {
			at := f.received.Add(time.Duration(st.min) * time.Minute).Format(time.RFC3339)
			rec := postJSON(t, s, fmt.Sprintf("/incidents/%d/events", out.ID), staff,
				fmt.Sprintf(`{"action": %q, "at": %q%s}`, st.action, at, st.extra))
			if rec.Code != http.StatusCreated {
				t.Fatalf("I%d %s: %d %s", i+1, st.action, rec.Code, rec.Body)
			}
		}
	}
}

func f64(v float64) *float64 { return &v }

func TestRates(t *testing.T) {
	const window = "2026-06-01/2026-06-30"
	// Hand-computed (README "The three rates"): X = 新华街北里 holds I1–I4,
	// Y = 北大地西区 holds I6 and I8; I5 and I7 fall outside the window.
	wantCommunity := []rates.Row{
		{Group: "北大地西区", Rank: 1, Count: 2, Dispatched: 2, ResponseBase: 2, RespondedInTime: 1, Resolved: 1, Visited: 1,
			VisitResolved: 1, Satisfied: 1, OverdueResponse: 1, OverdueResolution: 1,
			ResponseRate: f64(0.5), ResolutionRate: f64(1), SatisfactionRate: f64(1), Score: f64(90),
			MedianResponseMinutes: f64(60), MedianResolutionHours: f64(24)},
		{Group: "新华街北里", Rank: 2, Count: 4, Dispatched: 4, ResponseBase: 4, RespondedInTime: 3, Resolved: 4, Visited: 3,
			VisitResolved: 3, Satisfied: 2, VisitsMissing: 1,
			ResponseRate: f64(0.75), ResolutionRate: f64(1), SatisfactionRate: f64(0.6667), Score: f64(81.67),
			MedianResponseMinutes: f64(75), MedianResolutionHours: f64(24)},
	}
	results := map[string]string{}
	for _, st := range storetest.Kinds() {
		t.Run(st.Name, func(t *testing.T) {
			src := st.Open(t)
			seedAreas(t, src)
			s := New(Config{MinCount: 3, PublicIncidents: PublicPoints}, src, fengtai.Catalog(), quietLog())
			staff := token(t, src, layers.Staff)
			rateFixture(t, s, staff)

			rec := get(t, s, "/rates?by=community&datetime="+window, staff)
			if rec.Code != 200 {
				t.Fatalf("%d %s", rec.Code, rec.Body)
			}
			var ans struct {
				Groups []rates.Row `json:"groups"`
				Total  rates.Row   `json:"total"`
			}
			decode(t, rec, &ans)
			got, _ := json.Marshal(ans.Groups)
			want, _ := json.Marshal(wantCommunity)
			if string(got) != string(want) {
				t.Errorf("by community:\n got %s\nwant %s", got, want)
			}
			if ans.Total.Count != 6 || *ans.Total.ResponseRate != 0.6667 || *ans.Total.SatisfactionRate != 0.75 {
				t.Errorf("total %+v", ans.Total)
			}
			results[st.Name] = string(got)

			// By unit: I4 counts for the unit it was re-dispatched to; a
			// unit without a visit has no score and no rank.
			ans.Groups = nil // decoding into old rows would keep their ranks
			decode(t, get(t, s, "/rates?by=unit&datetime="+window, staff), &ans)
			if len(ans.Groups) != 2 || ans.Groups[0].Group != "城市管理办公室" || ans.Groups[0].Count != 5 || ans.Groups[0].Rank != 1 ||
				*ans.Groups[0].ResponseRate != 0.6 || *ans.Groups[0].SatisfactionRate != 0.75 || *ans.Groups[0].Score != 82 ||
				ans.Groups[1].Group != "新华街北里社区居委会" || ans.Groups[1].Rank != 0 || ans.Groups[1].Score != nil {
				t.Errorf("by unit: %+v", ans.Groups)
			}

			// Under the default policy (aggregates) the public gets rates from
			// the published monthly atoms only (rates_public_test.go): whole
			// months, by community or patch, never a count.
			agg := New(Config{MinCount: 3}, src, fengtai.Catalog(), quietLog())
			for _, bad := range []struct{ q, param string }{
				{"by=community&datetime=2026-06-01/2026-06-15", "datetime"}, {"by=unit", "by"}, {"by=category", "by"}, {"category=漏水", "category"},
			} {
				wantError(t, get(t, agg, "/rates?"+bad.q, ""), http.StatusBadRequest, bad.param)
			}
			for _, path := range []string{"/rates?by=community", "/rates.csv?by=patch"} {
				if rec := get(t, agg, path, ""); rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), `"count"`) ||
					strings.Contains(rec.Body.String(), "诉求数") {
					t.Errorf("public %s under aggregates: %d %s", path, rec.Code, rec.Body.String())
				}
			}
			if rec := get(t, agg, "/rates?by=community&datetime="+window, staff); rec.Code != http.StatusOK {
				t.Errorf("staff under aggregates: %d", rec.Code)
			}

			// With --public-incidents points: rates only, for groups of at
			// least --min-count (3) incidents; the total is withheld when any
			// group is hidden.
			rec = get(t, s, "/rates?by=community&datetime="+window, "")
			body := rec.Body.String()
			if rec.Code != 200 || strings.Contains(body, `"count"`) || !strings.Contains(body, `"total":null`) {
				t.Errorf("public: %s", body)
			}
			var pub struct {
				Groups []publicRate `json:"groups"`
			}
			decode(t, rec, &pub)
			if len(pub.Groups) != 2 || pub.Groups[0].Group != "新华街北里" || pub.Groups[0].Rank != 1 || *pub.Groups[0].Score != 81.67 ||
				!pub.Groups[1].Suppressed || pub.Groups[1].ResponseRate != nil {
				t.Errorf("public groups: %+v", pub.Groups)
			}

			// CSV.
			rec = get(t, s, "/rates.csv?by=community&datetime="+window, staff)
			lines := strings.Split(strings.TrimSpace(rec.Body.String()), "\n")
			if rec.Code != 200 || len(lines) != 3 || !strings.HasPrefix(lines[0], "\ufeff排名,分组,诉求数") ||
				!strings.HasPrefix(lines[1], "1,北大地西区,2,2,2,1,50.00,") {
				t.Errorf("CSV: %d %q", rec.Code, lines)
			}
			if !strings.Contains(rec.Header().Get("Content-Disposition"), "rates-community") {
				t.Errorf("CSV disposition %q", rec.Header().Get("Content-Disposition"))
			}

			for _, bad := range []struct{ q, param string }{
				{"by=street", "by"}, {"datetime=june", "datetime"}, {"f=pdf", "f"}, {"lang=fr&f=csv", "lang"}, {"lang=en", "lang"}, {"colour=red", "colour"}, {"category=飞碟", "category"},
			} {
				wantError(t, get(t, s, "/rates?"+bad.q, staff), http.StatusBadRequest, bad.param)
			}
		})
	}
	if len(results) == 2 && results["postgis"] != results["gpkg"] {
		t.Errorf("the stores disagree:\npostgis %s\ngpkg    %s", results["postgis"], results["gpkg"])
	}
}
