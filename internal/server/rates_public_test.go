package server

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"minqing/deploy/fengtai"
	"minqing/deploy/fengtai/demo"
	"minqing/geo/hex"
	"minqing/layers"
	"minqing/stores/storetest"
)

// rateRec is one incident as the public rates' truth needs it: its exact
// res-9 cell, its month and its two outcomes, judged here independently of
// casework/rates.
type rateRec struct {
	cell            hex.Cell
	month           string
	response, visit string
}

// readRateRecs reads every incident's cell, month and outcomes at now.
func readRateRecs(t *testing.T, s *Server, src layers.Source, now time.Time) []rateRec {
	t.Helper()
	l, _ := fengtai.Catalog().Lookup("incidents")
	var out []rateRec
	err := src.Features(context.Background(), l, layers.Query{Role: layers.Admin, Properties: rateProperties}, func(f *layers.Feature) error {
		c, err := hex.FromPoint(f.Geometry.(orb.Point), 9)
		if err != nil {
			return err
		}
		in := rateIncident(f, "", s.ext.intake.routing) // reads the fields; deadlines from the routing rules
		r := rateRec{cell: c, month: in.ReceivedAt.In(layers.Shanghai).Format("2006-01")}
		switch {
		case in.RespondedAt != nil && in.ResponseDue != nil && in.RespondedAt.After(*in.ResponseDue):
			r.response = "late"
		case in.RespondedAt != nil:
			r.response = "in_time"
		case in.ResponseDue != nil && now.After(*in.ResponseDue):
			r.response = "late"
		}
		if in.VisitResolved != nil {
			r.visit = map[bool]string{true: "resolved", false: "unresolved"}[*in.VisitResolved] + "_" +
				map[bool]string{true: "satisfied", false: "unsatisfied"}[*in.Satisfied]
		}
		out = append(out, r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// rateFamily is one (community, month) of the truth under the rule.
type rateFamily struct {
	total    int64
	whole    bool                        // suppressed whole: the total minus the shown cells is 1..k−1
	complete map[string]bool             // dim → every decided atom shown
	parts    map[string]map[string]int64 // dim → value → count (decided values)
}

// rateTruth builds the community families from the raw outcomes and the
// cell truth, applying the rule as docs/privacy.md states it.
func rateTruth(recs []rateRec, cellComm map[hex.Cell]string, cells *truth, k int64) map[string]map[string]*rateFamily {
	out := map[string]map[string]*rateFamily{}
	for _, r := range recs {
		g := cellComm[r.cell]
		if g == "" {
			continue
		}
		if out[g] == nil {
			out[g] = map[string]*rateFamily{}
		}
		f := out[g][r.month]
		if f == nil {
			f = &rateFamily{complete: map[string]bool{}, parts: map[string]map[string]int64{"response": {}, "visit": {}}}
			out[g][r.month] = f
		}
		f.total++
		f.parts["response"][r.response]++
		f.parts["visit"][r.visit]++
	}
	shownCells := map[string]map[string]int64{}
	for c, ms := range cells.fams {
		g := cellComm[c]
		for m, fam := range ms {
			if g != "" && fam.total.shown {
				if shownCells[g] == nil {
					shownCells[g] = map[string]int64{}
				}
				shownCells[g][m] += fam.total.n
			}
		}
	}
	for g, ms := range out {
		for m, f := range ms {
			d := f.total - shownCells[g][m]
			f.whole = d > 0 && d < k
			for dim, ps := range f.parts {
				// Threshold, "" never shown, then complementary suppression
				// of the smallest shown while the hidden add up to 1..k−1.
				var hidden int64
				var shown []string
				for v, n := range ps {
					if v == "" || n < k {
						hidden += n
					} else {
						shown = append(shown, v)
					}
				}
				complete := true
				for v, n := range ps {
					if v != "" && n > 0 && n < k {
						complete = false
					}
				}
				if f.total >= k && hidden > 0 && hidden < k && len(shown) > 0 {
					complete = false // at least one shown atom is suppressed in complement
				}
				f.complete[dim] = complete && !f.whole && f.total >= k
				delete(ps, "")
			}
		}
	}
	return out
}

// expectRate is a group's published rate over months: nil unless every
// family of the group's communities in the window is complete in dim.
func expectRate(fams map[string]map[string]*rateFamily, comms, months []string, dim string, num func(map[string]int64) int64) *float64 {
	var n, d int64
	any := false
	for _, g := range comms {
		for _, m := range months {
			f := fams[g][m]
			if f == nil {
				continue
			}
			if !f.complete[dim] {
				return nil
			}
			any = true
			n += num(f.parts[dim])
			for _, c := range f.parts[dim] {
				d += c
			}
		}
	}
	if !any || d == 0 {
		return nil
	}
	v := math.Round(float64(n)/float64(d)*1e4) / 1e4
	return &v
}

// TestPublicRatesAdversary plays the public rates against the demo on both
// stores: for every month, sliding quarters, years and the whole range, by
// community and by patch, every published rate must equal the one recomputed
// here from the shown atoms of the community-month families (independently
// of package disclose), and be withheld exactly when a month of the window
// is incomplete. So every public rate is a function of the published atoms,
// whose rule hides every small count and every small difference against the
// published cells. The test fails if the demo gives no published, no
// complementarily suppressed, or no wholly suppressed family (it would prove
// nothing).
func TestPublicRatesAdversary(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		if _, err := demo.Load(context.Background(), src, fengtai.Catalog(), demo.Options{Incidents: 12000, AsOf: privacyAsOf}, nil); err != nil {
			t.Fatal(err)
		}
		s := newAggregateServer(t, src)
		now := time.Now()
		recs := readIncidents(t, src)
		cells := storeTruth(t, s, src, recs)
		cellComm := map[hex.Cell]string{}
		byComm := communityCells(t, src, cells)
		for name, cs := range byComm {
			for _, c := range cs {
				cellComm[c] = name
			}
		}
		// Cells with incidents that the truth may not list (none expected):
		// place them too, by the same centre rule.
		rr := readRateRecs(t, s, src, now)
		fams := rateTruth(rr, cellComm, cells, 5)

		var published, complement, whole int
		for _, ms := range fams {
			for _, f := range ms {
				switch {
				case f.whole:
					whole++
				case f.complete["response"]:
					published++
				case f.total >= 5:
					complement++
				}
			}
		}
		t.Logf("community-months: %d with the response rate published, %d incomplete, %d suppressed whole", published, complement, whole)
		if published == 0 || complement == 0 || whole == 0 {
			t.Fatal("the demo does not exercise every branch of the rule: the checks would prove little")
		}

		patches := communityPatches(t, src)
		var windows [][]string
		for _, m := range monthsBetween("2024-03", "2026-02") {
			windows = append(windows, []string{m})
		}
		for _, m := range monthsBetween("2024-03", "2025-12") {
			windows = append(windows, monthsBetween(m, monthsBetween(m, "2026-12")[2]))
		}
		windows = append(windows, monthsBetween("2025-01", "2025-12"), monthsBetween("2024-03", "2026-02"))
		checked, shownRates := 0, 0
		for _, w := range windows {
			for _, by := range []string{"community", "patch"} {
				q := url.Values{"by": {by}, "datetime": {w[0] + "/" + w[len(w)-1]}}
				rec := get(t, s, "/rates?"+q.Encode(), "")
				if rec.Code != http.StatusOK {
					t.Fatalf("%s: %d %s", q.Encode(), rec.Code, rec.Body)
				}
				body := rec.Body.String()
				for _, leak := range []string{`"count"`, `"responded_in_time"`, `"visited"`, `"median_`} {
					if strings.Contains(body, leak) {
						t.Fatalf("%s: the public answer holds %s", q.Encode(), leak)
					}
				}
				var ans struct {
					Months []string     `json:"months"`
					Groups []publicRate `json:"groups"`
				}
				if err := json.Unmarshal(rec.Body.Bytes(), &ans); err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(ans.Months, w) {
					t.Fatalf("%s: months %v, want %v", q.Encode(), ans.Months, w)
				}
				for _, g := range ans.Groups {
					comms := []string{g.Group}
					if by == "patch" {
						comms = patches[g.Group]
					}
					for _, c := range []struct {
						name string
						got  *float64
						dim  string
						num  func(map[string]int64) int64
					}{
						{"response", g.ResponseRate, "response", func(p map[string]int64) int64 { return p["in_time"] }},
						{"resolution", g.ResolutionRate, "visit", func(p map[string]int64) int64 {
							return p["resolved_satisfied"] + p["resolved_unsatisfied"]
						}},
						{"satisfaction", g.SatisfactionRate, "visit", func(p map[string]int64) int64 {
							return p["resolved_satisfied"] + p["unresolved_satisfied"]
						}},
					} {
						want := expectRate(fams, comms, w, c.dim, c.num)
						checked++
						if c.got != nil {
							shownRates++
						}
						if fmt.Sprint(deref(c.got)) != fmt.Sprint(deref(want)) {
							t.Errorf("%s %s %s: got %v, want %v (from the shown atoms)", q.Encode(), g.Group, c.name, deref(c.got), deref(want))
						}
					}
				}
			}
		}
		if shownRates == 0 {
			t.Fatal("no public rate was published in any window")
		}
		t.Logf("%d rates checked, %d published", checked, shownRates)
	})
}

// deref shows a rate or "withheld".
func deref(p *float64) any {
	if p == nil {
		return "withheld"
	}
	return *p
}

// communityPatches returns the communities of each patch, from the
// communities layer.
func communityPatches(t *testing.T, src layers.Source) map[string][]string {
	t.Helper()
	l, _ := fengtai.Catalog().Lookup("communities")
	out := map[string][]string{}
	err := src.Features(context.Background(), l, layers.Query{Role: layers.Staff}, func(f *layers.Feature) error {
		name, _ := f.Props["name"].(string)
		patch, _ := f.Props["patch"].(string)
		out[patch] = append(out[patch], name)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// withoutPublications hides a store's publications: the server then counts
// the rate families afresh at every incidents version.
type withoutPublications struct{ layers.Source }

// TestPublicRatesFrozen: a settled month's public rates are frozen the
// first time they are asked. Reopening every visited incident of a
// community-month afterwards changes what a fresh count gives (the
// resolution rate is withheld: no visits left) but not what the public is
// shown, by this server or a new one on the same store — so two snapshots
// of the public rates cannot time a step on an old incident.
func TestPublicRatesFrozen(t *testing.T) {
	storetest.Each(t, func(t *testing.T, src layers.Source) {
		if _, err := demo.Load(context.Background(), src, fengtai.Catalog(), demo.Options{Incidents: 12000, AsOf: privacyAsOf}, nil); err != nil {
			t.Fatal(err)
		}
		s := newAggregateServer(t, src)
		staff := token(t, src, layers.Staff)
		ask := func(s *Server, month string) map[string]publicRate {
			t.Helper()
			rec := get(t, s, "/rates?by=community&datetime="+month, "")
			if rec.Code != http.StatusOK {
				t.Fatalf("%d %s", rec.Code, rec.Body)
			}
			var ans struct {
				Groups []publicRate `json:"groups"`
			}
			decode(t, rec, &ans)
			out := map[string]publicRate{}
			for _, g := range ans.Groups {
				out[g.Group] = g
			}
			return out
		}
		// A community-month with a published resolution rate.
		recs := readIncidents(t, src)
		cells := storeTruth(t, s, src, recs)
		byComm := communityCells(t, src, cells)
		var month, comm string
		var before map[string]publicRate
		for _, m := range monthsBetween("2025-06", "2026-02") {
			before = ask(s, m)
			for g, r := range before {
				if r.ResolutionRate != nil {
					month, comm = m, g
					break
				}
			}
			if comm != "" {
				break
			}
		}
		if comm == "" {
			t.Fatal("no community-month with a published resolution rate in the demo")
		}
		inComm := map[hex.Cell]bool{}
		for _, c := range byComm[comm] {
			inComm[c] = true
		}
		reopened := 0
		for _, r := range recs {
			if r.month != month || !inComm[r.exact] {
				continue
			}
			body := fmt.Sprintf(`{"action":"reopen","at":%q,"note":"test"}`, time.Now().UTC().Format(time.RFC3339))
			if rec := postJSON(t, s, fmt.Sprintf("/incidents/%d/events", r.id), staff, body); rec.Code == http.StatusCreated {
				reopened++
			}
		}
		if reopened == 0 {
			t.Fatalf("no incident of %s in %s could be reopened", comm, month)
		}
		fresh := ask(newAggregateServer(t, withoutPublications{src}), month)
		if fresh[comm].ResolutionRate != nil {
			t.Fatalf("after reopening %d incidents a fresh count still has a resolution rate for %s in %s: the test proves nothing", reopened, comm, month)
		}
		for name, srv := range map[string]*Server{"the same server": s, "a new server": newAggregateServer(t, src)} {
			after := ask(srv, month)
			got, _ := json.Marshal(after)
			want, _ := json.Marshal(before)
			if string(got) != string(want) {
				t.Errorf("%s: the public rates of %s changed after %d reopens:\nbefore %s\nafter  %s", name, month, reopened, want, got)
			}
		}
	})
}
