package gpkg_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"minqing/casework/intake"
	"minqing/casework/rates"
	"minqing/deploy/fengtai"
	"minqing/deploy/fengtai/demo"
	"minqing/layers"
)

// BenchmarkRates tallies the three rates by community over the demo's
// incidents (MINQING_RATES_BENCH_INCIDENTS, default 20,000, over two years)
// both ways, same run: "streamed" reads every incident of the window with
// Features and tallies in Go (rates.Compute, /rates before the stores
// tallied), "tallied" is the store's grouped query (layers.RateTallier).
// Windows: the last 30 days (the default of /rates) and all two years.
func BenchmarkRates(b *testing.B) {
	n := 20000
	if v, err := strconv.Atoi(os.Getenv("MINQING_RATES_BENCH_INCIDENTS")); err == nil && v > 0 {
		n = v
	}
	asOf := time.Date(2026, 7, 1, 0, 0, 0, 0, layers.Shanghai)
	routing := intake.Defaults()
	for _, bs := range benchStores {
		b.Run(bs.name, func(b *testing.B) {
			ctx := context.Background()
			src := bs.open(b)
			cat := fengtai.Catalog()
			if _, err := demo.Load(ctx, src, cat, demo.Options{Incidents: n, Seed: demo.DefaultSeed, AsOf: asOf}, nil); err != nil {
				b.Fatal(err)
			}
			l, _ := cat.Lookup("incidents")
			month := asOf.Add(-30 * 24 * time.Hour)
			for _, w := range []struct {
				name string
				tr   *layers.TimeRange
			}{{"30days", &layers.TimeRange{Start: &month, End: &asOf}}, {"all", nil}} {
				q := layers.RateQuery{GroupBy: "community", Time: w.tr, Now: asOf, EmptyGroup: "(无)",
					Deadlines: map[string]layers.RateDeadline{}, Default: deadline(routing, routing.Default.Urgency)}
				for c, rt := range routing.Categories {
					q.Deadlines[c] = deadline(routing, rt.Urgency)
				}
				b.Run(w.name+"/streamed", func(b *testing.B) {
					for i := 0; i < b.N; i++ {
						var in []rates.Incident
						err := src.Features(ctx, l, layers.Query{Role: layers.Admin, Time: w.tr, Properties: []string{
							"community", "category", "status", "received_at", "dispatched_at", "responded_at", "resolved_at",
							"visit_resolved", "satisfied", "response_due", "resolution_due"}}, func(f *layers.Feature) error {
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
							g, _ := f.Props["community"].(string)
							s, _ := f.Props["status"].(string)
							in = append(in, rates.Incident{Group: g, Status: s, ReceivedAt: *tp("received_at"), DispatchedAt: tp("dispatched_at"),
								RespondedAt: tp("responded_at"), ResolvedAt: tp("resolved_at"), ResponseDue: tp("response_due"),
								ResolutionDue: tp("resolution_due"), VisitResolved: bl("visit_resolved"), Satisfied: bl("satisfied")})
							return nil
						})
						if err != nil {
							b.Fatal(err)
						}
						rates.Compute(in, asOf, rates.DefaultWeights())
					}
				})
				b.Run(w.name+"/tallied", func(b *testing.B) {
					rt := src.(layers.RateTallier)
					for i := 0; i < b.N; i++ {
						g, tot, err := rt.RateTallies(ctx, l, q)
						if err != nil {
							b.Fatal(err)
						}
						ts := make([]rates.Tally, len(g))
						for j, x := range g {
							ts[j] = rates.Tally{Row: rates.Row{Group: x.Group, Count: x.Count}, ResponseMiddle: x.ResponseMiddle}
						}
						rates.FromTallies(ts, rates.Tally{Row: rates.Row{Count: tot.Count}}, rates.DefaultWeights())
					}
				})
			}
		})
	}
}

func deadline(r *intake.Routing, urgency string) layers.RateDeadline {
	d := r.Deadlines[urgency]
	return layers.RateDeadline{Response: time.Duration(d.Response), Resolution: time.Duration(d.Resolution)}
}
