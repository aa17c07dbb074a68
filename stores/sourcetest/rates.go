package sourcetest

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"minqing/casework/rates"
	"minqing/layers"
	"minqing/layers/lifecycle"
)

// testRates checks that the three rates a store tallies in its own query
// (layers.RateTallier) are the table casework/rates.Compute makes of the
// same incidents streamed with Features — counts, rates, medians, overdue
// counts, score and ranking — grouped every way, over windows cutting days,
// with a category filter, at moments on and around due times, and again
// after lifecycle steps (respond, resolve, visit, reopen, return),
// concurrent steps, upserts and deletes.
func testRates(t *testing.T, src layers.Source, cat *layers.Catalog) {
	rt, ok := layers.As[layers.RateTallier](src)
	if !ok {
		t.Fatalf("%s store has no RateTallies", src.Kind())
	}
	l := layer(t, cat, "incidents")
	r := rand.New(rand.NewPCG(14, 3))
	start := time.Date(2026, 5, 28, 0, 0, 0, 0, layers.Shanghai)
	fs := make([]*layers.Feature, 240)
	for i := range fs {
		fs[i] = rateIncident(r, i, start)
	}
	ids := mustWrite(t, src, l, layers.Insert, fs).IDs
	checkRates(t, src, rt, l, fs, "after insert")

	st, ok := layers.As[lifecycle.Store](src)
	if !ok {
		t.Fatalf("%s store has no record of steps", src.Kind())
	}
	// Incidents written received with no steps: walk some through their
	// lifecycle, one step at a time, and check after each round.
	var fresh []*layers.Feature
	for i := range 40 {
		f := rateIncident(r, 1000+i, start)
		for _, k := range []string{"dispatched_at", "responded_at", "resolved_at", "closed_at", "visit_resolved", "satisfied", "unit", "level"} {
			delete(f.Props, k)
		}
		f.Props["status"] = lifecycle.Received
		fresh = append(fresh, f)
	}
	freshIDs := mustWrite(t, src, l, layers.Insert, fresh).IDs
	at := func(i, step int) time.Time {
		return fresh[i].Props["received_at"].(time.Time).Add(time.Duration(step)*97*time.Minute + time.Duration(i)*time.Second)
	}
	yes, no := true, false
	steps := []func(i int) lifecycle.Event{
		func(i int) lifecycle.Event {
			return lifecycle.Event{At: at(i, 1), Who: "t", Action: lifecycle.Dispatch, Unit: "城管科", Level: "科室"}
		},
		func(i int) lifecycle.Event { return lifecycle.Event{At: at(i, 2), Who: "t", Action: lifecycle.Respond} },
		func(i int) lifecycle.Event { return lifecycle.Event{At: at(i, 3), Who: "t", Action: lifecycle.Resolve} },
		func(i int) lifecycle.Event {
			return lifecycle.Event{At: at(i, 4), Who: "t", Action: lifecycle.Visit, Resolved: &yes, Satisfied: &no}
		},
		func(i int) lifecycle.Event { return lifecycle.Event{At: at(i, 5), Who: "t", Action: lifecycle.Reopen} },
		func(i int) lifecycle.Event {
			return lifecycle.Event{At: at(i, 6), Who: "t", Action: lifecycle.Return, Reason: "不属于本单位"}
		},
	}
	for s, step := range steps {
		for i, id := range freshIDs {
			if i%(s+2) == 0 { // fewer incidents take each later step
				continue
			}
			_, _, _ = st.AppendEvent(ctx(t), id, step(i), nil) // refused steps (a conflict) leave the incident as it is
		}
		checkRates(t, src, rt, l, fs, fmt.Sprintf("after lifecycle step %d", s+1))
	}

	// Concurrent steps on different incidents.
	var wg sync.WaitGroup
	for i, id := range freshIDs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, _ = st.AppendEvent(ctx(t), id, lifecycle.Event{At: at(i, 7), Who: "t", Action: lifecycle.Dispatch, Unit: "综合执法队", Level: "街道"}, nil)
			_, _, _ = st.AppendEvent(ctx(t), id, lifecycle.Event{At: at(i, 8), Who: "t", Action: lifecycle.Respond}, nil)
			_, _, _ = st.AppendEvent(ctx(t), id, lifecycle.Event{At: at(i, 9), Who: "t", Action: lifecycle.Resolve}, nil)
		}()
	}
	wg.Wait()
	checkRates(t, src, rt, l, fs, "after concurrent steps")

	// Edits (upserts by external id) and deletes.
	var moved []*layers.Feature
	for i := 0; i < len(fs); i += 4 {
		moved = append(moved, rateIncident(r, i, start))
	}
	mustWrite(t, src, l, layers.Upsert, moved)
	checkRates(t, src, rt, l, fs, "after edits")
	del, ok := layers.As[Deleter](src)
	if !ok {
		t.Fatalf("%s store has no Delete", src.Kind())
	}
	for _, id := range ids[:30] {
		if err := del.Delete(ctx(t), l, id); err != nil {
			t.Fatal(err)
		}
	}
	checkRates(t, src, rt, l, fs, "after deletes")
}

// rateIncident is a random incident around start: any of its facts may be
// missing, times carry sub-millisecond digits (each store keeps what it
// keeps), and many durations repeat so that medians meet ties.
func rateIncident(r *rand.Rand, i int, start time.Time) *layers.Feature {
	pick := func(vals ...string) string { return vals[r.IntN(len(vals))] }
	maybe := func(p float64) bool { return r.Float64() < p }
	received := start.Add(time.Duration(r.Int64N(int64(10*24*time.Hour))) + time.Duration(r.IntN(1000))*time.Microsecond + time.Duration(r.IntN(1000)))
	after := func(max time.Duration) time.Time {
		if maybe(0.3) { // a round number of minutes: ties
			return received.Add(time.Duration(r.IntN(int(max/time.Minute))+1) * time.Minute)
		}
		return received.Add(time.Duration(r.Int64N(int64(max))))
	}
	f := Incident(i, orb.Point{116.270 + 0.035*r.Float64(), 39.845 + 0.025*r.Float64()}, pick("水管爆裂", "停电", "施工扰民", "漏水", "供暖"))
	p := f.Props
	p["received_at"] = received
	p["status"] = pick("received", "dispatched", "in_progress", "resolved", "closed", "closed")
	p["community"] = pick("新华街北里", "新华街南里", "东安街头条", "")
	p["patch"] = pick("一片区", "二片区")
	p["unit"] = pick("城管科", "综合执法队", "社区居委会")
	if maybe(0.15) {
		p["community"] = nil
	}
	delete(p, "closed_at")
	delete(p, "satisfied")
	if maybe(0.8) {
		p["dispatched_at"] = after(3 * time.Hour)
	}
	if maybe(0.7) {
		p["responded_at"] = after(30 * time.Hour)
	}
	if maybe(0.6) {
		p["resolved_at"] = after(200 * time.Hour)
	}
	if maybe(0.5) {
		p["visit_resolved"] = maybe(0.7)
	}
	if maybe(0.5) {
		p["satisfied"] = maybe(0.7)
	}
	if maybe(0.6) { // stored due times; else both or one missing
		p["response_due"] = received.Add(time.Duration(r.IntN(48)+1) * time.Hour)
		if maybe(0.9) {
			p["resolution_due"] = received.Add(time.Duration(r.IntN(300)+1) * time.Hour)
		}
	}
	return f
}

// rateDeadlines are the deadlines of the checks: two categories listed, the
// rest the default.
var rateDeadlines = layers.RateQuery{
	Deadlines: map[string]layers.RateDeadline{
		"水管爆裂": {Response: time.Hour, Resolution: 24 * time.Hour},
		"停电":   {Response: 2 * time.Hour, Resolution: 72 * time.Hour},
	},
	Default: layers.RateDeadline{Response: 24 * time.Hour, Resolution: 15 * 24 * time.Hour},
}

// checkRates compares the store's tallies with rates.Compute over the
// streamed incidents for many queries.
func checkRates(t *testing.T, src layers.Source, rt layers.RateTallier, l *layers.Layer, fs []*layers.Feature, when string) {
	t.Helper()
	start := time.Date(2026, 5, 28, 0, 0, 0, 0, layers.Shanghai)
	tm := func(d time.Duration) *time.Time { v := start.Add(d); return &v }
	windows := map[string]*layers.TimeRange{
		"all":         nil,
		"whole days":  {Start: tm(2 * 24 * time.Hour), End: tm(6*24*time.Hour - time.Microsecond)},
		"cut days":    {Start: tm(30*time.Hour + 17*time.Minute + 3*time.Millisecond + 5), End: tm(7*24*time.Hour + 9*time.Hour + 1)},
		"open end":    {Start: tm(5*24*time.Hour + 7*time.Second)},
		"open start":  {End: tm(4*24*time.Hour + 11*time.Hour)},
		"empty":       {Start: tm(400 * 24 * time.Hour)},
		"single hour": {Start: tm(3*24*time.Hour + 10*time.Hour), End: tm(3*24*time.Hour + 11*time.Hour)},
	}
	// Moments: on a stored due time, a nanosecond either side, and a few
	// hours through the data.
	var nows []time.Time
	for _, f := range fs {
		if d, ok := f.Props["response_due"].(time.Time); ok {
			stored := d.Truncate(time.Millisecond) // on either store's grid
			nows = append(nows, stored, stored.Add(-1), stored.Add(1))
			break
		}
	}
	nows = append(nows, start.Add(3*24*time.Hour+5*time.Hour), start.Add(8*24*time.Hour+time.Hour+time.Millisecond/2), start.Add(60*24*time.Hour))
	// A store that keeps aggregates of its own (the PostGIS store's rate
	// facts in memory) is checked with them and without (its SQL tally).
	sw, _ := layers.As[rollupSwitch](src)
	modes := []string{"rollups"}
	if sw != nil {
		modes = append(modes, "raw")
	}
	for wname, win := range windows {
		for _, by := range []string{"community", "patch", "unit", "category"} {
			for ci, cats := range [][]string{nil, {"停电", "供暖"}} {
				for ni, now := range nows {
					if ni%2 != ci%2 && wname != "all" { // keep the product small
						continue
					}
					q := rateDeadlines
					q.GroupBy, q.Time, q.Categories, q.Now, q.EmptyGroup = by, win, cats, now, "(无)"
					name := fmt.Sprintf("%s: %s, by %s, categories %v, now %s", when, wname, by, cats, now.Format(time.RFC3339Nano))
					want, wantTotal := rawRates(t, src, l, q)
					for _, mode := range modes {
						if sw != nil {
							sw.SetRollups(mode == "rollups")
						}
						tg, tt, err := rt.RateTallies(ctx(t), l, q)
						if sw != nil {
							sw.SetRollups(true)
						}
						if err != nil {
							t.Fatalf("%s (%s): %v", name, mode, err)
						}
						got, gotTotal := rates.FromStoreTallies(tg, tt, rates.DefaultWeights())
						if a, b := js(got), js(want); a != b {
							t.Fatalf("%s (%s): groups\nstore:   %s\nCompute: %s", name, mode, a, b)
						}
						if a, b := js(gotTotal), js(wantTotal); a != b {
							t.Fatalf("%s (%s): total\nstore:   %s\nCompute: %s", name, mode, a, b)
						}
					}
				}
			}
		}
	}
}

// rawRates is the table rates.Compute makes of the streamed incidents, as
// the server's /rates made it before the stores tallied.
func rawRates(t *testing.T, src layers.Source, l *layers.Layer, q layers.RateQuery) ([]rates.Row, rates.Row) {
	t.Helper()
	lq := q.Rows()
	var incidents []rates.Incident
	err := src.Features(ctx(t), l, lq, func(f *layers.Feature) error {
		str := func(k string) string { v, _ := f.Props[k].(string); return v }
		tp := func(k string) *time.Time {
			if v, ok := f.Props[k].(time.Time); ok {
				return &v
			}
			return nil
		}
		bl := func(k string) *bool {
			if v, ok := f.Props[k].(bool); ok {
				return &v
			}
			return nil
		}
		in := rates.Incident{Group: str(q.GroupBy), Status: str("status"), DispatchedAt: tp("dispatched_at"),
			RespondedAt: tp("responded_at"), ResolvedAt: tp("resolved_at"), ResponseDue: tp("response_due"),
			ResolutionDue: tp("resolution_due"), VisitResolved: bl("visit_resolved"), Satisfied: bl("satisfied")}
		in.ReceivedAt = *tp("received_at")
		if in.ResponseDue == nil || in.ResolutionDue == nil {
			d, ok := q.Deadlines[str("category")]
			if !ok {
				d = q.Default
			}
			resp, res := in.ReceivedAt.Add(d.Response), in.ReceivedAt.Add(d.Resolution)
			in.ResponseDue, in.ResolutionDue = &resp, &res
		}
		if in.Group == "" {
			in.Group = q.EmptyGroup
		}
		incidents = append(incidents, in)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return rates.Compute(incidents, q.Now, rates.DefaultWeights())
}

func js(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
