package demo

import (
	"context"
	"fmt"
	"time"

	"minqing/casework/rates"
	"minqing/layers"
	"minqing/layers/lifecycle"
)

// The three rates the demo must show (README "The three rates").
const (
	// MinResponseRate: 响应率, contacted within the response deadline; the
	// demo's units contact the caller in time whenever they were
	// dispatched in time (95.6 %).
	MinResponseRate = 0.90
	// MinResolutionRate: 解决率 at 回访.
	MinResolutionRate = 0.90
)

// recordSample checks the record of every recordSample-th incident.
const recordSample = 97

// checkRecords asserts the three rates on the loaded incidents and, where
// the store keeps records of steps, that a sample of incidents have a
// record whose replay is their stored state.
func checkRecords(ctx context.Context, src Reader, cat *layers.Catalog, t *tally) error {
	l, ok := cat.Lookup(lIncidents)
	if !ok {
		return nil
	}
	if _, ok := l.Field("response_due"); !ok {
		return nil
	}
	es, hasRecords := layers.As[lifecycle.Store](src)
	var in []rates.Incident
	var asOf time.Time
	i := 0
	var sample []*layers.Feature
	err := src.Features(ctx, l, layers.Query{Role: layers.Admin, Properties: []string{"status", "received_at", "dispatched_at",
		"responded_at", "resolved_at", "closed_at", "unit", "level", "satisfied", "visit_resolved", "response_due", "resolution_due"}},
		func(f *layers.Feature) error {
			tp := func(k string) *time.Time {
				if v, ok := f.Props[k].(time.Time); ok {
					return &v
				}
				return nil
			}
			bp := func(k string) *bool {
				if v, ok := f.Props[k].(bool); ok {
					return &v
				}
				return nil
			}
			r := rates.Incident{Status: f.Props["status"].(string), ReceivedAt: *tp("received_at"), DispatchedAt: tp("dispatched_at"),
				RespondedAt: tp("responded_at"), ResolvedAt: tp("resolved_at"), ResponseDue: tp("response_due"),
				ResolutionDue: tp("resolution_due"), VisitResolved: bp("visit_resolved"), Satisfied: bp("satisfied")}
			if r.ResponseDue == nil || r.ResolutionDue == nil {
				t.failf("incident %d has no due times", f.ID)
			}
			if r.ReceivedAt.After(asOf) {
				asOf = r.ReceivedAt
			}
			in = append(in, r)
			if i++; hasRecords && i%recordSample == 0 {
				sample = append(sample, f)
			}
			return nil
		})
	if err != nil {
		return fmt.Errorf("demo: reading incidents: %w", err)
	}
	if len(in) == 0 {
		return nil
	}
	_, total := rates.Compute(in, asOf, rates.DefaultWeights())
	check := func(name string, v *float64, lo, hi float64) {
		if v == nil || *v < lo || *v > hi {
			t.failf("%s is %v, want %.1f–%.1f %%", name, pct(v), 100*lo, 100*hi)
		}
	}
	check("响应率 (contacted within the response deadline)", total.ResponseRate, MinResponseRate, 1)
	check("解决率 (resolved at 回访)", total.ResolutionRate, MinResolutionRate, 1)
	check("满意率 (satisfied at 回访)", total.SatisfactionRate, MinSatisfied, MaxSatisfied)
	for _, f := range sample {
		events, err := es.Events(ctx, f.ID)
		if err != nil {
			return fmt.Errorf("demo: the record of incident %d: %w", f.ID, err)
		}
		st, err := lifecycle.Replay(f.Props["received_at"].(time.Time), events)
		if err != nil {
			t.failf("the record of incident %d does not replay: %v", f.ID, err)
			continue
		}
		if st.Status != f.Props["status"] || !sameTime(st.DispatchedAt, f.Props["dispatched_at"]) ||
			!sameTime(st.RespondedAt, f.Props["responded_at"]) || !sameTime(st.ClosedAt, f.Props["closed_at"]) {
			t.failf("incident %d: its record says %s, the incident is %v", f.ID, st.Status, f.Props["status"])
		}
	}
	return nil
}

func pct(v *float64) string {
	if v == nil {
		return "undefined"
	}
	return fmt.Sprintf("%.1f %%", 100**v)
}

func sameTime(a *time.Time, b any) bool {
	bt, ok := b.(time.Time)
	if a == nil || !ok {
		return a == nil && !ok
	}
	return a.Equal(bt)
}
